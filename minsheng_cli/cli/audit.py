"""Commands that supervise the supervision and keep the register trustworthy:
overlaps (重复监督), log, verify, backup, export, config — and ``issues --common``
(共性问题), which ``cli/supervision.py`` hands over to here.  ``install`` also wires in
``issue`` and ``transfer-list`` (``cli/workflow.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli.cli import completion as complete
from minsheng_cli.cli.common import (
    FormatOpt,
    OutputOpt,
    PeriodOpt,
    StdoutFormatOpt,
    emit,
    fail,
    now_stamp,
    output_format,
    register,
    say,
    state,
    today,
    write_context,
)
from minsheng_cli.domain import values
from minsheng_cli.domain.periods import parse_date

# -- common issues and overlaps ------------------------------------------------------------------


def common_issues(ctx: typer.Context, min_projects: int, fmt: str | None,
                  out: Path | None = None) -> None:
    """``issues --common``: categories (and category × department) across N projects."""
    from minsheng_cli.render.printable import labelled
    from minsheng_cli.services import audit as uses

    rows = uses.common_issues(register(ctx), min_projects)
    columns = [
        labelled("scope", "范围", "scope"),
        labelled("category", "类别", "category", "enum", "category"),
        labelled("department", "整改责任单位", "department"),
        labelled("projects", "项目数", "projects", "int"),
        labelled("issues", "问题数", "issues", "int"),
        labelled("codes", "项目", "projects (codes)"),
        labelled("issue_ids", "问题编号", "issue ids"),
    ]
    zh = state(ctx).lang == "zh"
    human = output_format(fmt, out, quiet=True) in ("table", "markdown")  # emit notes it
    for row in rows:
        if human:
            by_category = row["scope"] == "category"
            row["scope"] = ("类别" if by_category else "类别×单位") if zh else (
                "category" if by_category else "category × department")
    emit(ctx, rows, columns, fmt, out=out, title="共性问题" if zh else "Common issues",
         empty=f"no common issues: no category's open issues span {min_projects} or more "
         "projects")


def overlaps(ctx: typer.Context, period: PeriodOpt = None, out: OutputOpt = None,
             fmt: FormatOpt = None) -> None:
    """Visits by two groups to one project within overlap_days (重复监督)."""
    from minsheng_cli.cli.supervision import resolve_period
    from minsheng_cli.render.printable import labelled
    from minsheng_cli.services import audit as uses

    found = uses.overlaps(register(ctx), resolve_period(period))
    if found.within_days == 0:
        say("minsheng: the overlap check is off (overlap_days = 0; see `minsheng config`)")
        return
    columns = [
        labelled("code", "编号", "code"), labelled("project", "项目", "project"),
        labelled("first_date", "先查看日期", "first date"),
        labelled("first_group", "先查看小组", "first group"),
        labelled("first_visit", "走访", "visit", "int"),
        labelled("second_date", "后查看日期", "second date"),
        labelled("second_group", "后查看小组", "second group"),
        labelled("second_visit", "走访", "visit", "int"),
        labelled("days_apart", "相隔天数", "days apart", "int"),
    ]
    emit(ctx, found.pairs, columns, fmt, out=out,
         empty=f"no two groups visited a project within {found.within_days} days")


# -- log and verify ------------------------------------------------------------------------------


def log(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Option("--project", help="Only this project's rows, "
                                                "visits and issues",
                                                autocompletion=complete.complete_code)] = None,
    issue: Annotated[int | None, typer.Option("--issue", help="Only this issue and its "
                                              "steps", autocompletion=complete.complete_issue,
                                              min=1, max=2**62)] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only events written on or "
                                              "after this day (by the clock of the write), "
                                              "YYYY-MM-DD")] = None,
    table: Annotated[str | None, typer.Option("--table", help="Only rows of this table")] = None,
    out: OutputOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """The audit history: every write, who made it, with which command, and the row."""
    from minsheng_cli.render.printable import labelled
    from minsheng_cli.services import audit as uses

    rows = uses.log(register(ctx), code=project, issue_id=issue,
                    since=parse_date(since, "since") if since else None, table=table)
    chosen = output_format(fmt, out, quiet=True)  # emit notes a mismatch
    if chosen in ("json", "jsonl"):
        import json

        for row in rows:
            row["content"] = json.loads(row["content"])
    columns = [
        labelled("id", "序号", "event", "int"), labelled("at", "时间", "at"),
        labelled("actor", "记录人", "by"), labelled("command", "命令", "command"),
        labelled("table_name", "表", "table"), labelled("row_key", "行", "row"),
        labelled("action", "操作", "action"), labelled("content", "内容", "content"),
    ]
    if chosen not in ("table", "markdown"):
        columns.append(labelled("hash", "哈希", "hash"))
    emit(ctx, rows, columns, chosen, out=out, empty="no events found")


def verify(ctx: typer.Context, fmt: StdoutFormatOpt = None) -> None:
    """Check the audit chain, every row against its last logged content, and SQLite's
    integrity; exit 0 when all holds, 1 with each problem listed."""
    from minsheng_cli.render.output import dump_json
    from minsheng_cli.services import audit as uses

    result = uses.verify(register(ctx))
    chosen = output_format(fmt)
    if chosen in ("json", "jsonl"):
        dump_json({
            "ok": result.ok, "events": result.events, "head_id": result.head_id,
            "head_hash": result.head_hash, "rows": result.rows,
            "problems": [{"kind": p.kind, "table": p.table, "key": p.key, "detail": p.detail,
                          "message": str(p)} for p in result.problems],
        }, fmt=chosen)
    else:
        for problem in result.problems:
            typer.echo(f"{problem.kind}\t{problem}")
        rows = sum(result.rows.values())
        head = f"head #{result.head_id} {result.head_hash}" if result.head_id else "empty log"
        verdict = "ok" if result.ok else f"{len(result.problems)} problem(s)"
        typer.echo(f"verify: {verdict} — {result.events} audit events ({head}), {rows} rows in "
                   f"{len(result.rows)} tables checked, SQLite integrity checked")
    if not result.ok:
        raise typer.Exit(1)


# -- backup, export, config ---------------------------------------------------------------------


def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Where to write the copy")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists")] = False,
) -> None:
    """Copy the register with SQLite's online backup (consistent while others write)."""
    from minsheng_cli.services import audit as uses

    copied = uses.backup(register(ctx), file, force=force)
    if copied["integrity"] != "ok":
        fail(f"the copy at {file} failed SQLite's integrity check: {copied['integrity']}", 3)
    say(f"backup written: {copied['path']} ({copied['bytes']} bytes, {copied['events']} audit "
        f"events, head {copied['head_hash'][:16]}…, integrity ok)")


def export(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Folder to write into (default: minsheng-export-DATE)")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="json | csv",
                                     autocompletion=complete.choices("json", "csv"))] = "json",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an earlier export in the "
                                        "folder")] = False,
) -> None:
    """Export every table, one UTF-8 file per table, with a manifest (for archives)."""
    from minsheng_cli.render.export import write_export
    from minsheng_cli.services import audit as uses

    fmt = fmt.strip().lower()
    if fmt not in ("json", "csv"):
        raise values.InvalidValue("format", fmt, "json | csv")
    folder = out or Path(f"minsheng-export-{today().isoformat()}")
    with uses.export(register(ctx), folder, fmt, force=force, exported_at=now_stamp()) as dump:
        write_export(folder, dump, fmt)
    say(f"exported {len(dump.names)} tables to {folder}/ ({fmt}, UTF-8)")


def config(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(help="Setting to show or set",
                                              autocompletion=complete.complete_setting)] = None,
    value: Annotated[str | None, typer.Argument(help="New value")] = None,
    out: OutputOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Show the settings (value, default, description), or set one: config KEY VALUE."""
    from minsheng_cli.domain.settings import SETTINGS, check_setting
    from minsheng_cli.render.printable import labelled
    from minsheng_cli.services import audit as uses

    if value is not None:
        changed = uses.set_config(register(ctx), write_context(ctx), key, value)
        say(f"{changed.key} = {changed.new}" + (f" (was {changed.old})" if changed.written
                                                else " (unchanged)"))
        return
    if key is not None and key not in SETTINGS:
        check_setting(key, "")  # raises, naming the known settings
    rows = [r for r in uses.config(register(ctx)) if key is None or r["key"] == key]
    columns = [
        labelled("key", "设置项", "setting"), labelled("value", "值", "value"),
        labelled("default", "默认值", "default"), labelled("description", "说明", "description"),
        labelled("updated_at", "修改时间", "set at"), labelled("updated_by", "修改人", "set by"),
    ]
    emit(ctx, rows, columns, fmt, out=out, empty="")


def install(app: typer.Typer) -> None:
    from minsheng_cli.cli import workflow

    app.add_typer(workflow.app, name="issue")
    app.command("transfer-list")(workflow.transfer_list)
    app.command()(overlaps)
    app.command()(log)
    app.command()(verify)
    app.command()(backup)
    app.command()(export)
    app.command()(config)

"""Commands for the register and the year's list: init, info, add-project, projects, show,
plan, progress.  Each command: parse → one service call → render."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli.cli import completion
from minsheng_cli.cli.common import (
    AsOfOpt,
    CodeArg,
    DateOpt,
    DoneOpt,
    FormatOpt,
    FundsOpt,
    NewCodeArg,
    OutputOpt,
    PctOpt,
    StdoutFormatOpt,
    app_dir_db_path,
    as_of_or_today,
    emit,
    optional_text,
    output_format,
    parse_year,
    register,
    say,
    state,
    today,
    whole_number,
    write_context,
)
from minsheng_cli.domain import values
from minsheng_cli.domain.model import Figure, NewProgress, NewProject, parse_code
from minsheng_cli.domain.periods import parse_date

# Filters of the project lists (projects, deviation), completed from the register.
ItemOpt = Annotated[str | None, typer.Option(help="Only this item (件)",
                                             autocompletion=completion.complete_item)]
DepartmentOpt = Annotated[str | None, typer.Option(
    help="Only this lead department", autocompletion=completion.complete_department)]
DistrictOpt = Annotated[str | None, typer.Option(help="Only this district",
                                                 autocompletion=completion.complete_district)]

PROJECT_COLUMNS = (
    "code", "year", "item", "name", "department", "partners", "district", "leader",
    "target:num", "unit", "budget:num", "start", "due",
)


def sample_folder() -> Path:
    """data/sample, shipped inside the package (wheel) or beside it (source checkout)."""
    here = Path(__file__).resolve().parent.parent
    for folder in (here / "data" / "sample", here.parent / "data" / "sample"):
        if folder.is_dir():
            return folder
    raise FileNotFoundError("sample data not found in the installation")


def init(
    ctx: typer.Context,
    sample: Annotated[
        bool, typer.Option("--sample", help="Load the bundled sample register (示例数据, 2021)")
    ] = False,
) -> None:
    """Create the register, or upgrade an existing one to the current schema."""
    from minsheng_cli import services
    from minsheng_cli.render.sheets import read_sheet
    from minsheng_cli.services import imports

    st = state(ctx)
    if st.db_path == app_dir_db_path():  # first run without --db: make the per-user folder
        st.db_path.parent.mkdir(parents=True, exist_ok=True)
    reg = services.create_register(st.register_path())
    st.register = reg
    ctx.find_root().call_on_close(st.close)
    for name in reg.upgraded:
        say(f"applied {name}")
    say(f"register ready: {reg.path}")
    if sample:
        context = write_context(ctx)
        counts = imports.load_sample(reg, context, sample_folder(), today(), read_sheet)
        say("loaded sample data (示例数据, not official figures): "
            + ", ".join(f"{n} {k}" for k, n in counts.items()))


def info(ctx: typer.Context, fmt: StdoutFormatOpt = None) -> None:
    """Show the register's path, schema version and row counts."""
    from minsheng_cli.render.output import dump_json
    from minsheng_cli.services import register as uses

    data = uses.info(register(ctx))
    if output_format(fmt) in ("json", "jsonl"):
        dump_json(data, fmt=output_format(fmt))
        return
    rows = [{"table": "path", "rows": data["path"]},
            {"table": "schema_version", "rows": f"{data['schema_version']} ({data['schema']})"}]
    rows += [{"table": t, "rows": n} for t, n in data["counts"].items()]
    from minsheng_cli.render.output import cols

    emit(ctx, rows, cols("table", "rows"), fmt, empty="")


def add_project(
    ctx: typer.Context,
    code: NewCodeArg,
    name: Annotated[str, typer.Argument(help="Project name (项目名称)")],
    item: Annotated[str | None, typer.Option(help="Item (件) it belongs to, e.g. 教育提升",
                                             autocompletion=completion.complete_item)] = None,
    content: Annotated[str | None, typer.Option(help="Content / target text (建设内容)")] = None,
    department: Annotated[str | None, typer.Option(
        help="Lead department (牵头单位)", autocompletion=completion.complete_department)] = None,
    partners: Annotated[str | None, typer.Option(help="Partner units (配合单位)")] = None,
    district: Annotated[str | None, typer.Option(
        help="District (区县)", autocompletion=completion.complete_district)] = None,
    leader: Annotated[str | None, typer.Option(help="Responsible leader (分管领导)")] = None,
    target: Annotated[str | None, typer.Option(help="Target quantity (目标数量)")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit of the target, e.g. 个")] = None,
    budget: Annotated[str | None, typer.Option(help="Planned investment, 万元")] = None,
    start: Annotated[str | None, typer.Option(help="Start date (default 1 Jan)")] = None,
    due: Annotated[str | None, typer.Option(help="Due date (default 31 Dec of the year)")] = None,
    year: Annotated[str | None, typer.Option(help="Year of the list (default: start's, or "
                                             "this year)")] = None,
) -> None:
    """Add a project (项) to the year's list."""
    from minsheng_cli.services import register as uses

    start_d = parse_date(start, "start") if start else None
    due_d = parse_date(due, "due") if due else None
    year_n = parse_year(year) or (start_d or due_d or today()).year
    project = NewProject(
        code=parse_code(code), name=values.parse_text(name, "name"), year=year_n,
        start=start_d or date(year_n, 1, 1), due=due_d or date(year_n, 12, 31),
        item=optional_text(item, "item"), content=optional_text(content, "content"),
        department=optional_text(department, "department"),
        partners=optional_text(partners, "partners"),
        district=optional_text(district, "district"), leader=optional_text(leader, "leader"),
        target=positive(target, "target"), unit=optional_text(unit, "unit"),
        budget=values.parse_money(budget, "budget") if budget is not None else None,
    )
    uses.add_project(register(ctx), write_context(ctx), project)
    say(f"added project {project.code}")


def positive(text: str | None, field: str) -> float | None:
    return None if text is None else values.parse_target(text, field)


def projects(
    ctx: typer.Context,
    item: ItemOpt = None,
    department: DepartmentOpt = None,
    district: DistrictOpt = None,
    year: Annotated[str | None, typer.Option(help="Only this year")] = None,
    out: OutputOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """List the projects on the list."""
    from minsheng_cli.render.output import cols
    from minsheng_cli.services import register as uses

    rows = uses.projects(register(ctx), item=item, department=department, district=district,
                         year=parse_year(year))
    emit(ctx, rows, cols(*PROJECT_COLUMNS), fmt, out=out, empty="no projects found")


def show(
    ctx: typer.Context, code: CodeArg, as_of: AsOfOpt = None, fmt: StdoutFormatOpt = None
) -> None:
    """One project's whole card: where it stands against 序时进度, plan points, progress
    history, visits, issues; in the table format, a chart of its progress against 序时进度
    under it (plain when piped with -f table).  With --as-of, the card as it stood at the
    end of that day: figures and visits dated by then, issues as they stood then."""
    from minsheng_cli.render import cards
    from minsheng_cli.services import register as uses
    from minsheng_cli.services import reports

    reg, day = register(ctx), as_of_or_today(as_of)
    card = uses.project_card(reg, code, day)
    card.standing = reports.standing(reg, code, day)
    cards.write_project_card(card, output_format(fmt), state(ctx).lang)


def plan(
    ctx: typer.Context,
    code: CodeArg,
    day: Annotated[str, typer.Argument(metavar="DATE", help="Date of the plan point")],
    pct: Annotated[str, typer.Argument(metavar="PCT", help="Planned cumulative percent")],
) -> None:
    """Record a plan point (节点计划): by DATE the project should stand at PCT %."""
    from minsheng_cli.services import register as uses

    point = parse_date(day, "date"), values.parse_pct(pct, "pct")
    uses.add_plan_point(register(ctx), write_context(ctx), code, *point)
    say(f"plan point {code} {point[0]} {point[1]:g}%")


def figure_of(pct: str | None, done: str | None, funds: str | None) -> Figure:
    figure = Figure(
        pct=values.parse_pct(pct, "pct") if pct is not None else None,
        done=values.parse_quantity(done, "done") if done is not None else None,
        funds=values.parse_money(funds, "funds") if funds is not None else None,
    )
    figure.validate()
    return figure


def progress(
    ctx: typer.Context,
    code: CodeArg,
    pct: PctOpt = None,
    done: DoneOpt = None,
    funds: FundsOpt = None,
    day: DateOpt = None,
    note: Annotated[str | None, typer.Option(help="Note on the report")] = None,
    corrects: Annotated[str | None, typer.Option(
        metavar="ID", help="Correct figure ID (see `show CODE`): this figure replaces it")] = None,
    void: Annotated[bool, typer.Option(
        "--void", help="With --corrects: void figure ID without a replacement (say why in "
        "--note)")] = False,
) -> None:
    """Record a department's progress report (--pct P or --done QTY); prints its id.

    Nothing is deleted: a wrong figure is corrected by a new one with --corrects ID (it
    keeps the old figure's date unless --date is given, and its progress or funds when
    only the other is given), or voided with --corrects ID --void; the old figure stays
    in the register and in `log`, and no longer counts."""
    from minsheng_cli.services import register as uses

    figure = figure_of(pct, done, funds)
    corrected = whole_number(corrects, "corrects", 1, 2**62, "an id, a whole number ≥ 1")
    report = NewProgress(
        code=code, date=parse_date(day, "date") if day else (None if corrected else today()),
        figure=figure, note=optional_text(note, "note"), corrects=corrected,
    )
    report.check_correction(void)
    recorded = uses.add_progress(register(ctx), write_context(ctx), report, today())
    typer.echo(recorded.id)
    if recorded.kept:
        kept = ", ".join(f"{key} {value:.15g}" for key, value in recorded.kept.items())
        say(f"minsheng: figure {recorded.id} replaces figure {corrected}; kept from it: {kept}")
    for note in recorded.notes:
        say(note)



def install(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(info)
    app.command("add-project")(add_project)
    app.command()(projects)
    app.command()(show)
    app.command()(plan)
    app.command()(progress)

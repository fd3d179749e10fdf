"""Commands of the supervision groups: add-group, assign, groups, add-visit, visits, flag,
issues."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli.cli import completion as complete
from minsheng_cli.cli.common import (
    CodeArg,
    DateOpt,
    DoneOpt,
    FormatOpt,
    FundsOpt,
    OutputOpt,
    PctOpt,
    PeriodOpt,
    emit,
    optional_text,
    register,
    say,
    today,
    whole_number,
    write_context,
)
from minsheng_cli.cli.register import figure_of
from minsheng_cli.domain import values
from minsheng_cli.domain.errors import UserError
from minsheng_cli.domain.model import NewGroup, NewIssue, NewVisit
from minsheng_cli.domain.periods import parse_date

GroupOpt = Annotated[str, typer.Option("--group", "-g", help="Supervision group (监督小组) name",
                                       autocompletion=complete.complete_group)]
GroupFilterOpt = Annotated[str | None, typer.Option(
    "--group", "-g", help="Only this group", autocompletion=complete.complete_group)]
ProjectFilterOpt = Annotated[str | None, typer.Option(
    help="Only this project code", autocompletion=complete.complete_code)]


def add_group(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Group name, e.g. 东城区人大监督小组")],
    level: Annotated[str, typer.Option(help="grassroots (基层, monthly) | municipal (市级, "
                                       "quarterly)", autocompletion=complete.complete_level)],
    district: Annotated[str | None, typer.Option(
        help="District the group covers", autocompletion=complete.complete_district)] = None,
    members: Annotated[str | None, typer.Option(help="Members, e.g. 张某、李某")] = None,
) -> None:
    """Add a supervision group (监督评估小组)."""
    from minsheng_cli.services import register as uses

    group = NewGroup(
        name=values.parse_name(name, "name", max_len=100),
        level=values.parse_enum(level, "level", values.LEVEL),
        district=optional_text(district, "district"), members=optional_text(members, "members"),
    )
    group_id = uses.add_group(register(ctx), write_context(ctx), group)
    say(f"added group {group.name} ({group.level}, visits {group.cadence})")
    typer.echo(group_id)


def assign(
    ctx: typer.Context,
    group: Annotated[str, typer.Argument(help="Group name",
                                         autocompletion=complete.complete_group)],
    codes: Annotated[list[str] | None, typer.Argument(
        help="Project codes", autocompletion=complete.complete_code)] = None,
    all_projects: Annotated[bool, typer.Option("--all", help="Every project")] = False,
    district: Annotated[str | None, typer.Option(
        help="Every project in this district", autocompletion=complete.complete_district)] = None,
) -> None:
    """Assign projects to a group (CODE… | --all | --district D)."""
    from minsheng_cli.services import register as uses

    result = uses.assign(register(ctx), write_context(ctx), group, list(codes or []),
                         all_projects=all_projects, district=district)
    say(f"assigned {len(result.added)} project(s) to {group}"
        + (f"; {len(result.already)} already assigned" if result.already else ""))


def groups(ctx: typer.Context, out: OutputOpt = None, fmt: FormatOpt = None) -> None:
    """List the supervision groups with their level, cadence and number of projects."""
    from minsheng_cli.render.output import cols
    from minsheng_cli.services import register as uses

    rows = uses.groups(register(ctx))
    columns = cols("id:int", "name=group_name", "level:enum:level", "cadence:enum:cadence",
                   "district", "members", "projects:int")
    emit(ctx, rows, columns, fmt, out=out,
         empty="no groups yet; add one with `minsheng add-group`")


def add_visit(
    ctx: typer.Context,
    code: CodeArg,
    group: GroupOpt,
    day: DateOpt = None,
    pct: PctOpt = None,
    done: DoneOpt = None,
    funds: FundsOpt = None,
    visitors: Annotated[str | None, typer.Option(help="Who went (参加人员)")] = None,
    method: Annotated[str | None, typer.Option(help="site 实地查看 | briefing 听取汇报 | "
                                               "forum 座谈 | unannounced 暗访",
                                               autocompletion=complete.complete_method)] = None,
    finding: Annotated[str | None, typer.Option(help="What was found (发现问题)")] = None,
    suggestion: Annotated[str | None, typer.Option(help="Suggestions (意见建议)")] = None,
    photo: Annotated[list[str] | None, typer.Option(metavar="FILE",
                                                    help="Photo file (repeatable)")] = None,
) -> None:
    """Record a site visit; prints the new visit's id."""
    from minsheng_cli.services import register as uses

    visit = NewVisit(
        code=code, group=group, date=parse_date(day, "date") if day else today(),
        figure=figure_of(pct, done, funds),
        method=values.parse_enum(method, "method", values.METHOD) if method else None,
        visitors=optional_text(visitors, "visitors"), finding=optional_text(finding, "finding"),
        suggestion=optional_text(suggestion, "suggestion"), photos=photo_paths(photo or []),
    )
    added = uses.add_visit(register(ctx), write_context(ctx), visit, today())
    for other in added.overlaps:
        say(f"warning: {other['group']} visited {code} on {other['date']} (visit {other['id']}) "
            "— avoid duplicate supervision (重复监督)")
    if added.not_assigned:
        say(f"note: {code} is not assigned to {group}")
    for note in added.notes:
        say(note)
    typer.echo(added.id)


def photo_paths(given: list[str]) -> tuple[str, ...]:
    """Absolute paths, each once: a relative path means nothing once the shell has moved on."""
    return tuple(dict.fromkeys(str(Path(p).expanduser().absolute()) for p in given))


def visits(
    ctx: typer.Context,
    group: GroupFilterOpt = None,
    project: ProjectFilterOpt = None,
    period: PeriodOpt = None,
    out: OutputOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """List site visits."""
    from minsheng_cli.render.output import cols
    from minsheng_cli.services import register as uses

    window = resolve_period(period)
    rows = uses.visits(register(ctx), group=group, code=project, period=window)
    columns = cols("id:int", "date", "code", "project", "group", "method:enum:method", "visitors",
                   "observed_pct:pct", "finding", "suggestion", "photos:int", "created_by")
    emit(ctx, rows, columns, fmt, out=out, empty="no visits found")


def resolve_period(period: str | None, base: date | None = None):
    """The period asked for; ``this-week``, ``last-month``… count from ``base`` (default:
    today)."""
    if period is None:
        return None
    from minsheng_cli.domain.periods import parse_period

    window = parse_period(period, base or today())
    say(f"period {window.label}: {window.start} – {window.end}")
    return window


def flag(
    ctx: typer.Context,
    code: CodeArg,
    category: Annotated[str, typer.Option(help="schedule 序时进度 | quality 建设质量 | funding "
                                          "资金保障 | feedback 群众反映 | factors 要素保障 | "
                                          "safety 安全 | other 其他",
                                          autocompletion=complete.complete_category)],
    text: Annotated[str, typer.Option(help="What the problem is (问题描述)")],
    visit: Annotated[str | None, typer.Option(help="Id of the visit that found it")] = None,
    severity: Annotated[str, typer.Option(help="ordinary 一般 | major 重大",
                                          autocompletion=complete.complete_severity)
                        ] = "ordinary",
    department: Annotated[str | None, typer.Option(
        help="Unit to rectify (default: the project's lead department)",
        autocompletion=complete.complete_department)] = None,
    group: Annotated[str | None, typer.Option("--group", "-g", help="Group that found it",
                                              autocompletion=complete.complete_group)] = None,
    day: DateOpt = None,
) -> None:
    """Flag an issue (问题) on a project; prints the issue's id."""
    from minsheng_cli.services import register as uses

    issue = NewIssue(
        code=code, category=values.parse_enum(category, "category", values.CATEGORY),
        text=values.parse_text(text, "text"),
        found_on=parse_date(day, "date") if day else None,
        severity=values.parse_enum(severity, "severity", values.SEVERITY),
        visit_id=whole_number(visit, "visit", 1, 2**62, "a visit id, see `minsheng visits`"),
        group=group, department=optional_text(department, "department"),
    )
    flagged = uses.flag(register(ctx), write_context(ctx), issue, today())
    if flagged.same_category_open:
        same = flagged.same_category_open
        # A project can carry thousands (an imported list): name a few, count the rest.
        ids = ", ".join(map(str, same[:10])) + (f" … ({len(same)} in all)" if len(same) > 10
                                                 else "")
        say(f"note: {code} already has open {issue.category} issue(s): {ids}")
    typer.echo(flagged.id)


ISSUE_COLUMNS = (
    "id:int", "code", "project", "category:enum:category", "severity:enum:severity", "text",
    "department", "group", "found_on", "status:enum:issue_status", "deadline",
    "verdict:enum:verdict",
)


def issues(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="open 待转办 | transferred 已转办 | "
                                               "responded 已反馈 | closed 已销号 | "
                                               "withdrawn 已撤回",
                                               autocompletion=complete.complete_issue_status)
                      ] = None,
    category: Annotated[str | None, typer.Option(
        help="Category code or word", autocompletion=complete.complete_category)] = None,
    department: Annotated[str | None, typer.Option(
        help="Unit to rectify", autocompletion=complete.complete_department)] = None,
    project: Annotated[str | None, typer.Option(
        help="Project code", autocompletion=complete.complete_code)] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only past their deadline")] = False,
    common: Annotated[bool, typer.Option("--common", help="Common issues (共性问题) across "
                                         "projects")] = False,
    min_projects: Annotated[int | None, typer.Option(
        help="With --common: at least N projects (default 3)", min=1, max=2**62)] = None,
    out: OutputOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """List issues."""
    from minsheng_cli.render.output import cols
    from minsheng_cli.services import register as uses

    check_common_options(common, min_projects, status=status, category=category,
                         department=department, project=project, overdue=overdue)
    if common:
        from minsheng_cli.cli.audit import common_issues

        common_issues(ctx, 3 if min_projects is None else min_projects, fmt, out)
        return
    rows = uses.issues(
        register(ctx),
        status=values.parse_enum(status, "status", values.ISSUE_STATUS) if status else None,
        category=values.parse_enum(category, "category", values.CATEGORY) if category else None,
        department=department, code=project,
        overdue_before=today().isoformat() if overdue else None,
    )
    emit(ctx, rows, cols(*ISSUE_COLUMNS), fmt, out=out, empty="no issues found")


def check_common_options(common: bool, min_projects: int | None, **filters) -> None:
    """Refuse options that would be silently ignored: common issues (共性问题) count every
    open issue across projects, so the list's filters do not apply to them."""
    if common:
        given = [f"--{name}" for name, value in filters.items() if value]
        if given:
            raise UserError(f"--common cannot be combined with {', '.join(given)} "
                            "(common issues count every open issue)")
    elif min_projects is not None:
        raise UserError("--min-projects works only with --common")


def install(app: typer.Typer) -> None:
    app.command("add-group")(add_group)
    app.command()(assign)
    app.command()(groups)
    app.command("add-visit")(add_visit)
    app.command()(visits)
    app.command()(flag)
    app.command()(issues)

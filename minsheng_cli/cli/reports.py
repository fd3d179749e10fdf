"""Report commands: deviation, overdue, checklist, summary."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from minsheng_cli import i18n
from minsheng_cli.cli import completion as complete
from minsheng_cli.cli.common import (
    AsOfOpt,
    FormatOpt,
    OutputOpt,
    PeriodOpt,
    PrintableFormatOpt,
    PrintableOutputOpt,
    as_of_or_today,
    emit,
    output_format,
    register,
    say,
    state,
    today,
)
from minsheng_cli.cli.register import DepartmentOpt, DistrictOpt, ItemOpt
from minsheng_cli.domain import values
from minsheng_cli.domain.errors import UserError

DEVIATION_COLUMNS = (
    "code", "name", "item", "department", "district", "expected_pct:pct", "actual_pct:pct",
    "deviation_pct:pct", "funds_pct:pct", "light:enum:light", "status:enum:status",
    "last_report_date", "stale", "forecast_date", "days_late:int",
)
# On a terminal: the columns a supervisor reads first (the machine formats carry them all).
DEVIATION_TABLE = (
    "code", "name", "department", "expected_pct:pct", "actual_pct:pct", "deviation_pct:pct",
    "funds_pct:pct", "light:enum:light", "status:enum:status", "last_report_date",
    "forecast_date",
)
BY_ITEM_COLUMNS = (
    "item", "projects:int", "red:int", "yellow:int", "green:int", "done:int", "overdue:int",
    "expected_pct:pct", "actual_pct:pct", "deviation_pct:pct",
)


# Formats written row by row as they are read (render.output.STREAMED_FORMATS).
STREAMED_FORMATS = ("tsv", "csv", "jsonl")


def parse_lights(text: str | None) -> list[str] | None:
    """``red,yellow`` (also 红，黄 or 红、黄); an empty list names no light and is refused,
    not taken for every project."""
    if text is None:
        return None
    parts = [part.strip() for part in re.split("[,，、]", text)]
    if not any(parts):
        values.parse_enum(text, "light", values.LIGHT)  # refuses it, naming the lights
    return [values.parse_enum(part, "light", values.LIGHT) for part in parts if part]


def deviation(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    item: ItemOpt = None,
    department: DepartmentOpt = None,
    district: DistrictOpt = None,
    light: Annotated[str | None, typer.Option(help="Only these lights, e.g. red,yellow "
                                              "(红,黄)", autocompletion=complete.complete_lights)
                     ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Roll up: item",
                                           autocompletion=complete.choices("item", "事项"))
                  ] = None,
    out: OutputOpt = None,
    chart: Annotated[bool, typer.Option("--chart", help="Draw a bar per project (or item) "
                                        "with its 序时进度 mark, for the terminal")] = False,
    fmt: FormatOpt = None,
) -> None:
    """Schedule deviation (序时进度): expected vs actual progress, light, forecast."""
    from minsheng_cli.render.output import cols
    from minsheng_cli.services import reports

    day = as_of_or_today(as_of)
    lights = parse_lights(light)
    show = chart_of(ctx, fmt, out) if chart else emit
    if by is not None:
        if by.strip().lower() not in ("item", "事项"):
            raise values.InvalidValue("by", by, "item")
        if lights:  # a roll-up counts every light: a filter on them would hide a count
            raise values.InvalidValue("light", light, "no --light with --by item (the "
                                      "roll-up counts each light)")
        rows = reports.deviation_by_item(register(ctx), day, item=item,
                                         department=department, district=district)
        filtered = any(v is not None for v in (item, department, district))
        show(ctx, rows, cols(*BY_ITEM_COLUMNS), fmt, out=out,
             empty="no projects found" if filtered else "no projects in the register")
        return
    filters = {"item": item, "department": department, "district": district, "lights": lights}
    if out is None and not chart and output_format(fmt) in STREAMED_FORMATS:
        stream_deviation(ctx, day, fmt, filters)
        return
    table = output_format(fmt, out, quiet=True) == "table"  # emit notes a mismatch
    columns = DEVIATION_TABLE if table else DEVIATION_COLUMNS
    rows = reports.deviation(register(ctx), day, **filters)
    say(f"as of {day}")
    show(ctx, rows, cols(*columns), fmt, out=out, empty="no projects found")


def stream_deviation(ctx: typer.Context, day, fmt: str | None, filters: dict) -> None:
    """Machine formats on stdout: rows written as SQLite yields them (100,000 projects
    without a dict each); the same bytes as ``emit``."""
    from itertools import chain

    from minsheng_cli.render.output import cols, write_tuples
    from minsheng_cli.services import reports

    columns = cols(*DEVIATION_COLUMNS)
    rows = reports.deviation_stream(register(ctx), day, tuple(c.key for c in columns),
                                    **filters)
    try:
        say(f"as of {day}")
        first = next(rows, None)
        if first is None:
            say("minsheng: no projects found")
        write_tuples(chain([first] if first is not None else [], rows), columns,
                     output_format(fmt))
    finally:
        rows.close()  # the register's read ends before the register is closed


def chart_of(ctx: typer.Context, fmt: str | None, out: object = None):
    """``emit``'s twin for --chart: the same rows drawn as bars (plain when piped, since
    the chart was asked for); a machine format or a file (``out``, -o FILE) with --chart
    is a usage error."""
    if fmt is not None and output_format(fmt) != "table":
        raise UserError(f"--chart is for the terminal (table format), not --format {fmt}; "
                        "leave out one of them")
    if out is not None:
        raise UserError("--chart is for the terminal, not a file (-o); leave out one of them")

    def draw(ctx, rows, columns, fmt, *, empty, out=None):
        from minsheng_cli.render import charts

        if not rows:
            say(f"minsheng: {empty}")
            return
        charts.write_bar_chart(rows, state(ctx).lang)

    return draw


def overdue(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    exit_code: Annotated[bool, typer.Option("--exit-code", help="Exit 1 when anything is "
                                            "late (for scripts)")] = False,
    out: OutputOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Everything late: projects, issues past deadline, visits owed."""
    from minsheng_cli.render import reports as render
    from minsheng_cli.services import reports

    day = as_of_or_today(as_of)
    fmt, lang = output_format(fmt, out), state(ctx).lang
    report = reports.overdue(register(ctx), day)
    say(f"as of {day}: {report.count} finding(s)")
    if out is not None:
        render.save_overdue(report, out, fmt, lang)
        say(f"wrote {out}")
    else:
        render.write_overdue(report, fmt, lang)
    if not report.count and fmt in ("table", "markdown"):
        say(i18n.message("nothing_late", lang))  # a message, not data: stderr
    if exit_code and report.count:
        raise typer.Exit(1)


def checklist(
    ctx: typer.Context,
    period: PeriodOpt = None,
    group: Annotated[str | None, typer.Option("--group", "-g", help="Only this group",
                                              autocompletion=complete.complete_group)] = None,
    level: Annotated[str | None, typer.Option(help="grassroots (基层) | municipal (市级)",
                                              autocompletion=complete.complete_level)] = None,
    out: PrintableOutputOpt = None,
    fmt: PrintableFormatOpt = None,
) -> None:
    """Visit checklists (走访清单) for the month (grassroots) or quarter (municipal)."""
    from minsheng_cli.cli.supervision import resolve_period
    from minsheng_cli.domain.periods import parse_period
    from minsheng_cli.render import reports as render
    from minsheng_cli.services import reports

    window = resolve_period(period) if period else parse_period("this-month", today())
    lvl = values.parse_enum(level, "level", values.LEVEL) if level else None
    fmt = output_format(fmt, out, printable=True)
    lists = reports.checklist(register(ctx), window, today(), group=group, level=lvl)
    if not lists:
        say("minsheng: no groups found")
    for checklist_ in lists:
        say(f"{checklist_.group['name']}: {checklist_.window.label} "
            f"({checklist_.window.start} – {checklist_.window.end})")
    if out is not None:
        render.save_checklists(lists, out, fmt, state(ctx).lang)
        say(f"wrote {out}")
        return
    render.write_checklists(lists, fmt, state(ctx).lang)


def summary(
    ctx: typer.Context,
    period: PeriodOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="text | markdown | json "
                                            "(default: text)",
                                            autocompletion=complete.choices(
                                                "text", "markdown", "json"))] = None,
) -> None:
    """The weekly summary (default: the ISO week containing --as-of, else today); a period
    still running is summed up to that day, and relative periods (this-week, last-month…)
    count from it."""
    from minsheng_cli.cli.supervision import resolve_period
    from minsheng_cli.render import summary as render
    from minsheng_cli.services import reports

    fmt = (fmt or "text").strip().lower()
    if fmt not in render.FORMATS:  # before the work, not after it
        raise values.InvalidValue("format", fmt, " | ".join(render.FORMATS))
    day = as_of_or_today(as_of)
    window = resolve_period(period or "this-week", day)
    data = reports.summary(register(ctx), window, day)
    render.write_summary(data, fmt, state(ctx).lang)


def install(app: typer.Typer) -> None:
    app.command()(deviation)
    app.command()(overdue)
    app.command()(checklist)
    app.command()(summary)

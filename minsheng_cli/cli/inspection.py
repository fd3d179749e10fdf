"""The ``report`` command: the special inspection report (专项视察报告) drafted from the
register, as .docx, .md or .html (Markdown on stdout without -o)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli.cli.common import AsOfOpt, as_of_or_today, register, say, state


def report(
    ctx: typer.Context,
    as_of: AsOfOpt = None,
    period: Annotated[str | None, typer.Option(
        "--period", "-p", metavar="PERIOD", help="The period inspected: 2021, 2021H1, 2021Q2, "
        "2021-06, this-year … (default: the year of --as-of, up to that date)")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write to FILE.docx, FILE.md or FILE.html "
        "(default: Markdown on stdout)")] = None,
) -> None:
    """The special inspection report (专项视察报告) for the standing committee: lights, each
    item's deviation table, visit coverage, common and individual issues, overdue issues.
    In Chinese unless --lang en (or MINSHENG_LANG=en) asks for English."""
    from minsheng_cli.domain.periods import parse_period
    from minsheng_cli.render import inspection as render
    from minsheng_cli.services import inspection

    if output is not None:
        render.format_of(output)  # a wrong name fails before the register is read
    day = as_of_or_today(as_of)
    window = parse_period(period or str(day.year), day)
    data = inspection.inspection_report(register(ctx), window, day)
    say(f"period {window.label}: {window.start} – {window.end}; as of {data.as_of}")
    render.write_report(data, report_lang(ctx), output)
    if output is not None:
        say(f"wrote {output}")


def report_lang(ctx: typer.Context) -> str:
    """Chinese, the report's language, unless English is asked for by --lang or
    MINSHENG_LANG (an English locale alone does not make the committee's report English)."""
    asked = ctx.find_root().params.get("lang") or os.environ.get("MINSHENG_LANG")
    return state(ctx).lang if asked else "zh"


def install(app: typer.Typer) -> None:
    app.command()(report)

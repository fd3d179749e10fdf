"""``minsheng publish``: the public progress site (公开进度), a static folder of HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli.cli.common import AsOfOpt, as_of_or_today, parse_year, register, say, state


def publish(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option(
        "--output", "-o", metavar="DIR", help="Folder to write the site to (created; an "
        "earlier publish there is replaced)")],
    as_of: AsOfOpt = None,
    year: Annotated[str | None, typer.Option(
        "--year", metavar="YEAR", help="Only this year's projects (default: all)")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Write into a non-empty folder that holds no earlier publish")] = False,
) -> None:
    """Write the public progress site: index by item, a page per project (public fields
    only, see `config publish.fields`); opens from file:// or any web host."""
    from minsheng_cli.render import site as render
    from minsheng_cli.services import publish as uses

    day, chosen_year = as_of_or_today(as_of), parse_year(year)
    render.check_folder(output, force)
    site = uses.public_site(register(ctx), day, chosen_year)
    files = render.write_site(site, output, state(ctx).lang, force)
    say(f"as of {day}: wrote {len(files)} files to {output} (open {output / 'index.html'})")


def install(app: typer.Typer) -> None:
    app.command()(publish)

"""The ``minsheng`` command: global options and the wiring of every command group."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli import __version__
from minsheng_cli.cli import (
    audit,
    imports,
    inspection,
    publish,
    register,
    reports,
    supervision,
    web,
)
from minsheng_cli.cli.common import MinshengGroup, State, default_db_path, resolve_actor
from minsheng_cli.cli.completion import choices
from minsheng_cli.i18n import LANGS, resolve_lang

app = typer.Typer(
    cls=MinshengGroup,
    name="minsheng",
    help="Supervision register (监督台账) for major livelihood projects (重大民生实事项目).",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=True,
)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"minsheng {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option(
        "--db", help="Register file (default: MINSHENG_DB, else the per-user data dir)")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", help="zh | en (default: MINSHENG_LANG, else the locale)",
        autocompletion=choices(*LANGS))] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Who records (default: MINSHENG_USER, else the login name)")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=version_callback, is_eager=True, help="Show the version")] = False,
) -> None:
    """Supervision register (监督台账) for major livelihood projects (重大民生实事项目)."""
    chosen = resolve_lang(lang)
    if chosen not in LANGS:
        raise typer.BadParameter(f"{lang!r} is not a language; expected zh or en",
                                 param_hint="--lang")
    ctx.obj = State(db_path=db or default_db_path(), lang=chosen, actor=resolve_actor(by),
                    db_given=db is not None)


register.install(app)
supervision.install(app)
reports.install(app)
app.add_typer(imports.app, name="import")
audit.install(app)
inspection.install(app)
publish.install(app)
web.install(app)


def main() -> None:
    # Every command is a batch job that keeps its rows to the end (a report's 100,000, an
    # export's cells): the cyclic collector's passes over them found little to free
    # (2,600 objects at exit; openpyxl's cells, kept until the file is saved anyway) and
    # cost 0.3–0.4 CPU s of `overdue` at 100,000 projects, 0.7 s of `issues -o FILE.xlsx`
    # at 10,000, peak memory unchanged.  Reference counting still frees the rest; `browse`
    # runs Datasette in a process of its own.  (Tests drive `app`, with the collector on.)
    gc.disable()
    if os.environ.get("_MINSHENG_COMPLETE") == "complete_bash":
        from minsheng_cli.cli.completion import join_option_values

        join_option_values(os.environ)
    app()

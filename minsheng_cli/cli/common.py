"""What every command shares: global options, the register handle, output, and errors.

Parameters are declared once here as ``Annotated`` aliases.  The group class turns every
domain error into one line on stderr and its exit code (2 bad input, 3 register failure),
and click's usage errors into one line and exit 2 — never a traceback for a user's mistake.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from minsheng_cli.domain.errors import InvalidValue, MinshengError, RegisterError

try:  # Typer ≥ 0.26 vendors click; older ones use the real package.
    from typer._click.exceptions import Abort, ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import Abort, ClickException

FORMATS = ("table", "tsv", "csv", "json", "jsonl", "markdown")


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"minsheng: {message}", err=True)
    raise typer.Exit(code)


class MinshengGroup(TyperGroup):
    """The top-level group: one place that maps errors to a message and an exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MinshengError as error:
            state = ctx.obj if isinstance(ctx.obj, State) else None
            if state is not None and state.register is not None:
                state.register.close()
            fail(str(error), error.exit_code)
        except sqlite3.Error as error:
            from minsheng_cli.store.db import register_error

            fail(str(register_error(error, "")), RegisterError.exit_code)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            result = super().main(
                args=args, prog_name=prog_name or "minsheng", complete_var=complete_var,
                standalone_mode=False, **extra,
            )
        except ClickException as error:
            command = getattr(error, "ctx", None)
            hint = f" (see '{command.command_path} --help')" if command else ""
            typer.echo(f"minsheng: {error.format_message()}{hint}", err=True)
            sys.exit(error.exit_code)
        except Abort:
            typer.echo("minsheng: aborted", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


@dataclass
class State:
    """Global options, resolved once per invocation."""

    db_path: Path
    lang: str
    actor: str
    register: object | None = None

    def close(self) -> None:
        if self.register is not None:
            self.register.close()
            self.register = None


def default_db_path() -> Path:
    env = os.environ.get("MINSHENG_DB")
    if env:
        return Path(env).expanduser()
    return Path(typer.get_app_dir("minsheng")) / "register.db"


def resolve_actor(option: str | None) -> str:
    actor = (option or os.environ.get("MINSHENG_USER") or "").strip()
    if not actor:
        try:
            actor = getpass.getuser()
        except Exception:  # no login name in some containers
            actor = "unknown"
    if any(ord(ch) < 32 for ch in actor) or len(actor) > 100:
        raise InvalidValue("by", actor, "a name of at most 100 printable characters")
    return actor


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    return root.obj


def today() -> date:
    """MINSHENG_TODAY, else the clock: reports are reproducible when it is set."""
    raw = os.environ.get("MINSHENG_TODAY")
    if raw:
        from minsheng_cli.domain.periods import parse_date

        return parse_date(raw, "MINSHENG_TODAY")
    return date.today()


def as_of_or_today(as_of: str | None) -> date:
    if as_of:
        from minsheng_cli.domain.periods import parse_date

        return parse_date(as_of, "as-of")
    return today()


def now_stamp() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def write_context(ctx: typer.Context):
    """Who writes (--by / MINSHENG_USER / login), with which command, now."""
    from minsheng_cli.store.audit import WriteContext

    command = ctx.command_path.replace("minsheng ", "", 1) if ctx.command_path else "?"
    return WriteContext(actor=state(ctx).actor, command=command, at=now_stamp())


def register(ctx: typer.Context):
    """Open the register (once per invocation)."""
    from minsheng_cli import services

    st = state(ctx)
    if st.register is None:
        st.register = services.open_register(st.db_path)
        ctx.find_root().call_on_close(st.close)
        for name in st.register.upgraded:
            typer.echo(f"minsheng: upgraded register schema: {name}", err=True)
    return st.register


def output_format(fmt: str | None) -> str:
    if fmt is None:
        return "table" if sys.stdout.isatty() else "tsv"
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise InvalidValue("format", fmt, " | ".join(FORMATS))
    return fmt


def emit(ctx: typer.Context, rows, columns, fmt: str | None, *, empty: str, title=None) -> None:
    """Rows to stdout in the chosen format; 'nothing found' to stderr (exit 0)."""
    from minsheng_cli.render.output import write_rows

    fmt = output_format(fmt)
    lang = state(ctx).lang
    if not rows:
        typer.echo(f"minsheng: {empty}", err=True)
        if fmt == "table":
            return
    write_rows(rows, columns, fmt, lang, title=title)


def say(message: str) -> None:
    """A note for the person (stderr), keeping stdout for data."""
    typer.echo(message, err=True)


# -- parameters declared once ---------------------------------------------------------------

FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="table | tsv | csv | json | jsonl | markdown "
                 "(default: table on a terminal, tsv when piped)"),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Date of the report, YYYY-MM-DD (default: today)")
]
DateOpt = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today)")]
PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", "-p", help="2021-06, 2021Q2, 2021-W24, 2021, this-month, "
                 "last-quarter …"),
]
CodeArg = Annotated[str, typer.Argument(help="Project code, e.g. MS2021-01")]
PctOpt = Annotated[str | None, typer.Option("--pct", help="Progress in percent, 0–100")]
DoneOpt = Annotated[
    str | None, typer.Option("--done", help="Quantity done, in the project's target unit")
]
FundsOpt = Annotated[
    str | None, typer.Option("--funds", help="Money spent so far (累计完成投资), 万元")
]

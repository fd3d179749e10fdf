"""What every command shares: global options, the register handle, output, and errors.

Parameters are declared once here as ``Annotated`` aliases.  The group class turns every
domain error into one line on stderr and its exit code (2 bad input, 3 register failure),
and click's usage errors into one line and exit 2 — never a traceback for a user's mistake.
"""

from __future__ import annotations

import errno
import getpass
import os
import sqlite3
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

# Typer ≥ 0.26 vendors click: its usage errors derive from the public TyperException, and
# Abort is typer's own (the real click package's classes never reach us).
from typer import Abort, TyperException
from typer._click.exceptions import NoArgsIsHelpError
from typer.core import TyperGroup

from minsheng_cli import streams
from minsheng_cli.cli import completion
from minsheng_cli.domain.errors import InvalidValue, MinshengError, OutputError, RegisterError
from minsheng_cli.streams import StdoutFailed

FORMATS = ("table", "tsv", "csv", "json", "jsonl", "markdown")


# A reader that went away (`minsheng log | head -1`) ends the program as SIGPIPE would have
# ended it, 128 + 13: scripts must not read it as 1 ("found").
SIGPIPE_EXIT = 141


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"minsheng: {message}", err=True)
    raise typer.Exit(code)


def pipe_closed() -> NoReturn:
    """Exit 141 without a word; stdout now leads to devnull so that the interpreter's last
    flush of what is still buffered does not fail again (see Python's signal docs)."""
    stdout_to_devnull()
    sys.exit(SIGPIPE_EXIT)


def stdout_failed(error: OSError, *, recorded: bool = False) -> NoReturn:
    """Stdout's disk failed under it (``> file`` on a full disk): one line, exit 3 — a
    script must not take a cut-off report for a whole one, nor read 1 ("found").
    ``recorded``: the command had written to the register (``add-visit`` prints the new
    visit's id), which stands — a clerk must not type the visit again."""
    stdout_to_devnull()
    said_and_exit(f"output: cannot write to stdout ({error.strerror or error})", recorded)


def is_output_failure(error: Exception) -> bool:
    """Stdout failed (StdoutFailed, or an encoding that cannot write the text), or a disk
    under some file; any other OSError is a bug, to be shown whole."""
    return isinstance(error, StdoutFailed | UnicodeEncodeError) or (
        isinstance(error, OSError) and disk_failed(error))


def output_failed(error: OSError | UnicodeEncodeError, ctx=None) -> NoReturn:
    """One line and exit 3 for ``is_output_failure``'s errors (``ctx``: the register is
    closed first, and a write it committed is said to stand)."""
    recorded = register_changed(ctx) if ctx is not None else False
    if ctx is not None:
        close_register(ctx)
    if isinstance(error, UnicodeEncodeError):
        encoding_failed(error, recorded=recorded)
    if isinstance(error, StdoutFailed) or (not error.filename and not streams.installed()):
        stdout_failed(error, recorded=recorded)
    strerror = error.strerror or error
    # another file, named (not said to be written: an I/O error may come from reading it)
    said_and_exit(f"{str(error.filename)!r}: {strerror}" if error.filename
                  else f"output: cannot write ({strerror})", recorded)


def encoding_failed(error: UnicodeEncodeError, *, recorded: bool = False) -> NoReturn:
    """Stdout's encoding cannot write the text (``PYTHONIOENCODING=ascii``, Chinese
    names): one line and exit 3, the output being cut there."""
    stdout_to_devnull()
    shown = error.object[error.start:error.end] if isinstance(error.object, str) else "?"
    said_and_exit(f"output: stdout's encoding {error.encoding} cannot write {shown!r}; use "
                  "UTF-8 (unset PYTHONIOENCODING, or set it to utf-8)", recorded)


def said_and_exit(message: str, recorded: bool) -> NoReturn:
    quiet_leftovers()
    kept = "; what the command recorded is kept (see `minsheng log`)" if recorded else ""
    try:  # stderr may be on the same full disk: the exit code is what counts then
        typer.echo(f"minsheng: {message}{kept}", err=True)
    except OSError:
        pass
    sys.exit(OutputError.exit_code)


def quiet_leftovers() -> None:
    """After the output failed, objects a library left half-written (a sheet's XML
    writer) fail again when Python collects them; the one line said it already, so no
    "Exception ignored" follows it."""
    sys.unraisablehook = lambda unraisable: None


def name_too_long(error: Exception) -> bool:
    """A path the user gave is longer than the system takes (ENAMETOOLONG): their mistake,
    found before anything is written."""
    return isinstance(error, OSError) and error.errno == errno.ENAMETOOLONG


def too_long_message(error: OSError) -> str:
    name = str(error.filename or "")
    shown = name if len(name) <= 60 else f"{name[:30]}…{name[-20:]}"
    longest = max((len(os.fsencode(part)) for part in Path(name).parts), default=0)
    size = (f"a part of {longest} bytes, where 255 is the most" if longest > 255
            else f"{len(os.fsencode(name))} bytes in all, where 4,096 is the most")
    return f"{shown!r}: file name too long ({size}); use a shorter one"


def disk_failed(error: OSError) -> bool:
    from minsheng_cli.render.files import DISK_ERRORS

    return error.errno in DISK_ERRORS


def stdout_to_devnull() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file (a test runner's stream)
        sys.stdout = open(os.devnull, "w")  # lives until exit
    finally:
        os.close(devnull)


def register_changed(ctx) -> bool:
    """Whether this command committed a write to the register (not one rolled back)."""
    state = ctx.obj if isinstance(ctx.obj, State) else None
    return bool(state is not None and getattr(state.register, "committed", False))


def close_register(ctx) -> None:
    state = ctx.obj if isinstance(ctx.obj, State) else None
    if state is not None and state.register is not None:
        state.register.close()


class MinshengGroup(TyperGroup):
    """The top-level group: one place that maps errors to a message and an exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # before typer turns it into exit 1
            pipe_closed()
        except (OSError, UnicodeEncodeError) as error:
            # stdout's failures arrive as StdoutFailed (streams.py), -o FILE's as
            # OutputError; a disk failing under another file is named by the file.
            if name_too_long(error):
                close_register(ctx)
                fail(too_long_message(error), InvalidValue.exit_code)
            if not is_output_failure(error):
                raise
            output_failed(error, ctx)
        except MinshengError as error:
            close_register(ctx)
            if isinstance(error, OutputError):
                quiet_leftovers()
            fail(str(error), error.exit_code)
        except sqlite3.Error as error:
            from minsheng_cli.services import register_error

            path = ctx.obj.db_path if isinstance(ctx.obj, State) else ""
            fail(str(register_error(error, path)), RegisterError.exit_code)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = sys.argv[1:] if args is None else list(args)
        check_arguments(args)
        try:
            result = super().main(
                args=args, prog_name=prog_name or "minsheng", complete_var=complete_var,
                standalone_mode=False, **extra,
            )
            sys.stdout.flush()  # small output is still buffered: a closed pipe shows here
        except BrokenPipeError:
            pipe_closed()
        except (OSError, UnicodeEncodeError) as error:
            if name_too_long(error):
                typer.echo(f"minsheng: {too_long_message(error)}", err=True)
                sys.exit(InvalidValue.exit_code)
            if not is_output_failure(error):
                raise
            output_failed(error)
        except NoArgsIsHelpError as error:
            typer.echo(error.format_message(), err=True)
            sys.exit(error.exit_code)
        except TyperException as error:
            command = getattr(error, "ctx", None)
            hint = f" (see '{command.command_path} --help')" if command else ""
            typer.echo(f"minsheng: {error.format_message()}{hint}", err=True)
            sys.exit(error.exit_code)
        except Abort:
            typer.echo("minsheng: aborted", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def check_arguments(args: list[str]) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates, which SQLite cannot store."""
    for arg in args:
        if any("\ud800" <= ch <= "\udfff" for ch in arg):
            try:
                raw = arg.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:
                raw = arg.encode("utf-8", "backslashreplace")
            shown = raw.decode("utf-8", "backslashreplace")
            typer.echo(f"minsheng: argument '{shown}' is not valid UTF-8 text", err=True)
            sys.exit(2)


@dataclass
class State:
    """Global options, resolved once per invocation."""

    db_path: Path
    lang: str
    actor: str
    register: object | None = None
    db_given: bool = False  # --db, not MINSHENG_DB or the default

    def register_path(self) -> Path:
        """The register's path, refused when it is a folder (``--db ""`` is the current
        one): checked when the register is opened, so that ``init --help`` still helps."""
        if self.db_path.is_dir():
            where = "--db" if self.db_given else "MINSHENG_DB"
            raise RegisterError(f"{str(self.db_path)!r} is a folder, not a register file; "
                                f"point {where} at the register (e.g. minsheng.db in that "
                                "folder)")
        return self.db_path

    def close(self) -> None:
        if self.register is not None:
            self.register.close()
            self.register = None


def default_db_path() -> Path:
    env = os.environ.get("MINSHENG_DB")
    if env:
        return Path(env).expanduser()
    return app_dir_db_path()


def app_dir_db_path() -> Path:
    """The per-user register, used when neither --db nor MINSHENG_DB says otherwise."""
    return Path(typer.get_app_dir("minsheng")) / "register.db"


def optional_text(value: str | None, field: str) -> str | None:
    """A text option that may be left out; when given it must be valid text."""
    from minsheng_cli.domain import values

    return values.parse_text(value, field) if value is not None else None


def whole_number(text: str | None, field: str, low: int, high: int, accepted: str) -> int | None:
    """An integer option (a year, an id), parsed here so that a bad one names its value."""
    if text is None:
        return None
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()) or not low <= int(cleaned) <= high:
        raise InvalidValue(field, text, accepted)
    return int(cleaned)


def resolve_actor(option: str | None) -> str:
    if option is not None and not option.strip():  # --by "": not "whoever is logged in"
        raise InvalidValue("by", option, "a name of at most 100 printable characters")
    actor = (option or os.environ.get("MINSHENG_USER") or "").strip()
    if not actor:
        try:
            actor = getpass.getuser()
        except Exception:  # no login name in some containers
            actor = "unknown"
    if any(ord(ch) < 32 or "\ud800" <= ch <= "\udfff" for ch in actor) or len(actor) > 100:
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


def fixed_day(as_of: str | None) -> date | None:
    """--as-of, else MINSHENG_TODAY, else None: for what runs on past today (a server) and
    must follow the clock unless a day was fixed."""
    if as_of or os.environ.get("MINSHENG_TODAY"):
        return as_of_or_today(as_of)
    return None


def now_stamp() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def write_context(ctx: typer.Context):
    """Who writes (--by / MINSHENG_USER / login), with which command, now."""
    from minsheng_cli.services import WriteContext

    command = ctx.command_path.replace("minsheng ", "", 1) if ctx.command_path else "?"
    return WriteContext(actor=state(ctx).actor, command=command, at=now_stamp())


def register(ctx: typer.Context):
    """Open the register (once per invocation)."""
    from minsheng_cli import services

    st = state(ctx)
    if st.register is None:
        outputs_checked(ctx)
        st.register = services.open_register(st.register_path())
        ctx.find_root().call_on_close(st.close)
        for name in st.register.upgraded:
            typer.echo(f"minsheng: upgraded register schema: {name}", err=True)
    return st.register


def outputs_checked(ctx: typer.Context) -> None:
    """A command's --format and -o checked together before the register is opened, so that
    a mistake in them is refused before the work (``log -f xx`` read the whole audit log,
    22 s at 100,000 projects, ``issues -o x.foo`` every issue, before refusing)."""
    if "printable" not in ctx.meta:  # not FormatOpt's (export, summary have their own)
        return
    fmt, out = ctx.params.get("fmt"), ctx.params.get("out")
    if out is not None and not str(out).strip():  # Path("") would be the current folder
        raise InvalidValue("output", str(out), "a file name, e.g. report.xlsx")
    if fmt is not None or out is not None:
        # Click's values: -o is still text here (Typer makes the Path for the command).
        output_format(fmt, None if out is None else Path(out),
                      printable=ctx.meta["printable"], quiet=True,
                      files="out" in ctx.params)


def output_format(fmt: str | None, out: Path | None = None, *, printable: bool = False,
                  quiet: bool = False, files: bool = True) -> str:
    """The format asked for: --format, else the ending of -o FILE (a different ending is
    noted on stderr),
    else table on a terminal and tsv when piped.  ``printable``: the command also writes
    html (a printed page), besides xlsx; ``files``: it has -o FILE at all (without it,
    xlsx is not among the formats offered).  Checked before anything is written."""
    from minsheng_cli.render.files import FILE_ONLY, file_format, suffixes_for

    known = known_formats(printable) if files else FORMATS
    if fmt is not None:
        fmt = fmt.strip().lower()
        if fmt not in known:
            raise InvalidValue("format", fmt, " | ".join(known))
    if out is None:
        if fmt in FILE_ONLY:
            raise InvalidValue("format", fmt, f"{fmt} together with -o FILE")
        return fmt or ("table" if sys.stdout.isatty() else "tsv")
    named = file_format(out)
    if fmt is None:
        if named not in known:
            raise InvalidValue("output", str(out), "a file ending in "
                               + ", ".join(suffixes_for(known)) + " (or give --format)")
        fmt = named
    elif fmt != named and not quiet:
        # --format has always decided what transfer-list and checklist write to -o (a
        # script may rely on it); the ending only chooses when --format is left out.
        say(f"minsheng: note: writing {fmt} into {out.name!r}, as --format says")
    if out.is_dir() or not out.parent.is_dir():
        raise InvalidValue("output", str(out), "a file name in an existing folder")
    return fmt


def emit(ctx: typer.Context, rows, columns, fmt: str | None, *, out: Path | None = None,
         empty: str, title=None) -> None:
    """Rows to stdout, or to the file ``out`` (-o), in the chosen format; 'nothing found'
    to stderr (exit 0)."""
    from minsheng_cli.render.files import save_rows
    from minsheng_cli.render.output import write_rows

    fmt = output_format(fmt, out)
    lang = state(ctx).lang
    if not rows and empty:
        typer.echo(f"minsheng: {empty}", err=True)
    if out is not None:
        save_rows(out, rows, columns, fmt, lang, title=title, sheet=title or ctx.info_name)
        say(f"wrote {out} ({len(rows)} row(s))")
    elif rows or fmt != "table":
        write_rows(rows, columns, fmt, lang, title=title)


def say(message: str) -> None:
    """A note for the person (stderr), keeping stdout for data."""
    typer.echo(message, err=True)


def parse_year(text: str | None) -> int | None:
    return whole_number(text, "year", 1900, 2100, "a year such as 2021")


# -- parameters declared once ---------------------------------------------------------------

def known_formats(printable: bool = False) -> tuple[str, ...]:
    return (*FORMATS, "xlsx", *(("html",) if printable else ()))


def format_kind(printable: bool):
    """A --format option's callback that tells ``outputs_checked`` which formats the
    command writes (html too, when it prints)."""
    def mark(ctx: typer.Context, value: str | None) -> str | None:
        ctx.meta["printable"] = printable
        return value
    return mark


def format_option(ending: str) -> Any:
    """--format of the six formats every command writes; ``ending``: what the help adds
    to the default (the file's ending, for the commands with -o FILE)."""
    return Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="FORMAT",
                     help="table | tsv | csv | json | jsonl | markdown "
                     f"(default: table on a terminal, tsv when piped{ending})",
                     autocompletion=completion.choices(*FORMATS), callback=format_kind(False)),
    ]


FormatOpt = format_option("; with -o, the file's ending")
# For the commands without -o FILE (show, issue show, info, verify).
StdoutFormatOpt = format_option("")
PrintableFormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", metavar="FORMAT",
                 help="table | tsv | csv | json | jsonl | markdown | xlsx | html (xlsx and "
                 "html need -o; default: table on a terminal, tsv when piped; with -o, the "
                 "file's ending)",
                 autocompletion=completion.choices(*FORMATS, "xlsx", "html"),
                 callback=format_kind(True)),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE",
                 help="Write to FILE, in the format its ending names: .csv (with a BOM, for "
                 "Excel and WPS) .xlsx .tsv .txt .json .jsonl .md"),
]
PrintableOutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE",
                 help="Write to FILE, in the format its ending names: .xlsx and .html (a "
                 "printable sheet / page per section), .csv (with a BOM, for Excel and WPS) "
                 ".tsv .txt .json .jsonl .md"),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Date of the report, YYYY-MM-DD "
                 "(default: today)"),
]
DateOpt = Annotated[
    str | None, typer.Option("--date", metavar="DATE", help="YYYY-MM-DD (default: today)")
]
PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", "-p", metavar="PERIOD",
                 help="2021-06, 2021Q2, 2021-W24, 2021, this-month, last-quarter …"),
]
CodeArg = Annotated[str, typer.Argument(metavar="CODE", help="Project code, e.g. MS2021-01",
                                        autocompletion=completion.complete_code)]
# A code not yet on the list (add-project): nothing to complete.
NewCodeArg = Annotated[str, typer.Argument(metavar="CODE", help="Project code, e.g. MS2021-01")]
PctOpt = Annotated[
    str | None, typer.Option("--pct", metavar="PCT", help="Progress in percent, 0–100")
]
DoneOpt = Annotated[
    str | None,
    typer.Option("--done", metavar="QTY", help="Quantity done, in the project's target unit"),
]
FundsOpt = Annotated[
    str | None,
    typer.Option("--funds", metavar="WAN", help="Money spent so far (累计完成投资), 万元"),
]

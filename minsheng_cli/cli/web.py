"""``browse``: the register in Datasette (a web page on this computer), read-only.

Datasette is an optional dependency (``pip install 'minsheng[web]'``).  The metadata it is
given — Chinese titles and descriptions for the tables, views and columns, and the canned
queries 滞后项目, 各部门未销号问题, 逾期未办结问题, 本期应走访, 项目进展记录 — ships in the
package as ``data/datasette/metadata.json``.  Datasette keys a database's metadata by the
file's name without its suffix, and the file says ``register`` (the default register is
``register.db``); ``browse`` hands Datasette a copy keyed by the actual name, so that any
``--db`` gets its titles and queries.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from minsheng_cli.cli.common import fail, fixed_day, register, state

METADATA_DATABASE = "register"
SQL_TIME_LIMIT_MS = 20_000
CLOCK_TODAY = "date('now', 'localtime')"  # how the shipped canned queries say "today"
INSTALL_HINT = "Datasette is not installed: pip install 'minsheng[web]'"


def metadata_file() -> Path:
    """data/datasette/metadata.json, inside the package (wheel) or beside it (checkout)."""
    here = Path(__file__).resolve().parent.parent
    for folder in (here / "data", here.parent / "data"):
        path = folder / "datasette" / "metadata.json"
        if path.is_file():
            return path
    raise FileNotFoundError("the Datasette metadata is not in the installation")


def metadata_for(db_path: Path, day: date | None = None) -> dict:
    """The shipped metadata, its database entry keyed by the name Datasette gives db_path.

    The canned queries take "today" (an empty as_of) from the clock; with a fixed ``day``
    (--as-of, MINSHENG_TODAY) they take that day instead, as every report does."""
    metadata = json.loads(metadata_file().read_text(encoding="utf-8"))
    databases = metadata["databases"]
    database = databases[db_path.stem] = databases.pop(METADATA_DATABASE)
    if day is not None:
        for query in database.get("queries", {}).values():
            query["sql"] = query["sql"].replace(CLOCK_TODAY, f"'{day.isoformat()}'")
            query["description"] = query["description"].replace(
                "留空为今天", f"留空为 {day.isoformat()}")
    return metadata


def datasette_program() -> list[str] | None:
    """Datasette in this Python (the `web` extra), else a `datasette` on PATH (pipx)."""
    if importlib.util.find_spec("datasette") is not None:
        return [sys.executable, "-m", "datasette"]
    found = shutil.which("datasette")
    return [found] if found else None


def datasette_command(
    program: list[str], db_path: Path, metadata_path: Path, port: int, immutable: bool,
    open_browser: bool, extra: list[str],
) -> list[str]:
    """The `datasette serve` command line.  Without --immutable Datasette opens the file
    read-only (SQLite mode=ro) and sees what clerks write while it runs; --immutable also
    promises SQLite that nobody writes, which is faster but only right for a copy."""
    command = [*program, "serve", "--immutable" if immutable else "", str(db_path),
               "--metadata", str(metadata_path), "--host", "127.0.0.1", "--port", str(port),
               # Datasette stops a query after 1 s; 滞后项目 over 100,000 projects takes
               # about 3 s (0.56 s at 20,000, bench/generate.py), and this server is yours.
               "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS)]
    if open_browser:
        command.append("--open")
    return [part for part in command if part] + extra


def browse(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, metavar="PORT",
                                      help="Port on 127.0.0.1")] = 8001,
    immutable: Annotated[bool, typer.Option(
        "--immutable", help="Open the file as immutable: faster, for a copy nobody writes "
        "to (without it, changes made meanwhile show on reload)")] = False,
    open_browser: Annotated[bool, typer.Option(
        "--open", help="Open the page in a web browser")] = False,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATE", help="The date the canned queries take when their as_of "
        "is left empty (default: MINSHENG_TODAY, else each day's date)")] = None,
    print_metadata: Annotated[bool, typer.Option(
        "--print-metadata", help="Print the Datasette metadata for this register (JSON) and "
        "exit, e.g. for `datasette serve REGISTER -m FILE` with options of your own")] = False,
) -> None:
    """Browse the register in Datasette, read-only, with Chinese titles and canned queries
    (滞后项目, 各部门未销号问题 …). Options after `--` go to `datasette serve`."""
    db_path, day = state(ctx).db_path, fixed_day(as_of)
    register(ctx)  # a missing register fails here (exit 3); an older one is upgraded first
    state(ctx).close()
    metadata = metadata_for(db_path, day)
    if print_metadata:
        typer.echo(json.dumps(metadata, ensure_ascii=False, indent=2))
        return
    program = datasette_program()
    if program is None:
        fail(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="minsheng-datasette-") as folder:
        metadata_path = Path(folder) / "metadata.json"
        metadata_path.write_text(json.dumps(metadata, ensure_ascii=False), encoding="utf-8")
        command = datasette_command(program, db_path.resolve(), metadata_path, port,
                                    immutable, open_browser, list(ctx.args))
        typer.echo(f"minsheng: browsing {db_path} at http://127.0.0.1:{port}/ "
                   "(read-only; Ctrl-C stops)", err=True)
        code = run_until_stopped(command)
    if code != 0:  # e.g. the port is taken; 1 would read as "found" to a script
        fail(f"datasette stopped with exit code {code} (its message is above)")


def run_until_stopped(command: list[str]) -> int:
    """Run the server in the foreground; Ctrl-C (which reaches it too) stops it: exit 0.
    A SIGTERM (kill, a service manager) is passed on, so no server is left running."""
    process = subprocess.Popen(command)
    stopped = []

    def stop(*_) -> None:
        stopped.append(True)
        process.terminate()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        code = process.wait()
        return 0 if stopped else code
    except KeyboardInterrupt:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


def install(app: typer.Typer) -> None:
    # Only what follows `--` is extra: a mistyped option of ours stays an error here.
    app.command(context_settings={"allow_extra_args": True})(browse)

"""The ``minsheng`` command's entry point (also ``python -m minsheng_cli``).

``minsheng --version`` alone is answered here, before the command line program (Typer and
every command's module, ~130 ms) is imported: scripts ask it to check what is installed.
Everything else goes to ``minsheng_cli.cli.main``, once SQLite's process-wide settings are
made (``store/sqlite_setup.py``: they must come before anything imports sqlite3).
"""

from __future__ import annotations

import sys

from minsheng_cli import streams


def main() -> None:
    streams.install()
    if sys.argv[1:] == ["--version"]:
        from minsheng_cli import __version__

        try:
            sys.stdout.write(f"minsheng {__version__}\n")
            sys.stdout.flush()
        except BrokenPipeError:  # `minsheng --version | true`: nothing to say, as cli's
            from minsheng_cli.cli.common import pipe_closed

            pipe_closed()
        except OSError as error:  # `minsheng --version > full-disk`: as every command
            from minsheng_cli.cli.common import stdout_failed

            stdout_failed(error)
        return
    from minsheng_cli.store.sqlite_setup import memory_statistics_off

    memory_statistics_off()
    from minsheng_cli.cli import main as run

    run()

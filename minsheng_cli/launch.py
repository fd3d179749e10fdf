"""The ``minsheng`` command's entry point (also ``python -m minsheng_cli``).

``minsheng --version`` alone is answered here, before the command line program (Typer and
every command's module, ~130 ms) is imported: scripts ask it to check what is installed.
Everything else goes to ``minsheng_cli.cli.main``, once SQLite's process-wide settings are
made (``store/sqlite_setup.py``: they must come before anything imports sqlite3).
"""

from __future__ import annotations

import io
import os
import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from minsheng_cli import __version__

        try:
            sys.stdout.write(f"minsheng {__version__}\n")
            sys.stdout.flush()
        except BrokenPipeError:  # `minsheng --version | true`: nothing to say, as cli's
            from minsheng_cli.cli.common import pipe_closed

            pipe_closed()
        return
    from minsheng_cli.store.sqlite_setup import memory_statistics_off

    memory_statistics_off()
    whole_writes_to_stdout()
    from minsheng_cli.cli import main as run

    run()


class WholeWrites(io.RawIOBase):
    """A file descriptor written to in full or not at all: each write loops over short
    writes until every byte is out, and a failure raises.

    Python's own stdout loses bytes on a disk that fills up: the kernel takes part of a
    write, the next raises ENOSPC, and the buffered writer above keeps going — 8 KB of a
    25 KB report landed in the file and the program ended with 0 (measured on a full
    tmpfs).  With this raw layer under it, the failure reaches the CLI (exit 3)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    def write(self, data) -> int:
        view = memoryview(data).cast("B")
        total = len(view)
        while view:
            view = view[os.write(self.fd, view):]
        return total

    def close(self) -> None:  # the descriptor is the process's stdout: never closed here
        super().close()


def whole_writes_to_stdout() -> None:
    """Put WholeWrites under sys.stdout, keeping its encoding and buffering."""
    old = sys.stdout
    try:
        fd = old.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file: leave it be
        return
    old.flush()
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(WholeWrites(fd)), encoding=old.encoding,
                                  errors=old.errors, line_buffering=old.line_buffering)

"""The process's stdout and stderr under the program's own raw layer (installed by
``launch.py``, not by the tests' runner).

**Stdout: every byte or an error.**  Python's buffered stdout loses bytes on a disk that
fills up: the kernel takes part of a write, the next raises ENOSPC, and the buffered writer
above keeps going — 8 KB of a 25 KB report landed in the file and the program ended with 0
(measured on a full tmpfs).  Here each write loops over short writes until every byte is
out, and a failure is raised as ``StdoutFailed``, so that the CLI names stdout (exit 3)
and no other file's error is taken for it.  A closed pipe stays BrokenPipeError (exit 141).

**Stderr: best effort.**  Messages are for the person; when stderr itself cannot be written
(``cmd >> log 2>&1`` on a full disk) they are dropped rather than turned into an error of
their own — which Click reported as exit 1, "found" to a script, and which took stdout,
still working, for the culprit.
"""

from __future__ import annotations

import errno
import io
import os
import sys


class StdoutFailed(OSError):
    """A write to stdout failed (a full disk, an I/O error), not a closed pipe."""


class WholeWrites(io.RawIOBase):
    """A file descriptor written in full: each write loops over short writes."""

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
            view = view[self.write_some(view):]
        return total

    def write_some(self, view: memoryview) -> int:
        try:
            return os.write(self.fd, view)
        except BrokenPipeError:
            raise
        except OSError as error:
            raise StdoutFailed(error.errno, error.strerror) from error


class BestEffortWrites(WholeWrites):
    """Stderr: what cannot be written is dropped (see the module's note)."""

    def write(self, data) -> int:
        try:
            return super().write(data)
        except OSError:
            return len(memoryview(data).cast("B"))


class ClosedStdout(io.RawIOBase):
    """Stdout closed by the caller (``minsheng … >&-``): a write fails as StdoutFailed,
    so that a report says so (exit 3) and a command writing to -o FILE still runs."""

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, data) -> int:
        raise StdoutFailed(errno.EBADF, "stdout is closed")


def wrapped(stream, raw: WholeWrites, *, line_buffering: bool):
    stream.flush()
    return io.TextIOWrapper(io.BufferedWriter(raw), encoding=stream.encoding,
                            errors=stream.errors, line_buffering=line_buffering)


def install() -> None:
    """Put the raw layers under sys.stdout and sys.stderr, keeping their encodings; a
    stream that is not a real file (a test runner's) is left as it is.  POSIX only: on
    Windows, Python writes a console through WriteConsoleW (PEP 528), which bytes written
    to the descriptor would bypass (Chinese garbled on a code page 936 console)."""
    if sys.stdout is None:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(ClosedStdout()), encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 — until exit
    if os.name != "posix":
        return
    for name, kind in (("stdout", WholeWrites), ("stderr", BestEffortWrites)):
        stream = getattr(sys, name)
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):
            continue
        line_buffering = stream.line_buffering or name == "stderr"
        setattr(sys, name, wrapped(stream, kind(fd), line_buffering=line_buffering))


def installed() -> bool:
    """Whether sys.stdout is on WholeWrites: then its failures are always StdoutFailed."""
    raw = getattr(getattr(sys.stdout, "buffer", None), "raw", None)
    return isinstance(raw, WholeWrites)

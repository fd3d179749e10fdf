"""Output written to a file (``-o FILE``): the format its ending names, the byte-order mark
that lets Excel and WPS read a CSV file as UTF-8, and the replacement that never leaves
half a file.

Stdout is not touched here: TSV and CSV on stdout stay plain UTF-8 for scripts.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO

from minsheng_cli.domain.errors import OutputError, UserError

# A file's ending → the format written into it.
SUFFIX_FORMATS = {
    ".csv": "csv", ".tsv": "tsv", ".txt": "tsv", ".json": "json", ".jsonl": "jsonl",
    ".md": "markdown", ".markdown": "markdown", ".xlsx": "xlsx", ".html": "html",
    ".htm": "html",
}
# Formats that only make sense in a file (binary, or a whole printable page).
FILE_ONLY = ("xlsx", "html")


def suffixes_for(formats: Sequence[str]) -> list[str]:
    return [s for s, f in SUFFIX_FORMATS.items() if f in formats]


def file_format(path: Path) -> str | None:
    return SUFFIX_FORMATS.get(path.suffix.lower())


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """A new file beside ``path`` that takes its place only when the block ends without an
    error: a failure (a full disk, a bug, Ctrl-C) leaves the old file or none, never half
    of one.

    A path that is not a file — a device (``/dev/null``), a named pipe, ``/dev/stdout`` — is
    written straight into: replacing it would put a plain file where the device was (and,
    run as root, did).  Through a link, the file it names is replaced and the link stays."""
    path = Path(path)
    if path.is_symlink() and not into_proc(path):
        path = Path(os.path.realpath(path))
    if in_place(path):
        try:
            yield path
        except OSError as error:
            raise cannot_write(path, error) from error
        return
    try:
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                        dir=path.parent)
    except OSError as error:
        raise cannot_write(path, error) from error
    os.close(handle)
    temp = Path(name)
    try:
        yield temp
        # mkstemp makes the file private (0600); a report is as readable as any new file.
        os.chmod(temp, 0o666 & ~current_umask())
        os.replace(temp, path)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise cannot_write(path, error) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextmanager
def staging_in(folder: Path, prefix: str) -> Iterator[Path]:
    """A staging folder inside ``folder`` (made with it when missing), removed when the
    block ends: files are written there whole, then put in place by ``move_into`` (renames
    on one file system), so that a failure half-way leaves ``folder`` as it was."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=prefix, dir=folder))
    except OSError as error:
        raise cannot_write(folder, error) from error
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def move_into(staging: Path, folder: Path, names: Iterable[str]) -> None:
    """Each of ``names`` from ``staging`` into ``folder``, in that order."""
    for name in names:
        try:
            os.replace(staging / name, folder / name)
        except OSError as error:
            raise cannot_write(folder / name, error) from error


def is_special(path: Path) -> bool:
    """An existing path (followed through links) that is neither a file nor a folder."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def into_proc(path: Path) -> bool:
    """A path through /proc — ``/proc/self/fd/1`` itself, ``/dev/fd/1`` (its folder is a
    link there), ``/dev/stdout`` (a link to it): this process's stream, to be written
    into as it is."""
    for _ in range(40):  # a bound on hops; a loop of links fails later, when opened
        if os.path.realpath(path.parent).startswith("/proc/"):
            return True
        if not path.is_symlink():
            return False
        target = Path(os.readlink(path))
        path = target if target.is_absolute() else path.parent / target
    return False


def in_place(path: Path | str) -> bool:
    """``replacing`` writes into ``path`` itself (a device, a pipe, this process's
    stream): open it to append, so that ``-o /dev/stdout >> log`` keeps the log."""
    path = Path(path)
    return into_proc(path) or is_special(path)


# A disk that failed under the output, not a path the user got wrong: exit 3, not 2.
DISK_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def cannot_write(path: Path, error: OSError) -> UserError | OutputError:
    message = f"output: cannot write {str(path)!r} ({error.strerror or error})"
    if error.errno in DISK_ERRORS:
        return OutputError(message)
    return UserError(message)


@contextmanager
def text_file(path: Path | str, fmt: str) -> Iterator[TextIO]:
    """A text stream into ``path``, replaced as a whole when the block ends."""
    # A CSV file gets a byte-order mark: without it Excel and WPS take the text for GBK
    # and show the Chinese garbled.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    mode = "a" if in_place(path) else "w"
    with replacing(path) as temp, temp.open(mode, encoding=encoding, newline="") as out:
        yield out


@contextmanager
def binary_file(path: Path | str) -> Iterator[BinaryIO]:
    """``text_file`` for bytes (a zipped .xlsx or .docx)."""
    mode = "ab" if in_place(path) else "wb"
    with replacing(path) as temp, temp.open(mode) as out:
        yield out


def save_rows(path: Path, rows, columns, fmt: str, lang: str, *, title: str | None = None,
              sheet: str | None = None) -> None:
    """What ``emit`` writes to a file: rows in ``fmt``; an xlsx is one plain sheet."""
    if fmt == "xlsx":
        from minsheng_cli.render import xlsx

        xlsx.write_tables(path, [xlsx.Table(sheet or "Sheet1", columns, rows)], lang)
        return
    from minsheng_cli.render.output import write_rows

    with text_file(path, fmt) as out:
        write_rows(rows, columns, fmt, lang, out, title=title)

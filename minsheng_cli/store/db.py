"""Opening the register file, and the one way to write to it.

The register is one SQLite file.  Every connection gets the same pragmas (WAL, foreign
keys, a busy timeout).  Writes go through :func:`write_transaction`, which takes the write
lock up front with ``BEGIN IMMEDIATE``: a deferred transaction that later upgrades to a
write fails at once under concurrency, whatever the busy timeout.

Failures of the file itself (missing, not SQLite, read-only, locked past the timeout)
become :class:`RegisterError`, which the CLI reports with exit code 3.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from minsheng_cli.domain.errors import RegisterError

BUSY_TIMEOUT_MS = 10_000


def busy_timeout_ms() -> int:
    """The busy timeout; ``MINSHENG_BUSY_TIMEOUT`` (ms) overrides it, for tests and slow disks."""
    raw = os.environ.get("MINSHENG_BUSY_TIMEOUT", "")
    return int(raw) if raw.isascii() and raw.isdigit() else BUSY_TIMEOUT_MS  # not "²"


def connect(path: Path, *, create: bool = False, threads: bool = False) -> sqlite3.Connection:
    """Open the register at ``path`` with the register's pragmas.

    ``create`` allows a new file (``init``); otherwise a missing file is an error that
    tells the user to run ``minsheng init``.  ``threads``: the connection may be used from
    another thread than this one (one at a time; ``store/parallel.py``).
    """
    if not create and not path.exists():
        raise RegisterError(
            f"no register at {path}; create it with `minsheng init` "
            "(or point --db / MINSHENG_DB at an existing one)"
        )
    if not path.parent.is_dir():
        raise RegisterError(f"folder {path.parent} does not exist; create it or use another --db")
    try:
        return opened(path, threads=threads)
    except sqlite3.Error as error:
        if create or not on_read_only_disk(path):
            raise register_error(error, path) from error
        if journal_pending(path):
            raise RegisterError(
                f"register {path} is on a read-only disk with writes still in its -wal or "
                "-journal file; copy the register and those files to a folder you can write "
                "to") from error
    # A register on a read-only disk (a CD, a read-only mount, a mounted backup): SQLite
    # cannot make the WAL's shared-memory file beside it, so it is read as the unchanging
    # file it is there — with nothing waiting in a WAL or journal that would be left
    # unread.  Writes are refused as read-only.
    try:
        return opened(f"{Path(path).absolute().as_uri()}?immutable=1", threads=threads,
                      uri=True)
    except sqlite3.Error as error:
        raise register_error(error, path) from error


def opened(target: Path | str, *, threads: bool, uri: bool = False) -> sqlite3.Connection:
    # isolation_level=None: we issue BEGIN/COMMIT ourselves (BEGIN IMMEDIATE for writes).
    db = sqlite3.connect(target, isolation_level=None, timeout=busy_timeout_ms() / 1000,
                         check_same_thread=not threads, uri=uri)
    try:
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        # Reading the schema is the first touch of the file: a non-SQLite file fails here.
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        db.close()
        raise
    return db


def on_read_only_disk(path: Path) -> bool:
    """The register lies on a file system mounted read-only: nothing can write it there,
    so reading it as unchanging is safe.  (A folder the user may not write to is not
    enough: others may be writing the register, and an immutable read takes no locks.)"""
    try:
        return path.exists() and bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (AttributeError, OSError):  # no statvfs (Windows): never assumed
        return False


def journal_pending(path: Path) -> bool:
    """A write-ahead log with pages in it, or a rollback journal (a transaction cut off),
    beside the register: an immutable read would miss or misread them."""
    for suffix in ("-wal", "-journal"):
        side = Path(f"{path}{suffix}")
        if side.exists() and side.stat().st_size > 0:
            return True
    return False


def enable_wal(db: sqlite3.Connection, path: Path) -> None:
    """Switch the file to WAL (persistent in the file; done once, at ``init``)."""
    try:
        db.execute("PRAGMA journal_mode = WAL").fetchone()
    except sqlite3.Error as error:
        raise register_error(error, path) from error


def register_error(error: sqlite3.Error, path: Path | str) -> RegisterError:
    """Turn a low-level SQLite failure into a message that says what to do."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return RegisterError(
            f"register {path} is locked by another program for longer than "
            f"{busy_timeout_ms() / 1000:g} s; try again when it has finished"
        )
    if "readonly" in text or "read-only" in text:
        return RegisterError(
            f"register {path} is read-only; check the file's permissions or copy it elsewhere"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return RegisterError(
            f"{path} is not a usable register ({text}); restore it from a backup"
        )
    if "unable to open" in text:
        return RegisterError(f"cannot open register {path}: {text}")
    return RegisterError(f"register {path} failed: {text}")


@contextmanager
def write_transaction(db: sqlite3.Connection, path: Path | str = "") -> Iterator[None]:
    """One use case, one transaction: ``BEGIN IMMEDIATE`` … ``COMMIT``, rollback on error."""
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise register_error(error, path) from error
    try:
        yield
    except sqlite3.Error as error:  # e.g. a file made read-only since it was opened
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise register_error(error, path) from error
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except sqlite3.Error as error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise register_error(error, path) from error

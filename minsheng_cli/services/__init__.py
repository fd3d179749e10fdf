"""Use cases: one function per thing a user does, one transaction each.

Services take a :class:`Register` (the open file) and, for writes, a ``WriteContext``
(who, which command, when) and today's date; they return domain values and raise domain
errors.  They never print, read the clock or exit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from minsheng_cli.domain.errors import RegisterError
from minsheng_cli.store import db as store_db
from minsheng_cli.store import migrations
from minsheng_cli.store.audit import WriteContext
from minsheng_cli.store.db import register_error

# What the CLI needs from below, named here so that it never imports store/ itself.
__all__ = ["Register", "WriteContext", "create_register", "open_register", "register_error"]


@dataclass
class Register:
    """An open register file."""

    path: Path
    db: sqlite3.Connection
    upgraded: list[str] = field(default_factory=list)
    committed: bool = False  # a write transaction of this invocation committed

    @contextmanager
    def write(self) -> Iterator[None]:
        """The one write transaction of a use case (BEGIN IMMEDIATE)."""
        with store_db.write_transaction(self.db, self.path):
            yield
        self.committed = True

    def close(self) -> None:
        self.db.close()


def open_register(path: Path) -> Register:
    """Open an existing register; bring an older schema up to date first."""
    db = store_db.connect(path)
    try:
        applied = migrations.applied_names(db)
        if not applied:
            raise RegisterError(
                f"{path} is not a minsheng register (no schema); create one with `minsheng init`"
            )
        unknown = set(applied) - set(migrations.NAMES)
        if unknown:
            raise RegisterError(
                f"register {path} was written by a newer minsheng "
                f"({', '.join(sorted(unknown))}); upgrade the program"
            )
        upgraded = migrations.apply(db) if migrations.pending_names(db) else []
    except sqlite3.Error as error:
        db.close()
        raise store_db.register_error(error, path) from error
    except RegisterError:
        db.close()
        raise
    return Register(path, db, upgraded)


def create_register(path: Path) -> Register:
    """Create the register (or upgrade it) — ``minsheng init``."""
    db = store_db.connect(path, create=True)
    try:
        store_db.enable_wal(db, path)
        upgraded = migrations.apply(db)
    except sqlite3.Error as error:
        db.close()
        raise store_db.register_error(error, path) from error
    return Register(path, db, upgraded)

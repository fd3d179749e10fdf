"""Checking the register against its audit log, and keeping copies of it.

``verify`` holds the register to three promises:

1. the audit log is one unbroken hash chain — an event edited or removed (after
   dropping the triggers that refuse it) breaks it;
2. every row of every audited table equals the content its last event logged — a figure
   edited, a visit deleted or a row slipped in behind the program's back is named with
   its table and key;
3. SQLite's own ``integrity_check`` and ``foreign_key_check`` hold.

What it cannot see: the chain has no secret, so someone who rewrites the whole log and
every hash after it leaves a consistent register.  The head hash ``verify`` prints is
what a group writes down (or keeps in a backup) to catch that.

Copies: :func:`backup` uses SQLite's online backup (one step, so one consistent
snapshot while clerks keep writing); :func:`table_rows` streams a table for ``export``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from minsheng_cli.domain.errors import OutputError
from minsheng_cli.store.audit import GENESIS, ROW_KEYS, canonical, event_hash, row_key

LOG_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")
SHOWN_VALUE = 80


@dataclass(frozen=True)
class Problem:
    """One thing that does not hold: ``kind`` is chain, edited, deleted, unlogged,
    trigger, integrity or foreign_key."""

    kind: str
    table: str
    key: str
    detail: str

    def __str__(self) -> str:
        where = f"{self.table} {self.key}" if self.key else self.table
        return f"{where}: {self.detail}"


@dataclass
class Verification:
    events: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@contextmanager
def snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """A read transaction: every query inside sees the same state (WAL lets writers on)."""
    db.execute("BEGIN")
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield
    finally:
        if db.in_transaction:
            try:
                db.execute("COMMIT")
            except sqlite3.DatabaseError:  # a damaged file can fail even a read's end
                db.execute("ROLLBACK") if db.in_transaction else None


def verify(db: sqlite3.Connection) -> Verification:
    result = Verification()
    with snapshot(db):
        check_sqlite(db, result)
        try:
            check_chain(db, result)
            for table in ROW_KEYS:
                check_table(db, table, result)
        except sqlite3.DatabaseError as error:  # a damaged page: integrity_check said where
            result.problems.append(Problem("integrity", "sqlite", "read", str(error)))
        check_triggers(db, result)
    return result


# -- 1. the chain ------------------------------------------------------------------------------


def check_chain(db: sqlite3.Connection, result: Verification) -> None:
    prev_hash, prev_id = GENESIS, None
    rows = db.execute(
        "SELECT id, at, actor, command, table_name, row_key, action, content, prev_hash, hash"
        " FROM audit_log ORDER BY id"
    )
    for row in rows:
        event_id, *fields, stored_prev, stored_hash = tuple(row)
        if stored_prev != prev_hash:
            before = f"event {prev_id}" if prev_id is not None else "the start of the log"
            result.problems.append(Problem(
                "chain", "audit_log", f"event {event_id}",
                f"does not follow {before}: an event between them was removed or altered",
            ))
        if event_hash(stored_prev, fields) != stored_hash:
            result.problems.append(Problem(
                "chain", "audit_log", f"event {event_id}",
                f"its hash does not match its content ({fields[3]} {fields[4]}): "
                "the event was altered",
            ))
        prev_hash, prev_id = stored_hash, event_id
        result.events += 1
    result.head_id, result.head_hash = prev_id, prev_hash
    check_sequence(db, result)


def check_sequence(db: sqlite3.Connection, result: Verification) -> None:
    """The chain cannot show that its newest events were cut off; the sequence can:
    SQLite remembers the highest event id ever written (AUTOINCREMENT)."""
    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    written = row[0] if row else 0
    last = result.head_id or 0
    if written > last:
        result.problems.append(Problem(
            "chain", "audit_log", f"events {last + 1}–{written}",
            f"the newest {written - last} event(s) were removed from the end of the log",
        ))


# -- 2. every row against its last logged content -------------------------------------------


def key_sql(table: str) -> str:
    """``row_key`` in SQL: the text the log keys the table's rows by."""
    return " || ':' || ".join(f'CAST("{column}" AS TEXT)' for column in ROW_KEYS[table])


def last_logged(db: sqlite3.Connection, table: str) -> Iterator[tuple[str, dict]]:
    """(key, last event) for every row the log names, in key order: the (table_name,
    row_key, id) index gives each key's last event without holding them all."""
    sql = """SELECT a.row_key, a.id, a.at, a.actor, a.command, a.action, a.content
             FROM audit_log a
             WHERE a.table_name = :table AND NOT EXISTS (
                 SELECT 1 FROM audit_log b
                 WHERE b.table_name = :table AND b.row_key = a.row_key AND b.id > a.id)
             ORDER BY a.row_key"""
    for key, *event in db.execute(sql, {"table": table}):
        yield key, dict(zip(("id", "at", "actor", "command", "action", "content"), event,
                            strict=True))


def rows_by_key(db: sqlite3.Connection, table: str) -> tuple[list[str], Iterator[tuple]]:
    """The table's columns and its rows as (key, rowid, values), in the log's key order."""
    cursor = db.cursor()
    cursor.row_factory = None
    cursor.execute(f'SELECT {key_sql(table)}, rowid, * FROM "{table}" ORDER BY 1')
    return [d[0] for d in cursor.description][2:], ((r[0], r[1], r[2:]) for r in cursor)


def table_rows(db: sqlite3.Connection, table: str) -> tuple[list[str], Iterator[tuple]]:
    """A table's column names and its rows (as tuples), in rowid order where it has one."""
    cursor = db.execute(f'SELECT * FROM "{table}"')
    return [d[0] for d in cursor.description], (tuple(r) for r in cursor)


def check_table(db: sqlite3.Connection, table: str, result: Verification) -> None:
    """Merge the table and its last logged contents, both in key order (a million figures
    are never held at once).  Problems come out as before the merge: the table's in rowid
    order, then the deleted rows in the order they were logged."""
    columns, rows = rows_by_key(db, table)
    logged = last_logged(db, table)
    found: list[tuple[int, Problem]] = []
    deleted: list[tuple[int, Problem]] = []
    count = 0
    event_key, event = next(logged, (None, None))
    for key, rowid, values in rows:
        count += 1
        while event_key is not None and event_key < key:
            deleted += deleted_row(table, event_key, event)
            event_key, event = next(logged, (None, None))
        match = event if event_key == key else None
        if match is not None:
            event_key, event = next(logged, (None, None))
        problem = row_problem(table, dict(zip(columns, values, strict=True)), match)
        if problem is not None:
            found.append((rowid, problem))
    while event_key is not None:
        deleted += deleted_row(table, event_key, event)
        event_key, event = next(logged, (None, None))
    result.problems += [p for _, p in sorted(found, key=lambda f: f[0])]
    result.problems += [p for _, p in sorted(deleted, key=lambda d: d[0])]
    result.rows[table] = count


def row_problem(table: str, row: dict, event: dict | None) -> Problem | None:
    key = row_key(table, row)
    if event is None or event["action"] == "delete":
        return Problem("unlogged", table, key, "no log entry: added behind the program's back")
    if canonical(row) != event["content"] and not only_new_columns(row, event):
        return Problem(
            "edited", table, key,
            f"differs from its last logged content (event {event['id']}, "
            f"{event['actor']}, {event['at']}): {changes(event['content'], row)}",
        )
    return None


def deleted_row(table: str, key: str, event: dict) -> list[tuple[int, Problem]]:
    if event["action"] == "delete":
        return []
    return [(event["id"], Problem(
        "deleted", table, key,
        f"deleted behind the program's back (last logged in event {event['id']} by "
        f"{event['actor']} at {event['at']}: {summary(event['content'])})",
    ))]


def only_new_columns(row: dict, event: dict) -> bool:
    """True when the row differs from its logged content only by columns a later
    migration added (absent from the content, NULL in the row)."""
    logged = json.loads(event["content"])
    same = {k: v for k, v in row.items() if k in logged or v is not None}
    return canonical(same) == event["content"]


def changes(logged_content: str, row: dict) -> str:
    try:
        logged = json.loads(logged_content)
    except ValueError:
        return "the logged content is not readable"
    parts = [
        f"{column} {shorten(logged.get(column))} → {shorten(row.get(column))}"
        for column in sorted(set(logged) | set(row))
        if logged.get(column) != row.get(column) or (column in logged) != (column in row)
    ]
    return "; ".join(parts) or "the stored types differ"


def summary(content: str) -> str:
    """A logged row as ``column=value`` pairs, its stamp left out (the event names it)."""
    try:
        row = json.loads(content)
    except ValueError:
        return clip(content)
    pairs = [f"{k}={v}" for k, v in row.items()
             if k not in ("created_at", "created_by") and v is not None]
    return clip(", ".join(pairs))


def shorten(value) -> str:
    return clip(repr(value))


def clip(text: str) -> str:
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


# -- 3. the log's triggers and SQLite's own checks --------------------------------------------


def check_triggers(db: sqlite3.Connection, result: Verification) -> None:
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    for name in LOG_TRIGGERS:
        if name not in present:
            result.problems.append(Problem(
                "trigger", "audit_log", "", f"trigger {name} is missing: the log can be changed"))


def check_sqlite(db: sqlite3.Connection, result: Verification) -> None:
    try:
        messages = [m for (text,) in db.execute("PRAGMA integrity_check").fetchall()
                    for m in text.splitlines()]
    except sqlite3.DatabaseError as error:  # so damaged that the check itself stops
        messages = [str(error)]
    damaged = [m for m in messages if m not in ("ok", "*** in database main ***")]
    for message in damaged:
        result.problems.append(Problem("integrity", "sqlite", "integrity_check", message))
    if damaged:
        return  # foreign_key_check reads every table: not on a damaged file
    for table, rowid, parent, _ in db.execute("PRAGMA foreign_key_check"):
        key = f"rowid {rowid}"
        if table in ROW_KEYS and rowid is not None:
            row = db.execute(f'SELECT * FROM "{table}" WHERE rowid = ?', [rowid]).fetchone()
            if row is not None:
                columns = [d[0] for d in db.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
                key = row_key(table, dict(zip(columns, tuple(row), strict=True)))
        result.problems.append(Problem(
            "foreign_key", table, key, f"refers to a {parent} row that does not exist"))


# -- copies ------------------------------------------------------------------------------------


def backup(db: sqlite3.Connection, target: Path) -> dict:
    """Copy the register to ``target`` (replacing it) with SQLite's online backup.

    The copy is written beside ``target`` and renamed into place, so a failed backup
    never leaves half a file; it is switched out of WAL so that it is one self-contained
    file, and checked with ``integrity_check``.  Returns the copy's size and counts.
    """
    # a short name of its own: a target's name near the 255-byte limit must still work
    partial = target.with_name(f".minsheng-backup-{os.getpid()}.partial")
    try:
        try:
            copy = sqlite3.connect(partial, isolation_level=None)
            try:
                db.backup(copy)  # pages=-1: the whole file in one step, one snapshot
                copy.execute("PRAGMA journal_mode = DELETE").fetchone()
                check = copy.execute("PRAGMA integrity_check").fetchone()[0]
                events = copy.execute("SELECT count(*) FROM audit_log").fetchone()[0]
                head = copy.execute(
                    "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
            finally:
                copy.close()
            os.replace(partial, target)
        except sqlite3.Error as error:
            if not copy_failed(error):
                raise  # the register's own failure: the CLI names the register
            raise OutputError(f"backup: cannot write {str(target)!r} ({error})") from error
        except OSError as error:
            raise OutputError(f"backup: cannot write {str(target)!r} "
                              f"({error.strerror or error})") from error
    finally:
        if partial.exists():
            partial.unlink()
    return {"path": str(target), "bytes": target.stat().st_size, "integrity": check,
            "events": events, "head_hash": head[0] if head else GENESIS}


# SQLite's errors of a file that cannot be written: the copy's, during a backup (the
# register is only read).  A corrupt register and the like stay the register's.
COPY_ERRORS = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY",
               "SQLITE_PERM")


def copy_failed(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "") or ""
    return name.startswith(COPY_ERRORS)


def table_names(db: sqlite3.Connection) -> list[str]:
    """Every table of the register (SQLite's internal ones aside), by name."""
    return [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]


def table_counts(db: sqlite3.Connection, names: list[str]) -> dict[str, int]:
    return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def audit_head(db: sqlite3.Connection) -> dict | None:
    """The last event of the log: its id and hash (what to write down to anchor the chain)."""
    row = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return {"id": row[0], "hash": row[1]} if row else None

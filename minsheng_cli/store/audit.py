"""The append-only, hash-chained audit log (谁监督、谁负责; 严禁弄虚作假、隐瞒不报).

Every write to a register table appends one event to ``audit_log``: when, who, which
command, which table and row, and the row's whole content after the change, read back
from the table so that it is exactly what SQLite holds.  Each event's hash covers its
fields and the previous event's hash, so an edited or deleted event breaks the chain.
Triggers refuse UPDATE and DELETE on the log itself.

``verify`` (issue #4) compares every row of every table with its last logged content: a
figure edited or a row deleted behind the program's back is named with table and key.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass

GENESIS = "0" * 64

# How each audited table names its rows in the log.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "projects": ("code",),
    "plan_points": ("id",),
    "supervision_groups": ("id",),
    "assignments": ("group_id", "project_code"),
    "visits": ("id",),
    "visit_photos": ("id",),
    "progress": ("id",),
    "issues": ("id",),
    "issue_events": ("id",),
    "settings": ("key",),
}


@dataclass(frozen=True)
class WriteContext:
    """Who writes, with which command, and when (an ISO timestamp the CLI takes from the clock)."""

    actor: str
    command: str
    at: str


def canonical(content: dict) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(prev_hash: str, fields: list) -> str:
    payload = prev_hash + "\n" + json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def row_key(table: str, row: dict) -> str:
    return ":".join(str(row[column]) for column in ROW_KEYS[table])


def last_hash(db: sqlite3.Connection) -> str:
    row = db.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else GENESIS


def log_rows(
    db: sqlite3.Connection, ctx: WriteContext, table: str, rows: list[dict], action: str
) -> None:
    """Append one event per row; ``rows`` are the rows as read back from ``table``."""
    prev = last_hash(db)
    events = []
    for row in rows:
        key = row_key(table, row)
        content = canonical(row)
        fields = [ctx.at, ctx.actor, ctx.command, table, key, action, content]
        digest = event_hash(prev, fields)
        events.append((*fields, prev, digest))
        prev = digest
    db.executemany(
        "INSERT INTO audit_log (at, actor, command, table_name, row_key, action, content,"
        " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        events,
    )


def read_back(db: sqlite3.Connection, table: str, rowids: list[int]) -> list[dict]:
    """The rows as SQLite stores them (types included), in the order given."""
    rows = []
    for start in range(0, len(rowids), 500):
        chunk = rowids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found = {
            r["_rowid"]: r
            for r in db.execute(
                f"SELECT rowid AS _rowid, * FROM {table} WHERE rowid IN ({marks})", chunk
            )
        }
        for rowid in chunk:
            row = dict(found[rowid])
            del row["_rowid"]
            rows.append(row)
    return rows


def insert_rows(
    db: sqlite3.Connection, ctx: WriteContext, table: str, rows: list[dict]
) -> list[int]:
    """Insert ``rows`` into ``table`` and log each; return their rowids (ids)."""
    if not rows:
        return []
    columns = list(rows[0])
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    rowids = []
    for row in rows:
        rowids.append(db.execute(sql, [row[c] for c in columns]).lastrowid)
    log_rows(db, ctx, table, read_back(db, table, rowids), "insert")
    return rowids


def update_row(
    db: sqlite3.Connection, ctx: WriteContext, table: str, key: dict, changes: dict
) -> None:
    """Update one row (only ``issues`` and ``settings`` change) and log its new content."""
    where = " AND ".join(f"{column} = ?" for column in key)
    sets = ", ".join(f"{column} = ?" for column in changes)
    db.execute(f"UPDATE {table} SET {sets} WHERE {where}", [*changes.values(), *key.values()])
    rowid = db.execute(f"SELECT rowid FROM {table} WHERE {where}", list(key.values())).fetchone()[0]
    log_rows(db, ctx, table, read_back(db, table, [rowid]), "update")

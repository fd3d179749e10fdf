"""Replaying a generated register into SQLite, in time order, with its audit log.

The generator (bench/generate.py) records every write a year of clerks would have made —
each insert, and each update of an issue's status — on a :class:`Timeline`, stamped with
the moment it was entered.  :func:`replay` sorts them by that moment and writes them as the
program would have: ids are handed out in time order, every row's ``created_at`` and
``created_by`` are its event's, and every insert or update appends one ``audit_log`` event
whose content is the row as SQLite stores it, canonicalised and hash-chained with the
program's own ``canonical``/``event_hash`` (store/audit.py).  ``minsheng verify`` therefore
finds nothing to flag.

Speed: about 30 events per project, so 3 million at 100,000 projects, each costing ~9 µs
of ``canonical`` + ``event_hash`` alone.  Two processes share the work, in chunks of events
in time order: this one computes the contents and chains the hashes (sequential by
nature); a forked writer inserts the tables' rows and, as their chunks arrive, the audit
events, with ``executemany`` in one transaction, the journal off, the secondary indexes
dropped during the load and recreated from their own ``CREATE INDEX`` text (same schema,
built by sorting), and the file switched back to WAL as ``minsheng init`` leaves it.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import queue
import sqlite3
import threading
from datetime import date
from itertools import islice
from json.encoder import encode_basestring
from pathlib import Path

from minsheng_cli.store.audit import GENESIS, ROW_KEYS, canonical, event_hash, row_key

# Column order of each table, as m001_create_register defines it (checked against the file).
COLUMNS: dict[str, tuple[str, ...]] = {
    "projects": ("code", "year", "item", "name", "content", "department", "partners",
                 "district", "leader", "target", "unit", "budget", "start", "due",
                 "created_at", "created_by"),
    "plan_points": ("id", "project_code", "date", "pct", "created_at", "created_by"),
    "supervision_groups": ("id", "name", "level", "cadence", "district", "members",
                           "created_at", "created_by"),
    "assignments": ("group_id", "project_code", "created_at", "created_by"),
    "visits": ("id", "project_code", "group_id", "date", "method", "visitors", "finding",
               "suggestion", "created_at", "created_by"),
    "visit_photos": ("id", "visit_id", "path", "created_at", "created_by"),
    "progress": ("id", "project_code", "date", "pct", "done", "funds", "source", "visit_id",
                 "note", "created_at", "created_by"),
    "issues": ("id", "project_code", "visit_id", "group_id", "category", "severity", "text",
               "department", "found_on", "status", "deadline", "verdict", "created_at",
               "created_by"),
    "issue_events": ("id", "issue_id", "action", "date", "from_status", "to_status",
                     "department", "deadline", "verdict", "note", "created_at", "created_by"),
}
HAS_ID = {table: cols[0] == "id" for table, cols in COLUMNS.items()}

# Positions, in an event's values (the columns without id and stamp), that hold the
# timeline sequence number of another insert (a group, a visit, an issue) to resolve to its id.
REFS: dict[str, tuple[int, ...]] = {
    "assignments": (0,), "visits": (1,), "visit_photos": (0,), "progress": (6,),
    "issues": (1, 2), "issue_events": (0,),
}
ISSUE_UPDATE = "issues:update"
# An issue is logged at insert as it was flagged: open, no deadline, no verdict.
ISSUE_STATE = slice(COLUMNS["issues"].index("status"), COLUMNS["issues"].index("verdict") + 1)
FLAGGED = ("open", None, None)

SEQ_BITS = 32
SEQ_MASK = (1 << SEQ_BITS) - 1
CHUNK = 200_000


class Timeline:
    """Every write of the year: (moment, table, command, actor, values), in any order."""

    def __init__(self, first_day: date, tz: str = "+08:00"):
        self.base = first_day.toordinal()
        self.tz = tz
        self.keys: list[int] = []
        self.events: list[tuple] = []

    def add(self, day: int, second: int, kind: str, command: str, actor: str,
            values: tuple) -> int:
        """Record a write on ``day`` (an ordinal) at ``second`` of it; return its sequence no.

        Writes at the same moment replay in the order they were added.
        """
        seq = len(self.events)
        moment = (day - self.base) * 86400 + second
        self.keys.append((moment << SEQ_BITS) | seq)
        self.events.append((kind, command, actor, values))
        return seq

    def stamp(self, moment: int, stamps: dict[int, str]) -> str:
        """The ISO timestamp of a moment, as ``now_stamp()`` writes it (cached: imports
        share one)."""
        at = stamps.get(moment)
        if at is None:
            day, second = divmod(moment, 86400)
            hours, rest = divmod(second, 3600)
            iso = date.fromordinal(self.base + day).isoformat()
            at = stamps[moment] = f"{iso}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}{self.tz}"
        return at


# Columns a later migration added at the end of a table, nullable and without a default
# (e.g. m003's progress.corrects): the generator leaves them NULL, as a row written before
# the feature was used would have them.  Filled in by ``adapt_columns``.
EXTRA: dict[str, int] = {}


def adapt_columns(db: sqlite3.Connection) -> None:
    """Take in added nullable columns; refuse a schema that moved on in any other way."""
    for table, columns in list(COLUMNS.items()):
        info = db.execute(f"PRAGMA table_info({table})").fetchall()
        found = tuple(r[1] for r in info)
        added = info[len(columns):]
        if found[: len(columns)] != columns or any(r[3] or r[4] is not None for r in added):
            raise SystemExit(
                f"generate: table {table} has columns {found}, expected {columns}; "
                "update bench/loader.py for the new schema"
            )
        COLUMNS[table] = found
        EXTRA[table] = len(added)


def connect_for_load(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF").fetchone()
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -1000000")  # ~1 GB of pages
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute("PRAGMA foreign_keys = OFF")
    return db


def drop_indexes(path: Path) -> dict[str, list[str]]:
    """Drop the secondary indexes; return each table's ``CREATE INDEX`` statements."""
    db = connect_for_load(path)
    adapt_columns(db)
    found = db.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    statements: dict[str, list[str]] = {}
    for name, table, sql in found:
        db.execute(f"DROP INDEX {name}")
        statements.setdefault(table, []).append(sql)
    db.close()
    return statements


def insert_sql(table: str) -> str:
    columns = COLUMNS[table]
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


AUDIT_SQL = (
    "INSERT INTO audit_log (at, actor, command, table_name, row_key, action, content,"
    " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def assign_ids(timeline: Timeline) -> tuple[list[int], dict[str, int]]:
    """Sort the writes by moment and hand out each table's ids in that order."""
    timeline.keys.sort()
    ids = [0] * len(timeline.events)
    counts = dict.fromkeys(COLUMNS, 0)
    events = timeline.events
    for key in timeline.keys:
        seq = key & SEQ_MASK
        kind = events[seq][0]
        if kind != ISSUE_UPDATE:
            counts[kind] += 1
            ids[seq] = counts[kind]
    return ids, counts


def in_order(timeline: Timeline, ids: list[int]):
    """Every write in time order: (at, actor, command, table, action, stored, logged).

    ``stored`` is the row as it ends up in its table (None for an update), ``logged`` the
    row as the audit event records it (an issue is logged open when flagged, then after
    each move).
    """
    events, stamps = timeline.events, {}
    flagged: dict[int, list] = {}  # issue seq → its row as last logged
    for key in timeline.keys:
        seq = key & SEQ_MASK
        at = timeline.stamp(key >> SEQ_BITS, stamps)
        kind, command, actor, values = events[seq]
        if kind == ISSUE_UPDATE:
            logged = flagged[values[0]]
            logged[ISSUE_STATE] = values[1:]
            yield at, actor, command, "issues", "update", None, tuple(logged)
            continue
        row = resolve(kind, values, ids, ids[seq], at, actor)
        if kind == "issues":
            logged = flagged[seq] = list(row)
            logged[ISSUE_STATE] = FLAGGED
            yield at, actor, command, kind, "insert", row, tuple(logged)
        else:
            yield at, actor, command, kind, "insert", row, row


def resolve(table: str, values: tuple, ids: list[int], row_id: int, at: str,
            actor: str) -> tuple:
    """The row as stored: references to earlier writes become ids; the stamp is appended."""
    refs = REFS.get(table)
    if refs:
        values = list(values)
        for i in refs:
            if values[i] is not None:
                values[i] = ids[values[i]]
    extra = (None,) * EXTRA.get(table, 0)
    if HAS_ID[table]:
        return (row_id, *values, at, actor, *extra)
    return (*values, at, actor, *extra)


def chunks(timeline: Timeline, ids: list[int]):
    """``in_order`` in lists of CHUNK events."""
    events = in_order(timeline, ids)
    while batch := list(islice(events, CHUNK)):
        yield batch


def json_value(value) -> str:
    """One value as ``json.dumps(..., ensure_ascii=False)`` writes it (for the types a
    row holds: None, bool, int, finite float, str)."""
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def canonical_fast(order: list[tuple[str, int]], logged: tuple) -> str:
    """``store.audit.canonical`` of a row, from its columns sorted once per table:
    json.dumps with sort_keys costs about twice as much per event (3 million of them)."""
    return "{" + ",".join([name + json_value(logged[i]) for name, i in order]) + "}"


def hash_fast(prev: str, fields: list[str]) -> str:
    """``store.audit.event_hash`` for fields that are all text."""
    payload = prev + "\n[" + ",".join([encode_basestring(f) for f in fields]) + "]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


# Every CHECK_EVERY-th event is also computed with the program's own canonical and
# event_hash: the fast path must give the same bytes, or the generator stops.
CHECK_EVERY = 101


def chain(timeline: Timeline, ids: list[int], to_writer) -> None:
    """Here: each logged row's key, ``canonical`` content and chained ``event_hash``
    (the bytes of ``store/audit.py``'s functions, checked on a sample), sent to the writer
    a chunk at a time."""
    prev = GENESIS
    orders = {table: [(encode_basestring(c) + ":", i) for c, i in
                      sorted((c, i) for i, c in enumerate(columns))]
              for table, columns in COLUMNS.items()}
    key_columns = {table: [COLUMNS[table].index(c) for c in ROW_KEYS[table]]
                   for table in COLUMNS}
    n = 0
    for batch in chunks(timeline, ids):
        keys, texts, hashes = [], [], []
        for at, actor, command, table, action, _, logged in batch:
            key = ":".join([str(logged[i]) for i in key_columns[table]])
            text = canonical_fast(orders[table], logged)
            fields = [at, actor, command, table, key, action, text]
            digest = hash_fast(prev, fields)
            n += 1
            if n % CHECK_EVERY == 1:
                check_fast(table, logged, prev, fields, key, text, digest)
            prev = digest
            keys.append(key)
            texts.append(text)
            hashes.append(prev)
        to_writer.send((keys, texts, hashes))


def check_fast(table: str, logged: tuple, prev: str, fields: list, key: str, text: str,
               digest: str) -> None:
    content = dict(zip(COLUMNS[table], logged, strict=True))
    if (row_key(table, content), canonical(content), event_hash(prev, fields)) != (
            key, text, digest):
        raise SystemExit(f"generate: the fast audit content of {table} {key} differs from "
                         "store.audit's; fix bench/loader.py")


class Writer:
    """The forked writer: the rows as it walks the events, the audit events as their
    contents and hashes arrive from the chain."""

    def __init__(self, path: Path, indexes: dict[str, list[str]], from_main):
        self.db = connect_for_load(path)
        self.indexes = indexes
        self.arrived: queue.Queue = queue.Queue()
        self.pending: dict[int, list[tuple]] = {}  # chunk → its events' heads
        self.next_chunk, self.prev = 0, GENESIS
        threading.Thread(target=self._receive, args=(from_main,), daemon=True).start()

    def _receive(self, from_main) -> None:
        while True:
            try:
                self.arrived.put(from_main.recv())
            except EOFError:
                return

    def run(self, timeline: Timeline, ids: list[int], check: bool) -> list:
        db = self.db
        db.execute("BEGIN")
        buffers: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        for chunk_no, batch in enumerate(chunks(timeline, ids)):
            for event in batch:
                if event[5] is not None:
                    buffers[event[3]].append(event[5])
            for table, rows in buffers.items():
                if rows:
                    db.executemany(insert_sql(table), rows)
                    rows.clear()
            self.pending[chunk_no] = [event[:5] for event in batch]
            self.log_arrived(block=False)
        for table in COLUMNS:
            for sql in self.indexes.get(table, []):
                db.execute(sql)
        while self.pending:
            self.log_arrived(block=True)
        for sql in self.indexes.get("audit_log", []):
            db.execute(sql)
        db.execute("COMMIT")
        problems = list(db.execute("PRAGMA foreign_key_check")) if check else []
        db.execute("PRAGMA journal_mode = WAL").fetchone()
        db.close()
        return problems

    def log_arrived(self, block: bool) -> None:
        """Insert the audit events of the chunks whose hashes have arrived, in order."""
        while self.next_chunk in self.pending:
            try:
                keys, texts, hashes = self.arrived.get(block=block)
            except queue.Empty:
                return
            rows, prev = [], self.prev
            for (at, actor, command, table, action), key, text, digest in zip(
                    self.pending.pop(self.next_chunk), keys, texts, hashes, strict=True):
                rows.append((at, actor, command, table, key, action, text, prev, digest))
                prev = digest
            self.db.executemany(AUDIT_SQL, rows)
            self.prev = prev
            self.next_chunk += 1


def write_register(path: Path, timeline: Timeline, ids: list[int],
                   indexes: dict[str, list[str]], from_main, check: bool) -> None:
    problems = Writer(path, indexes, from_main).run(timeline, ids, check)
    if problems:
        print(f"generate: {len(problems)} foreign-key problems, e.g. {problems[0]}")
        raise SystemExit(3)


def replay(path: Path, timeline: Timeline, check: bool = False) -> dict[str, int]:
    """Write the timeline into the (empty) register at ``path``; return rows per table."""
    ids, counts = assign_ids(timeline)
    indexes = drop_indexes(path)
    fork = multiprocessing.get_context("fork")
    from_main, to_writer = fork.Pipe(duplex=False)
    writer = fork.Process(target=write_register,
                          args=(path, timeline, ids, indexes, from_main, check))
    writer.start()
    from_main.close()
    chain(timeline, ids, to_writer)
    to_writer.close()
    writer.join()
    if writer.exitcode:
        raise SystemExit(f"generate: the writer failed (exit code {writer.exitcode})")
    counts["audit_log"] = len(timeline.keys)
    return counts

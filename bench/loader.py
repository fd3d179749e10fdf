"""Replaying a generated register into SQLite, in time order, with its audit log.

The generator (bench/generate.py) records every write a year of clerks would have made —
each insert, and each update of an issue's status — on a :class:`Timeline`, stamped with
the moment it was entered.  :func:`replay` sorts them by that moment and writes them as the
program would have: ids are handed out in time order, every row's ``created_at`` and
``created_by`` are its event's, and every insert or update appends one ``audit_log`` event
whose content is the row as SQLite stores it, canonicalised and hash-chained with the
program's own ``canonical``/``event_hash`` (store/audit.py).  ``minsheng verify`` therefore
finds nothing to flag.

Speed: about 30 events per project, so 3 million at 100,000 projects.  The year is walked
once, here, in time order: ids, each row as stored (one generated function per table,
``compile_insert``), its audit key and content, the JSON array of the event's fields
that ``event_hash`` hashes and the chained hash itself, the fast path checked against
store.audit's own functions on every 101st event.  The rows and the log's rows go, a
chunk at a time, to the writing process (bench/writer.py, forked before the build), which
only inserts them: the two cores share the work, SQLite's on one, ours on the other.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from json.encoder import encode_basestring
from pathlib import Path

from writer import Writer

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
CHUNK = 10_000


class Timeline:
    """Every write of the year: (moment, table, command, actor, values), in any order."""

    def __init__(self, first_day: date, tz: str = "+08:00"):
        self.base = first_day.toordinal()
        self.tz = tz
        self.keys: list[int] = []
        self.events: list[tuple] = []

        self.add = self._adder()

    def _adder(self):
        """``add(day, second, kind, command, actor, values) → seq``: record a write on ``day``
        (an ordinal) at ``second`` of it; writes at the same moment replay in the order
        they were added.  A closure over the lists (3 million calls: no attribute look-ups)."""
        keys_append, events_append, base = self.keys.append, self.events.append, self.base
        events = self.events

        def add(day: int, second: int, kind: str, command: str, actor: str,
                values: tuple) -> int:
            seq = len(events)
            keys_append((((day - base) * 86400 + second) << SEQ_BITS) | seq)
            events_append((kind, command, actor, values))
            return seq

        return add


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


def insert_sql(table: str) -> str:
    columns = COLUMNS[table]
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


# One column's value as ``json.dumps(..., ensure_ascii=False)`` writes it, for the types
# a row holds (str, None, int, finite float; a bool or anything else fails loudly in
# float.__repr__, and the sampled check below catches the rest), inline: a function call
# per value cost as much as the encoding.
VALUE = ('(enc(v) if (t := type(v := row[{i}])) is str else "null" if v is None'
         ' else int_repr(v) if t is int else float_repr(v))')


def compile_canonical(columns: tuple[str, ...]):
    """``store.audit.canonical`` of a row of these columns, as one f-string with the keys
    sorted once: twice as fast as a loop over the values, four times json.dumps's."""
    parts = [f"{encode_basestring(name)}:{{{VALUE.format(i=i)}}}"
             for name, i in sorted((name, i) for i, name in enumerate(columns))]
    source = "def canonical(row):\n    return f'{{" + ",".join(parts) + "}}'\n"
    namespace = {"enc": encode_basestring, "int_repr": int.__repr__,
                 "float_repr": float.__repr__}
    exec(source, namespace)  # noqa: S102 — our own text, from the schema's column names
    return namespace["canonical"]


def compile_insert(table: str, logged_as: dict[str, str] | None = None):
    """One insert into ``table``, as one generated function: ``(values, row_id, at, actor,
    ids) → (row as stored, row key, audit content)``.  References to earlier writes become
    their ids, the stamp and any added columns are appended, the key is
    ``store.audit.row_key``'s and the content ``canonical``'s (keys sorted once, each value
    inline by type, as ``compile_canonical``).  ``logged_as`` gives some columns' JSON
    text in the content instead of the row's (an issue is logged as flagged)."""
    columns = COLUMNS[table]
    n_values = len(columns) - EXTRA[table] - 2 - HAS_ID[table]
    names = {column: f"c{i}" for i, column in enumerate(columns)}  # → its local variable
    if HAS_ID[table]:
        names["id"] = "rid"
    names["created_at"], names["created_by"] = "at", "actor"
    value_names = [names[c] for c in columns[HAS_ID[table]:][:n_values]]
    lines = ["def insert(values, rid, at, actor, ids):",
             f"    {', '.join(value_names)}{',' if len(value_names) == 1 else ''} = values"]
    for i in REFS.get(table, ()):
        v = value_names[i]
        lines.append(f"    {v} = None if {v} is None else ids[{v}]")
    extra = ["None"] * EXTRA[table]
    row = [names[c] for c in columns[: len(columns) - EXTRA[table]]] + extra
    key = ":".join(f"{{{names[c]}}}" for c in ROW_KEYS[table])
    parts = []
    for column in sorted(columns):
        name = names[column]
        if logged_as and column in logged_as:
            text = logged_as[column]
        elif name == "rid":  # an int: json's text is its repr
            text = "{rid}"
        elif name == "at":  # our own stamp: digits, '-', 'T', ':', '+' need no escaping
            text = '"{at}"'
        elif column in columns[len(columns) - EXTRA[table]:]:  # added later: NULL
            text = "null"
        else:
            text = "{" + VALUE.replace("row[{i}]", name) + "}"
        parts.append(f"{encode_basestring(column)}:{text}")
    lines.append(f"    return ({', '.join(row)},), f'{key}', f'{{{{{','.join(parts)}}}}}'")
    source = "\n".join(lines) + "\n"
    namespace = {"enc": encode_basestring, "int_repr": int.__repr__,
                 "float_repr": float.__repr__}
    exec(source, namespace)  # noqa: S102 — our own text, from the schema's column names
    return namespace["insert"]


# Every CHECK_EVERY-th event's key and content are also computed with the program's own
# row_key and canonical: the fast path must give the same bytes, or the generator stops.
CHECK_EVERY = 101


def audit_head(actor: str, command: str, table: str) -> str:
    """The fields between the stamp and the row key of an event's JSON array."""
    return f"{encode_basestring(actor)},{encode_basestring(command)},{encode_basestring(table)},"


def check_fast(table: str, logged: tuple, fields: tuple, payload: bytes, prev: str,
               digest: str) -> None:
    content = dict(zip(COLUMNS[table], logged, strict=True))
    key, text = fields[4], fields[6]
    # store.audit.event_hash hashes the previous hash, "\n", then exactly this JSON array
    fields_json = json.dumps(list(fields), ensure_ascii=False, separators=(",", ":"))
    if (row_key(table, content), canonical(content), payload) != (
            key, text, fields_json.encode()) or digest != event_hash(prev, list(fields)):
        raise SystemExit(f"generate: the fast audit event of {table} {key} differs from "
                         "store.audit's; fix bench/loader.py")


def walk(timeline: Timeline, writer: Writer) -> dict[str, int]:
    """The year in time order, once: each table's ids handed out in that order, each row
    and each event's audit fields to the writing process, a chunk at a time; return rows
    per table.  A reference always points to an earlier write (a visit's figure and photos
    are added after it at the same moment), so its id is known when it is resolved."""
    timeline.keys.sort()
    events = timeline.events
    ids = [0] * len(events)
    counts = dict.fromkeys(COLUMNS, 0)
    inserts = {table: compile_insert(table) for table in COLUMNS}
    inserts["issues"] = compile_insert("issues", {"status": '"open"', "deadline": "null",
                                                  "verdict": "null"})
    canonical_issue = compile_canonical(COLUMNS["issues"])
    # The audit fields between the stamp and the key, as JSON, for each writer and table.
    heads: dict[tuple, str] = {}
    flagged: dict[int, list] = {}  # issue seq → its row as last logged
    rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
    out: list[tuple] = []
    # The stamps as ``now_stamp()`` writes them, by moment (shared: imports share one).
    days = [date.fromordinal(timeline.base + d).isoformat()
            for d in range((timeline.keys[-1] >> SEQ_BITS) // 86400 + 1)] if events else []
    clock = [f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{timeline.tz}"
             for s in range(86400)]
    stamps: dict[int, str] = {}
    n, enc, sha256 = 0, encode_basestring, hashlib.sha256
    prev = GENESIS
    for key in timeline.keys:
        seq = key & SEQ_MASK
        at = stamps.get(moment := key >> SEQ_BITS)
        if at is None:
            day, second = divmod(moment, 86400)
            at = stamps[moment] = days[day] + clock[second]
        kind, command, actor, values = events[seq]
        if kind == ISSUE_UPDATE:
            table, action = "issues", "update"
            logged = flagged[values[0]]
            logged[ISSUE_STATE] = values[1:]
            row_key_ = str(logged[0])
            text = canonical_issue(logged)
        else:
            table, action = kind, "insert"
            ids[seq] = row_id = counts[kind] = counts[kind] + 1
            logged, row_key_, text = inserts[kind](values, row_id, at, actor, ids)
            rows[kind].append(logged)
            if kind == "issues":  # logged as flagged: open, no deadline, no verdict
                flagged[seq] = row = list(logged)
                row[ISSUE_STATE] = FLAGGED
        head = heads.get((actor, command, table))
        if head is None:
            head = heads[actor, command, table] = audit_head(actor, command, table)
        # what store.audit.event_hash hashes: the previous hash, "\n", the fields as JSON
        hashed = f'{prev}\n["{at}",{head}{enc(row_key_)},"{action}",{enc(text)}]'.encode()
        digest = sha256(hashed).hexdigest()
        n += 1
        if n % CHECK_EVERY == 1:
            if kind == "issues":
                logged = flagged[seq]
            check_fast(table, tuple(logged), (at, actor, command, table, row_key_, action,
                                              text), hashed[len(prev) + 1:], prev, digest)
        # the log's row as stored; ``prev`` is the last row's own string object, which
        # marshal sends as a reference
        out.append((at, actor, command, table, row_key_, action, text.encode(), prev, digest))
        prev = digest
        if len(out) == CHUNK:
            writer.send(out, {table: found for table, found in rows.items() if found})
            out, rows = [], {table: [] for table in COLUMNS}
    writer.send(out, {table: found for table, found in rows.items() if found})
    return counts


def start_writer(path: Path) -> Writer:
    """Fork the writing process (before the year is built, while this one is small)."""
    db = sqlite3.connect(path)
    try:
        adapt_columns(db)
    finally:
        db.close()
    return Writer(path, list(COLUMNS), {table: insert_sql(table) for table in COLUMNS})


def replay(path: Path, timeline: Timeline, writer: Writer,
           check: bool = False) -> dict[str, int]:
    """Send the timeline to the writer (started on the empty register at ``path``);
    return rows per table once the file is written."""
    counts = walk(timeline, writer)
    writer.finish(check)
    counts["audit_log"] = len(timeline.keys)
    return counts

"""The generator's second process: every write to the register file.

bench/loader.py walks the year in time order in the main process and sends here, a chunk
at a time, the tables' rows and the audit log's rows, chained hashes and all, as
``store.audit.log_rows`` would write them.  This process only inserts them: SQLite's share
of the work runs on one core while the walk runs on the other.

It is forked before the year is built, so it shares none of the main process's millions
of objects (a fork after the build copied most of them, page by page, as either process
touched their reference counts).

The file is new and nobody reads it while it is filled: no journal, no syncs, one
exclusive lock; the secondary indexes but the log's are dropped and built again at the end
(by sorting, from their own ``CREATE INDEX`` text).  ``audit_log``'s ``AUTOINCREMENT``
makes SQLite read and write ``sqlite_sequence`` once per statement, which more than doubled
the cost of inserting the log row by row: the table's declaration is loaded without the
keyword and given back its own text, byte for byte, with the sequence set, before the
file is closed.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import queue
import sqlite3
import threading
from pathlib import Path

# The content arrives as its UTF-8 bytes and is stored as TEXT by the CAST (the same bytes,
# the same type): no decoding in ``marshal.loads`` and no encoding again when bound.
AUDIT_SQL = (
    "INSERT INTO audit_log (at, actor, command, table_name, row_key, action, content,"
    " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TEXT), ?, ?)"
)
DONE = None  # sent after the last chunk


def connect_for_load(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = OFF").fetchone()
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("PRAGMA cache_size = -500000")  # ~500 MB of pages
    db.execute("PRAGMA temp_store = MEMORY")
    db.execute("PRAGMA foreign_keys = OFF")
    return db


class Writer:
    """The main process's handle on the writing process."""

    def __init__(self, path: Path, tables: list[str], inserts: dict[str, str]):
        fork = multiprocessing.get_context("fork")
        receive, self.pipe = fork.Pipe(duplex=False)
        # daemon: ended by multiprocessing's exit handler if this process fails; if it is
        # killed, the writer reads the end of the pipe (it closes its copy of this end)
        self.process = fork.Process(target=_run, args=(path, tables, inserts, receive,
                                                       self.pipe), daemon=True)
        self.process.start()
        receive.close()

    def send(self, events: list[tuple], rows: dict[str, list[tuple]]) -> None:
        """One chunk: the tables' rows, and the log's rows in time order (at, actor,
        command, table, row key, action, content as UTF-8, previous hash, hash)."""
        self._put(marshal.dumps((events, rows)))

    def finish(self, check: bool) -> None:
        """Wait until everything is written, indexed and committed."""
        self._put(marshal.dumps((DONE, check)))
        self.pipe.close()
        self.process.join()
        self._check()

    def _put(self, data: bytes) -> None:
        try:
            self.pipe.send_bytes(data)
        except (BrokenPipeError, ConnectionResetError):  # the writer stopped: say why
            self.process.join()
            self._check()
            raise

    def _check(self) -> None:
        if self.process.exitcode:
            raise SystemExit(f"generate: the writer failed (exit code "
                             f"{self.process.exitcode})")


def set_table_sql(db: sqlite3.Connection, table: str, sql: str) -> None:
    db.execute("PRAGMA writable_schema = ON")
    db.execute("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
               (sql, table))
    db.execute("PRAGMA writable_schema = OFF")


# Kept while the rows go in rather than built at the end: the log's index, the longest to
# build (2.7 s of the 6 s at 100,000 projects, with the main process idle) and fed in the
# walk, where this process waits for the main one anyway.  Maintained row by row, it costs
# about what building it costs; the other indexes together cost 2.6 times as much (9.2 s
# against 3.5 s, measured at 100,000 projects).
LIVE_INDEXES = ("audit_log_row",)


def open_for_load(path: Path, tables: list[str]) -> tuple[sqlite3.Connection, list, str]:
    """Drop the secondary indexes of ``tables`` and the log but LIVE_INDEXES, declare the
    log without AUTOINCREMENT; return the connection, the dropped indexes' statements,
    the log's own text."""
    db = connect_for_load(path)
    marks = ", ".join("?" * (len(tables) + 1))
    indexes = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        f" AND tbl_name IN ({marks}) ORDER BY rowid", [*tables, "audit_log"]).fetchall()
    if missing := set(LIVE_INDEXES) - {name for name, _ in indexes}:
        raise SystemExit(f"generate: no index {', '.join(sorted(missing))}; "
                         "update bench/writer.py")
    indexes = [(name, sql) for name, sql in indexes if name not in LIVE_INDEXES]
    for name, _ in indexes:
        db.execute(f"DROP INDEX {name}")
    (declared,) = db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").fetchone()
    if declared.count(" AUTOINCREMENT") != 1:
        raise SystemExit("generate: audit_log's declaration changed; update bench/writer.py")
    set_table_sql(db, "audit_log", declared.replace(" AUTOINCREMENT", ""))
    db.close()  # the next connection reads the changed declaration
    return connect_for_load(path), [sql for _, sql in indexes], declared


def _run(path: Path, tables: list[str], inserts: dict[str, str], receive, sending) -> None:
    sending.close()  # the main process's end: else a killed main one would leave this waiting
    gc.disable()  # each chunk is a few hundred thousand lists and tuples, none cyclic
    arrived: queue.Queue = queue.Queue()

    def read() -> None:  # unmarshal while SQLite writes (it lets go of the GIL)
        while True:
            try:
                chunk = marshal.loads(receive.recv_bytes())
            except EOFError:  # the main process stopped before the end: so does this one
                chunk = (DONE, None)
            arrived.put(chunk)
            if chunk[0] is DONE:
                return

    threading.Thread(target=read, daemon=True).start()
    db, indexes, declared = open_for_load(path, tables)
    db.execute("BEGIN")
    n = 0
    while (chunk := arrived.get())[0] is not DONE:
        events, rows = chunk
        for table, table_rows in rows.items():
            db.executemany(inserts[table], table_rows)
        db.executemany(AUDIT_SQL, events)
        n += len(events)
    if chunk[1] is None:
        raise SystemExit(1)  # the file is incomplete; generate.py replaces it next time
    for sql in indexes:
        db.execute(sql)
    set_table_sql(db, "audit_log", declared)
    if not db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit_log'",
                      (n,)).rowcount:
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('audit_log', ?)", (n,))
    db.execute("COMMIT")
    problems = list(db.execute("PRAGMA foreign_key_check")) if chunk[1] else []
    db.execute("PRAGMA locking_mode = NORMAL")
    db.execute("PRAGMA journal_mode = WAL").fetchone()  # as ``minsheng init`` leaves it
    db.close()
    if problems:
        print(f"generate: {len(problems)} foreign-key problems, e.g. {problems[0]}")
        raise SystemExit(3)

"""One state of the register, read on all the machine's cores.

A report over the whole register is a few independent passes of SQLite — the late
projects, the visits owed, the issues past their deadline — and a pass over the projects
splits by project.  SQLite answers a query on one core, but Python's sqlite3 lets go of
the GIL while SQLite works, so threads, each with a connection of its own, run the passes
side by side (at 100,000 projects the deviation query takes 1.3 s on one core, 0.8 s on
two).

**One state.**  Each connection reads in its own transaction, and so from its own snapshot
of the write-ahead log.  Every write appends to ``audit_log`` (``store/audit.py``), so all
the snapshots are taken first and the log's head read in each: if a clerk's write landed
between two of them they are taken again (three tries in all), and then the jobs run one
after another on the register's own connection, in one transaction.  A report never mixes
two states of the register.  (A write made behind the program's back, which ``verify``
names, adds no event and is not seen by this check.)

``MINSHENG_THREADS`` sets the number of connections (1: everything on the register's own
connection, as on a one-core machine); the default is the cores this process may use, at
most four.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from minsheng_cli.store import db as store_db

THREADS_ENV = "MINSHENG_THREADS"
MAX_THREADS = 4
HEAD = "SELECT max(id) FROM audit_log"

# SQLite's rowids: the first slice starts at the lowest, the last ends at the highest.
LOWEST, HIGHEST = -(1 << 63), (1 << 63) - 1


def threads() -> int:
    """How many connections read side by side."""
    raw = os.environ.get(THREADS_ENV, "")
    if raw.isascii() and raw.isdigit() and int(raw) > 0:
        return min(int(raw), 16)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_THREADS))


def project_slices(
    db: sqlite3.Connection, count: int | None = None
) -> list[tuple[int, int] | None]:
    """``count`` (default: ``threads()``) slices of ``projects``, rowid ranges ``(lo, hi)``
    inclusive with about as many projects each, covering every rowid (so a project added
    since still falls in one); ``[None]`` — all the projects, no slicing — for one."""
    count = threads() if count is None else count
    total = db.execute("SELECT count(*) FROM projects").fetchone()[0]
    if count < 2 or total < count:
        return [None]
    cuts = sorted({db.execute("SELECT rowid FROM projects ORDER BY rowid LIMIT 1 OFFSET ?",
                              (k * total // count,)).fetchone()[0] for k in range(1, count)})
    return list(zip([LOWEST, *cuts], [cut - 1 for cut in cuts] + [HIGHEST], strict=True))


# A read job: given a connection (inside the state's transaction), returns its result —
# values, a cursor to be read while the state is open, or a Later.
Job = Callable[[sqlite3.Connection], Any]


@dataclass(frozen=True)
class Later:
    """A job's rows as read, and what makes its result of them: done in the calling
    thread once every job has run.  Python work in a job (100,000 dicts) holds the GIL
    against the other jobs' reading, which then crawls (measured: two jobs building dicts
    side by side took as long as one after the other, for half again the CPU)."""

    raw: Any
    finish: Callable[[Any], Any]

    def done(self) -> Any:
        return self.finish(self.raw)


def fetch(sql: str, params, finish: Callable[[list[str], list[tuple]], Any]) -> Job:
    """A job that runs the query and reads its rows, in the job's thread and on its own
    connection; ``finish(keys, rows)`` makes the job's result of them (a list of plain
    tuples), in the calling thread (see Later).

    Reading the rows where the query ran lets the register's own thread read a finished
    job's rows while the other connection still computes, where it used to read them all
    after the last job.  Two threads reading rows at once hand the GIL to and fro (each
    row read lets go of it and takes it again; a job reading 50,000 rows took twice as
    long beside another), but the jobs seldom end together: alternated six rounds at
    100,000 projects, overdue took 1.86-2.52 s (median 1.95) against 2.02-2.24 (2.09),
    the checklist 1.84-2.47 (2.02) against 1.96-2.49 (2.12).  Making the result as well
    in the job's thread (dicts, by_code) was slower again: that is the Python work that
    holds the GIL for long."""

    def job(db: sqlite3.Connection) -> Later:
        cursor = db.cursor()
        cursor.row_factory = None
        cursor.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return Later(cursor.fetchall(), lambda rows: finish(keys, rows))

    return job


class State:
    """Open read transactions on connections that see the same state of the register.

    Only a register in WAL mode (as ``minsheng init`` leaves it) is read on several
    connections: in the rollback-journal mode of a restored backup, a writer waiting for
    the first connection's read to end would block the next connection's, and both would
    wait out the busy timeout."""

    def __init__(self, db: sqlite3.Connection, path: Path | str, count: int) -> None:
        self.db, self.path = db, path
        self.own = not db.in_transaction  # the register's connection: began here?
        self.connections: list[sqlite3.Connection] = []
        self.failed = False  # a job failed or was interrupted (Ctrl-C)
        try:
            if count > 1 and db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                for _ in range(3):
                    if self.open(count):
                        return
                    self.close()
            # One connection asked for, a rollback journal, or writes that keep landing.
            self.connections = [db]
            self.begin(db)
        except BaseException:
            self.close()
            raise

    def begin(self, db: sqlite3.Connection) -> Any:
        if db is not self.db or self.own:
            db.execute("BEGIN")
        return db.execute(HEAD).fetchone()[0]

    def open(self, count: int) -> bool:
        """Snapshots on ``count`` connections (the register's own first); True when they
        all show the same head of the log."""
        self.connections = [self.db]
        for _ in range(count - 1):
            self.connections.append(store_db.connect(Path(self.path), threads=True))
        heads = {self.begin(db) for db in self.connections}
        return len(heads) == 1

    def close(self) -> None:
        for db in self.connections:
            if db is not self.db:
                db.close()
            elif self.own and open_transaction(db):
                self.end(db)
        self.connections = []

    def end(self, db: sqlite3.Connection) -> None:
        """End the register's read transaction (its snapshot)."""
        if not self.failed:
            db.execute("COMMIT")
            return
        try:  # after an interrupt SQLite may refuse even this; the failure is what counts
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def run(self, jobs: Sequence[Job]) -> list:
        """Each job's result, in order; the jobs shared out among the connections (the
        register's own one in this thread, the others in threads of their own)."""
        results: list = [None] * len(jobs)
        errors: list[BaseException] = []
        queue = iter(range(len(jobs)))
        lock = threading.Lock()

        def stop_others() -> None:  # a job failed: no point in finishing the others
            for other in self.connections:
                try:
                    other.interrupt()  # (from any thread; a no-op on an idle connection)
                except sqlite3.ProgrammingError:  # closed already
                    pass

        def work(db: sqlite3.Connection, finished: threading.Event | None = None) -> None:
            try:
                while not errors:
                    with lock:
                        k = next(queue, None)
                    if k is None:
                        return
                    try:
                        results[k] = jobs[k](db)
                    except BaseException as error:  # noqa: BLE001 — raised again in run()
                        errors.append(error)
                        stop_others()
            finally:
                if finished is not None:
                    finished.set()

        helpers = [(threading.Thread(target=work, args=(db, finished), daemon=True), finished)
                   for db in self.connections[1:len(jobs)]
                   for finished in [threading.Event()]]
        for helper, _ in helpers:
            helper.start()
        try:
            work(self.connections[0])
            for helper, _ in helpers:
                helper.join()
        except BaseException as error:  # Ctrl-C while waiting
            errors.append(error)
            stop_others()
            # Each helper's own word that it is done, not join(): on Python 3.11 a join()
            # cut short by Ctrl-C can mark a thread that still runs as ended, and the
            # connection it reads on would then be closed under it.
            for _, finished in helpers:
                while not finished.wait(0.05):
                    stop_others()
        if errors:
            self.failed = True
            for result in results:  # a cursor with rows left holds the read open
                if isinstance(result, sqlite3.Cursor):
                    result.close()
            results.clear()  # (the error's traceback holds this frame, and so the list)
            raise errors[0]
        return [result.done() if isinstance(result, Later) else result for result in results]


def open_transaction(db: sqlite3.Connection) -> bool:
    """Whether ``db`` is in a transaction (False once it is closed)."""
    try:
        return db.in_transaction
    except sqlite3.ProgrammingError:  # closed: e.g. a report's rows given up after exit
        return False


@contextmanager
def one_state(
    db: sqlite3.Connection, path: Path | str, jobs: int = 2
) -> Iterator[Callable[[Sequence[Job]], list]]:
    """``run(jobs)`` reads the jobs side by side from one state of the register, which
    stays open (cursors the jobs return can be read) until the block ends."""
    state = State(db, path, max(1, min(jobs, threads())))
    try:
        yield state.run
    except BaseException:
        state.failed = True
        raise
    finally:
        state.close()


def side_by_side(db: sqlite3.Connection, path: Path | str, jobs: Sequence[Job]) -> list:
    """The jobs' results (values, not cursors), read side by side from one state."""
    with one_state(db, path, len(jobs)) as run:
        return run(jobs)

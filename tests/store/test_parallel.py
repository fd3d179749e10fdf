"""store/parallel.py: jobs read side by side from one state of the register."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minsheng_cli.services import create_register, open_register
from minsheng_cli.store import parallel
from minsheng_cli.store.parallel import HIGHEST, LOWEST


def head(db: sqlite3.Connection) -> int:
    return db.execute(parallel.HEAD).fetchone()[0]


def logged(path, n: int = 1) -> None:
    """n events appended by another connection (a clerk writing meanwhile)."""
    db = sqlite3.connect(path)
    with db:
        for _ in range(n):
            db.execute(
                "INSERT INTO audit_log (at, actor, command, table_name, row_key, action,"
                " content, prev_hash, hash) VALUES ('t', 'clerk', 'x', 'x', 'k', 'insert',"
                " '{}', '', '')")
    db.close()


@pytest.fixture
def register(tmp_path, monkeypatch):
    monkeypatch.setenv(parallel.THREADS_ENV, "3")
    reg = create_register(tmp_path / "r.db")
    logged(reg.path)
    reg.close()
    reg = open_register(tmp_path / "r.db")
    yield reg
    reg.close()


def test_every_job_sees_the_state_of_the_first(register):
    before = head(register.db)
    heads = parallel.side_by_side(register.db, register.path, [head] * 6)
    assert heads == [before] * 6
    assert not register.db.in_transaction  # the read transaction ended with the block


def interfere(monkeypatch, register, writes):
    """A clerk's write lands after each snapshot taken, as long as ``writes`` lasts."""
    begin = parallel.State.begin

    def begin_then_write(state, db):
        found = begin(state, db)
        if next(writes, None):
            logged(register.path)
        return found

    monkeypatch.setattr(parallel.State, "begin", begin_then_write)


def test_a_write_between_the_snapshots_takes_them_again(register, monkeypatch):
    interfere(monkeypatch, register, iter([1]))
    together = threading.Barrier(3, timeout=10)  # each job waits for the other two

    def job(db):
        together.wait()
        return id(db), head(db)

    found = parallel.side_by_side(register.db, register.path, [job] * 3)
    assert len({connection for connection, _ in found}) == 3  # still side by side
    assert {h for _, h in found} == {head(register.db)}  # the state after the write


def test_writes_that_keep_landing_leave_one_connection(register, monkeypatch):
    interfere(monkeypatch, register, iter(lambda: 1, None))  # for ever
    seen = []
    heads = parallel.side_by_side(register.db, register.path, [
        lambda db: seen.append(db) or head(db)] * 4)
    assert len(set(heads)) == 1
    assert set(map(id, seen)) == {id(register.db)}  # all on the register's own
    assert not register.db.in_transaction


def test_a_failing_job_fails_the_run_and_ends_every_transaction(register):
    def broken(db):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        parallel.side_by_side(register.db, register.path, [head, broken, head, head])
    assert not register.db.in_transaction
    assert head(register.db) is not None  # the register's connection still works


def test_results_are_finished_in_the_calling_thread(register):
    job = parallel.fetch("SELECT 1 UNION ALL SELECT 2 ORDER BY 1", {},
                         lambda keys, rows: (threading.current_thread(), list(rows)))
    results = parallel.side_by_side(register.db, register.path, [job] * 3)
    assert results == [(threading.main_thread(), [(1,), (2,)])] * 3


def test_one_thread_runs_everything_on_the_registers_connection(register, monkeypatch):
    monkeypatch.setenv(parallel.THREADS_ENV, "1")
    seen = []
    parallel.side_by_side(register.db, register.path,
                          [lambda db: seen.append(db)] * 3)
    assert set(map(id, seen)) == {id(register.db)}


@pytest.mark.parametrize(("raw", "expected"), [("1", 1), ("3", 3), ("99", 16)])
def test_threads_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv(parallel.THREADS_ENV, raw)
    assert parallel.threads() == expected


@pytest.mark.parametrize("raw", ["", "0", "-2", "two", "²"])
def test_threads_default_to_the_cores(monkeypatch, raw):
    monkeypatch.setenv(parallel.THREADS_ENV, raw)
    assert 1 <= parallel.threads() <= parallel.MAX_THREADS


@settings(max_examples=80, deadline=None)
@given(rowids=st.sets(st.integers(-(2**63), 2**63 - 1), max_size=60), count=st.integers(1, 5))
def test_slices_hold_every_project_once_and_about_as_many_each(rowids, count):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE projects (code TEXT)")
    db.executemany("INSERT INTO projects (rowid, code) VALUES (?, 'x')",
                   [(r,) for r in rowids])
    slices = parallel.project_slices(db, count)
    if count == 1 or len(rowids) < count:
        assert slices == [None]  # all the projects, no slicing
        return
    assert len(slices) == count
    assert slices[0][0] == LOWEST and slices[-1][1] == HIGHEST  # every possible rowid
    assert all(a[1] + 1 == b[0] for a, b in zip(slices, slices[1:], strict=False))
    sizes = [sum(lo <= r <= hi for r in rowids) for lo, hi in slices]
    assert sum(sizes) == len(rowids)
    assert max(sizes) - min(sizes) <= 1


def test_a_slice_query_reads_the_highest_and_lowest_rowids():
    # bounds in SQL as in Python: a project at either end of SQLite's rowids is in a slice
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE projects (code TEXT)")
    db.executemany("INSERT INTO projects (rowid, code) VALUES (?, ?)",
                   [(LOWEST, "low"), (0, "mid"), (HIGHEST, "high")])
    found = [db.execute("SELECT code FROM projects p WHERE p.rowid BETWEEN ? AND ?",
                        rows).fetchall() for rows in parallel.project_slices(db, 2)]
    assert sorted(code for part in found for code, in part) == ["high", "low", "mid"]


def test_a_register_in_rollback_journal_mode_is_read_on_one_connection(register):
    # a restored backup: a writer between two snapshots would block the second reader
    register.db.execute("PRAGMA journal_mode = DELETE").fetchone()
    seen = []
    parallel.side_by_side(register.db, register.path, [lambda db: seen.append(db)] * 3)
    assert set(map(id, seen)) == {id(register.db)}
    assert not register.db.in_transaction


def test_a_failing_job_stops_the_others_at_once(register):
    slow = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
            " SELECT count(*) FROM n")  # never ends unless interrupted

    def broken(db):
        time.sleep(0.2)  # the helper is well into its query
        raise ValueError("boom")

    started = time.monotonic()
    with pytest.raises(ValueError, match="boom"):
        parallel.side_by_side(register.db, register.path,
                              [broken, lambda db: db.execute(slow).fetchone()])
    assert time.monotonic() - started < 5  # whichever thread ran the endless query
    assert head(register.db) is not None  # and the register's connection works on


def test_a_failure_while_taking_the_snapshots_leaves_nothing_open(register, monkeypatch):
    begin, opened = parallel.State.begin, []

    def failing_begin(state, db):
        opened.append(db)
        if len(opened) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return begin(state, db)

    monkeypatch.setattr(parallel.State, "begin", failing_begin)
    with pytest.raises(sqlite3.OperationalError):
        parallel.side_by_side(register.db, register.path, [head] * 3)
    assert not register.db.in_transaction
    with pytest.raises(sqlite3.ProgrammingError):  # the helper connection was closed
        opened[1].execute("SELECT 1")


SETUP = "from minsheng_cli.store.sqlite_setup import memory_statistics_off as off"
HIGHWATER = """
import ctypes, importlib.util, sqlite3
db = sqlite3.connect(':memory:')
db.execute('CREATE TABLE t (x)')
db.executemany('INSERT INTO t VALUES (?)', [(i,) for i in range(1000)])
try:
    highwater = ctypes.CDLL(importlib.util.find_spec('_sqlite3').origin).sqlite3_memory_highwater
except AttributeError:
    highwater = None
if highwater is not None:
    highwater.restype = ctypes.c_int64
print(first, off(), 'unknown' if highwater is None else highwater(0) > 0)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
@pytest.mark.parametrize("switched", [True, False])
def test_memory_statistics_go_off_before_sqlite_is_used(switched):
    code = f"{SETUP}\nfirst = off() if {switched} else 'kept'\n{HIGHWATER}"
    first, again, counted = subprocess.run([sys.executable, "-c", code], capture_output=True,
                                           text=True, check=True).stdout.split()
    if counted == "unknown":
        pytest.skip("this Python's SQLite does not export its functions")
    # SQLite counts its memory unless switched off first; once in use it refuses the change
    assert (first, counted) == (("True", "False") if switched else ("kept", "True"))
    assert again == "False"


def checkpointed(path) -> bool:
    """Whether another connection can write and then checkpoint the whole log: not while
    any connection still reads an older state (a statement left open)."""
    logged(path)
    db = sqlite3.connect(path)
    try:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        db.close()
    return busy == 0


@pytest.mark.parametrize("ending", [KeyboardInterrupt, ValueError])
@pytest.mark.parametrize("first", ["interrupted", "reading"])
def test_a_failing_job_ends_the_read_of_the_others(register, first, ending):
    # Ctrl-C (KeyboardInterrupt) or an error in one job while another has returned a
    # cursor with rows left to read (as deviation_side_by_side's jobs do): the run raises
    # that, not SQLite's "interrupted" from ending the read, and no connection still
    # holds the old state (the cursor is closed, not left to the garbage collector: the
    # error's traceback would keep it alive)
    together = threading.Barrier(2, timeout=10)
    rows = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n"

    def interrupted(db):
        together.wait()
        time.sleep(0.1)  # the other job has run its query
        raise ending

    def read(db):
        together.wait()
        cursor = db.execute(rows)
        assert cursor.fetchone()[0] == 1  # and the rest left to read
        return cursor

    jobs = [interrupted, read] if first == "interrupted" else [read, interrupted]
    with pytest.raises(ending):
        parallel.side_by_side(register.db, register.path, jobs)
    assert not register.db.in_transaction
    assert checkpointed(register.path)
    assert head(register.db) is not None


CTRL_C_WHILE_WAITING = """
import os, signal, sys, threading, time
os.environ["MINSHENG_THREADS"] = "2"
from pathlib import Path
from minsheng_cli.services import open_register
from minsheng_cli.store import parallel

# A query that runs until it is interrupted: the helper is in it whenever Ctrl-C comes.
ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
big = parallel.fetch(ENDLESS, {}, lambda keys, rows: rows)
seen = {}
close = parallel.State.close

def spy_close(self):
    seen.setdefault("closed", time.monotonic())
    return close(self)

parallel.State.close = spy_close

helper_in = threading.Event()

def job(db):
    # Whichever thread takes a job first: the register's thread waits in its (quick) job
    # until the helper is in the other one, the endless query, and then waits for it.
    # (Were the register's thread itself in the endless query, Ctrl-C could not reach it:
    # Python runs signal handlers between bytecodes, not inside sqlite3_step.)
    if threading.current_thread() is threading.main_thread():
        helper_in.wait(20)
        return 1
    helper_in.set()
    try:
        return big(db)
    finally:
        seen["ended"] = time.monotonic()

def waiting_in_join():
    frame = sys._current_frames().get(threading.main_thread().ident)
    while frame is not None:
        if frame.f_code.co_name == "_wait_for_tstate_lock":  # Thread.join()'s wait
            return True
        frame = frame.f_back
    return False

def ctrl_c():
    helper_in.wait(20)
    deadline = time.monotonic() + 20
    while not waiting_in_join() and time.monotonic() < deadline:
        time.sleep(0.01)
    seen["in_join"] = waiting_in_join()
    os.kill(os.getpid(), signal.SIGINT)

reg = open_register(Path(sys.argv[1]))
threading.Thread(target=ctrl_c).start()
try:
    parallel.side_by_side(reg.db, reg.path, [job, job])
except KeyboardInterrupt:
    deadline = time.monotonic() + 20
    while "ended" not in seen and time.monotonic() < deadline:
        time.sleep(0.05)
    print(seen["in_join"], seen["ended"] <= seen["closed"])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to oneself is POSIX")
def test_ctrl_c_while_waiting_lets_the_other_connection_finish_first(register):
    # Ctrl-C while the register's thread waits for a helper still in its query: the helper
    # is interrupted and its connection closed only once its job has ended (on Python
    # 3.11 a join() cut short by Ctrl-C can take a running thread for ended)
    done = subprocess.run([sys.executable, "-c", CTRL_C_WHILE_WAITING, str(register.path)],
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "True"], done.stderr

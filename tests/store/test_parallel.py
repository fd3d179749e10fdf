"""store/parallel.py: jobs read side by side from one state of the register."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

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


@settings(max_examples=60, deadline=None)
@given(rowids=st.sets(st.integers(1, 10**9), max_size=60), count=st.integers(1, 5))
def test_slices_hold_every_project_once_and_about_as_many_each(rowids, count):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE projects (code TEXT)")
    db.executemany("INSERT INTO projects (rowid, code) VALUES (?, 'x')",
                   [(r,) for r in rowids])
    slices = parallel.project_slices(db, count)
    assert slices[0][0] == LOWEST and slices[-1][1] == HIGHEST
    assert all(a[1] == b[0] for a, b in zip(slices, slices[1:], strict=False))
    sizes = [sum(lo <= r < hi for r in rowids) for lo, hi in slices]
    assert sum(sizes) == len(rowids)
    assert len(slices) == (count if len(rowids) >= count else 1)
    if len(rowids) >= count:
        assert max(sizes) - min(sizes) <= 1


SETUP = "from minsheng_cli.store.sqlite_setup import memory_statistics_off as off"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_memory_statistics_go_off_before_sqlite_is_used():
    code = (f"{SETUP}\nfirst = off()\nimport sqlite3\n"
            "maps = open('/proc/self/maps').read()\n"
            "print(first, off(), 'libsqlite3.so.0' in maps)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    first, again, system_library = out
    # Taken when Python's sqlite3 uses the system library; never once SQLite is in use.
    assert first == system_library
    assert again == "False"

"""The register file held or left behind by another *process*: a writer that keeps the
write lock past the busy timeout (writes exit 3 with one line that says what to do,
reads go on), one that locks the file exclusively (reads exit 3 too), and the ``-wal``
and ``-shm`` files of a writer killed with SIGKILL — committed work in them is recovered
on the next open, uncommitted work is not, and the lock dies with the process.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import GRASSROOTS, HOTLINE, SCHOOL, Cli, count, dump_register, write_csv
from tests.stress.helpers import assert_sound, minsheng, writing

TIMEOUT = {"MINSHENG_BUSY_TIMEOUT": "300"}

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "exclusive":  # nobody else may even read
    db.execute("PRAGMA locking_mode = EXCLUSIVE")
    db.execute("BEGIN EXCLUSIVE")
else:
    db.execute("BEGIN IMMEDIATE")
db.execute("SELECT count(*) FROM projects").fetchone()
if sys.argv[3:]:  # uncommitted work, spilled into the -wal, lost when killed
    db.execute("PRAGMA cache_size = 10")
    db.execute("INSERT INTO settings VALUES ('red_lag', '99', 'now', 'ghost')")
    db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
               " INSERT INTO projects (code, year, name, start, due, created_at, created_by)"
               " SELECT 'G' || i, 2021, 'ghost', '2021-01-01', '2021-12-31', 'now', 'ghost'"
               " FROM n")
print("locked", flush=True)
sys.stdin.readline()
"""


def hold(db: Path, mode: str, *uncommitted: str) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), mode, *uncommitted],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    return holder


def release(holder: subprocess.Popen) -> None:
    holder.stdin.close()
    holder.wait(timeout=10)


@pytest.fixture
def held(standard):
    """Another process is inside a write transaction and stays there."""
    holder = hold(standard.db, "immediate")
    yield standard
    release(holder)


def one_line(result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stdout == "", result.stderr
    return lines[0]


def locked_message(cli: Cli) -> str:
    return (f"minsheng: register {cli.db} is locked by another program for longer than 0.3 s; "
            "try again when it has finished")


def sheet(cli: Cli) -> str:
    return str(write_csv(cli.db.with_name("p.csv"), [["项目编号", "项目名称", "年度"],
                                                     ["N1", "新项目", "2021"]]))


WRITES = {  # writing commands tests/cli/test_register_failures.py does not hold up
    "plan": ("plan", SCHOOL, "2021-06-30", "50"),
    "add-group": ("add-group", "新组", "--level", "基层"),
    "assign": ("assign", GRASSROOTS, HOTLINE),
    "flag": ("flag", SCHOOL, "--category", "质量", "--text", "渗水"),
    "issue transfer": ("issue", "transfer", "1"),
    "transfer-list --mark-transferred": ("transfer-list", "--mark-transferred"),
    "config": ("config", "overlap_days", "3"),
    "import projects": ("import", "projects", sheet),
}


@pytest.mark.parametrize("name", list(WRITES))
def test_writes_give_up_after_the_timeout_and_say_so(held, name):
    args = [a(held) if callable(a) else a for a in WRITES[name]]
    before = dump_register(held.db)
    result = held.run(*args, env=TIMEOUT)
    assert result.exit_code == 3, result.stderr
    assert one_line(result) == locked_message(held)
    assert dump_register(held.db) == before


def test_the_real_program_exits_3_while_another_process_writes(held):
    result = minsheng(held, "add-visit", SCHOOL, "-g", GRASSROOTS, env=TIMEOUT)
    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == locked_message(held) + "\n"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("projects",), ("issues",), ("verify",), ("transfer-list",),
                                  ("deviation",), ("init",)], ids=lambda a: a[0])
def test_reads_and_init_go_on_while_another_process_writes(held, args):
    held(*args, env=TIMEOUT)


@pytest.mark.parametrize("args", [("projects",), ("verify",), ("init",),
                                  ("progress", SCHOOL, "--pct", "5")], ids=lambda a: a[0])
def test_a_register_locked_exclusively_refuses_reads_too(standard, args):
    holder = hold(standard.db, "exclusive")
    try:
        result = standard.run(*args, env=TIMEOUT)
    finally:
        release(holder)
    assert result.exit_code == 3, result.stderr
    assert one_line(result) == locked_message(standard)
    standard(*args)  # and once it has let go, the same command works


# -- what a killed writer leaves behind ---------------------------------------------------------


def test_a_killed_writers_lock_and_uncommitted_work_die_with_it(standard):
    before = dump_register(standard.db)
    holder = hold(standard.db, "immediate", "uncommitted")
    assert writing(standard.db)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert standard.db.with_name(standard.db.name + "-wal").stat().st_size > 0
    assert dump_register(standard.db) == before  # nothing of the dead transaction shows
    standard("progress", SCHOOL, "--pct", "7", env=TIMEOUT)  # no wait: the lock is gone
    assert count(standard.db, "projects") == 2
    assert_sound(standard)


WAL_WRITER = """
import sqlite3, sys
from minsheng_cli.cli import main
# A second connection kept open: the program's own close is then not the last one, so
# its commits stay in the -wal file, not yet copied into the register (no checkpoint).
keep = sqlite3.connect(sys.argv[1])
keep.execute("SELECT count(*) FROM projects").fetchone()
for n in range(5):  # each prints the new visit's id
    sys.argv = ["minsheng", "add-visit", "A1", "-g", "东城区人大监督小组", "--pct", str(n)]
    try:
        main()
    except SystemExit as end:
        assert not end.code, end.code
print("written", flush=True)
sys.stdin.readline()
"""


def test_committed_work_in_the_wal_of_a_killed_writer_is_recovered(standard, tmp_path):
    from tests.cli.test_concurrency import environment

    writer = subprocess.Popen([sys.executable, "-c", WAL_WRITER, str(standard.db)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=environment(standard))
    ids = [writer.stdout.readline() for _ in range(6)]
    assert ids[-1] == "written\n", ids
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    wal, shm = (standard.db.with_name(standard.db.name + s) for s in ("-wal", "-shm"))
    assert wal.stat().st_size > 0 and shm.exists()
    assert visits_in_file_alone(standard.db, tmp_path / "alone.db") == 1  # all in the -wal

    assert len(standard.json("visits")) == 6  # the next open reads them back
    assert_sound(standard)
    assert visits_in_file_alone(standard.db, tmp_path / "after.db") == 6  # checkpointed


def visits_in_file_alone(db: Path, copy: Path) -> int:
    """Visits in the register file without its -wal (what a copy of the file alone holds)."""
    shutil.copyfile(db, copy)
    return count(copy, "visits")

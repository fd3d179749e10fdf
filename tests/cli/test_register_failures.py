"""The register file itself failing: missing, in no folder, not SQLite, read-only, locked,
or written by a newer program.  Each is one clear message and exit 3, never a traceback,
and the file is left as it was."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from tests.factories import GRASSROOTS, SCHOOL, Cli, count, dump_register

READS = [("projects",), ("info",), ("show", SCHOOL), ("visits",)]
WRITES = [("add-project", "X1", "新项目"), ("add-visit", SCHOOL, "-g", GRASSROOTS),
          ("progress", SCHOOL, "--pct", "5")]


def one_line(result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("minsheng: "), result.stderr
    assert result.stdout == ""
    return lines[0]


@pytest.mark.parametrize("args", READS + WRITES, ids=lambda a: a[0])
def test_missing_register_says_to_init_and_creates_nothing(blank, args):
    message = one_line(blank(*args, code=3))
    assert str(blank.db) in message and "minsheng init" in message
    assert not blank.db.exists()


@pytest.mark.parametrize("args", [("init",), ("projects",)], ids=lambda a: a[0])
def test_folder_that_does_not_exist(tmp_path, args):
    cli = Cli(tmp_path / "no" / "such" / "folder" / "register.db")
    message = one_line(cli(*args, code=3))
    assert "does not exist" in message or "no register" in message
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize(
    "content", [b"code,name\nA1,x\n", b"SQLite format 3\x00" + b"\x00" * 200, bytes(range(256))],
    ids=["csv", "truncated", "binary"],
)
@pytest.mark.parametrize("args", [("init",), ("projects",), ("add-project", "X1", "x")],
                         ids=lambda a: a[0])
def test_a_file_that_is_not_a_register(blank, content, args):
    blank.db.write_bytes(content)
    message = one_line(blank(*args, code=3))
    assert str(blank.db) in message
    assert blank.db.read_bytes() == content


def test_an_empty_sqlite_file_is_not_a_register_until_init(blank):
    sqlite3.connect(blank.db).close()
    assert "not a minsheng register" in one_line(blank("projects", code=3))
    blank("init")
    blank("projects")


def test_a_folder_given_as_the_register(tmp_path):
    said = one_line(Cli(tmp_path)("projects", code=3))
    assert f"'{tmp_path}' is a folder, not a register file; point MINSHENG_DB at" in said


def test_an_empty_db_option_is_the_current_folder_not_a_register(cli):
    said = one_line(cli("--db", "", "projects", code=3))
    assert "'.' is a folder, not a register file; point --db at the register" in said


def test_a_register_from_a_newer_program(cli):
    con = sqlite3.connect(cli.db)
    con.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                "VALUES ('minsheng', 'm999_from_the_future', '2030-01-01')")
    con.commit()
    con.close()
    assert "newer minsheng" in one_line(cli("projects", code=3))


# -- locked ----------------------------------------------------------------------------------------


@pytest.fixture
def locked(standard):
    """Another program holds the write lock (BEGIN IMMEDIATE) and does not let go."""
    holder = sqlite3.connect(standard.db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    yield standard
    holder.execute("ROLLBACK")
    holder.close()


@pytest.mark.parametrize("args", WRITES, ids=lambda a: a[0])
def test_locked_longer_than_the_busy_timeout(locked, args):
    before = dump_register(locked.db)
    result = locked(*args, code=3, env={"MINSHENG_BUSY_TIMEOUT": "200"})
    message = one_line(result)
    assert "locked" in message and "0.2 s" in message
    assert dump_register(locked.db) == before


@pytest.mark.parametrize("args", READS, ids=lambda a: a[0])
def test_reads_go_on_while_another_program_writes(locked, args):
    locked(*args, env={"MINSHENG_BUSY_TIMEOUT": "200"})


def test_a_lock_released_within_the_timeout_is_waited_for(standard):
    holder = subprocess.Popen(
        [sys.executable, "-c", (
            "import sqlite3, sys, time\n"
            f"db = sqlite3.connect({str(standard.db)!r}, isolation_level=None)\n"
            "db.execute('BEGIN IMMEDIATE'); print('locked', flush=True)\n"
            "time.sleep(0.5); db.execute('ROLLBACK')\n"
        )],
        stdout=subprocess.PIPE, text=True,
    )
    assert holder.stdout.readline() == "locked\n"
    standard("add-visit", SCHOOL, "-g", GRASSROOTS, env={"MINSHENG_BUSY_TIMEOUT": "5000"})
    holder.wait(timeout=10)
    assert count(standard.db, "visits") == 2


# -- read-only ------------------------------------------------------------------------------------


def drop_privileges() -> list[str]:
    """As root, file modes do not stop writes: run the program without the capabilities
    that override them (setpriv), or skip when that is not possible."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, where chmod does not stop writes, and no setpriv")
    caps = "-dac_override,-dac_read_search,-fowner"
    prefix = [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"running as root and setpriv cannot drop capabilities: {probe.stderr!r}")
    return prefix


def run_minsheng(cli: Cli, prefix: list[str], *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in {**os.environ, **cli.env}.items() if v is not None}
    return subprocess.run([*prefix, sys.executable, "-m", "minsheng_cli", *args],
                          capture_output=True, text=True, env=env)


@pytest.fixture
def read_only(standard):
    prefix = drop_privileges()
    folder = standard.db.parent
    files = [standard.db, *folder.glob(standard.db.name + "-*")]
    for path in files:
        path.chmod(0o444)
    folder.chmod(0o555)
    yield standard, prefix
    folder.chmod(0o755)
    for path in files:
        path.chmod(0o644)


@pytest.mark.parametrize("args", WRITES, ids=lambda a: a[0])
def test_read_only_register(read_only, args):
    cli, prefix = read_only
    before = dump_register(cli.db)
    result = run_minsheng(cli, prefix, *args)
    assert result.returncode == 3, result.stderr
    assert "read-only" in result.stderr and str(cli.db) in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert dump_register(cli.db) == before


def test_read_only_file_in_a_writable_folder(standard):
    prefix = drop_privileges()
    standard.db.chmod(0o444)
    try:
        result = run_minsheng(standard, prefix, "add-visit", SCHOOL, "-g", GRASSROOTS)
    finally:
        standard.db.chmod(0o644)
    assert result.returncode == 3, result.stderr
    assert result.stderr == (f"minsheng: register {standard.db} is read-only; check the "
                             "file's permissions or copy it elsewhere\n")
    assert count(standard.db, "visits") == 1


def test_help_still_helps_when_the_register_path_is_a_folder(tmp_path):
    result = Cli(tmp_path)("init", "--help")
    assert "Usage:" in result.stdout

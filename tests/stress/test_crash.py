"""A process killed with SIGKILL in the middle of its work: a 20,000-row ``import
projects``, a ``transfer-list --mark-transferred`` over thousands of open issues, a
10,000-row ``import issues``, and ``init --sample``.  Afterwards the register holds all
of the work or none of it, ``minsheng verify`` exits 0, SQLite's integrity check says
ok, and the same command run again completes.

The kill lands inside the write transaction: for the project import when the WAL file
has grown (pages spilled before the commit), for the others a moment after the test sees
the write lock taken (a probe's ``BEGIN IMMEDIATE`` is refused).
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from minsheng_cli.store.migrations import NAMES, applied_names
from tests.factories import Cli, count, write_csv
from tests.stress.helpers import (
    assert_sound,
    integrity,
    kill_after,
    kill_when,
    kill_while_writing,
    minsheng,
    spawn,
    wait_for,
    wal_bytes,
    writing,
)

PROJECTS = 20_000
ISSUES = 3_000
IMPORTED_ISSUES = 10_000


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("crash")


@pytest.fixture(scope="module")
def projects_csv(folder):
    header = ["项目编号", "项目名称", "牵头单位", "区县", "目标数量", "单位", "计划投资",
              "开始日期", "完成时限"]
    rows = [[f"P{n:06d}", f"民生项目{n}", f"市直单位{n % 40}", f"第{n % 16}区", "100", "个",
             "1,000", "2021-01-01", "2021-12-31"] for n in range(PROJECTS)]
    return write_csv(folder / "projects.csv", [header, *rows])


@pytest.fixture(scope="module")
def issues_csv(folder):
    header = ["项目编号", "类别", "严重程度", "问题描述", "整改责任单位"]
    rows = [["A1" if n % 3 else "P2", ("质量", "进度", "资金")[n % 3], "重大" if n % 7 == 0
             else "一般", f"第{n}个问题：施工围挡破损", f"单位{n % 9}"]
            for n in range(IMPORTED_ISSUES)]
    return write_csv(folder / "issues.csv", [header, *rows])


@pytest.fixture(scope="module")
def two_projects_register(folder):
    from tests.factories import two_projects

    cli = Cli(folder / "two.db")
    cli("init")
    return two_projects(cli)


@pytest.fixture(scope="module")
def open_issues_register(folder, two_projects_register, issues_csv):
    """Two projects and ISSUES open issues (the first lines of issues.csv)."""
    cli = Cli(folder / "open.db")
    shutil.copyfile(two_projects_register.db, cli.db)
    lines = issues_csv.read_text(encoding="utf-8").splitlines(keepends=True)[: ISSUES + 1]
    part = folder / "open_issues.csv"
    part.write_text("".join(lines), encoding="utf-8")
    cli("import", "issues", str(part))
    return cli


def copy_of(template: Cli, path) -> Cli:
    shutil.copyfile(template.db, path)
    return Cli(path)


@pytest.mark.slow
def test_import_projects_killed_mid_transaction(tmp_path, two_projects_register, projects_csv):
    outcomes, events = [], count(two_projects_register.db, "audit_log")
    # The WAL grows while the import's pages spill out of the cache, ~16 MB at the commit.
    for attempt, spilled in enumerate((64 << 10, 2 << 20, 8 << 20)):
        cli = copy_of(two_projects_register, tmp_path / f"r{attempt}.db")
        proc = spawn(cli, "import", "projects", str(projects_csv))
        killed = kill_when(proc, lambda cli=cli, spilled=spilled: wal_bytes(cli.db) > spilled)
        assert_sound(cli)  # the first open after the kill: the program's own
        imported = count(cli.db, "projects") - 2
        assert imported in (0, PROJECTS), imported
        assert count(cli.db, "audit_log") == events + imported
        outcomes.append((killed, imported))
    assert (True, 0) in outcomes, outcomes  # at least one kill landed mid-transaction
    cli("import", "projects", str(projects_csv))  # the register goes on
    assert count(cli.db, "projects") == 2 + PROJECTS


@pytest.mark.slow
def test_mark_transferred_killed_mid_transaction(tmp_path, open_issues_register):
    outcomes = []
    for attempt, delay in enumerate((0.05, 0.3, 0.6)):
        cli = copy_of(open_issues_register, tmp_path / f"r{attempt}.db")
        proc = spawn(cli, "transfer-list", "--mark-transferred")
        killed = kill_while_writing(proc, cli.db, delay)
        assert_sound(cli)
        transferred = cli.json("issues", "--status", "transferred")
        assert len(transferred) in (0, ISSUES)
        assert len(cli.json("issues", "--status", "open")) == ISSUES - len(transferred)
        assert count(cli.db, "issue_events") == ISSUES + len(transferred)
        outcomes.append((killed, len(transferred)))
    assert (True, 0) in outcomes, outcomes
    result = cli("transfer-list", "--mark-transferred", "-f", "json")
    assert f"transferred {ISSUES} open issue(s)" in result.stderr or not outcomes[-1][1]
    assert len(cli.json("issues", "--status", "transferred")) == ISSUES


def test_import_issues_killed_mid_transaction(tmp_path, two_projects_register, issues_csv):
    outcomes = []
    for attempt, delay in enumerate((0.05, 0.4)):
        cli = copy_of(two_projects_register, tmp_path / f"r{attempt}.db")
        proc = spawn(cli, "import", "issues", str(issues_csv))
        killed = kill_while_writing(proc, cli.db, delay)
        assert_sound(cli)
        imported = count(cli.db, "issues")
        assert imported in (0, IMPORTED_ISSUES)
        assert count(cli.db, "issue_events") == imported
        outcomes.append((killed, imported))
    assert (True, 0) in outcomes, outcomes


@pytest.fixture(scope="module")
def sample_counts(folder):
    reference = Cli(folder / "sample.db")
    reference("init", "--sample")
    return {t: count(reference.db, t) for t in ("projects", "visits", "issues", "audit_log")}


# When to kill ``init --sample``, by what the test sees from outside: the file exists (no
# schema yet); the first write lock is taken; the schema is committed (the sample not yet,
# or being loaded); the sample's transaction holds the lock.
def schema_made(db) -> bool:
    try:
        return migrations_applied(db) == NAMES
    except sqlite3.OperationalError:  # locked while the file is switched to WAL
        return False


STAGES = {
    "file-created": (lambda db: db.exists(), 0.0),
    "first-write": (writing, 0.0),
    "schema-made": (schema_made, 0.0),
    "loading-sample": (lambda db: schema_made(db) and writing(db), 0.02),
}


@pytest.mark.parametrize("stage", list(STAGES))
def test_init_sample_killed(tmp_path, sample_counts, stage):
    cli = Cli(tmp_path / "sample.db")
    proc = spawn(cli, "init", "--sample")
    ready, delay = STAGES[stage]
    wait_for(proc, lambda: ready(cli.db))
    kill_after(proc, delay)
    assert integrity(cli.db) == "ok"
    if migrations_applied(cli.db) == NAMES:
        assert_sound(cli)
        assert count(cli.db, "projects") in (0, sample_counts["projects"])
    else:  # killed before its schema was made: not yet a register, and says so
        result = minsheng(cli, "verify")
        assert result.returncode == 3 and "minsheng init" in result.stderr, result.stderr
    again = cli.run("init", "--sample")  # what the clerk does next: run it again
    if again.exit_code == 2:  # the kill came after the sample was in: it stays whole
        assert "already holds projects" in again.stderr
    else:
        assert again.exit_code == 0, again.stderr
    assert {t: count(cli.db, t) for t in sample_counts} == sample_counts
    assert_sound(cli)


def migrations_applied(db) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return applied_names(con)
    finally:
        con.close()

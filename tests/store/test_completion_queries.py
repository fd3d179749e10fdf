"""The completion queries (store/completion.py): right answers, a true common prefix when
they cut the list, index lookups whatever the register's size, and no file touched."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3

import pytest

from minsheng_cli.store import completion as store
from minsheng_cli.store import db as store_db
from minsheng_cli.store import migrations

STAMP = ("2021-01-01T00:00:00+08:00", "tester")
DEPARTMENTS = ["市教育局", "市卫健委", "市民政局", "市住建局", "市交通运输局"]
DISTRICTS = ["东城区", "西城区", "南湖区", "北山区", "临江县"]
ITEMS = ["教育提升", "健康医疗", "养老服务", "交通出行"]
STATUSES = ["open", "transferred", "responded", "closed", "withdrawn"]


def build(path, projects: int, issues: int, groups: int = 30) -> sqlite3.Connection:
    """A register with the real schema, filled in bulk (no audit: these tests read only)."""
    db = store_db.connect(path, create=True)
    store_db.enable_wal(db, path)
    migrations.apply(db)
    rng = random.Random(projects)
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO projects (code, year, item, name, department, district, start, due, "
        "created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, '2021-01-01', '2021-12-31', ?, ?)",
        [(f"P{n:06d}", 2020 + n % 2, ITEMS[n % len(ITEMS)], f"项目{n}",
          DEPARTMENTS[n % len(DEPARTMENTS)], DISTRICTS[n % len(DISTRICTS)], *STAMP)
         for n in range(1, projects + 1)]
        + [("东-01", 2021, None, "东城区项目", None, None, *STAMP)],
    )
    db.executemany(
        "INSERT INTO supervision_groups (name, level, cadence, created_at, created_by) "
        "VALUES (?, 'grassroots', 'monthly', ?, ?)",
        [(f"{DISTRICTS[n % 5]}第{n}监督小组", *STAMP) for n in range(groups)],
    )
    db.executemany(
        "INSERT INTO issues (id, project_code, category, severity, text, found_on, status, "
        "created_at, created_by) VALUES (?, 'P000001', 'quality', 'ordinary', ?, "
        "'2021-06-01', ?, ?, ?)",
        [(n, f"问题{n}", rng.choice(STATUSES), *STAMP) for n in range(1, issues + 1)],
    )
    db.execute("COMMIT")
    return db


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    path = tmp_path_factory.mktemp("completion") / "register.db"
    # 6,000 issues: ~1,200 responded ones are found through the status index, the ~2,400
    # open or transferred ones by walking the ids (store.SPARSE_STATUS).
    build(path, projects=1500, issues=6000).close()
    return path


@pytest.fixture
def db(register):
    connection = store.open_read_only(register)
    yield connection
    connection.close()


def common_prefix(values) -> str:
    return os.path.commonprefix([str(v) for v in values])


@pytest.mark.parametrize("prefix", ["", "P", "P0001", "P00012", "P0015", "P001500", "东", "X"])
def test_project_codes_are_those_with_the_prefix_and_keep_the_true_common_prefix(db, prefix):
    every = [r[0] for r in db.execute("SELECT code FROM projects ORDER BY code")
             if r[0].startswith(prefix)]
    found = store.project_codes(db, prefix, 50)
    codes = [code for code, _ in found]
    assert set(codes) <= set(every)
    assert len(codes) == min(50, len(every))
    assert common_prefix(codes) == common_prefix(every) or not every
    assert all(name for _, name in found)


@pytest.mark.parametrize("prefix", ["", "1", "12", "123", "1234", "5", "59", "6000", "0", "60001",
                                    "x"])
@pytest.mark.parametrize("statuses", [None, ("responded",), ("open", "transferred")])
def test_issue_ids_are_those_with_the_prefix_newest_first(db, prefix, statuses):
    every = [str(i) for i, status in db.execute("SELECT id, status FROM issues")
             if str(i).startswith(prefix) and (statuses is None or status in statuses)]
    if prefix == "x":
        every = []
    found = store.issue_ids(db, prefix, statuses, 50)
    ids = [str(row[0]) for row in found]
    assert set(ids) <= set(every)
    assert len(ids) == min(50, len(every))
    assert common_prefix(ids) == common_prefix(every) or not every
    assert all(statuses is None or row[2] in statuses for row in found)
    assert [row[0] for row in found] == sorted((row[0] for row in found), reverse=True)


def test_distinct_values_of_the_projects(db):
    assert store.distinct_values(db, "department", "", 50) == sorted(DEPARTMENTS)
    assert store.distinct_values(db, "district", "东", 50) == ["东城区"]
    assert store.distinct_values(db, "item", "", 50) == sorted(ITEMS)
    assert store.distinct_values(db, "item", "教", 50) == ["教育提升"]
    assert store.distinct_values(db, "department", "市", 3) == ["市交通运输局", "市住建局",
                                                                "市民政局"]
    with pytest.raises(KeyError):
        store.distinct_values(db, "name; DROP TABLE projects", "", 5)


def test_group_names_by_chinese_prefix(db):
    names = [name for name, _ in store.group_names(db, "东城区", 50)]
    assert names == sorted(f"东城区第{n}监督小组" for n in range(0, 30, 5))


def steps(path, query) -> int:
    """SQLite virtual-machine steps a query takes: a measure of work that, unlike a clock,
    does not depend on the machine."""
    db = store.open_read_only(path)
    count = [0]

    def tick():
        count[0] += 1

    db.set_progress_handler(tick, 10)
    try:
        query(db)
    finally:
        db.close()
    return count[0]


QUERIES = {
    "codes": lambda db: store.project_codes(db, "P0001", 50),
    "all codes": lambda db: store.project_codes(db, "", 50),
    "groups": lambda db: store.group_names(db, "", 50),
    "departments": lambda db: store.distinct_values(db, "department", "", 50),
    "items": lambda db: store.distinct_values(db, "item", "", 50),
    "issues": lambda db: store.issue_ids(db, "1", None, 50),
    "issues to close": lambda db: store.issue_ids(db, "", ("responded",), 50),
    "no issue to close": lambda db: store.issue_ids(db, "1", ("no such status",), 50),
}


@pytest.fixture(scope="module")
def small_and_large(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sizes")
    # Both with more issues of each status than store.SPARSE_STATUS, up to which the
    # statuses are counted.
    build(folder / "small.db", projects=1_000, issues=12_000).close()
    build(folder / "large.db", projects=20_000, issues=60_000).close()
    return folder / "small.db", folder / "large.db"


@pytest.mark.parametrize("name", QUERIES)
def test_completion_work_does_not_grow_with_the_register(small_and_large, name):
    small, large = small_and_large
    # Five to twenty times the rows: an index lookup costs a little more, a scan five to
    # twenty times more.
    assert steps(large, QUERIES[name]) < 2 * steps(small, QUERIES[name]) + 50


def test_the_work_measure_sees_a_scan(small_and_large):
    small, large = small_and_large

    def scan(db):  # what distinct_values avoids: reading every project's department
        return db.execute("SELECT DISTINCT department FROM projects LIMIT 50").fetchall()

    assert steps(large, scan) > 10 * steps(small, scan)


def files(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_reading_creates_and_changes_no_file(tmp_path):
    build(tmp_path / "register.db", projects=10, issues=10).close()
    before = files(tmp_path)
    assert set(before) == {"register.db"}  # a closed WAL register leaves no -wal, -shm
    db = store.open_read_only(tmp_path / "register.db")
    for query in QUERIES.values():
        query(db)
    with pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM projects")
    db.close()
    assert files(tmp_path) == before


def test_a_register_open_elsewhere_is_read_through_its_write_ahead_log(tmp_path):
    path = tmp_path / "register.db"
    writer = build(path, projects=10, issues=0)
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # the new row stays in the -wal file
    writer.execute("INSERT INTO projects (code, year, name, start, due, created_at, created_by)"
                   " VALUES ('NEW-1', 2021, '新项目', '2021-01-01', '2021-12-31', ?, ?)", STAMP)
    before = files(tmp_path)
    db = store.open_read_only(path)
    assert store.project_codes(db, "NEW", 5) == [("NEW-1", "新项目")]
    db.close()
    assert set(files(tmp_path)) == set(before)
    writer.close()


def test_a_missing_register_is_not_created(tmp_path):
    with pytest.raises(FileNotFoundError):
        store.open_read_only(tmp_path / "none.db")
    assert list(tmp_path.iterdir()) == []


def test_many_distinct_values_are_cut_keeping_the_true_common_prefix(tmp_path):
    db = build(tmp_path / "register.db", projects=0, issues=0)
    rng = random.Random(7)
    db.executemany(
        "INSERT INTO projects (code, year, item, name, department, start, due, created_at, "
        "created_by) VALUES (?, ?, ?, '项目', ?, '2021-01-01', '2021-12-31', ?, ?)",
        [(f"Q{n}", 2019 + n % 3, f"事项{rng.randrange(300):03d}", f"部门{rng.randrange(120)}",
          *STAMP) for n in range(3000)],
    )
    for column in ("item", "department"):
        every = [r[0] for r in db.execute(f"SELECT DISTINCT {column} FROM projects")]
        for prefix in ("", "事项1", "事项29", "部门", "部门1", "部门11", "x"):
            wanted = [v for v in every if v is not None and v.startswith(prefix)]
            found = store.distinct_values(db, column, prefix, 50)
            assert set(found) <= set(wanted)
            assert len(found) == min(50, len(wanted))
            assert common_prefix(found) == common_prefix(wanted) or not wanted
    db.close()

"""The register's schema, pinned exactly, and how every connection is set up.

The golden file holds the ``sqlite_master`` SQL of every table, index and trigger a blank
register has after ``minsheng init``.  A schema change is a new migration and a reviewed
change of this file: regenerate it with ``MINSHENG_UPDATE_GOLDEN=1 pytest tests/store``.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from minsheng_cli import services
from minsheng_cli.domain.model import NewProject
from minsheng_cli.services import register as uses
from minsheng_cli.store import migrations
from minsheng_cli.store.audit import WriteContext
from tests.factories import dump_register

GOLDEN = Path(__file__).parent / "golden" / "schema.sql"
CTX = WriteContext(actor="tester", command="test", at="2021-06-16T09:00:00+08:00")


def schema_text(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        rows = con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
    finally:
        con.close()
    parts = []
    for kind, name, table, sql in rows:
        body = f"{sql};" if sql else "-- (created by SQLite for a key)"
        parts.append(f"-- {kind} {name} on {table}\n{body}\n")
    return "\n".join(parts)


def test_schema_from_blank_is_pinned(cli):
    actual = schema_text(cli.db)
    if os.environ.get("MINSHENG_UPDATE_GOLDEN"):
        GOLDEN.write_text(actual, encoding="utf-8")
    assert actual == GOLDEN.read_text(encoding="utf-8")


def test_migrations_are_recorded_by_name(cli):
    con = sqlite3.connect(cli.db)
    names = [r[0] for r in con.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'minsheng' ORDER BY id")]
    con.close()
    assert names == migrations.NAMES == [
        "m001_create_register", "m002_create_reading_views",
        "m003_add_corrections_and_audit_sequence", "m004_add_visit_coverage_index",
        "m005_rebuild_reading_views",
        "m006_add_report_covering_indexes",
    ]


def test_init_twice_is_a_no_op(cli):
    before = dump_register(cli.db)
    assert cli("init").stderr == f"register ready: {cli.db}\n"
    assert dump_register(cli.db) == before


def test_wal_is_on_in_the_file(cli):
    con = sqlite3.connect(cli.db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_every_connection_enforces_foreign_keys_and_waits_when_busy(cli, monkeypatch):
    reg = services.open_register(cli.db)
    try:
        assert reg.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert reg.db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
        with pytest.raises(sqlite3.IntegrityError):
            reg.db.execute("INSERT INTO plan_points (project_code, date, pct, created_at,"
                           " created_by) VALUES ('NOPE', '2021-01-01', 1, 'x', 'y')")
    finally:
        reg.close()
    monkeypatch.setenv("MINSHENG_BUSY_TIMEOUT", "250")
    reg = services.open_register(cli.db)
    assert reg.db.execute("PRAGMA busy_timeout").fetchone()[0] == 250
    reg.close()


def test_writes_take_the_write_lock_up_front(cli):
    reg = services.open_register(cli.db)
    statements: list[str] = []
    reg.db.set_trace_callback(statements.append)
    project = NewProject(code="T1", name="测试", year=2021, start=date(2021, 1, 1),
                         due=date(2021, 12, 31))
    try:
        uses.add_project(reg, CTX, project)
    finally:
        reg.close()
    assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "COMMIT"


def test_a_failed_use_case_rolls_back(cli):
    reg = services.open_register(cli.db)
    statements: list[str] = []
    reg.db.set_trace_callback(statements.append)
    project = NewProject(code="T1", name="测试", year=2021, start=date(2021, 1, 1),
                         due=date(2021, 12, 31))
    try:
        uses.add_project(reg, CTX, project)
        with pytest.raises(Exception, match="already exists"):
            uses.add_project(reg, CTX, project)
    finally:
        reg.close()
    assert statements[-1] == "ROLLBACK"


def test_reading_does_not_migrate_or_write(cli):
    before = dump_register(cli.db)
    reg = services.open_register(cli.db)
    statements: list[str] = []
    reg.db.set_trace_callback(statements.append)
    uses.projects(reg)
    reg.close()
    assert not any(s.split()[0].upper() in ("INSERT", "UPDATE", "CREATE", "BEGIN")
                   for s in statements)
    assert dump_register(cli.db) == before

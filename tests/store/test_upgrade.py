"""A register left by an older version (schema m001 only) upgrades without loss."""

from __future__ import annotations

import sqlite3
from datetime import date

from minsheng_cli.domain.model import NewGroup, NewProject
from minsheng_cli.store import db as store_db
from minsheng_cli.store import migrations
from minsheng_cli.store import register as store
from minsheng_cli.store.audit import WriteContext
from tests.factories import dump_register

OLD_CTX = WriteContext(actor="clerk", command="add-project", at="2021-05-01T09:00:00+08:00")
SCHEMA_ONLY = ("sqlite_master", "_sqlite_migrations")


def make_old_register(path):
    """What minsheng 0.1.0 made (m001 only), with a project, a figure and a group in it."""
    con = store_db.connect(path, create=True)
    store_db.enable_wal(con, path)
    migrations.apply(con, stop_before="m002_create_reading_views")
    with store_db.write_transaction(con, path):
        project = NewProject("A", "新建学校", 2021, date(2021, 1, 1), date(2021, 12, 31),
                             target=10.0, unit="所")
        store.insert_projects(con, OLD_CTX, [project])
        store.insert_progress(con, OLD_CTX, [store.progress_row(
            OLD_CTX, "A", "2021-04-30", 30.0, 3.0, None, "report")])
        store.insert_group(con, OLD_CTX, NewGroup("东城组", "grassroots"))
    con.close()


def data_tables(db) -> dict:
    return {k: v for k, v in dump_register(db).items() if k not in SCHEMA_ONLY}


def same_rows(before: dict, after: dict) -> bool:
    """Every old row is still there, as it was; later migrations may only add columns
    (NULL in old rows) and tables."""
    for table, rows in before.items():
        width = len(rows[0]) if rows else 0
        if [row[:width] for row in after[table]] != rows:
            return False
        if any(value is not None for row in after[table] for value in row[width:]):
            return False
    return True


def test_upgrade_by_init_keeps_every_row_and_the_audit_chain(cli, tmp_path):
    old = tmp_path / "old.db"
    make_old_register(old)
    before = data_tables(old)
    result = cli("--db", str(old), "init")
    assert "applied m002_create_reading_views" in result.stderr
    assert "applied m003_add_corrections_and_audit_sequence" in result.stderr
    assert "applied m005_rebuild_reading_views" in result.stderr
    assert "applied m006_add_report_covering_indexes" in result.stderr
    assert same_rows(before, data_tables(old))
    cli("--db", str(old), "verify")
    con = sqlite3.connect(old)
    assert con.execute("SELECT code, pct FROM latest_progress").fetchall() == [("A", 30.0)]
    con.close()


def test_upgrade_from_m004_gives_latest_progress_the_latest_funds(cli, tmp_path):
    """m005: a funds-only figure after the latest percentage is the funds the view shows
    (before, the view took funds from the percentage's own row: none here)."""
    old = tmp_path / "m004.db"
    make_old_register(old)
    con = store_db.connect(old)
    migrations.apply(con, stop_before="m005_rebuild_reading_views")
    with store_db.write_transaction(con, old):
        store.insert_progress(con, OLD_CTX, [store.progress_row(
            OLD_CTX, "A", "2021-05-10", None, None, 1200.0, "report")])
    assert [tuple(r) for r in con.execute("SELECT pct, funds FROM latest_progress")] == [
        (30.0, None)]
    con.close()
    result = cli("--db", str(old), "init")
    assert result.stderr.startswith("applied m005_rebuild_reading_views\n")
    con = sqlite3.connect(old)
    assert con.execute(
        "SELECT code, figure_date, pct, funds, funds_date, funds_pct, year FROM latest_progress"
    ).fetchall() == [("A", "2021-04-30", 30.0, 1200.0, "2021-05-10", None, 2021)]
    con.close()


def test_any_command_upgrades_an_older_register_first(cli, tmp_path):
    old = tmp_path / "old.db"
    make_old_register(old)
    result = cli("--db", str(old), "projects", "-f", "json")
    assert "upgraded register schema: m002_create_reading_views" in result.stderr
    assert "upgraded register schema: m003_add_corrections_and_audit_sequence" in result.stderr
    con = sqlite3.connect(old)
    names = [r[0] for r in con.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    con.close()
    assert names == migrations.NAMES
    cli("--db", str(old), "projects", "-f", "json")  # current schema: nothing more to do

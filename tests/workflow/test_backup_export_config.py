"""Copies of the register (backup, export) and its settings (config)."""

from __future__ import annotations

import csv
import json
import sqlite3

from tests.workflow.helpers import flag


def test_backup_is_a_register_that_opens_and_verifies(units, tmp_path):
    flag(units, "P1", "quality", "外墙渗水", "2021-06-01")
    copy = tmp_path / "copy.db"
    result = units("backup", str(copy))
    assert result.stderr.startswith(f"backup written: {copy} (")
    assert "integrity ok" in result.stderr
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        assert db.execute("SELECT text FROM issues").fetchall() == [("外墙渗水",)]
    assert list(tmp_path.glob(".copy.db.partial*")) == []
    copied = units("--db", str(copy), "verify", "-f", "json")
    assert json.loads(copied.stdout)["head_hash"] == units.json("verify")["head_hash"]


def test_backup_to_a_name_near_the_limit(units, tmp_path):
    # 249 bytes is a legal name: the copy is made under a short name of its own beside it
    # (it once took the target's name plus a suffix, over 255 bytes)
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / ("备" * 81 + ".db")  # 243 + 3 bytes
    units("backup", str(target))
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert [p.name for p in folder.iterdir()] == [target.name]  # no partial file left


def test_backup_never_overwrites_unless_forced(units, tmp_path):
    copy = tmp_path / "copy.db"
    copy.write_text("an earlier file")
    refused = units("backup", str(copy), code=2)
    assert "already exists; choose another name or add --force" in refused.stderr
    assert copy.read_text() == "an earlier file"
    units("backup", str(copy), "--force")
    assert units("--db", str(copy), "info", "-f", "json").stdout
    refused = units("backup", str(units.db), "--force", code=2)
    assert "a file other than the register itself" in refused.stderr
    refused = units("backup", str(tmp_path / "no" / "copy.db"), code=2)
    assert "existing folder" in refused.stderr


def test_backup_while_a_clerk_is_writing(units, tmp_path):
    """A write transaction open in another connection: the copy is taken at once and holds
    the last committed state, not the half-done write."""
    clerk = sqlite3.connect(units.db, isolation_level=None)
    clerk.execute("BEGIN IMMEDIATE")
    clerk.execute("INSERT INTO settings VALUES ('overlap_days', '3', 'now', 'clerk')")
    try:
        units("backup", str(tmp_path / "copy.db"))
    finally:
        clerk.execute("ROLLBACK")
        clerk.close()
    with sqlite3.connect(tmp_path / "copy.db") as db:
        assert db.execute("SELECT count(*) FROM settings").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM projects").fetchone()[0] == 4


def test_export_csv_every_table_formula_safe(units, tmp_path):
    flag(units, "P1", "other", "=1+2", "2021-06-01")
    folder = tmp_path / "archive"
    result = units("export", "-o", str(folder), "-f", "csv")
    assert f"to {folder}/ (csv, UTF-8)" in result.stderr
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted([
        "_sqlite_migrations.csv", "assignments.csv", "audit_log.csv", "issue_events.csv",
        "issues.csv", "manifest.json", "plan_points.csv", "progress.csv", "projects.csv",
        "settings.csv", "supervision_groups.csv", "visit_photos.csv", "visits.csv"])
    with open(folder / "issues.csv", encoding="utf-8", newline="") as f:
        issues = list(csv.DictReader(f))
    assert issues[0]["text"] == "'=1+2"
    with open(folder / "projects.csv", encoding="utf-8", newline="") as f:
        projects = list(csv.DictReader(f))
    assert [p["name"] for p in projects][:2] == ["新建中小学", "老旧小区改造"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["projects"] == 4
    assert manifest["audit_head"]["id"] == units.count("audit_log")
    with open(folder / "audit_log.csv", encoding="utf-8", newline="") as f:
        assert len(list(csv.DictReader(f))) == manifest["tables"]["audit_log"]


def test_export_json_is_exact_and_refuses_to_overwrite(units, tmp_path):
    units("progress", "P1", "--pct", "33.333333", "--date", "2021-06-01")
    folder = tmp_path / "archive"
    units("export", "-o", str(folder))
    rows = json.loads((folder / "progress.json").read_text(encoding="utf-8"))
    assert rows[0]["pct"] == 33.333333 and rows[0]["project_code"] == "P1"
    audit = json.loads((folder / "audit_log.json").read_text(encoding="utf-8"))
    assert len(audit) == units.count("audit_log")
    refused = units("export", "-o", str(folder), code=2)
    assert "already holds an export" in refused.stderr
    units("export", "-o", str(folder), "--force")
    bad = units("export", "-o", str(folder), "-f", "xml", code=2)
    assert "format: 'xml' is not valid; expected json | csv" in bad.stderr


def test_config_shows_and_sets_settings(units):
    rows = units.json("config")
    assert [r["key"] for r in rows] == ["yellow_lag", "red_lag", "stale_days", "schedule_basis",
                                        "ordinary_days", "major_days", "overlap_days",
                                        "publish.fields"]
    assert rows[4] == {"key": "ordinary_days", "value": "5", "default": "5",
                       "description": "working days to rectify an ordinary issue",
                       "updated_at": None, "updated_by": None}
    set_ = units("config", "major_days", "10", user="李某")
    assert set_.stderr == "major_days = 10 (was 15)\n"
    assert units.json("config", "major_days")[0]["updated_by"] == "李某"
    again = units("config", "major_days", "10")
    assert again.stderr == "major_days = 10 (unchanged)\n"
    logged = units.json("log", "--table", "settings")
    assert [(e["row_key"], e["actor"], e["command"], e["content"]["value"]) for e in logged] == [
        ("major_days", "李某", "config", "10")]
    units("verify")


def test_config_refuses_bad_values(units):
    before = units.dump()
    for args, message in [
        (("nonsense", "1"), "unknown setting: 'nonsense' (known: yellow_lag, red_lag"),
        (("ordinary_days", "0"), "ordinary_days: '0' is not valid; expected a whole number "
                                 "from 1 to 120"),
        (("yellow_lag", "40"), "yellow_lag: '40' is not valid; expected at most red_lag (30)"),
        (("red_lag", "5"), "red_lag: '5' is not valid; expected at least yellow_lag (10)"),
        (("publish.fields", ""), "publish.fields: '' is not valid; expected a comma-separated"),
        (("schedule_basis", "weeks"), "expected days or months"),
        (("nonsense",), "unknown setting: 'nonsense'"),
    ]:
        result = units("config", *args, code=2)
        assert message in result.stderr
        assert len(result.stderr.splitlines()) == 1
    assert units.dump() == before

"""Every write appends hash-chained events to ``audit_log`` (谁监督、谁负责): the chain is
recomputed here from first principles, each row's last event holds the row as stored,
and the log refuses to be edited."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.factories import (
    HOTLINE,
    SCHOOL,
    audit_chain_length,
    standard_register,
    write_csv,
)

AUDITED = {
    "projects": ("code",), "plan_points": ("id",), "supervision_groups": ("id",),
    "assignments": ("group_id", "project_code"), "visits": ("id",), "visit_photos": ("id",),
    "progress": ("id",), "issues": ("id",), "issue_events": ("id",),
}


@pytest.fixture
def busy(cli, tmp_path):
    """A register after a day of work: every kind of write the register CLI makes."""
    standard_register(cli)
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"x")
    cli("plan", SCHOOL, "2021-06-30", "50")
    cli("progress", HOTLINE, "--pct", "20", "--funds", "10", "--note", "五月")
    cli("--by", "李某", "add-visit", HOTLINE, "-g", "市人大财经委监督组", "--photo", str(photo))
    cli("flag", HOTLINE, "--category", "funding", "--text", "资金未到位")
    sheet = write_csv(tmp_path / "p.csv", [["code", "date", "pct"], [HOTLINE, "2021-06-01",
                                                                    "25"]])
    cli("import", "progress", str(sheet))
    return cli


def events(db) -> list[sqlite3.Row]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    rows = con.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    con.close()
    return rows


def test_the_chain_recomputes_from_genesis(busy):
    assert audit_chain_length(busy.db) == 18


def test_a_broken_chain_is_noticed(busy):
    con = sqlite3.connect(busy.db)
    con.execute("DROP TRIGGER audit_log_no_update")  # what tampering would have to do
    con.execute("UPDATE audit_log SET content = replace(content, '20', '80') WHERE id = 14")
    con.commit()
    con.close()
    with pytest.raises(AssertionError, match="event 14"):
        audit_chain_length(busy.db)


def test_every_row_has_its_content_in_the_log(busy):
    log = events(busy.db)
    last = {(e["table_name"], e["row_key"]): json.loads(e["content"]) for e in log}
    con = sqlite3.connect(busy.db)
    con.row_factory = sqlite3.Row
    for table, key in AUDITED.items():
        for row in con.execute(f"SELECT * FROM {table}"):
            row_key = ":".join(str(row[k]) for k in key)
            assert last[(table, row_key)] == dict(row), (table, row_key)
    con.close()
    counts = {t: sum(e["table_name"] == t for e in log) for t in AUDITED}
    assert counts["visit_photos"] == 1 and counts["plan_points"] == 1


def test_events_name_who_and_which_command(busy):
    log = events(busy.db)
    assert {e["actor"] for e in log} == {"tester", "李某"}
    commands = {e["command"] for e in log}
    assert {"add-project", "add-group", "assign", "add-visit", "flag", "plan", "progress",
            "import progress"} <= commands
    visit_events = [e for e in log if e["actor"] == "李某"]
    assert {e["table_name"] for e in visit_events} == {"visits", "visit_photos"}
    assert all(e["action"] == "insert" for e in log)


def test_a_refused_write_leaves_no_event(busy):
    before = len(events(busy.db))
    busy("progress", SCHOOL, "--pct", "101", code=2)
    busy("add-visit", SCHOOL, "-g", "无此小组", code=2)
    assert len(events(busy.db)) == before


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_the_log_is_append_only(busy, sql):
    con = sqlite3.connect(busy.db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute(sql)
    con.close()


def test_sample_load_is_logged_as_init(sample):
    log = events(sample.db)
    assert {e["command"] for e in log} == {"init"}
    assert len(log) == sample.json("info")["counts"]["audit_log"]

"""The audit log and ``verify``: a register falsified behind the program's back — with the
sqlite3 module, as someone with the sqlite3 tool would — is named, table and row."""

from __future__ import annotations

import sqlite3

import pytest

from tests.workflow.helpers import flag


@pytest.fixture
def recorded(units):
    """A visit with an observed figure and a photo-less finding, a report, a transferred issue."""
    run = units
    run("progress", "P1", "--pct", "40", "--date", "2021-05-31")
    visit = run.new_id("add-visit", "P2", "--group", "东城区人大监督小组", "--date",
                       "2021-06-01", "--pct", "35")
    issue = flag(run, "P2", "schedule", "进度滞后", "2021-06-01", "--visit", str(visit))
    run("issue", "transfer", str(issue), "--date", "2021-06-02")
    return run


def problems(run, code=1):
    result = run("verify", code=code)
    lines = result.stdout.splitlines()
    return lines[:-1], lines[-1]


def test_a_clean_register_verifies(recorded):
    found, summary = problems(recorded, code=0)
    assert found == []
    assert summary.startswith("verify: ok — ")
    data = recorded.json("verify")
    assert data["ok"] is True and data["problems"] == []
    assert data["events"] == recorded.count("audit_log")
    assert data["rows"]["visits"] == 1 and data["rows"]["progress"] == 2


def test_the_sample_register_verifies(sample):
    data = sample.json("verify")
    assert data["ok"] is True
    updates = [e for e in sample.json("log", "--table", "issues") if e["action"] == "update"]
    # One insert event per row, and one per issue transferred on import.
    assert data["events"] == sum(data["rows"].values()) + len(updates)


def test_an_edited_figure_is_named(recorded):
    with recorded.sql() as db:
        db.execute("UPDATE progress SET pct = 95 WHERE project_code = 'P1'")
    found, summary = problems(recorded)
    assert len(found) == 1
    assert found[0].startswith("edited\tprogress 1: differs from its last logged content")
    assert found[0].endswith("pct 40.0 → 95.0")
    assert summary.startswith("verify: 1 problem(s)")


def test_a_deleted_visit_and_a_slipped_in_row_are_named(recorded):
    db = recorded.sql()  # the sqlite3 tool: foreign keys off
    db.execute("INSERT INTO visits (project_code, group_id, date, created_at, created_by)"
               " VALUES ('P3', 1, '2021-06-05', '2021-06-05T10:00:00+08:00', 'nobody')")
    db.execute("DELETE FROM visits WHERE id = 1")
    db.close()
    found, _ = problems(recorded)
    kinds = sorted(line.split("\t")[0] for line in found)
    assert kinds == ["deleted", "foreign_key", "foreign_key", "unlogged"]
    text = "\n".join(found)
    assert "deleted\tvisits 1: deleted behind the program's back (last logged in event" in text
    assert "project_code=P2" in text
    assert "unlogged\tvisits 2: no log entry: added behind the program's back" in text
    # The visit's observed figure and the issue still point at it.
    assert "foreign_key\tprogress 2: refers to a visits row that does not exist" in text
    assert "foreign_key\tissues 1: refers to a visits row that does not exist" in text
    data = recorded.json("verify", code=1)
    assert {(p["kind"], p["table"], p["key"]) for p in data["problems"]} == {
        ("deleted", "visits", "1"), ("unlogged", "visits", "2"),
        ("foreign_key", "progress", "2"), ("foreign_key", "issues", "1")}


def test_an_issue_struck_off_by_hand_is_named(recorded):
    with recorded.sql() as db:
        db.execute("UPDATE issues SET status = 'closed', verdict = 'satisfied' WHERE id = 1")
    found, _ = problems(recorded)
    assert found == ["edited\tissues 1: differs from its last logged content (event "
                     + found[0].split("(event ")[1]]
    assert "status 'transferred' → 'closed'; verdict None → 'satisfied'" in found[0]


def test_the_log_refuses_update_and_delete(recorded):
    db = recorded.sql()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM audit_log WHERE id = 1")
    db.close()
    problems(recorded, code=0)


def test_a_log_edited_past_its_triggers_breaks_the_chain(recorded):
    db = recorded.sql()
    db.execute("DROP TRIGGER audit_log_no_update")
    db.execute("DROP TRIGGER audit_log_no_delete")
    db.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = 3")
    db.execute("DELETE FROM audit_log WHERE id = 6")
    db.close()
    found, _ = problems(recorded)
    assert found[0].startswith("chain\taudit_log event 3: its hash does not match its content")
    assert found[1] == ("chain\taudit_log event 7: does not follow event 5: an event between "
                        "them was removed or altered")
    assert "trigger\taudit_log: trigger audit_log_no_update is missing" in found[-2]
    assert "trigger\taudit_log: trigger audit_log_no_delete is missing" in found[-1]


def test_a_damaged_page_fails_the_integrity_check(recorded):
    """Bytes overwritten where the projects' rows lie: listed as integrity problems, exit 1."""
    with recorded.sql() as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.execute("PRAGMA page_size").fetchone()[0]
        page = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'projects'"
                          ).fetchone()[0]
    raw = bytearray(recorded.db.read_bytes())
    raw[page * size - 300: page * size] = b"\xff" * 300  # the end of the page: cell content
    recorded.db.write_bytes(bytes(raw))
    found, summary = problems(recorded)
    assert found and all(line.startswith("integrity\tsqlite ") for line in found)
    assert summary.startswith(f"verify: {len(found)} problem(s)")


def test_log_filters(recorded):
    run = recorded
    everything = run.json("log")
    assert len(everything) == run.count("audit_log")
    assert everything[0]["table_name"] == "projects" and everything[0]["actor"] == "tester"
    assert isinstance(everything[0]["content"], dict)
    p2 = run.json("log", "--project", "P2")
    assert [(e["table_name"], e["action"]) for e in p2] == [
        ("projects", "insert"), ("assignments", "insert"), ("assignments", "insert"),
        ("visits", "insert"), ("progress", "insert"), ("issues", "insert"),
        ("issue_events", "insert"), ("issues", "update"), ("issue_events", "insert")]
    assert [e["command"] for e in p2][-2:] == ["issue transfer", "issue transfer"]
    assert "unknown issue: 99" in run("log", "--issue", "99", code=2).stderr
    assert "unknown project: 'NOPE'" in run("log", "--project", "NOPE", code=2).stderr
    assert run.json("log", "--project", "P2", "--since", "2099-01-01") == []  # known, quiet
    assert len(run.json("log", "--table", "visits")) == 1
    assert run.json("log", "--since", "2099-01-01") == []
    assert len(run.json("log", "--since", "2000-01-01")) == len(everything)
    bad = run("log", "--table", "secrets", code=2)
    assert "table: 'secrets' is not valid" in bad.stderr
    tsv = run.tsv("log", "--project", "P2")
    assert list(tsv[0]) == ["id", "at", "actor", "command", "table_name", "row_key", "action",
                            "content", "hash"]


def test_a_deleted_visit_still_shows_in_the_projects_log(recorded):
    with recorded.sql() as db:
        db.execute("DELETE FROM visits WHERE id = 1")
    assert ("visits", "1") in {(e["table_name"], e["row_key"])
                               for e in recorded.json("log", "--project", "P2")}


def test_a_project_deleted_behind_the_programs_back_keeps_its_log(recorded):
    with recorded.sql() as db:
        db.execute("PRAGMA foreign_keys = OFF")
        for table in ("issue_events", "issues", "progress", "visits", "assignments"):
            column = "issue_id IN (SELECT id FROM issues WHERE project_code = 'P2')" \
                if table == "issue_events" else "project_code = 'P2'"
            db.execute(f"DELETE FROM {table} WHERE {column}")
        db.execute("DELETE FROM projects WHERE code = 'P2'")
    events = recorded.json("log", "--project", "P2")
    assert ("projects", "insert") in {(e["table_name"], e["action"]) for e in events}

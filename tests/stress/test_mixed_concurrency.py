"""Eight clerks at once, each its own process calling the real entry point in a loop:
visits, progress figures, flags and issue moves, a marked transfer list and a setting,
all on one register, while a ninth runs ``verify`` again and again (it sees a consistent
register every time) and two more read ``overdue`` and ``summary`` on three connections
each.  Every command succeeds (no "database is locked", no exit 3),
nothing is lost — the rows counted equal what the clerks report having written — and
the register passes ``verify`` and SQLite's integrity check afterwards.

Also: eight ``init`` (and four ``init --sample``) at once on a new register, and eight
commands at once on a register left by an older version: the first makes, loads or
upgrades it, the others wait and go on (or say the sample is already in).
"""

from __future__ import annotations

from collections import Counter

import pytest

from minsheng_cli.cli.register import sample_folder
from minsheng_cli.render.sheets import read_sheet
from minsheng_cli.store import migrations
from tests.factories import Cli, audit_chain_length, count
from tests.store.test_upgrade import make_old_register
from tests.stress.helpers import assert_sound, start_together

CLERKS, ROUNDS, CHECKS = 8, 8, 6
TABLES = ("visits", "progress", "issues", "issue_events", "settings", "audit_log")


def command(record: dict) -> str:
    args = record["args"]
    return f"{args[0]} {args[1]}" if args[0] == "issue" else args[0]


def marked(record: dict) -> int:
    """``transferred N open issue(s) on DATE`` (stderr of --mark-transferred)."""
    line = next(x for x in record["err"].splitlines() if x.startswith("transferred "))
    return int(line.split()[1])


@pytest.mark.slow
def test_eight_clerks_writing_everything_at_once(standard):
    before = {t: count(standard.db, t) for t in TABLES}
    # and a ninth process checks the register over and over while they write, and two
    # more read reports on three connections each (store/parallel.py)
    *logs, checks, overdue, summary = start_together(
        standard, [[str(w), str(ROUNDS)] for w in range(CLERKS)]
        + [["--repeat", str(CHECKS), "verify"],
           ["--repeat", str(CHECKS), "overdue", "-f", "json"],
           ["--repeat", str(CHECKS), "summary", "-f", "json"]],
        env={"MINSHENG_THREADS": "3"})
    assert [c["code"] for c in checks] == [0] * CHECKS, [c for c in checks if c["code"]]
    reads = overdue + summary
    assert [r["code"] for r in reads] == [0] * 2 * CHECKS, [r for r in reads if r["code"]]
    assert not [r for r in reads if r["err"].strip() and "as of" not in r["err"]
                and "period" not in r["err"]], reads[:2]
    records = [r for log in logs for r in log]

    failed = [r for r in records if r["code"] != 0]
    assert not failed, failed[:3]
    assert not [r for r in records if "locked" in r["err"] or "Traceback" in r["err"]]
    done = Counter(command(r) for r in records)
    assert done["add-visit"] == done["progress"] == done["flag"] == CLERKS * ROUNDS
    moves = sum(n for c, n in done.items() if c.startswith("issue "))
    transferred = sum(marked(r) for r in records if r["args"][0] == "transfer-list")
    assert transferred == CLERKS * (ROUNDS // 4)  # the issues each clerk left open
    settings_written = sum("(was" in r["err"] for r in records if r["args"][0] == "config")

    visit_ids = [int(r["out"]) for r in records if r["args"][0] == "add-visit"]
    assert len(set(visit_ids)) == len(visit_ids)
    added = {
        "visits": done["add-visit"],
        "progress": done["add-visit"] + done["progress"],  # a visit's figure is a row too
        "issues": done["flag"],
        "issue_events": done["flag"] + moves + transferred,
        "settings": 1,  # eight clerks set one key: one row, changed in turn
        # a visit and its figure, a figure, an issue and its event, a move or a marked
        # transfer (issue row + event), a setting changed
        "audit_log": 2 * done["add-visit"] + done["progress"]
        + 2 * (done["flag"] + moves + transferred) + settings_written,
    }
    assert {t: count(standard.db, t) - before[t] for t in TABLES} == added
    assert audit_chain_length(standard.db) == before["audit_log"] + added["audit_log"]

    fates = Counter()
    for worker in range(CLERKS):
        issues = standard.json("issues", "--department", f"单位{worker}")
        fates.update(i["status"] for i in issues)
    quarter = CLERKS * ROUNDS // 4
    assert fates == {"closed": quarter, "transferred": 2 * quarter, "withdrawn": quarter}
    assert_sound(standard)


def test_eight_init_at_once_on_a_new_register(blank):
    logs = start_together(blank, [["--once", "init"]] * CLERKS,
                          env={"MINSHENG_BUSY_TIMEOUT": "300"})
    records = [r for log in logs for r in log]
    assert [r["code"] for r in records] == [0] * CLERKS, records
    applied = [r for r in records if "applied m001_create_register" in r["err"]]
    assert len(applied) == 1, [r["err"] for r in records]
    assert_sound(blank)


def test_four_init_sample_at_once_load_it_once(blank):
    # The three that wait must wait for the load, not give up (exit 3) on a busy machine.
    logs = start_together(blank, [["--once", "init", "--sample"]] * 4,
                          env={"MINSHENG_BUSY_TIMEOUT": "300"})
    records = sorted((r for log in logs for r in log), key=lambda r: r["code"])
    assert [r["code"] for r in records] == [0, 2, 2, 2], records
    assert "loaded sample data" in records[0]["err"]
    for refused in records[1:]:
        assert refused["err"].splitlines()[-1] == (
            f"minsheng: register {blank.db} already holds projects; load the sample into a "
            "new one (e.g. `minsheng --db sample.db init --sample`)")
    assert count(blank.db, "projects") == len(read_sheet(sample_folder() / "projects.csv").rows)
    assert_sound(blank)


def test_eight_commands_at_once_upgrade_an_older_register_once(tmp_path):
    cli = Cli(tmp_path / "old.db")
    make_old_register(cli.db)
    logs = start_together(cli, [["--once", "progress", "A", "--pct", str(10 + w)]
                                for w in range(CLERKS)])
    records = [r for log in logs for r in log]
    assert [r["code"] for r in records] == [0] * CLERKS, records
    # each step is applied once, by whichever process took the write lock for it
    steps = [line for r in records for line in r["err"].splitlines()
             if "upgraded register schema" in line]
    assert sorted(steps) == sorted(set(steps)) and len(steps) == len(migrations.NAMES) - 1, steps
    assert count(cli.db, "progress") == 1 + CLERKS
    assert_sound(cli)

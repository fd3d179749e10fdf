"""Nothing is deleted: a wrong figure is corrected or voided by a new row that points at
it; figures dated before the project started are refused; verify notices events cut from
the end of the log."""

from __future__ import annotations

import sqlite3


def setup(cli):
    cli("add-project", "A", "新建学校", "--year", "2021", "--target", "10", "--unit", "所")
    first = int(cli("progress", "A", "--done", "3", "--date", "2021-05-31").stdout)
    return first


def latest(cli, as_of="2021-06-16"):
    rows = cli.json("deviation", "--as-of", as_of)
    row = next(r for r in rows if r["code"] == "A")
    return row["actual_pct"], row["last_report_date"]


def test_a_correction_replaces_the_figure_and_keeps_its_date(cli):
    wrong = setup(cli)
    fixed = int(cli("progress", "A", "--done", "4", "--corrects", str(wrong)).stdout)
    assert latest(cli) == (40, "2021-05-31")
    card = cli.json("show", "A")
    rows = {r["id"]: r for r in card["progress"]}
    assert rows[wrong]["corrected_by"] == fixed and rows[fixed]["corrects"] == wrong
    assert rows[wrong]["done"] == 3  # the wrong figure stays on record


def figure(cli, code, figure_id):
    return next(r for r in cli.json("show", code)["progress"] if r["id"] == figure_id)


def test_a_correction_keeps_what_it_does_not_give(cli):
    # a correction gives what was wrong; the rest is the corrected figure's, not lost
    cli("add-project", "A", "新建学校", "--year", "2021", "--target", "10", "--unit", "所",
        "--budget", "1000")
    wrong = int(cli("progress", "A", "--done", "3", "--funds", "275",
                    "--date", "2021-05-31").stdout)
    fixed = cli("progress", "A", "--corrects", str(wrong), "--done", "4")
    assert fixed.stderr == (f"minsheng: figure {fixed.stdout.strip()} replaces figure {wrong};"
                            " kept from it: funds 275\n")
    row = figure(cli, "A", int(fixed.stdout))
    assert (row["pct"], row["done"], row["funds"]) == (40, 4, 275)
    money = int(cli("progress", "A", "--corrects", fixed.stdout.strip(), "--funds", "270").stdout)
    row = figure(cli, "A", money)
    assert (row["pct"], row["done"], row["funds"], row["date"]) == (40, 4, 270, "2021-05-31")
    deviation = next(r for r in cli.json("deviation") if r["code"] == "A")
    assert (deviation["actual_pct"], deviation["funds_pct"]) == (40, 27)
    assert deviation["last_report_date"] == "2021-05-31"
    both = int(cli("progress", "A", "--corrects", str(money), "--pct", "45", "--funds", "280",
                   "--date", "2021-06-01").stdout)
    row = figure(cli, "A", both)
    assert (row["pct"], row["done"], row["funds"]) == (45, None, 280)  # nothing kept


def test_a_void_removes_the_figure_from_the_reports(cli):
    wrong = setup(cli)
    cli("progress", "A", "--corrects", str(wrong), "--void", "--note", "报送有误")
    assert latest(cli) == (0, None)
    cli("verify")


def test_refused_corrections_change_nothing(cli):
    wrong = setup(cli)
    cli("add-project", "B", "另一个项目", "--year", "2021")
    for args in (
        ("A", "--corrects", "999", "--pct", "10"),  # no such figure
        ("B", "--corrects", str(wrong), "--pct", "10"),  # another project's figure
        ("A", "--corrects", str(wrong)),  # neither a new figure nor --void
        ("A", "--corrects", str(wrong), "--void"),  # a void needs a reason
        ("A", "--void", "--note", "x"),  # --void needs --corrects
        ("A", "--corrects", "abc", "--pct", "10"),
    ):
        result = cli("progress", *args, code=2)
        assert len(result.stderr.splitlines()) == 1, result.stderr
    cli("progress", "A", "--corrects", str(wrong), "--pct", "35")
    result = cli("progress", "A", "--corrects", str(wrong), "--pct", "36", code=2)
    assert "already corrected" in result.stderr
    assert latest(cli) == (35, "2021-05-31")


def test_figures_and_visits_before_the_start_are_refused(cli):
    setup(cli)
    result = cli("progress", "A", "--pct", "90", "--date", "2001-01-01", code=2)
    assert "on or after the project's start (2021-01-01)" in result.stderr
    cli("add-group", "东城组", "--level", "基层")
    cli("add-visit", "A", "--group", "东城组", "--date", "1990-01-01", "--pct", "80", code=2)
    assert latest(cli) == (30, "2021-05-31")


def test_verify_names_events_cut_from_the_end_of_the_log(cli):
    setup(cli)
    cli("add-group", "东城组", "--level", "基层")
    visit = cli("add-visit", "A", "--group", "东城组", "--date", "2021-06-01").stdout.strip()
    cli("verify")
    # falsify with the sqlite3 tool: drop the trigger, delete the visit and its event
    con = sqlite3.connect(cli.db)
    con.executescript(f"""
        DROP TRIGGER audit_log_no_delete;
        DELETE FROM visits WHERE id = {visit};
        DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;""")
    con.close()
    result = cli("verify", code=1)
    assert "removed from the end of the log" in result.stdout + result.stderr


def test_a_figure_below_the_last_one_is_recorded_with_a_note(cli):
    # figures are cumulative: a lower one is kept (it may be true) but named on stderr
    setup(cli)  # 3 of 10 on 05-31
    low = cli("progress", "A", "--done", "2", "--date", "2021-06-10")
    assert low.stderr == (
        "note: pct 20 % is below the figure of 2021-05-31 (30 %), though figures are "
        "cumulative; a wrong figure is corrected with `minsheng progress A --corrects ID`\n")
    fixed = cli("progress", "A", "--corrects", low.stdout.strip(), "--done", "4")
    assert "note" not in fixed.stderr  # the wrong figure no longer counts
    cli("add-group", "东城组", "--level", "基层")
    seen = cli("add-visit", "A", "--group", "东城组", "--date", "2021-06-12", "--done", "35")
    assert "note: 350 % of A's target; a wrong figure is corrected" in seen.stderr
    assert int(seen.stdout) > 0  # recorded


def test_funds_over_twice_the_budget_are_named(cli):
    cli("add-project", "M", "资金项目", "--year", "2021", "--budget", "100")
    cli("progress", "M", "--pct", "10", "--funds", "50", "--date", "2021-03-31")
    out = cli("progress", "M", "--pct", "20", "--funds", "201", "--date", "2021-04-30")
    assert out.stderr == ("note: funds 201 万元, over twice M's budget (100 万元); a wrong "
                          "figure is corrected with `minsheng progress M --corrects ID`\n")
    out = cli("progress", "M", "--pct", "30", "--funds", "40", "--date", "2021-05-31")
    assert out.stderr.startswith("note: funds 40 万元 is below the figure of 2021-04-30 (201")


def test_a_correction_notes_only_what_it_gives(cli):
    setup(cli)  # 3 of 10 on 05-31
    low = int(cli("progress", "A", "--done", "2", "--date", "2021-06-10").stdout)  # noted
    money = cli("progress", "A", "--corrects", str(low), "--funds", "10")
    assert "kept from it: done 2" in money.stderr
    assert "note" not in money.stderr  # the 20 % it kept was noted when it was given

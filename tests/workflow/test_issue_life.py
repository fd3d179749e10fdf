"""The life of an issue: 转办 → 反馈 → 复核销号, across the 2021 National Day holiday.

Deadlines count Chinese working days as chinesecalendar records them: a transfer on
2021-09-29 with 5 working days is due 2021-10-12 (09-30, 10-08, 10-09 — a make-up
Saturday —, 10-11, 10-12); 1–7 October are off.
"""

from __future__ import annotations

import pytest

from tests.workflow.helpers import flag


def test_a_life_across_national_day(units):
    run = units
    issue = flag(run, "P1", "quality", "第三小学新建校舍外墙渗水", "2021-09-28")

    moved = run("issue", "transfer", str(issue), "--date", "2021-09-29", today="2021-09-29")
    assert moved.stdout == f"issue {issue}: transferred, deadline 2021-10-12 (5 working days)\n"
    assert moved.stderr == ""  # chinesecalendar knows 2021: no fallback note

    # Not overdue on the deadline itself; overdue the day after.
    assert run.tsv("issues", "--overdue", today="2021-10-12") == []
    overdue = run.tsv("issues", "--overdue", today="2021-10-13")
    assert [(r["id"], r["status"], r["deadline"]) for r in overdue] == [
        (str(issue), "transferred", "2021-10-12")]

    run("issue", "respond", str(issue), "--note", "已完成外墙修补", "--date", "2021-10-11",
        today="2021-10-11")
    # Re-checked on site: not fixed; sent back with a new deadline from the reopen day.
    reopened = run("issue", "reopen", str(issue), "--date", "2021-10-13",
                   "--note", "复核发现仍有渗水", today="2021-10-13")
    assert reopened.stdout == f"issue {issue}: transferred, deadline 2021-10-20 (5 working days)\n"
    run("issue", "respond", str(issue), "--note", "已重新做防水层", "--date", "2021-10-19",
        today="2021-10-19", user="市教育局联络员")
    closed = run("--by", "张某", "issue", "close", str(issue), "--verdict", "基本满意",
                 "--date", "2021-10-20", today="2021-10-20")
    assert closed.stdout == f"issue {issue}: closed, deadline 2021-10-20\n"

    shown = run.json("issue", "show", str(issue), today="2021-11-01")
    assert (shown["status"], shown["verdict"], shown["deadline"]) == ("closed", "basic",
                                                                       "2021-10-20")
    steps = [(e["action"], e["date"], e["from_status"], e["to_status"], e["deadline"],
              e["created_by"]) for e in shown["events"]]
    assert steps == [
        ("flag", "2021-09-28", None, "open", None, "tester"),
        ("transfer", "2021-09-29", "open", "transferred", "2021-10-12", "tester"),
        ("respond", "2021-10-11", "transferred", "responded", None, "tester"),
        ("reopen", "2021-10-13", "responded", "transferred", "2021-10-20", "tester"),
        ("respond", "2021-10-19", "transferred", "responded", None, "市教育局联络员"),
        ("close", "2021-10-20", "responded", "closed", None, "张某"),
    ]
    assert [e["note"] for e in shown["events"]][2:5] == [
        "已完成外墙修补", "复核发现仍有渗水", "已重新做防水层"]
    # A closed issue is never overdue, whatever the day.
    assert run.tsv("issues", "--overdue", today="2021-11-01") == []
    # Every step is in the audit log: the issue row and its event, each time.
    events = run.json("log", "--issue", str(issue))
    assert [(e["table_name"], e["action"]) for e in events] == (
        [("issues", "insert"), ("issue_events", "insert")]
        + [("issues", "update"), ("issue_events", "insert")] * 5)
    assert [e["command"] for e in events][-2:] == ["issue close", "issue close"]
    assert events[-1]["actor"] == "张某"


def test_show_prints_the_history_in_markdown_and_table(units):
    issue = flag(units, "P1", "quality", "外墙渗水", "2021-09-28")
    units("issue", "transfer", str(issue), "--date", "2021-09-29", today="2021-09-29")
    markdown = units("issue", "show", str(issue), "-f", "markdown", today="2021-10-13").stdout
    assert "- **status**: transferred" in markdown
    assert "### History" in markdown and "| transfer |" in markdown
    table = units("--lang", "zh", "issue", "show", str(issue), "-f", "table").stdout
    assert "已转办" in table and "转办" in table and "2021-10-12" in table


@pytest.mark.parametrize(("severity", "days", "deadline"), [
    ("ordinary", None, "2021-10-12"),
    ("major", None, "2021-10-26"),   # 15 working days
    ("ordinary", "3", "2021-10-09"),  # lands on the make-up Saturday
])
def test_default_deadline_by_severity_and_days(units, severity, days, deadline):
    issue = flag(units, "P2", "safety", "基坑临边防护缺失", "2021-09-28", "--severity", severity)
    extra = ("--days", days) if days else ()
    moved = units("issue", "transfer", str(issue), "--date", "2021-09-29", *extra,
                  today="2021-09-29")
    assert f"deadline {deadline}" in moved.stdout


def test_the_working_days_are_settings(units):
    units("config", "ordinary_days", "3")
    issue = flag(units, "P2", "safety", "围挡缺失", "2021-09-28")
    moved = units("issue", "transfer", str(issue), "--date", "2021-09-29", today="2021-09-29")
    assert "deadline 2021-10-09 (3 working days)" in moved.stdout


def test_an_explicit_deadline_and_another_department(units):
    issue = flag(units, "P1", "funding", "配套资金未到位", "2021-06-01")
    moved = units("issue", "transfer", str(issue), "--deadline", "2021-06-30",
                  "--department", "市财政局", "--date", "2021-06-02")
    assert moved.stdout == f"issue {issue}: transferred, deadline 2021-06-30\n"
    shown = units.json("issue", "show", str(issue))
    assert shown["department"] == "市财政局"
    assert shown["events"][1]["department"] == "市财政局"


def test_beyond_the_chinese_calendar_counts_monday_to_friday(run):
    run("init")
    run("add-project", "F1", "远期项目", "--year", "2030", "--department", "市水利局",
        today="2030-01-02")
    issue = flag(run, "F1", "other", "台账不全", "2030-03-01")
    moved = run("issue", "transfer", str(issue), today="2030-03-01")  # a Friday
    assert f"issue {issue}: transferred, deadline 2030-03-08" in moved.stdout
    assert "Monday–Friday" in moved.stderr and "2030-03-01" in moved.stderr


def test_withdraw_keeps_the_issue_in_the_register(units):
    issue = flag(units, "P4", "other", "重复登记", "2021-06-01")
    moved = units("issue", "withdraw", str(issue), "--reason", "与问题1重复")
    assert moved.stdout == f"issue {issue}: withdrawn\n"
    assert units.tsv("issues", "--status", "withdrawn")[0]["id"] == str(issue)
    shown = units.json("issue", "show", str(issue))
    assert shown["events"][-1]["note"] == "与问题1重复"
    assert units.tsv("transfer-list") == []
    assert [r["id"] for r in units.tsv("transfer-list", "--status", "withdrawn")] == [str(issue)]


def test_chinese_labels_for_the_new_status(units):
    issue = flag(units, "P1", "quality", "外墙渗水", "2021-09-28")
    moved = units("--lang", "zh", "issue", "transfer", str(issue), "--date", "2021-09-29",
                  today="2021-09-29")
    assert moved.stdout == f"问题 {issue}：已转办，整改时限 2021-10-12（5个工作日）\n"

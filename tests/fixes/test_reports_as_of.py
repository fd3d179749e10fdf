"""Reports on a past date do not change when issues move later (every report is
reproducible): open issues, overdue issues and the checklist's open issues are rebuilt from
the issues' history as of the report's date."""

from __future__ import annotations

import pytest

from tests.factories import Cli


@pytest.fixture
def sample(tmp_path) -> Cli:
    run = Cli(tmp_path / "sample.db")
    run("init", "--sample")
    return run


def past_reports(cli: Cli) -> dict:
    summary = cli.json("summary", "--period", "2021-05")
    overdue = cli.json("overdue", "--as-of", "2021-06-01")
    checklists = cli.json("checklist", "--period", "2021-05", "--group", "西城区人大监督小组")
    return {
        "open_at_end": summary["issues"]["open_at_end"],
        "overdue_issues": overdue["issues_overdue"],
        "checklist": [(r["code"], r["open_issue_ids"], r["open_issues"], r["focus"])
                      for r in checklists[0]["projects"]],
    }


def test_moves_today_leave_past_reports_alone(sample):
    before = past_reports(sample)
    assert before["open_at_end"] == 18
    assert [r["id"] for r in before["overdue_issues"]] == [1, 2, 3, 4, 5, 6, 8, 7, 10, 11, 12]
    sample("issue", "respond", "1", "--note", "已整改")
    sample("issue", "close", "1")
    sample("issue", "withdraw", "2", "--reason", "重复登记")
    sample("issue", "withdraw", "9", "--reason", "误报")
    sample("issue", "respond", "5", "--note", "已设置临时通道")
    sample("issue", "reopen", "5", "--days", "5")
    sample("issue", "transfer", "14", "--department", "东城区人民政府")
    sample("issue", "respond", "12", "--note", "已增设临时摊位")
    sample("issue", "close", "12")
    assert past_reports(sample) == before


def test_today_sees_the_moves(sample):
    sample("issue", "withdraw", "2", "--reason", "重复登记")
    ids = [r["id"] for r in sample.json("overdue", "--as-of", "2021-06-16")["issues_overdue"]]
    assert 2 not in ids and 1 in ids
    assert sample.json("summary", "--period", "2021-06")["issues"]["open_at_end"] == 22


def checklist_issue_ids(cli: Cli) -> set[int]:
    return {i for group in cli.json("checklist", "--period", "2021-06")
            for row in group["projects"] for i in row["open_issue_ids"]}


def test_checklist_lists_the_issues_open_today_only(sample):
    before = checklist_issue_ids(sample)
    assert {1, 2, 5} <= before
    sample("issue", "respond", "1", "--note", "已整改")
    sample("issue", "close", "1")
    sample("issue", "withdraw", "2", "--reason", "重复登记")
    sample("issue", "respond", "5", "--note", "已设置临时通道")  # responded: still open
    assert checklist_issue_ids(sample) == before - {1, 2}


# -- show CODE --as-of D: the card as it stood at the end of D ---------------------------------

SCHOOL = "MS2021-01"  # in the sample: figures monthly, visits, issue 4 found and transferred


def test_show_on_a_past_date_lists_only_what_was_dated_by_then(sample):
    today = sample.json("show", SCHOOL)
    past = sample.json("show", SCHOOL, "--as-of", "2021-03-31")
    assert past["progress"] == [p for p in today["progress"] if p["date"] <= "2021-03-31"]
    assert past["visits"] == [v for v in today["visits"] if v["date"] <= "2021-03-31"]
    assert past["issues"] == []
    # the sample has later figures and visits, so the test sees a difference
    assert past["progress"] and len(past["progress"]) < len(today["progress"])
    assert past["visits"] and len(past["visits"]) < len(today["visits"])
    assert past["plan"] == today["plan"]  # the plan is the year's, whatever the date
    assert past["series"]["actual"] == [{"date": p["date"], "pct": p["pct"],
                                         "source": p["source"], "id": p["id"]}
                                        for p in past["progress"]]


def test_show_on_a_past_date_gives_each_issue_as_it_stood_then(sample):
    (issue,) = [i for i in sample.json("show", SCHOOL)["issues"] if i["id"] == 4]
    assert (issue["status"], issue["deadline"]) == ("transferred", "2021-04-15")
    sample("issue", "respond", "4", "--note", "部分整改")
    sample("issue", "reopen", "4", "--days", "5")  # on 2021-06-16: a new deadline
    reopened = sample.json("show", SCHOOL)["issues"]
    assert [(i["status"], i["deadline"]) for i in reopened] == [("transferred", "2021-06-23")]
    sample("issue", "respond", "4", "--note", "已整改")
    sample("issue", "close", "4", "--verdict", "basic")
    closed = sample.json("show", SCHOOL)["issues"]
    assert [(i["status"], i["deadline"], i["verdict"]) for i in closed] == [
        ("closed", "2021-06-23", "basic")]
    assert closed == sample.json("show", SCHOOL, "--as-of", "2021-06-16")["issues"]
    # the day before, none of it had happened
    assert sample.json("show", SCHOOL, "--as-of", "2021-06-15")["issues"] == [issue]
    assert sample.json("show", SCHOOL, "--as-of", "2021-04-07")["issues"] == []
    flagged = sample.json("show", SCHOOL, "--as-of", "2021-04-08")["issues"]
    assert flagged == [issue]  # found and transferred the same day


def test_show_today_is_the_register_as_it_stands(sample):
    card = sample.json("show", SCHOOL)
    issues = {i["id"]: i for i in sample.json("issues")}
    assert card["issues"]
    for shown in card["issues"]:
        assert shown == {k: issues[shown["id"]][k] for k in shown}


# -- transfer-list --as-of D: the list as it stood at the end of D ----------------------------

def listed(cli: Cli, as_of: str) -> dict[int, tuple]:
    return {r["id"]: (r["status"], r["deadline"], r["department"], r["transferred_on"],
                      r["response"]) for r in cli.json("transfer-list", "--as-of", as_of)}


def test_transfer_list_on_a_past_date_lists_the_issues_as_they_stood(sample):
    early = listed(sample, "2021-03-20")
    assert set(early) == {1}  # issue 13, found on 05-18, is not on a list of 03-20
    before = listed(sample, "2021-04-10")
    assert before[3][0] == "transferred"
    sample("issue", "respond", "3", "--note", "已整改", "--date", "2021-06-10")
    sample("issue", "close", "3")
    assert listed(sample, "2021-04-10") == before  # closed later: still on that day's list
    assert 3 not in listed(sample, "2021-06-16")
    assert listed(sample, "2021-06-12")[3][0] == "responded"
    assert listed(sample, "2021-06-12")[3][4] == "已整改"


# -- summary --as-of D (DESIGN.md §3: "default: the week of --as-of") --------------------------

@pytest.mark.parametrize("period", [None, "2021-05", "last-month", "this-week"])
def test_summary_as_of_is_the_summary_of_that_day(sample, period):
    chosen = ("--period", period) if period else ()
    on_the_day = sample("summary", "-f", "json", *chosen, env={"MINSHENG_TODAY": "2021-06-09"})
    as_of = sample("summary", "-f", "json", "--as-of", "2021-06-09", *chosen)
    assert as_of.stdout == on_the_day.stdout and as_of.stderr == on_the_day.stderr
    if period in (None, "this-week"):  # the week of 06-09, not of today (06-16)
        assert as_of.stdout != sample("summary", "-f", "json", *chosen).stdout

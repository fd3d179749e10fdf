"""Common issues (共性问题) across projects, and duplicate supervision (重复监督)."""

from __future__ import annotations

from tests.workflow.helpers import flag


def test_common_issues_across_three_projects(units):
    run = units
    flag(run, "P1", "funding", "配套资金未到位", "2021-06-01")
    flag(run, "P2", "funding", "补助资金未下达", "2021-06-02")
    flag(run, "P3", "funding", "资金缺口", "2021-06-03")
    flag(run, "P3", "funding", "设备采购资金未落实", "2021-06-04")  # same project again
    flag(run, "P2", "quality", "外墙空鼓", "2021-06-05")
    flag(run, "P3", "quality", "管道坡度不符", "2021-06-05")
    rows = run.json("issues", "--common")
    assert rows == [{
        "scope": "category", "category": "funding", "department": None, "projects": 3,
        "issues": 4, "codes": ["P1", "P2", "P3"], "issue_ids": [1, 2, 3, 4],
    }]
    by_two = run.json("issues", "--common", "--min-projects", "2")
    assert [(r["scope"], r["category"], r["department"], r["codes"]) for r in by_two] == [
        ("category", "funding", None, ["P1", "P2", "P3"]),
        ("category", "quality", None, ["P2", "P3"]),
        ("category_department", "funding", "市住建局", ["P2", "P3"]),
        ("category_department", "quality", "市住建局", ["P2", "P3"]),
    ]
    zh = run("--lang", "zh", "issues", "--common", "-f", "table").stdout
    assert "共性问题" in zh and "资金保障" in zh and "P1、P2、P3" in zh


def test_only_open_issues_count(units):
    run = units
    for code in ("P1", "P2", "P3"):
        flag(run, code, "safety", "围挡缺失", "2021-06-01")
    run("issue", "withdraw", "3", "--reason", "误报")
    assert run.json("issues", "--common") == []
    result = run("issues", "--common")
    assert "no common issues" in result.stderr
    bad = run("issues", "--common", "--min-projects", "0", code=2)
    assert "min-projects" in bad.stderr


def test_flag_points_out_an_open_issue_of_the_same_category(units):
    flag(units, "P1", "quality", "外墙渗水", "2021-06-01")
    second = units("flag", "P1", "--category", "质量", "--text", "屋面漏水", "--date",
                   "2021-06-02")
    assert "P1 already has open quality issue(s): 1" in second.stderr


def test_add_visit_warns_of_a_second_group_within_seven_days(units):
    run = units
    run("add-visit", "P1", "--group", "东城区人大监督小组", "--date", "2021-06-01")
    near = run("add-visit", "P1", "--group", "市人大财经委监督组", "--date", "2021-06-08")
    assert near.stderr.startswith("warning: 东城区人大监督小组 visited P1 on 2021-06-01")
    far = run("add-visit", "P1", "--group", "市人大财经委监督组", "--date", "2021-06-16")
    assert "warning" not in far.stderr  # 06-08 was its own group; 06-01 is 15 days back


def test_overlaps_lists_the_pairs(units):
    run = units
    g1, g2 = "东城区人大监督小组", "市人大财经委监督组"
    run("add-visit", "P1", "--group", g1, "--date", "2021-05-28")
    run("add-visit", "P1", "--group", g2, "--date", "2021-06-04")   # 7 days: a duplicate
    run("add-visit", "P2", "--group", g1, "--date", "2021-06-01")
    run("add-visit", "P2", "--group", g2, "--date", "2021-06-09")   # 8 days: not
    run("add-visit", "P3", "--group", g1, "--date", "2021-06-10")
    run("add-visit", "P3", "--group", g1, "--date", "2021-06-11")   # same group: not
    run("add-visit", "P4", "--group", g2, "--date", "2021-06-15")
    run("add-visit", "P4", "--group", g1, "--date", "2021-06-15")   # same day
    pairs = run.json("overlaps")
    assert [(p["code"], p["first_group"], p["first_date"], p["second_group"],
             p["second_date"], p["days_apart"]) for p in pairs] == [
        ("P1", g1, "2021-05-28", g2, "2021-06-04", 7),
        ("P4", g2, "2021-06-15", g1, "2021-06-15", 0),
    ]
    june = run("overlaps", "--period", "2021-06", "-f", "json")
    assert "period 2021-06: 2021-06-01 – 2021-06-30" in june.stderr
    may = run.json("overlaps", "--period", "2021-05")
    assert may == []  # the later visit of the P1 pair is in June
    run("config", "overlap_days", "8")
    assert [p["code"] for p in run.json("overlaps")] == ["P1", "P2", "P4"]
    run("config", "overlap_days", "0")
    off = run("overlaps")
    assert off.stdout == "" and "overlap check is off" in off.stderr


def test_overlaps_on_the_sample(sample):
    pairs = sample.json("overlaps", "--period", "2021Q2")
    assert pairs and all(0 <= p["days_apart"] <= 7 for p in pairs)
    assert all(p["first_group"] != p["second_group"] for p in pairs)

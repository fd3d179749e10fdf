"""Imports refuse rows that repeat a record already in the register or an earlier line of
the same file (the same file imported twice), unless --allow-duplicates; and one refusal
names every problem of the file, whether found while parsing or against the register."""

from __future__ import annotations

from tests.factories import GRASSROOTS, HOTLINE, SCHOOL, count, dump_register, write_csv

PROGRESS_HEADER = ["项目编号", "日期", "完成百分比", "完成数量", "累计完成投资", "备注"]
PROGRESS = [
    [SCHOOL, "2021-05-31", "", "3", "200", "月报"],
    [HOTLINE, "2021-05-31", "40", "", "", ""],
]
VISITS_HEADER = ["项目编号", "监督小组", "日期", "方式", "参加人员", "发现问题"]
VISITS = [
    [SCHOOL, GRASSROOTS, "2021-06-05", "实地查看", "张某", "外墙渗水"],
    [SCHOOL, GRASSROOTS, "2021-06-12", "暗访", "刘某", ""],
]


def test_the_same_progress_file_twice_is_refused_naming_each_line(standard, tmp_path):
    path = write_csv(tmp_path / "进展.csv", [PROGRESS_HEADER, *PROGRESS])
    standard("import", "progress", str(path))
    before = dump_register(standard.db)
    result = standard("import", "progress", str(path), code=2)
    assert result.stderr.splitlines() == [
        "minsheng: 进展.csv: nothing imported; 2 problem(s) (a row that really repeats a "
        "record imports with --allow-duplicates):",
        f"line 2: {SCHOOL} on 2021-05-31 is already in the register (progress figure 2)",
        f"line 3: {HOTLINE} on 2021-05-31 is already in the register (progress figure 3)",
    ]
    assert dump_register(standard.db) == before


def test_a_progress_line_repeating_an_earlier_line_is_refused(standard, tmp_path):
    other_note = [SCHOOL, "2021-05-31", "", "3", "200", "季报"]
    rows = [PROGRESS_HEADER, PROGRESS[0], other_note, PROGRESS[1], PROGRESS[0]]
    path = write_csv(tmp_path / "进展.csv", rows)
    result = standard("import", "progress", str(path), code=2)
    assert f"line 5: repeats line 2 ({SCHOOL} on 2021-05-31)" in result.stderr
    assert "line 3" not in result.stderr and "line 4" not in result.stderr
    assert count(standard.db, "progress") == 1  # the visit's figure only


def test_allow_duplicates_imports_a_real_repeat(standard, tmp_path):
    path = write_csv(tmp_path / "进展.csv", [PROGRESS_HEADER, *PROGRESS, PROGRESS[0]])
    standard("import", "progress", str(path), "--allow-duplicates")
    standard("import", "progress", str(path), "--allow-duplicates")
    assert count(standard.db, "progress") == 1 + 6


def test_the_same_visits_file_twice_is_refused(standard, tmp_path):
    path = write_csv(tmp_path / "走访.csv", [VISITS_HEADER, *VISITS])
    standard("import", "visits", str(path))
    before = dump_register(standard.db)
    result = standard("import", "visits", str(path), code=2)
    assert result.stderr.splitlines()[1:3] == [
        f"line 2: {GRASSROOTS} at {SCHOOL} on 2021-06-05 is already in the register (visit 2)",
        f"line 3: {GRASSROOTS} at {SCHOOL} on 2021-06-12 is already in the register (visit 3)",
    ]
    assert dump_register(standard.db) == before
    standard("import", "visits", str(path), "--allow-duplicates")
    assert count(standard.db, "visits") == 1 + 4


def test_a_visit_line_repeating_an_earlier_line_is_refused(standard, tmp_path):
    other_finding = [SCHOOL, GRASSROOTS, "2021-06-05", "实地查看", "张某", "围挡缺失"]
    path = write_csv(tmp_path / "走访.csv",
                     [VISITS_HEADER, VISITS[0], other_finding, VISITS[0]])
    result = standard("import", "visits", str(path), code=2)
    assert result.stderr.splitlines()[1:] == [
        f"line 4: repeats line 2 ({GRASSROOTS} at {SCHOOL} on 2021-06-05)",
    ]
    assert "--allow-duplicates" in result.stderr.splitlines()[0]
    assert count(standard.db, "visits") == 1


def test_parse_and_register_problems_are_named_together_in_line_order(standard, tmp_path):
    rows = [VISITS_HEADER, VISITS[0], [SCHOOL, "无此小组", "2021-06-06", "", "", ""],
            [SCHOOL, GRASSROOTS, "2021-13-40", "", "", ""]]
    path = write_csv(tmp_path / "走访.csv", rows)
    before = dump_register(standard.db)
    result = standard("import", "visits", str(path), code=2)
    lines = result.stderr.splitlines()
    assert lines[0] == "minsheng: 走访.csv: nothing imported; 2 problem(s):"
    assert lines[1].startswith("line 3: unknown group: '无此小组'")
    assert lines[2].startswith("line 4, column 日期: '2021-13-40' is not valid")
    assert len(lines) == 3
    assert dump_register(standard.db) == before


ISSUES_HEADER = ["项目编号", "类别", "问题描述", "严重程度", "状态", "发现日期"]
ISSUES = [
    [SCHOOL, "质量", "外墙渗水", "一般", "已转办", "2021-06-05"],
    [HOTLINE, "安全", "围挡缺失", "重大", "待转办", "2021-06-06"],
]


def test_the_same_issues_file_twice_is_refused_and_nothing_is_transferred_again(standard,
                                                                               tmp_path):
    path = write_csv(tmp_path / "问题.csv", [ISSUES_HEADER, *ISSUES])
    standard("import", "issues", str(path))
    before = dump_register(standard.db)
    result = standard("import", "issues", str(path), code=2)
    assert f"line 2: {SCHOOL} '外墙渗水' is already in the register (issue " in result.stderr
    assert f"line 3: {HOTLINE} '围挡缺失' is already in the register (issue " in result.stderr
    assert dump_register(standard.db) == before  # no second issue, no second transfer


def test_an_issue_line_repeating_an_earlier_line_is_refused(standard, tmp_path):
    path = write_csv(tmp_path / "问题.csv", [ISSUES_HEADER, ISSUES[0], ISSUES[1], ISSUES[0]])
    result = standard("import", "issues", str(path), code=2)
    assert f"line 4: repeats line 2 ({SCHOOL} '外墙渗水')" in result.stderr


def test_a_repeated_issue_imports_when_asked(standard, tmp_path):
    path = write_csv(tmp_path / "问题.csv", [ISSUES_HEADER, ISSUES[0], ISSUES[0]])
    issues = count(standard.db, "issues")
    standard("import", "issues", str(path), "--allow-duplicates")
    assert count(standard.db, "issues") == issues + 2

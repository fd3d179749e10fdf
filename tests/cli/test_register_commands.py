"""The year's list through the CLI: init, info, add-project, projects, show, plan, progress."""

from __future__ import annotations

import json

import pytest

from tests.factories import HOTLINE, SCHOOL, Cli, add_school, count, dump_register, write_csv

# -- init and info ------------------------------------------------------------------------------


def test_init_creates_the_register_and_says_so_on_stderr(blank):
    result = blank("init")
    assert blank.db.is_file()
    assert result.stdout == ""
    assert result.stderr == (
        "applied m001_create_register\napplied m002_create_reading_views\n"
        "applied m003_add_corrections_and_audit_sequence\n"
        "applied m004_add_visit_coverage_index\napplied m005_rebuild_reading_views\n"
        f"applied m006_add_report_covering_indexes\nregister ready: {blank.db}\n"
    )


def test_init_twice_changes_nothing(cli):
    before = dump_register(cli.db)
    result = cli("init")
    assert result.stderr == f"register ready: {cli.db}\n"
    assert dump_register(cli.db) == before


def test_init_sample_loads_the_sample_register(sample):
    info = sample.json("info")
    assert info["counts"]["projects"] == 27
    assert info["counts"]["supervision_groups"] == 8
    assert info["counts"]["issues"] > 0 and info["counts"]["visits"] > 0
    categories = {row["category"] for row in sample.json("issues")}
    assert categories == {"schedule", "quality", "funding", "feedback", "factors", "safety",
                          "other"}


def test_init_sample_refuses_a_register_that_holds_projects(projects2):
    before = dump_register(projects2.db)
    result = projects2("init", "--sample", code=2)
    assert "already holds projects" in result.stderr
    assert dump_register(projects2.db) == before


def test_info_gives_path_schema_and_counts(projects2):
    info = projects2.json("info")
    assert info["path"] == str(projects2.db)
    assert (info["schema_version"], info["schema"]) == (
        6, "m006_add_report_covering_indexes")
    assert info["counts"]["projects"] == 2
    assert info["counts"]["audit_log"] == 2
    rows = projects2.tsv("info")
    assert rows[0] == {"table": "path", "rows": str(projects2.db)}
    assert {"table": "projects", "rows": "2"} in rows


# -- add-project and projects -------------------------------------------------------------------

SCHOOL_ROW = {
    "code": "A1", "year": 2021, "item": "教育提升", "name": "新建改扩建中小学",
    "department": "市教育局", "partners": "市财政局", "district": "东城区", "leader": "王某某",
    "target": 10, "unit": "所", "budget": 1000, "start": "2021-01-01", "due": "2021-12-31",
}


def test_add_project_round_trips_every_field(cli):
    add_school(cli)
    assert cli.json("projects") == [SCHOOL_ROW]
    card = cli.json("show", SCHOOL)
    assert card["content"] == "新建、改扩建中小学10所"


def test_add_project_reports_on_stderr_only(cli):
    result = cli("add-project", "B1", "社区食堂")
    assert (result.stdout, result.stderr) == ("", "added project B1\n")


@pytest.mark.parametrize(
    ("extra", "year", "start", "due"),
    [
        ((), 2021, "2021-01-01", "2021-12-31"),  # this year (MINSHENG_TODAY)
        (("--year", "2022"), 2022, "2022-01-01", "2022-12-31"),
        (("--start", "2020-03-01"), 2020, "2020-03-01", "2020-12-31"),
        (("--due", "2021-06-30"), 2021, "2021-01-01", "2021-06-30"),
    ],
)
def test_add_project_defaults_year_and_dates(cli, extra, year, start, due):
    cli("add-project", "B1", "社区食堂", *extra)
    row = cli.json("projects")[0]
    assert (row["year"], row["start"], row["due"]) == (year, start, due)


def test_add_project_accepts_thousands_separators_and_full_width_digits(cli):
    cli("add-project", "B1", "学位", "--target", "1,500", "--unit", "个", "--budget", "１２００.５")
    row = cli.json("projects")[0]
    assert (row["target"], row["budget"]) == (1500, 1200.5)


@pytest.fixture
def list_of_four(cli):
    add_school(cli)
    add_school(cli, "A2", **{"--district": "西城区"})
    cli("add-project", "H1", "社区食堂", "--item", "养老服务", "--department", "市民政局",
        "--district", "东城区")
    cli("add-project", "OLD", "去年的项目", "--year", "2020")
    return cli


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        ((), ["OLD", "A1", "A2", "H1"]),
        (("--item", "教育提升"), ["A1", "A2"]),
        (("--department", "市民政局"), ["H1"]),
        (("--district", "东城区"), ["A1", "H1"]),
        (("--year", "2020"), ["OLD"]),
        (("--district", "东城区", "--item", "养老服务"), ["H1"]),
        (("--district", "火星"), []),
    ],
)
def test_projects_filters(list_of_four, options, codes):
    assert [r["code"] for r in list_of_four.json("projects", *options)] == codes


def test_projects_on_an_empty_register_is_ok_and_says_so(cli):
    result = cli("projects")
    assert result.stdout == ("code\tyear\titem\tname\tdepartment\tpartners\tdistrict\tleader\t"
                             "target\tunit\tbudget\tstart\tdue\n")
    assert result.stderr == "minsheng: no projects found\n"
    assert cli.json("projects") == []
    assert cli("projects", "-f", "table").stdout == ""


# -- show ----------------------------------------------------------------------------------------


def test_show_json_is_the_whole_card(standard):
    standard("plan", SCHOOL, "2021-06-30", "50")
    standard("progress", SCHOOL, "--done", "5", "--date", "2021-06-10", "--note", "月报")
    card = standard.json("show", SCHOOL)
    assert {k: card[k] for k in SCHOOL_ROW} == SCHOOL_ROW
    assert card["groups"] == ["东城区人大监督小组", "市人大财经委监督组"]
    assert card["plan"] == [{"date": "2021-06-30", "pct": 50}]
    assert card["progress"] == [
        {"id": 1, "date": "2021-06-01", "pct": 40, "done": 4, "funds": 300,
         "source": "visit", "visit_id": 1, "note": None, "corrects": None,
         "corrected_by": None, "created_by": "tester"},
        {"id": 2, "date": "2021-06-10", "pct": 50, "done": 5, "funds": None,
         "source": "report", "visit_id": None, "note": "月报", "corrects": None,
         "corrected_by": None, "created_by": "tester"},
    ]
    assert card["visits"] == [
        {"id": 1, "date": "2021-06-01", "group": "东城区人大监督小组", "method": "site",
         "visitors": "张某", "observed_pct": 40, "finding": "外墙渗水", "suggestion": None,
         "photos": [], "created_by": "tester"},
    ]
    assert card["issues"] == [
        {"id": 1, "category": "quality", "severity": "ordinary", "text": "外墙渗水",
         "department": "市教育局", "found_on": "2021-06-01", "status": "open",
         "deadline": None, "verdict": None},
    ]


def test_show_tsv_has_a_header_for_every_section_even_empty(projects2):
    out = projects2("show", HOTLINE).stdout
    assert out.startswith("key\tvalue\ncode\tP2\nyear\t2021\n")
    for section, header in [
        ("plan", "date\tpct"),
        ("progress", "id\tdate\tpct\tdone\tfunds\tsource\tvisit_id\tnote\tcorrects\t"
                     "corrected_by\tcreated_by"),
        ("visits", "id\tdate\tgroup\tmethod\tvisitors\tobserved_pct\tfinding\tsuggestion\t"
                   "photos\tcreated_by"),
        ("issues", "id\tcategory\tseverity\ttext\tdepartment\tfound_on\tstatus\tdeadline\t"
                   "verdict"),
    ]:
        assert f"\n# {section}\n{header}\n" in out


def test_show_markdown_in_chinese(standard):
    out = Cli(standard.db, lang="zh")("show", SCHOOL, "-f", "markdown").stdout
    assert out.startswith("- **编号**: A1\n- **年度**: 2021\n- **事项**: 教育提升\n")
    assert "- **监督小组**: 东城区人大监督小组、市人大财经委监督组\n" in out
    assert "### 计划节点\n\n（无）\n" in out
    assert "### 实地查看\n" in out
    assert "| 建设质量 | 一般   | 外墙渗水   |" in out


def test_show_table_in_chinese_is_aligned_and_whole(standard):
    out = Cli(standard.db, lang="zh")("show", SCHOOL, "-f", "table").stdout
    assert "项目名称        新建改扩建中小学\n" in out
    assert "计划投资(万元)  1000\n" in out
    lines = [line for line in out.splitlines() if line.startswith("│")]
    assert any("东城区人大监督小组" in line and "外墙渗水" in line for line in lines)
    assert "…" not in out


def test_show_unknown_project(standard):
    result = standard("show", "NOPE", code=2)
    assert result.stderr == "minsheng: unknown project: 'NOPE' (see `minsheng projects`)\n"


# -- plan and progress ---------------------------------------------------------------------------


def test_plan_points_the_latest_for_a_date_wins(projects2):
    result = projects2("plan", SCHOOL, "2021-03-31", "20")
    assert result.stderr == "plan point A1 2021-03-31 20%\n"
    projects2("plan", SCHOOL, "2021-06-30", "45")
    projects2("plan", SCHOOL, "2021-06-30", "50%")
    assert projects2.json("show", SCHOOL)["plan"] == [
        {"date": "2021-03-31", "pct": 20}, {"date": "2021-06-30", "pct": 50},
    ]
    assert count(projects2.db, "plan_points") == 3  # nothing is overwritten


def test_a_plan_point_keeps_the_plan_cumulative(projects2):
    projects2("plan", SCHOOL, "2021-06-30", "50")
    projects2("plan", SCHOOL, "2021-09-30", "80")
    before = count(projects2.db, "plan_points")
    below = projects2("plan", SCHOOL, "2021-10-31", "40", code=2)
    assert below.stderr == ("minsheng: pct: '40' is not valid; expected at least 80, the plan "
                            "point of 2021-09-30 (a plan is cumulative)\n")
    above = projects2("plan", SCHOOL, "2021-03-31", "60", code=2)
    assert "expected at most 50, the plan point of 2021-06-30" in above.stderr
    assert count(projects2.db, "plan_points") == before
    # a point corrects its own date's: lowering 09-30 to 55 is still above 06-30's 50
    projects2("plan", SCHOOL, "2021-09-30", "55")
    projects2("plan", SCHOOL, "2021-07-31", "50")  # equal to the one before: allowed
    assert [p["pct"] for p in projects2.json("show", SCHOOL)["plan"]] == [50, 50, 55]


def test_an_imported_plan_that_goes_down_is_refused_whole(projects2, tmp_path):
    path = write_csv(tmp_path / "plans.csv", [["项目编号", "日期", "计划进度"],
                                              [SCHOOL, "2021-06-30", "50"],
                                              [SCHOOL, "2021-09-30", "30"]])
    result = projects2("import", "plans", str(path), code=2)
    assert ("line 3, column 计划进度: 30 is below 50, the plan point of 2021-06-30 (a plan is "
            "cumulative)") in result.stderr
    assert count(projects2.db, "plan_points") == 0


def test_an_imported_revision_may_come_in_any_row_order(projects2, tmp_path):
    projects2("plan", SCHOOL, "2021-06-30", "40")
    projects2("plan", SCHOOL, "2021-09-30", "60")
    # raised, earlier row first: each row alone would go above the old 09-30 point
    path = write_csv(tmp_path / "plans.csv", [["项目编号", "日期", "计划进度"],
                                              [SCHOOL, "2021-06-30", "70"],
                                              [SCHOOL, "2021-09-30", "90"]])
    projects2("import", "plans", str(path))
    assert [p["pct"] for p in projects2.json("show", SCHOOL)["plan"]] == [70, 90]


def test_an_imported_point_above_a_later_one_names_its_own_line(projects2, tmp_path):
    projects2("plan", SCHOOL, "2021-09-30", "60")
    path = write_csv(tmp_path / "plans.csv", [["项目编号", "日期", "计划进度"],
                                              [SCHOOL, "2021-06-30", "70"]])
    result = projects2("import", "plans", str(path), code=2)
    assert "line 2, column 计划进度: 70 is above 60, the plan point of 2021-09-30" in result.stderr


def test_plan_point_outside_the_project(projects2):
    result = projects2("plan", SCHOOL, "2022-01-01", "10", code=2)
    assert "2021-01-01 to 2021-12-31" in result.stderr


@pytest.mark.parametrize(
    ("code", "options", "pct", "done", "funds"),
    [
        (SCHOOL, ("--done", "4"), 40, 4, None),
        (SCHOOL, ("--done", "2.5", "--funds", "1,000.5"), 25, 2.5, 1000.5),
        (SCHOOL, ("--pct", "56.5%"), 56.5, None, None),
        (HOTLINE, ("--pct", "０"), 0, None, None),
        (HOTLINE, ("--pct", "100", "--funds", "0"), 100, None, 0),
    ],
)
def test_progress_records_a_report(projects2, code, options, pct, done, funds):
    progress_id = projects2.new_id("progress", code, *options)
    assert progress_id == 1
    row = projects2.json("show", code)["progress"][0]
    assert (row["pct"], row["done"], row["funds"]) == (pct, done, funds)
    assert (row["date"], row["source"], row["created_by"]) == ("2021-06-16", "report", "tester")


def test_progress_with_a_date_and_a_note(projects2):
    projects2("progress", SCHOOL, "--done", "3", "--date", "2021-05-31", "--note", "第一中学竣工")
    row = projects2.json("show", SCHOOL)["progress"][0]
    assert (row["date"], row["note"]) == ("2021-05-31", "第一中学竣工")


def test_progress_by_someone_else(projects2):
    projects2("--by", "李某", "progress", SCHOOL, "--pct", "10")
    assert projects2.json("show", SCHOOL)["progress"][0]["created_by"] == "李某"


def test_progress_json_numbers_are_numbers(projects2):
    projects2("progress", SCHOOL, "--done", "1")
    text = projects2("show", SCHOOL, "-f", "json").stdout
    assert '"pct": 10,' in text and '"done": 1,' in text
    assert json.loads(text)["progress"][0]["pct"] == 10


# -- where the register is -----------------------------------------------------------------------


def test_db_option_wins_over_the_environment(cli, tmp_path):
    other = tmp_path / "other.db"
    cli("--db", str(other), "init")
    cli("--db", str(other), "add-project", "O1", "别处")
    assert [p["code"] for p in cli.json("--db", str(other), "projects")] == ["O1"]
    assert cli.json("projects") == []


def test_first_init_without_db_makes_the_per_user_folder(blank, tmp_path):
    env = {"MINSHENG_DB": None, "HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": None}
    result = blank("init", env=env)
    expected = tmp_path / "home" / ".config" / "minsheng" / "register.db"
    assert expected.is_file()
    assert result.stderr.endswith(f"register ready: {expected}\n")
    assert blank.json("info", env=env)["path"] == str(expected)


def test_jsonl_is_one_document_per_line(standard):
    for args in (("show", SCHOOL), ("info",)):
        lines = standard(*args, "-f", "jsonl").stdout.splitlines()
        assert len(lines) == 1 and json.loads(lines[0])


def test_the_same_plan_imported_twice_is_refused(projects2, tmp_path):
    path = write_csv(tmp_path / "plans.csv", [["项目编号", "日期", "计划进度"],
                                              [SCHOOL, "2021-06-30", "50"],
                                              [SCHOOL, "2021-09-30", "80"]])
    projects2("import", "plans", str(path))
    again = projects2("import", "plans", str(path), code=2)
    assert f"line 2: {SCHOOL} 2021-06-30 50% is already in the register" in again.stderr
    assert count(projects2.db, "plan_points") == 2


def test_two_plan_points_for_one_day_in_one_file_are_refused(projects2, tmp_path):
    path = write_csv(tmp_path / "plans.csv", [["项目编号", "日期", "计划进度"],
                                              [SCHOOL, "2021-06-30", "40"],
                                              [SCHOOL, "2021-06-30", "45"]])
    result = projects2("import", "plans", str(path), code=2)
    assert (f"line 3: a second plan point for {SCHOOL} on 2021-06-30 (45%; line 2 says 40%)"
            in result.stderr)
    assert count(projects2.db, "plan_points") == 0


def test_a_revised_plan_file_writes_only_the_points_it_changes(projects2, tmp_path):
    rows = [["项目编号", "日期", "计划进度"], [SCHOOL, "2021-03-31", "10"],
            [SCHOOL, "2021-06-30", "30"]]
    projects2("import", "plans", str(write_csv(tmp_path / "plans.csv", rows)))
    rows[2][2] = "35"  # the plan revised: 06-30 raised, 03-31 kept
    result = projects2("import", "plans", str(write_csv(tmp_path / "plans2.csv", rows)))
    assert "imported 1 plans row(s)" in result.stderr
    assert count(projects2.db, "plan_points") == 3  # not a second 03-31 row
    assert [p["pct"] for p in projects2.json("show", SCHOOL)["plan"]] == [10, 35]

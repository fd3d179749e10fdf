"""What supervision records through the CLI: groups, assignments, visits and issues."""

from __future__ import annotations

import pytest

from minsheng_cli.domain.errors import echo
from tests.factories import GRASSROOTS, HOTLINE, MUNICIPAL, SCHOOL, Cli, add_groups, count

# -- groups and assignments ---------------------------------------------------------------------


def test_add_group_prints_its_id_and_cadence(projects2):
    result = projects2("add-group", GRASSROOTS, "--level", "基层", "--district", "东城区")
    assert result.stdout == "1\n"
    assert result.stderr == f"added group {GRASSROOTS} (grassroots, visits monthly)\n"
    result = projects2("add-group", MUNICIPAL, "--level", "MUNICIPAL")
    assert result.stdout == "2\n"
    assert "visits quarterly" in result.stderr


def test_groups_lists_level_cadence_and_projects(standard):
    assert standard.json("groups") == [
        {"id": 2, "name": MUNICIPAL, "level": "municipal", "cadence": "quarterly",
         "district": None, "members": "许某、韩某", "projects": 2},
        {"id": 1, "name": GRASSROOTS, "level": "grassroots", "cadence": "monthly",
         "district": "东城区", "members": "张某、刘某", "projects": 1},
    ]


def test_groups_in_chinese_markdown(standard):
    out = Cli(standard.db, lang="zh")("groups", "-f", "markdown").stdout
    header, rule, *rows = out.splitlines()
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "序号", "小组名称", "层级", "频次", "区县", "成员", "项目数"]
    assert "| 基层 " in rows[1] and "| 每月 " in rows[1]
    assert "| 市级 " in rows[0] and "| 每季度 " in rows[0]


def test_groups_on_an_empty_register(cli):
    result = cli("groups")
    assert result.stdout == "id\tname\tlevel\tcadence\tdistrict\tmembers\tprojects\n"
    assert "no groups yet" in result.stderr


@pytest.mark.parametrize(
    ("args", "assigned"),
    [
        ((SCHOOL,), [SCHOOL]),
        ((SCHOOL, HOTLINE, SCHOOL), [SCHOOL, HOTLINE]),
        (("--all",), [SCHOOL, HOTLINE]),
        (("--district", "西城区"), [HOTLINE]),
    ],
)
def test_assign_codes_all_or_district(projects2, args, assigned):
    add_groups(projects2)
    result = projects2("assign", GRASSROOTS, *args)
    assert result.stderr == f"assigned {len(assigned)} project(s) to {GRASSROOTS}\n"
    assert count(projects2.db, "assignments") == len(assigned)
    for code in assigned:
        assert projects2.json("show", code)["groups"] == [GRASSROOTS]


def test_assign_again_notes_what_was_already_assigned(standard):
    result = standard("assign", MUNICIPAL, "--all")
    assert result.stderr == f"assigned 0 project(s) to {MUNICIPAL}; 2 already assigned\n"
    assert count(standard.db, "assignments") == 3


@pytest.mark.parametrize(
    "args", [(), (SCHOOL, "--all"), ("--all", "--district", "东城区")]
)
def test_assign_needs_exactly_one_way_of_choosing(standard, args):
    result = standard("assign", GRASSROOTS, *args, code=2)
    assert result.stderr.startswith("minsheng: projects: ")


# -- add-visit -----------------------------------------------------------------------------------


def test_add_visit_prints_its_id_and_records_observed_progress(standard):
    assert standard.new_id("add-visit", SCHOOL, "-g", GRASSROOTS, "--date", "2021-06-15",
                           "--pct", "45") == 2
    progress = standard.json("show", SCHOOL)["progress"]
    assert progress[-1] == {"id": 2, "date": "2021-06-15", "pct": 45, "done": None,
                            "funds": None, "source": "visit", "visit_id": 2, "note": None,
                            "corrects": None, "corrected_by": None, "created_by": "tester"}


def test_add_visit_without_a_figure_adds_no_progress(standard):
    before = count(standard.db, "progress")
    standard("add-visit", HOTLINE, "-g", MUNICIPAL, "--method", "暗访",
             "--suggestion", "按月报送进度")
    assert count(standard.db, "progress") == before
    visit = standard.json("visits", "--project", HOTLINE)[0]
    assert (visit["method"], visit["suggestion"], visit["date"]) == (
        "unannounced", "按月报送进度", "2021-06-16")


def test_add_visit_records_photos_as_absolute_paths(standard, tmp_path, monkeypatch):
    (tmp_path / "现场1.jpg").write_bytes(b"jpeg")
    (tmp_path / "b.png").write_bytes(b"png")
    monkeypatch.chdir(tmp_path)
    visit_id = standard.new_id("add-visit", SCHOOL, "-g", GRASSROOTS, "--photo", "现场1.jpg",
                               "--photo", str(tmp_path / "b.png"), "--photo", "现场1.jpg")
    card = standard.json("show", SCHOOL)
    photos = next(v["photos"] for v in card["visits"] if v["id"] == visit_id)
    assert photos == [str(tmp_path / "现场1.jpg"), str(tmp_path / "b.png")]
    assert standard.json("visits")[-1]["photos"] == 2


def test_add_visit_photo_must_exist(standard, tmp_path):
    missing = tmp_path / "nope.jpg"
    result = standard("add-visit", SCHOOL, "-g", GRASSROOTS, "--photo", str(missing), code=2)
    # A long path is echoed by its start and its file name (domain.errors.echo).
    assert result.stderr == (f"minsheng: photo: {echo(str(missing))} is not valid; "
                             "expected the path of an existing file\n")
    assert count(standard.db, "visits") == 1


def test_add_visit_warns_of_another_groups_visit_within_a_week(standard):
    result = standard("add-visit", SCHOOL, "-g", MUNICIPAL, "--date", "2021-06-05")
    assert result.stdout == "2\n"
    assert result.stderr == (
        f"warning: {GRASSROOTS} visited A1 on 2021-06-01 (visit 1) — avoid duplicate "
        "supervision (重复监督)\n"
    )


def test_add_visit_late_entry_also_warns_of_a_later_visit(standard):
    result = standard("add-visit", SCHOOL, "-g", MUNICIPAL, "--date", "2021-05-28")
    assert "visited A1 on 2021-06-01 (visit 1)" in result.stderr


@pytest.mark.parametrize("day", ["2021-05-24", "2021-06-09"])
def test_add_visit_no_warning_outside_the_window(standard, day):
    assert standard("add-visit", SCHOOL, "-g", MUNICIPAL, "--date", day).stderr == ""


def test_add_visit_no_warning_for_the_same_group(standard):
    assert standard("add-visit", SCHOOL, "-g", GRASSROOTS, "--date", "2021-06-02").stderr == ""


def test_add_visit_notes_a_project_not_assigned_to_the_group(standard):
    result = standard("add-visit", HOTLINE, "-g", GRASSROOTS)
    assert result.stderr == f"note: P2 is not assigned to {GRASSROOTS}\n"
    assert result.stdout == "2\n"


# -- visits --------------------------------------------------------------------------------------


@pytest.fixture
def visited(standard):
    for code, group, day in [
        (SCHOOL, MUNICIPAL, "2021-04-20"),
        (HOTLINE, MUNICIPAL, "2021-06-10"),
        (SCHOOL, GRASSROOTS, "2021-06-14"),
        (HOTLINE, GRASSROOTS, "2020-12-31"),
    ]:
        standard("add-visit", code, "-g", group, "--date", day)
    return standard


@pytest.mark.parametrize(
    ("options", "ids"),
    [
        ((), [5, 2, 1, 3, 4]),
        (("--group", MUNICIPAL), [2, 3]),
        (("--project", HOTLINE), [5, 3]),
        (("--period", "2021-06"), [1, 3, 4]),
        (("--period", "2021Q2"), [2, 1, 3, 4]),
        (("--period", "2021-W24"), [4]),
        (("--period", "2020"), [5]),
        (("--period", "this-month", "-g", GRASSROOTS), [1, 4]),
        (("--period", "last-quarter"), []),
        (("--period", "last-year"), [5]),
        (("-p", "2021-05"), []),
    ],
)
def test_visits_filters(visited, options, ids):
    assert [v["id"] for v in visited.json("visits", *options)] == ids


def test_visits_period_echoes_the_dates_on_stderr(visited):
    result = visited("visits", "--period", "2021Q2")
    assert result.stderr == "period 2021Q2: 2021-04-01 – 2021-06-30\n"


def test_visits_tsv_when_piped(visited):
    rows = visited.tsv("visits", "--project", SCHOOL)
    assert list(rows[0]) == ["id", "date", "code", "project", "group", "method", "visitors",
                             "observed_pct", "finding", "suggestion", "photos", "created_by"]
    assert rows[1]["observed_pct"] == "40" and rows[1]["finding"] == "外墙渗水"


def test_visits_empty_result_is_not_an_error(visited):
    result = visited("visits", "--period", "2019")
    assert result.stdout.count("\n") == 1 and result.stderr.endswith("no visits found\n")


# -- flag and issues -----------------------------------------------------------------------------


def test_flag_prints_the_id_and_takes_group_and_date_from_the_visit(standard):
    issue = standard.json("issues")[0]
    assert (issue["id"], issue["group"], issue["found_on"]) == (1, GRASSROOTS, "2021-06-01")
    assert (issue["category"], issue["status"], issue["department"]) == (
        "quality", "open", "市教育局")


def test_flag_notes_an_open_issue_of_the_same_category(standard):
    result = standard("flag", SCHOOL, "--category", "quality", "--text", "墙面空鼓",
                      "--severity", "重大", "--department", "市住建局")
    assert result.stdout == "2\n"
    assert result.stderr == "note: A1 already has open quality issue(s): 1\n"
    issue = standard.json("issues", "--project", SCHOOL)[1]
    assert (issue["severity"], issue["department"], issue["found_on"], issue["group"]) == (
        "major", "市住建局", "2021-06-16", None)


def test_flag_with_a_group_and_date(standard):
    standard("flag", HOTLINE, "--category", "群众反映", "--text", "热线转接等待时间长",
             "-g", MUNICIPAL, "--date", "2021-06-10")
    issue = standard.json("issues", "--project", HOTLINE)[0]
    assert (issue["category"], issue["group"], issue["found_on"], issue["department"]) == (
        "feedback", MUNICIPAL, "2021-06-10", "市政务服务数据管理局")


def test_flag_a_date_before_its_visit_is_refused(standard):
    result = standard("flag", SCHOOL, "--category", "quality", "--text", "x", "--visit", "1",
                      "--date", "2021-05-01", code=2)
    assert "on or after visit 1 (2021-06-01)" in result.stderr


@pytest.fixture
def flagged(standard):
    standard("flag", SCHOOL, "--category", "进度", "--text", "进度滞后", "--severity", "major")
    standard("flag", HOTLINE, "--category", "资金", "--text", "资金未到位",
             "--department", "市财政局")
    standard("flag", HOTLINE, "--category", "safety", "--text", "施工围挡缺失")
    return standard


@pytest.mark.parametrize(
    ("options", "ids"),
    [
        ((), [1, 2, 3, 4]),
        (("--status", "open"), [1, 2, 3, 4]),
        (("--status", "已销号"), []),
        (("--category", "质量"), [1]),
        (("--category", "schedule"), [2]),
        (("--category", "资金保障"), [3]),
        (("--department", "市财政局"), [3]),
        (("--department", "市政务服务数据管理局"), [4]),
        (("--project", HOTLINE), [3, 4]),
        (("--project", HOTLINE, "--category", "安全"), [4]),
        (("--overdue",), []),
    ],
)
def test_issues_filters(flagged, options, ids):
    assert [i["id"] for i in flagged.json("issues", *options)] == ids


def test_issues_jsonl_and_csv(flagged):
    lines = flagged("issues", "-f", "jsonl").stdout.splitlines()
    assert len(lines) == 4 and lines[2].startswith('{"id": 3, "code": "P2", "project": ')
    csv_out = flagged("issues", "-f", "csv", "--category", "safety").stdout
    assert csv_out == (
        "id,code,project,category,severity,text,department,group,found_on,status,deadline,"
        "verdict\n4,P2,12345热线归并优化,safety,ordinary,施工围挡缺失,市政务服务数据管理局,,"
        "2021-06-16,open,,\n"
    )


def test_issues_table_in_chinese_shows_words(flagged):
    out = Cli(flagged.db, lang="zh")("issues", "-f", "table").stdout
    for word in ("序时进度", "资金保障", "安全", "重大", "待转办", "问题描述"):
        assert word in out

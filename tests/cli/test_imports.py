"""Spreadsheets in: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX, Chinese or English
headers and their aliases, all-or-nothing with the bad line and column named."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import (
    GRASSROOTS,
    HOTLINE,
    SCHOOL,
    count,
    dump_register,
    write_csv,
    write_xlsx,
)

HEADER_SETS = {
    "chinese": ["项目编号", "项目名称", "所属事项", "牵头单位", "配合单位", "区县", "目标",
                "单位", "计划投资", "开始日期", "完成时限"],
    "aliases": ["编号", "项目名称", "事项", "责任单位", "配合单位", "区县", "目标数量", "单位",
                "计划投资(万元)", "计划开工", "计划完成"],
    "english": ["code", "name", "item", "department", "partners", "district", "target",
                "unit", "budget", "start", "due"],
    "spelled loosely": [" 项目编号 ", "项目名称", "所属事项", "牵头单位", "配合单位", "区县",
                        "目标数量", "单位", "计划投资（万元）", "开始日期", "完成时限"],
}
ROWS = [
    ["MS2021-05", "新增养老床位", "养老服务", "市民政局", "市财政局、各区县政府", "全市",
     "1,500", "张", "3000", "2021-01-01", "2021-12-31"],
    ["MS2021-06", "社区老年食堂", "养老服务", "市民政局", "", "南湖区", "", "", "",
     "2021/3/1", "2021年11月30日"],
]
EXPECTED = [
    {"code": "MS2021-05", "year": 2021, "item": "养老服务", "name": "新增养老床位",
     "department": "市民政局", "partners": "市财政局、各区县政府", "district": "全市",
     "leader": None, "target": 1500, "unit": "张", "budget": 3000, "start": "2021-01-01",
     "due": "2021-12-31"},
    {"code": "MS2021-06", "year": 2021, "item": "养老服务", "name": "社区老年食堂",
     "department": "市民政局", "partners": None, "district": "南湖区", "leader": None,
     "target": None, "unit": None, "budget": None, "start": "2021-03-01",
     "due": "2021-11-30"},
]


@pytest.mark.parametrize("headers", list(HEADER_SETS))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_projects_from_csv(cli, tmp_path, headers, encoding):
    path = write_csv(tmp_path / "清单.csv", [HEADER_SETS[headers], *ROWS], encoding)
    result = cli("import", "projects", str(path))
    assert result.stderr == "imported 2 projects row(s) from 清单.csv\n"
    assert result.stdout == ""
    assert cli.json("projects") == EXPECTED


def test_import_projects_from_xlsx_with_date_and_number_cells(cli, tmp_path):
    path = write_xlsx(tmp_path / "清单.xlsx", [
        ["2021年重大民生实事项目清单（示例）"],  # a title row above the header
        HEADER_SETS["chinese"] + ["年度"],
        ["MS2021-05", "新增养老床位", "养老服务", "市民政局", None, "全市", 1500, "张",
         2500.5, dt.datetime(2021, 1, 1), dt.date(2021, 12, 31), 2021],
        [101, "数字编号的项目", None, None, None, None, 3.0, "个", None, None, None, 2021],
    ])
    cli("import", "projects", str(path))
    first, second = cli.json("projects")
    assert (first["code"], second["code"]) == ("101", "MS2021-05")
    assert (second["target"], second["budget"], second["start"], second["due"]) == (
        1500, 2500.5, "2021-01-01", "2021-12-31")
    assert (first["target"], first["start"], first["due"]) == (3, "2021-01-01", "2021-12-31")


def test_import_projects_year_option_for_sheets_without_dates(cli, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["编号", "名称"], ["Y1", "热线"]])
    result = cli("import", "projects", str(path), code=2)
    assert "line 2, column year" in result.stderr
    cli("import", "projects", str(path), "--year", "2022")
    assert cli.json("projects")[0]["due"] == "2022-12-31"


def test_import_tab_separated_utf16_as_excel_saves_unicode_text(cli, tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("编号\t名称\t年度\r\nU1\t统一文本\t2021\r\n".encode("utf-16"))
    cli("import", "projects", str(path))
    assert cli.json("projects")[0]["name"] == "统一文本"


# -- refused imports: nothing is written ---------------------------------------------------------


def refused(cli, path, kind="projects"):
    before = dump_register(cli.db)
    result = cli("import", kind, str(path), code=2)
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert dump_register(cli.db) == before
    return result.stderr


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["B2", "坏日期", "2021-02-30", "5"], "line 3, column 完成时限: '2021-02-30' is not valid"),
        (["B2", "坏数量", "2021-12-31", "很多"], "line 3, column 目标数量: '很多' is not valid"),
        (["B2", "负数", "2021-12-31", "-5"], "line 3, column 目标数量: '-5' is not valid"),
        (["B 2", "坏编号", "2021-12-31", "5"], "line 3, column 编号: 'B 2' is not valid"),
        (["", "无编号", "2021-12-31", "5"], "line 3, column 编号: '' is not valid"),
        (["B2", "", "2021-12-31", "5"], "line 3, column 项目名称: '' is not valid"),
    ],
)
def test_a_bad_row_names_line_and_column_and_nothing_is_imported(cli, tmp_path, row, message):
    path = write_csv(tmp_path / "p.csv", [["编号", "项目名称", "完成时限", "目标数量"],
                                          ["B1", "好的", "2021-12-31", "5"], row])
    assert message in refused(cli, path)
    assert count(cli.db, "projects") == 0


def test_every_bad_row_is_listed(cli, tmp_path):
    path = write_csv(tmp_path / "p.csv", [
        ["code", "name", "due"], ["C1", "a", "2021-13-01"], ["C2", "b", "2021-12-31"],
        ["C3", "", "2021-12-31"],
    ])
    stderr = refused(cli, path)
    assert stderr.startswith("minsheng: p.csv: nothing imported; 2 problem(s):\n")
    assert "line 2, column due" in stderr and "line 4, column name" in stderr


def test_duplicate_codes_within_the_file(cli, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["编号", "名称", "年度"], ["D1", "a", "2021"],
                                          ["D2", "b", "2021"], ["D1", "c", "2021"]])
    assert "line 4: 'D1' repeats line 2" in refused(cli, path)


def test_duplicate_codes_against_the_register(projects2, tmp_path):
    path = write_csv(tmp_path / "p.csv", [["编号", "名称", "年度"], ["D1", "a", "2021"],
                                          [SCHOOL, "b", "2021"]])
    assert "line 3: project 'A1' is already in the register" in refused(projects2, path)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["编号", "名称", "预算金额"], "unknown column(s) '预算金额'; accepted: code ("),
        (["名称", "年度", "区县"], "missing column(s) for code — code: 项目编号/编号/"),
        (["code", "编号", "名称"], "columns 'code' and '编号' both give code"),
    ],
)
def test_bad_headers_name_the_file_and_the_columns(cli, tmp_path, header, message):
    path = write_csv(tmp_path / "p.csv", [header, ["E1", "x", "2021"]])
    assert refused(cli, path).startswith(f"minsheng: p.csv: {message}")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "no header row found"),
        ("header.csv", "编号,名称\n".encode(), "no data rows found"),
        ("wide.csv", "编号,名称\nF1,x,extra\n".encode(), "line 2 has 3 cells, the header 2"),
        ("binary.csv", bytes(range(128, 256)) * 3, "cannot read the text"),
        ("broken.xlsx", b"not a zip", "not a readable .xlsx file"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "expected .csv or .xlsx"),
    ],
)
def test_unreadable_files(cli, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert message in refused(cli, path)


def test_missing_file(cli, tmp_path):
    assert "does not exist" in refused(cli, tmp_path / "nope.csv")


# -- progress and visits ---------------------------------------------------------------------


# A department's monthly sheet (月报): its headers.
MONTHLY = ["项目编号", "日期", "完成百分比(%)", "完成数量", "累计完成投资(万元)", "备注"]


def test_import_progress_good(projects2, tmp_path):
    path = write_csv(tmp_path / "月报.csv", [
        MONTHLY,
        [SCHOOL, "2021-05-31", "", "6", "500", "月报"],
        [HOTLINE, "2021-05-31", "35%", "", "", ""],
        [HOTLINE, "2021-06-15", "", "", "80", "只报资金"],
    ])
    projects2("import", "progress", str(path))
    school = projects2.json("show", SCHOOL)["progress"]
    assert [(p["pct"], p["done"], p["funds"], p["note"]) for p in school] == [
        (60, 6, 500, "月报")]
    hotline = projects2.json("show", HOTLINE)["progress"]
    assert [(p["pct"], p["funds"]) for p in hotline] == [(35, None), (None, 80)]


def test_imported_figures_get_the_notes_progress_gives(projects2, tmp_path):
    # a sheet's figure below the last one (cumulative) is imported, and named on stderr,
    # as `progress` names it; one far over the target too; the others say nothing
    path = write_csv(tmp_path / "月报.csv", [
        MONTHLY,
        [SCHOOL, "2021-04-30", "", "6", "", ""],
        [SCHOOL, "2021-05-31", "", "5", "", ""],
        [HOTLINE, "2021-05-31", "35%", "", "", ""],
        [SCHOOL, "2021-06-10", "", "30", "", ""],
    ])
    result = projects2("import", "progress", str(path))
    assert result.stderr.splitlines() == [
        "imported 4 progress row(s) from 月报.csv",
        "note: pct 50 % is below the figure of 2021-04-30 (60 %), though figures are "
        f"cumulative; a wrong figure is corrected with `minsheng progress {SCHOOL} "
        "--corrects ID`",
        f"note: 300 % of {SCHOOL}'s target; a wrong figure is corrected with `minsheng "
        f"progress {SCHOOL} --corrects ID`",
    ]


def test_import_progress_percentage_cells_from_xlsx(projects2, tmp_path):
    path = write_xlsx(tmp_path / "月报.xlsx", [
        ["项目编号", "日期", "进度", "累计完成投资"],
        [HOTLINE, dt.datetime(2021, 5, 31), 0.565, 100],
        [HOTLINE, dt.datetime(2021, 6, 1), 57, None],
        [HOTLINE, dt.datetime(2021, 6, 2), "58%", None],
    ], formats={"C2": "0.0%"})
    projects2("import", "progress", str(path))
    pcts = [p["pct"] for p in projects2.json("show", HOTLINE)["progress"]]
    assert pcts == [56.5, 57, 58]  # 0.565 shown as 56.5% in Excel is 56.5, not 0.565


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["NOPE", "2021-05-31", "10", ""], "line 3: unknown project: 'NOPE'"),
        ([SCHOOL, "2021-06-17", "10", ""], "line 3, column date: '2021-06-17' is not valid"),
        ([SCHOOL, "2021-05-31", "101", ""], "line 3, column pct: '101' is not valid"),
        ([HOTLINE, "2021-05-31", "", "3"], "line 3, column done: '3' is not valid"),
        ([SCHOOL, "2021-05-31", "", ""], "line 3: no progress figure"),
        ([SCHOOL, "", "10", ""], "line 3, column date: '' is not valid"),
    ],
)
def test_import_progress_bad(projects2, tmp_path, row, message):
    path = write_csv(tmp_path / "p.csv", [["code", "date", "pct", "done"],
                                          [SCHOOL, "2021-05-31", "10", ""], row])
    assert message in refused(projects2, path, "progress")


def test_a_rule_checked_against_the_register_names_the_sheets_own_header(projects2, tmp_path):
    # the date after today is found by the service, not the parser: still 日期, not date
    path = write_csv(tmp_path / "进度.csv", [["项目编号", "填报日期", "完成百分比(%)"],
                                             [SCHOOL, "2021-06-17", "10"]])
    assert "line 2, column 填报日期: '2021-06-17' is not valid; expected a date on or before" \
        in refused(projects2, path, "progress")


def test_import_visits_good(standard, tmp_path):
    path = write_csv(tmp_path / "走访.csv", [
        ["项目编号", "监督小组", "日期", "方式", "参加人员", "观察进度(%)", "观察完成数量",
         "发现问题", "意见建议"],
        [SCHOOL, GRASSROOTS, "2021-06-08", "暗访", "张某", "", "5", "围挡破损", "加强管理"],
        [HOTLINE, GRASSROOTS, "2021-06-09", "座谈", "", "30", "", "", ""],
    ])
    standard("import", "visits", str(path))
    visits = standard.json("visits")
    assert [(v["id"], v["code"], v["method"], v["observed_pct"]) for v in visits] == [
        (1, SCHOOL, "site", 40), (2, SCHOOL, "unannounced", 50), (3, HOTLINE, "forum", 30)]
    assert visits[1]["created_by"] == "tester"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ([SCHOOL, "无此小组", "2021-06-08", ""], "line 3: unknown group: '无此小组'"),
        ([SCHOOL, GRASSROOTS, "2021-06-31", ""], "line 3, column date: '2021-06-31'"),
        ([SCHOOL, GRASSROOTS, "2021-06-08", "电话"], "line 3, column method: '电话'"),
        (["NOPE", GRASSROOTS, "2021-06-08", ""], "line 3: unknown project: 'NOPE'"),
        ([SCHOOL, "", "2021-06-08", ""], "line 3, column group: '' is not valid"),
    ],
)
def test_import_visits_bad(standard, tmp_path, row, message):
    path = write_csv(tmp_path / "v.csv", [["code", "group", "date", "method"],
                                          [SCHOOL, GRASSROOTS, "2021-06-07", "site"], row])
    assert message in refused(standard, path, "visits")


def test_an_xlsx_cell_merged_down_a_block_reaches_every_row(cli, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["2022年重大民生实事项目清单"])  # a title merged across the top
    sheet.merge_cells("A1:E1")
    sheet.append(["项目编号", "项目名称", "所属事项", "开工日期", "完成时限"])
    for code in ("M1", "M2", "M3"):
        sheet.append([code, f"项目{code}", "教育提升" if code == "M1" else None,
                      "2022-01-01", "2022-12-31"])
    sheet.merge_cells("C3:C5")  # 所属事项 over its three projects, as lists are laid out
    book.save(tmp_path / "清单.xlsx")
    cli("import", "projects", str(tmp_path / "清单.xlsx"))
    assert {p["code"]: p["item"] for p in cli.json("projects")} == {
        "M1": "教育提升", "M2": "教育提升", "M3": "教育提升"}


def test_an_xlsx_formula_without_a_stored_value_is_refused(cli, tmp_path):
    path = write_xlsx(tmp_path / "清单.xlsx", [
        ["项目编号", "项目名称", "计划投资(万元)", "开工日期", "完成时限"],
        ["F1", "x", "=100+200", "2022-01-01", "2022-12-31"],  # written by a program
    ])
    result = cli("import", "projects", str(path), code=2)
    assert ("1 formula cell(s) without a stored value (first: line 2, column 计划投资(万元): "
            "=100+200); open the file in Excel or WPS and save it") in result.stderr
    assert cli.json("projects") == []


def test_an_xlsx_is_read_from_its_active_sheet_named_in_messages(cli, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["填表说明"])
    sheet = book.create_sheet("清单")
    sheet.append(["项目编号", "项目名称", "开工日期", "完成时限"])
    sheet.append(["S1", "x", "2022-01-01", "2022-12-31"])
    book.active = 1
    book.save(tmp_path / "two.xlsx")
    cli("import", "projects", str(tmp_path / "two.xlsx"))
    assert [p["code"] for p in cli.json("projects")] == ["S1"]
    book.active = 0
    book.save(tmp_path / "two.xlsx")
    refused = cli("import", "projects", str(tmp_path / "two.xlsx"), code=2)
    assert "two.xlsx (sheet '说明'): no header row found" in refused.stderr


def test_the_guides_headers_import(cli, tmp_path):
    # docs/使用说明.md §一.4: 件 for the item, 目标任务 (text) beside 目标数量 (a number)
    path = write_csv(tmp_path / "清单.csv", [
        ["项目编号", "项目名称", "件", "牵头单位", "区县", "目标任务", "目标数量", "单位",
         "计划投资", "开工日期", "完成时限"],
        ["G1", "新建学校", "教育提升", "市教育局", "东城区", "新建小学2所", "2", "所", "300",
         "2022-01-01", "2022-12-31"],
    ])
    cli("import", "projects", str(path))
    shown = cli.json("show", "G1")
    project = shown.get("project", shown)
    assert (project["item"], project["content"], project["target"], project["unit"]) == (
        "教育提升", "新建小学2所", 2, "所")


def test_a_cell_refused_while_parsing_names_the_sheets_header(cli, tmp_path):
    path = write_csv(tmp_path / "清单.csv", [
        ["项目编号", "项目名称", "计量单位", "开工日期"],
        ["U1", "x", "所", "2022-01-01"],  # a unit without a target quantity
    ])
    assert "line 2, column 计量单位: '所' is not valid" in refused(cli, path, "projects")


@pytest.mark.parametrize(("year", "accepted"), [("2022年", True), ("2022年度", True),
                                                 ("二〇二二", False), ("22年", False)])
def test_a_year_column_as_lists_write_it(cli, tmp_path, year, accepted):
    path = write_csv(tmp_path / "清单.csv", [["项目编号", "项目名称", "年度"], ["Y1", "x", year]])
    if accepted:
        cli("import", "projects", str(path))
        assert cli.json("projects")[0]["year"] == 2022
    else:
        assert f"column 年度: '{year}' is not valid; expected a year such as 2021" in refused(
            cli, path, "projects")

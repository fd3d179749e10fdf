"""The generic printable API (render/printable.py) that the transfer list and the visit
checklist share: a sheet / page per section, blank columns to fill in by hand."""

from __future__ import annotations

from openpyxl import load_workbook

from minsheng_cli.render.output import cols
from minsheng_cli.render.printable import (
    PrintSection,
    labelled,
    sheet_names,
    write_html,
    write_xlsx,
)


def checklist(title: str, rows: list[dict]) -> PrintSection:
    return PrintSection(
        title=title,
        header_lines=["期间：2021-06-01 – 2021-06-30"],
        columns=[*cols("code", "name", "due"),
                 labelled("expected_pct", "序时进度(%)", "expected %", "pct")],
        rows=rows,
        blank_columns=["观察进度", "发现问题", "签名"],
    )


ROW = {"code": "MS2021-01", "name": "@新建中小学", "due": "2021-12-31", "expected_pct": 45.2055}


def test_xlsx_sections_with_blank_columns(tmp_path):
    out = tmp_path / "checklist.xlsx"
    write_xlsx(out, [checklist("东城区人大监督小组", [ROW]), checklist("=西城区", [])], "zh")
    book = load_workbook(out)
    assert book.sheetnames == ["东城区人大监督小组", "=西城区"]
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[3]] == ["编号", "项目名称", "完成时限", "序时进度(%)",
                                           "观察进度", "发现问题", "签名"]
    row = [c.value for c in sheet[4]]
    assert row[:2] == ["MS2021-01", "@新建中小学"] and row[3] == 45.21 and row[4:] == [None] * 3
    assert row[2].date().isoformat() == "2021-12-31"
    assert sheet["B4"].data_type == "s"
    assert sheet.row_dimensions[4].height == 36  # room to write by hand
    assert sheet.column_dimensions["E"].width >= 12
    second = book.worksheets[1]
    assert second["A1"].value == "=西城区" and second["A1"].data_type == "s"


def test_sheet_names_follow_excel_rules():
    sections = [checklist(t, []) for t in ("a/b:c", "A/B:C", "x" * 40, "")]
    assert sheet_names(sections) == ["a_b_c", "A_B_C (2)", "x" * 31, "Sheet4"]


def test_html_one_page_per_section(tmp_path):
    out = tmp_path / "checklist.html"
    write_html(out, [checklist("<东城区>", [ROW]), checklist("西城区", [])], "zh", "走访清单")
    text = out.read_text(encoding="utf-8")
    assert text.count("<section>") == 2 and "<title>走访清单</title>" in text
    assert "<h1>&lt;东城区&gt;</h1>" in text
    assert text.count('<td class="blank"></td>') == 3
    assert '<td class="num">45.21</td>' in text and "（无）" in text


def test_xlsx_without_sections_is_one_blank_sheet(tmp_path):
    # `checklist -o x.xlsx` on a register without groups
    out = tmp_path / "checklist.xlsx"
    write_xlsx(out, [], "zh")
    book = load_workbook(out)
    assert len(book.worksheets) == 1
    assert book.worksheets[0].max_row == 1 and book.worksheets[0]["A1"].value is None


def test_checklist_xlsx_of_a_register_without_groups(cli, tmp_path):
    out = tmp_path / "清单.xlsx"
    result = cli("checklist", "-o", str(out))
    assert "no groups found" in result.stderr
    assert load_workbook(out).worksheets

"""The transfer list (问题清单): grouped by unit, numbered, days left or overdue, in every
format; xlsx and csv keep a typed formula as text."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from tests.workflow.helpers import flag

FORMULA = '=HYPERLINK("http://example.com","点击")'


@pytest.fixture
def listed(units):
    """On 2021-06-16: P1 issue transferred (overdue), P2 open, P3 transferred (days left),
    P4 closed, and an open issue whose text is a formula."""
    run = units
    visit = run.new_id("add-visit", "P1", "--group", "东城区人大监督小组", "--date", "2021-06-01")
    a = flag(run, "P1", "quality", "外墙渗水", "2021-06-01", "--visit", str(visit))
    b = flag(run, "P2", "schedule", "进度滞后", "2021-06-03", "--group", "市人大财经委监督组")
    c = flag(run, "P3", "safety", "-基坑临边防护缺失", "2021-06-10", "--severity", "major")
    d = flag(run, "P4", "feedback", "占道施工", "2021-06-02")
    e = flag(run, "P2", "other", FORMULA, "2021-06-11")
    run("issue", "transfer", str(a), "--date", "2021-06-02")          # due 2021-06-09
    run("issue", "transfer", str(c), "--date", "2021-06-15")          # due 2021-07-06
    run("issue", "transfer", str(d), "--date", "2021-06-02")
    run("issue", "respond", str(d), "--note", "已恢复通道", "--date", "2021-06-05")
    run("issue", "close", str(d), "--date", "2021-06-07")
    assert [a, b, c, d, e] == [1, 2, 3, 4, 5]
    return run


def test_grouped_by_unit_and_numbered(listed):
    rows = listed.json("transfer-list")
    assert [(r["department"], r["no"], r["id"]) for r in rows] == [
        ("市住建局", 1, 2), ("市住建局", 2, 3), ("市住建局", 3, 5), ("市教育局", 1, 1)]
    first = rows[3]
    assert first == {
        "no": 1, "id": 1, "department": "市教育局", "group": "东城区人大监督小组",
        "visit_date": "2021-06-01", "found_on": "2021-06-01", "code": "P1",
        "project": "新建中小学", "lead_department": "市教育局", "category": "quality",
        "severity": "ordinary", "text": "外墙渗水", "transferred_on": "2021-06-02",
        "deadline": "2021-06-09", "status": "transferred", "days_left": None,
        "days_overdue": 7, "verdict": None, "response": None,
    }
    assert (rows[1]["deadline"], rows[1]["days_left"], rows[1]["days_overdue"]) == (
        "2021-07-06", 20, None)
    assert rows[0]["group"] == "市人大财经委监督组" and rows[0]["status"] == "open"


def test_filters_and_as_of(listed):
    assert [r["id"] for r in listed.json("transfer-list", "--department", "市教育局")] == [1]
    assert [r["id"] for r in listed.json("transfer-list", "--status", "已销号")] == [4]
    assert [r["id"] for r in listed.json("transfer-list", "--status", "open")] == [2, 5]
    later = listed.json("transfer-list", "--as-of", "2021-07-07", "--department", "市住建局")
    assert [(r["id"], r["days_overdue"]) for r in later] == [(2, None), (3, 1), (5, None)]
    bad = listed("transfer-list", "--status", "lost", code=2)
    assert "status: 'lost' is not valid" in bad.stderr


def test_table_and_markdown_show_one_numbered_list_per_unit(listed):
    table = listed("--lang", "zh", "transfer-list", "-f", "table").stdout
    assert "问题清单（市住建局） — 截至 2021-06-16，共 3 项（待转办 2、已转办 1）" in table
    assert "逾期7天" in table and "剩余20天" in table
    markdown = listed("transfer-list", "-f", "markdown").stdout
    assert markdown.startswith("## Issue list as of 2021-06-16\n")
    assert "### Issue list — 市教育局 — As of 2021-06-16: 1 issue(s) (transferred 1)" in markdown
    assert "| 7 days overdue |" in markdown


def test_csv_keeps_formulas_as_text(listed, tmp_path):
    stdout = listed("transfer-list", "-f", "csv").stdout
    rows = list(csv.DictReader(stdout.splitlines()))
    texts = {r["id"]: r["text"] for r in rows}
    assert texts["5"] == "'" + FORMULA
    assert texts["3"] == "'-基坑临边防护缺失"
    out = tmp_path / "list.csv"
    listed("transfer-list", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel and WPS read UTF-8
    with open(out, encoding="utf-8-sig", newline="") as f:
        assert [r["text"] for r in csv.DictReader(f)][2] == "'" + FORMULA


def test_xlsx_a_printable_sheet_per_unit(listed, tmp_path):
    out = tmp_path / "问题清单.xlsx"
    result = listed("--lang", "zh", "transfer-list", "-o", str(out))
    assert f"wrote {out} (4 issue(s), 2 unit(s))" in result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["市住建局", "市教育局"]
    sheet = book["市住建局"]
    assert sheet["A1"].value == "问题清单（市住建局）"
    assert sheet["A2"].value == "整改责任单位：市住建局"
    header = [c.value for c in sheet[4]]
    assert header[:8] == ["序号", "问题编号", "监督小组", "走访日期", "项目", "类别", "程度",
                          "问题描述"]
    assert header[-1] == "整改情况"  # left blank, to fill in by hand
    assert sheet.freeze_panes == "A5"
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["H"].width >= 20  # the description, wide enough for CJK
    cells = {row[1].value: row for row in sheet.iter_rows(min_row=5) if row[1].value}
    formula = cells[5][7]
    assert formula.value == FORMULA and formula.data_type == "s"
    dash = cells[3][7]
    assert dash.value == "-基坑临边防护缺失" and dash.data_type == "s"
    assert [c.value for c in cells[2]][:2] == [1, 2]
    assert cells[3][11].value == "剩余20天"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_html_a_printable_page_per_unit(listed, tmp_path):
    out = tmp_path / "list.html"
    listed("--lang", "zh", "transfer-list", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert text.count("<section>") == 2
    assert "@page { size: A4 landscape" in text
    assert "<h1>问题清单（市教育局）</h1>" in text
    assert "&lt;" not in FORMULA and "=HYPERLINK(&quot;http://example.com&quot;" in text
    assert "<link" not in text and "<script" not in text and "src=" not in text


def test_other_files_by_suffix(listed, tmp_path):
    listed("transfer-list", "-o", str(tmp_path / "l.json"))
    assert len(json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))) == 4
    listed("transfer-list", "-o", str(tmp_path / "l.md"))
    assert (tmp_path / "l.md").read_text(encoding="utf-8").startswith("## Issue list")
    bad = listed("transfer-list", "-o", str(tmp_path / "l.pdf"), code=2)
    assert "output" in bad.stderr
    bad = listed("transfer-list", "-f", "xlsx", code=2)
    assert "xlsx together with -o FILE" in bad.stderr
    bad = listed("transfer-list", "-o", str(tmp_path / "missing" / "l.xlsx"), code=2)
    assert "existing folder" in bad.stderr


def test_mark_transferred_in_one_transaction(listed):
    result = listed("transfer-list", "--mark-transferred", "--date", "2021-06-16", "-f", "json")
    assert "transferred 2 open issue(s) on 2021-06-16" in result.stderr
    rows = json.loads(result.stdout)
    assert {r["id"]: (r["status"], r["deadline"]) for r in rows} == {
        1: ("transferred", "2021-06-09"), 2: ("transferred", "2021-06-23"),
        3: ("transferred", "2021-07-06"), 5: ("transferred", "2021-06-23"),
    }
    again = listed("transfer-list", "--mark-transferred", "-f", "json")
    assert "transferred 0 open issue(s)" in again.stderr


def test_mark_transferred_refuses_all_or_nothing(listed):
    # Issue 5 was found on 06-11: a transfer dated 06-10 would precede it, so none moves.
    before = listed.dump()
    bad = listed("transfer-list", "--mark-transferred", "--date", "2021-06-10", code=2)
    assert "a date on or after 2021-06-11" in bad.stderr
    assert listed.dump() == before


def test_a_list_that_cannot_be_written_undoes_the_marking(listed, tmp_path, monkeypatch):
    # a full disk under -o: departments without a list must not have deadlines running
    from minsheng_cli.domain.errors import OutputError
    from minsheng_cli.render import transfer_list

    def full_disk(*args, **kwargs):
        raise OutputError("output: cannot write 'x.xlsx' (No space left on device)")

    monkeypatch.setattr(transfer_list, "write_transfer_list", full_disk)
    before = listed.dump()
    failed = listed("transfer-list", "--mark-transferred", "-o", str(tmp_path / "x.xlsx"),
                    code=3)
    assert "No space left on device" in failed.stderr
    assert "transferred" not in failed.stderr
    assert listed.dump() == before


def test_an_empty_list_is_not_an_error(units, tmp_path):
    result = units("transfer-list")
    assert result.stdout == "" or result.stdout.startswith("no\t")
    assert "no issues to list" in result.stderr
    units("transfer-list", "-o", str(tmp_path / "empty.xlsx"))
    assert load_workbook(tmp_path / "empty.xlsx").sheetnames

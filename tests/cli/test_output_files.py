"""-o FILE on every listing: the format follows the file's ending; a CSV file carries a
BOM (Excel and WPS read it as UTF-8) while stdout stays plain; an XLSX has typed cells,
widths for Chinese and a sheet set up for printing; a bad -o writes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from minsheng_cli.domain.errors import UserError
from minsheng_cli.render.files import replacing, text_file
from minsheng_cli.render.output import display_width

BOM = b"\xef\xbb\xbf"
ZH = {"MINSHENG_LANG": "zh"}

LISTINGS = [
    ("projects",), ("groups",), ("visits",), ("issues",), ("issues", "--common"),
    ("deviation",), ("deviation", "--by", "item"), ("overdue",), ("checklist",),
    ("transfer-list",), ("log",), ("overlaps", "--period", "2021"), ("config",),
]


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_every_listing_writes_what_it_prints(sample, tmp_path, command):
    """The file holds the same rows as stdout: csv with a BOM, the others byte for byte."""
    for fmt, name in (("csv", "out.csv"), ("json", "out.json"), ("tsv", "out.txt")):
        printed = sample(*command, "-f", fmt).stdout.encode("utf-8")
        assert not printed.startswith(BOM)  # stdout stays plain UTF-8 for scripts
        result = sample(*command, "-o", str(tmp_path / name))
        assert result.stdout == ""
        assert "wrote " in result.stderr
        written = (tmp_path / name).read_bytes()
        assert written == (BOM + printed if fmt == "csv" else printed)
    book = load_workbook(tmp_path / "out.xlsx") if sample(
        *command, "-o", str(tmp_path / "out.xlsx")) else None
    assert book.worksheets and all(s.page_setup.orientation == "landscape"
                                   for s in book.worksheets)


def test_csv_file_opens_in_a_spreadsheet(sample, tmp_path):
    out = tmp_path / "偏差.csv"
    sample("deviation", "-o", str(out), env=ZH)
    raw = out.read_bytes()
    assert raw.startswith(BOM) and not raw[3:].startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 27 and rows[0]["code"] == "MS2021-09"
    assert rows[0]["name"] == "背街小巷综合整治" and rows[0]["expected_pct"] == "100"


def test_xlsx_typed_cells_and_page_set_up(sample, tmp_path):
    out = tmp_path / "deviation.xlsx"
    result = sample("deviation", "-o", str(out), env=ZH)
    assert f"wrote {out} (27 row(s))" in result.stderr
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["编号", "项目名称", "事项"] and len(header) == 15
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "MS2021-09")
    first = {title: cell for title, cell in zip(header, row, strict=True)}
    assert first["序时进度(%)"].value == 100 and first["序时进度(%)"].number_format == "0.0"
    actual = first["实际进度(%)"]
    assert isinstance(actual.value, float) and actual.number_format == "0.0"
    reported = first["最近进展"]
    assert isinstance(reported.value, dt.datetime) and reported.value.date() == dt.date(2021, 6, 15)
    assert reported.number_format == "yyyy-mm-dd"
    assert first["灯号"].value == "红"  # words in the user's language, not codes
    assert first["进展过期"].value == "否"
    assert isinstance(first["预计延期(天)"].value, int)
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.auto_filter.ref == "A1:O28"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    widths = {title: sheet.column_dimensions[chr(65 + i)].width
              for i, title in enumerate(header)}
    assert all(w > 0 for w in widths.values())
    longest = max(len(r[1].value) for r in sheet.iter_rows(min_row=2))
    # A CJK character takes two units: the name column fits the longest name, doubled.
    assert widths["项目名称"] >= 2 * longest > widths["编号"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_width_is_capped_and_text_wraps(cli, tmp_path):
    cli("add-project", "A1", "很长的项目名称" * 20, "--year", "2021")
    out = tmp_path / "p.xlsx"
    cli("projects", "-o", str(out))
    sheet = load_workbook(out).active
    assert sheet.column_dimensions["D"].width == 42  # the cap: the rest wraps
    assert sheet["D2"].alignment.wrap_text


def test_formula_like_text_stays_text_in_files(cli, tmp_path):
    cli("add-project", "A1", "=HYPERLINK(\"http://x\")", "--department", "-住建局",
        "--year", "2021")
    cli("add-project", "A2", "@学校", "--department", "+教育局", "--year", "2021")
    cli("projects", "-o", str(tmp_path / "p.xlsx"))
    sheet = load_workbook(tmp_path / "p.xlsx").active
    names = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert names["A1"][3].value == "=HYPERLINK(\"http://x\")"
    assert names["A1"][3].data_type == "s" and names["A1"][3].quotePrefix
    assert names["A2"][4].value == "+教育局" and names["A2"][4].data_type == "s"
    cli("projects", "-o", str(tmp_path / "p.csv"))
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "p.csv").read_text(encoding="utf-8-sig"), newline="")))
    assert [(r["name"], r["department"]) for r in rows] == [
        ("'=HYPERLINK(\"http://x\")", "'-住建局"), ("'@学校", "'+教育局")]


def test_overdue_xlsx_a_sheet_per_section(sample, tmp_path):
    out = tmp_path / "overdue.xlsx"
    sample("overdue", "-o", str(out), env=ZH)
    book = load_workbook(out)
    assert book.sheetnames == ["逾期未完成", "严重滞后", "连续两月滞后", "已开工无进展",
                               "问题整改逾期", "上期未走访", "本期待走访"]
    issues = book["问题整改逾期"]
    assert issues["A1"].value == "序号" and isinstance(issues["A2"].value, int)
    assert all(s.freeze_panes == "A2" for s in book.worksheets)


def test_printable_sheets_share_the_set_up(sample, tmp_path):
    out = tmp_path / "list.xlsx"
    sample("transfer-list", "-o", str(out), env=ZH)
    sheet = load_workbook(out).worksheets[0]
    assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"
    assert sheet.auto_filter.ref.startswith("A4:")
    dates = [c for c in sheet["D"][4:] if c.value is not None]
    assert dates and all(isinstance(c.value, dt.datetime) for c in dates)


BAD_OUTPUTS = [
    (("-o", "x.pdf"), "output: 'x.pdf' is not valid; expected a file ending in .csv"),
    (("-o", "x.html"), "output: 'x.html' is not valid"),  # a printed page: lists only
    (("-o", "x"), "output: 'x' is not valid"),
    (("-f", "xlsx",), "format: 'xlsx' is not valid; expected xlsx together with -o FILE"),
    (("-f", "pdf", "-o", "x.csv"), "format: 'pdf' is not valid"),
    (("-o", "missing/x.csv"), "expected a file name in an existing folder"),
    (("-o", "."), "expected a file"),
]
PRINTED = ("checklist", "transfer-list")  # these write html (a printable page) too


@pytest.mark.parametrize("command, args, says", [
    (command, args, says)
    for command in ("projects", "deviation", "overdue", *PRINTED)
    for args, says in BAD_OUTPUTS
    if not (command in PRINTED and args == ("-o", "x.html"))
])
def test_bad_output_one_line_exit_2_nothing_written(standard, tmp_path, monkeypatch,
                                                    command, args, says):
    monkeypatch.chdir(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = standard(command, *args, code=2)
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and says in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", [("projects",), ("transfer-list",)], ids=" ".join)
def test_format_decides_over_the_ending(standard, tmp_path, command):
    """As transfer-list and checklist always did: -f wins, the ending is only a default."""
    out = tmp_path / "list.csv"
    result = standard(*command, "-f", "json", "-o", str(out))
    assert "note: writing json into 'list.csv', as --format says" in result.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == standard.json(*command)
    odd = tmp_path / "list.dat"
    standard(*command, "-f", "csv", "-o", str(odd))
    assert odd.read_bytes().startswith(BOM)


def test_an_existing_file_is_replaced_whole(standard, tmp_path):
    out = tmp_path / "p.csv"
    out.write_text("old\n" * 1000, encoding="utf-8")
    standard("projects", "-o", str(out))
    assert out.read_bytes().startswith(BOM + b"code,year,")
    assert "old" not in out.read_text(encoding="utf-8-sig")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv", "register.db"]


def test_a_failed_write_leaves_no_half_file(tmp_path):
    out = tmp_path / "report.csv"
    with pytest.raises(RuntimeError), text_file(out, "csv") as stream:
        stream.write("code\n" * 10_000)
        raise RuntimeError("the disk filled up")
    assert list(tmp_path.iterdir()) == []
    out.write_text("kept", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(out) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError
    assert out.read_text(encoding="utf-8") == "kept" and list(tmp_path.iterdir()) == [out]


def test_an_unwritable_folder_is_one_line(tmp_path):
    with pytest.raises(UserError, match="output: cannot write"), \
            text_file(tmp_path / "gone" / "x.csv", "csv"):
        pass


def test_widths_count_cjk_twice():
    assert display_width("背街小巷") == 8 and display_width("MS2021") == 6

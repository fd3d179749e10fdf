"""overdue (sections, --exit-code), checklist windows for both levels, summary JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli.render.output import machine_value

GOLDEN = Path(__file__).parent / "golden"


def small_register(cli):
    """One grassroots and one municipal group watching two projects."""
    cli("add-project", "A", "新建学校", "--year", "2021", "--department", "市教育局")
    cli("add-project", "B", "老旧小区改造", "--year", "2021", "--due", "2021-05-31")
    cli("add-group", "东城组", "--level", "grassroots")
    cli("add-group", "市级组", "--level", "municipal")
    cli("assign", "东城组", "A", "B")
    cli("assign", "市级组", "--all")


def test_overdue_sections_and_exit_code(cli):
    small_register(cli)
    cli("progress", "A", "--pct", "5", "--date", "2021-05-31")
    data = cli.json("overdue")
    assert [r["code"] for r in data["projects_overdue"]] == ["B"]
    assert [r["code"] for r in data["projects_red"]] == ["A"]  # 45.75 − 5 > 30
    assert [r["code"] for r in data["no_progress"]] == ["B"]
    # grassroots owes May (missed) and June (due, 14 days left); municipal owes Q1 and Q2
    missed = {(r["group"], r["code"], r["window"]) for r in data["visits_missed"]}
    assert ("东城组", "A", "2021-05") in missed and ("市级组", "A", "2021Q1") in missed
    due = {(r["group"], r["code"]): r["days_left"] for r in data["visits_due"]}
    assert due[("东城组", "A")] == 14 and due[("市级组", "A")] == 14
    result = cli("overdue", "--exit-code", code=1)
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[0] == "kind"
    assert {line.split("\t")[0] for line in lines[1:]} >= {"projects_overdue", "visits_due"}
    cli("overdue")  # without --exit-code: 0 even with findings


def test_overdue_exit_code_zero_on_a_clean_register(cli):
    cli("add-project", "A", "新建学校", "--year", "2021")
    cli("add-group", "东城组", "--level", "基层")
    cli("assign", "东城组", "A")
    cli("progress", "A", "--pct", "33", "--date", "2021-04-30")
    cli("progress", "A", "--pct", "41", "--date", "2021-05-31")
    cli("progress", "A", "--pct", "50", "--date", "2021-06-16")
    cli("add-visit", "A", "--group", "东城组", "--date", "2021-05-20")
    cli("add-visit", "A", "--group", "东城组", "--date", "2021-06-02")
    result = cli("overdue", "--exit-code")
    assert result.stdout.splitlines() == ["kind\tcode\tname\tdepartment\tgroup\twindow\tid\t"
                                          "detail\tdate\tdays"]
    cli("overdue", "--exit-code", "--as-of", "2021-07-20", code=1)  # July visit now owed


def test_issue_past_deadline_is_listed(cli):
    small_register(cli)
    issue = cli("flag", "A", "--category", "质量", "--text", "外墙渗水",
                "--date", "2021-06-01").stdout.strip()
    from datetime import date

    from minsheng_cli import services
    from minsheng_cli.services import workflow
    from minsheng_cli.store.audit import WriteContext

    reg = services.open_register(cli.db)
    workflow.move(reg, WriteContext("t", "issue transfer", "x"), int(issue), "transfer",
                  workflow.MoveRequest(day=date(2021, 6, 1)), date(2021, 6, 16))
    reg.close()
    data = cli.json("overdue")
    [row] = data["issues_overdue"]
    assert row["deadline"] == "2021-06-08" and row["days_overdue"] == 8


def test_checklist_windows_for_both_levels(cli):
    small_register(cli)
    cli("add-visit", "A", "--group", "东城组", "--date", "2021-06-03")
    cli("add-visit", "A", "--group", "市级组", "--date", "2021-04-20")
    lists = cli.json("checklist", "--period", "2021-06")
    windows = {c["group"]: (c["window"], c["start"], c["end"]) for c in lists}
    assert windows == {"东城组": ("2021-06", "2021-06-01", "2021-06-30"),
                       "市级组": ("2021Q2", "2021-04-01", "2021-06-30")}
    by_group = {c["group"]: {p["code"]: p for p in c["projects"]} for c in lists}
    assert by_group["东城组"]["A"]["visited"] is True
    assert by_group["东城组"]["A"]["visited_on"] == "2021-06-03"
    assert by_group["市级组"]["A"]["visited_on"] == "2021-04-20"
    assert by_group["东城组"]["A"]["last_visit_any"] == "2021-06-03"
    # B ended in May: not on June's grassroots list, still on the municipal Q2 list
    assert set(by_group["东城组"]) == {"A"} and set(by_group["市级组"]) == {"A", "B"}
    assert "schedule" in by_group["东城组"]["A"]["focus"]  # no figures: red and stale
    only = cli.json("checklist", "--period", "2021-05", "--level", "municipal")
    assert [c["group"] for c in only] == ["市级组"]
    cli("checklist", "--group", "nobody", code=2)
    cli("checklist", "--period", "June", code=2)


def test_checklist_files(cli, tmp_path):
    small_register(cli)
    cli("add-project", "C", "=HYPERLINK(\"x\")", "--year", "2021")
    cli("assign", "东城组", "C")
    md = tmp_path / "c.md"
    cli("checklist", "-o", str(md))
    assert "东城组" in md.read_text(encoding="utf-8")
    csv = tmp_path / "c.csv"
    cli("checklist", "-o", str(csv))
    raw = csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM so Excel/WPS read UTF-8
    assert "'=HYPERLINK" in raw.decode("utf-8-sig")
    cli("checklist", "-o", str(tmp_path / "c.pdf"), code=2)


def test_summary_json_shape_is_pinned(sample):
    data = sample.json("summary", "--period", "2021-05")
    assert shape(data) == json.loads((GOLDEN / "summary_shape.json").read_text())
    assert data["period"] == {"label": "2021-05", "start": "2021-05-01", "end": "2021-05-31"}
    assert data["visits"]["total"] == sum(g["visits"] for g in data["visits"]["by_group"])
    assert sum(data["projects"]["lights"].values()) == 27


def test_summary_text_and_markdown(sample):
    text = sample("summary", "--period", "2021-06", "-f", "text",
                  env={"MINSHENG_LANG": "zh"}).stdout
    assert "民生实事项目监督周报" in text and "实地查看" in text
    md = sample("summary", "-f", "markdown").stdout
    assert md.startswith("## ")
    sample("summary", "-f", "xml", code=2)
    sample("summary", "--period", "2030-01", code=2)  # has not begun


def shape(value):
    """Keys and value types, with list items reduced to the shape of the first."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def test_checklist_printable_sheets(cli, tmp_path):
    from openpyxl import load_workbook

    small_register(cli)
    xlsx = tmp_path / "c.xlsx"
    cli("checklist", "--period", "2021-06", "-o", str(xlsx), env={"MINSHENG_LANG": "zh"})
    book = load_workbook(xlsx)
    assert book.sheetnames == ["市级组", "东城组"]
    sheet = book["东城组"]
    cells = [c.value for row in sheet.iter_rows(max_row=5) for c in row if c.value]
    assert any("2021-06-01 至 2021-06-30" in str(v) for v in cells)  # the window
    assert {"观察进度", "发现问题", "签名"} <= set(cells)  # columns to fill in by hand
    assert "A" in cells and sheet.page_setup.orientation == "landscape"
    html = tmp_path / "c.html"
    cli("checklist", "--period", "2021-06", "-o", str(html), env={"MINSHENG_LANG": "zh"})
    text = html.read_text(encoding="utf-8")
    assert text.count("走访清单") >= 2 and "签名" in text


def test_summary_overdue_counts_equal_the_overdue_report(sample):
    counts = sample.json("summary", "--period", "2021-W24")["overdue"]
    report = sample.json("overdue", "--as-of", "2021-06-16")
    assert counts == {name: len(report[name]) for name in counts}
    assert counts["projects_overdue"] == 1 and counts["behind_two_months"] > 0


@pytest.mark.parametrize("period", ["2021-06", "2021-Q1"])
def test_checklist_tsv_is_the_machine_rows_written_as_tsv(sample, period):
    # write_checklists_tsv makes each group's six shared cells once instead of merging
    # them into a copy of every row, and writes the rows' tuples: the bytes must be those
    # of the merged rows' dicts.
    import io
    from datetime import date

    from minsheng_cli import services
    from minsheng_cli.domain.periods import parse_period
    from minsheng_cli.render import reports as render
    from minsheng_cli.render.output import write_rows
    from minsheng_cli.services import reports

    reg = services.open_register(sample.db)
    lists = reports.checklist(reg, parse_period(period, date(2021, 6, 16)), date(2021, 6, 16))
    reg.close()
    lists[0].group["name"] = "组\t名"  # a shared cell that needs cleaning
    first, at = lists[0], lists[0].keys.index("open_issue_ids")
    first.cells[0] = first.cells[0][:at] + ([7, 8],) + first.cells[0][at + 1:]  # a list cell
    fast, merged = io.StringIO(), io.StringIO()
    render.write_checklists_tsv(lists, fast)
    write_rows(render.iter_machine_rows(lists), render.CHECKLIST_MACHINE, "tsv", "en", merged)
    assert fast.getvalue() == merged.getvalue()
    assert "组 名\t" in fast.getvalue() and "\t7;8\t" in fast.getvalue()
    assert len(fast.getvalue().splitlines()) == 1 + sum(len(c.rows) for c in lists) > 5


def flat_reference(sections: dict[str, list[dict]]):
    """The flat rows as the overdue report made them from its sections' dicts before the
    rows stayed tuples (render.flat_cells): what each kind carries, under common keys."""
    for kind, found in sections.items():
        for r in found:
            if kind in ("projects_overdue", "projects_red", "behind_two_months"):
                detail = f"{r.get('light')} {machine_value(r.get('deviation_pct'))}"
            elif kind == "issues_overdue":
                detail = f"{r['category']}: {r['text']}"
            else:
                detail = ""
            yield {
                "kind": kind, "code": r.get("code"), "name": r.get("name"),
                "department": r.get("department"), "group": r.get("group"),
                "window": r.get("window"), "id": r.get("id"), "detail": detail,
                "date": r.get("deadline") or r.get("due") or r.get("last_visit")
                or r.get("start"),
                "days": r.get("days_overdue", r.get("days_left")),
            }


@pytest.mark.parametrize("as_of", ["2021-06-16", "2021-10-08", "2021-12-31"])
def test_overdue_flat_tsv_is_the_sections_written_flat(sample, as_of):
    # write_flat_tsv reads the sections' tuples and takes text cells as they are unless
    # the line shows a tab or newline inside a cell: the bytes must be those of write_rows
    # over flat rows made from the sections' dicts, and so must csv's and jsonl's.
    import io
    from dataclasses import replace
    from datetime import date

    from minsheng_cli import services
    from minsheng_cli.render import reports as render
    from minsheng_cli.render.output import write_rows
    from minsheng_cli.services import reports

    reg = services.open_register(sample.db)
    report = reports.overdue(reg, date.fromisoformat(as_of))
    reg.close()
    assert sum(1 for table in report.tables.values() if table.rows) >= 3
    issues = report.tables["issues_overdue"]
    if issues.rows:
        text = issues.keys.index("text")
        first = issues.rows[0]
        issues.rows[0] = first[:text] + ("外墙\t渗水\n第二行",) + first[text + 1:]
    red = report.tables["projects_red"]
    odd = dict.fromkeys(red.keys, None) | {"code": "X\r1", "name": 7.5, "light": "red",
                                            "deviation_pct": -31.255}
    report.tables["projects_red"] = replace(red, rows=[*red.rows, tuple(odd.values())])
    fast, reference = io.StringIO(), io.StringIO()
    render.write_flat_tsv(report, fast)
    write_rows(flat_reference(report.sections), render.FLAT, "tsv", "en", reference)
    assert fast.getvalue() == reference.getvalue()
    assert "X 1\t7.5\t" in fast.getvalue()
    assert ("外墙 渗水 第二行" in fast.getvalue()) == bool(issues.rows)
    for fmt in ("csv", "jsonl"):
        made, expected = io.StringIO(), io.StringIO()
        render.write_overdue(report, fmt, "en", made)
        write_rows(flat_reference(report.sections), render.FLAT, fmt, "en", expected)
        assert made.getvalue() == expected.getvalue()


FLAT_SOURCES = ("code", "name", "department", "group", "window", "id", "deadline", "due",
                "last_visit", "start", "days_overdue", "days_left", "light", "deviation_pct")
CELL = st.one_of(st.none(), st.just(""), st.just(0), st.just(0.0), st.just("2021-06-30"),
                 st.floats(-200, 200), st.integers(-5, 400), st.text(max_size=4))


@st.composite
def sections(draw):
    """Made-up sections: any kind, any of the columns a flat row draws on (an overdue
    issue always has its category and text), any values, falsy ones included."""
    from minsheng_cli.services.reports import SECTIONS, Table

    tables = {}
    for kind in draw(st.lists(st.sampled_from(SECTIONS), max_size=4, unique=True)):
        keys = tuple(draw(st.lists(st.sampled_from(FLAT_SOURCES), unique=True)))
        if kind == "issues_overdue":
            keys += ("category", "text")
        rows = draw(st.lists(st.tuples(*[CELL] * len(keys)), max_size=4))
        tables[kind] = Table(keys, rows)
    return tables


@given(sections())
def test_flat_cells_are_the_flat_rows_of_the_sections(tables):
    # render.flat_cells reads tuples by position; the flat rows were made from dicts by
    # key (flat_reference): the date is the first of deadline, due, last_visit, start
    # set, else start's own value; days is days_overdue's when the row has that column.
    from datetime import date

    from minsheng_cli.render import reports as render
    from minsheng_cli.services.reports import OverdueReport

    report = OverdueReport(date(2021, 6, 30), tables)
    keys = [c.key for c in render.FLAT]
    assert [dict(zip(keys, cells, strict=True)) for cells in render.flat_cells(report)] == \
        list(flat_reference(report.sections))


def test_checklist_rows_have_every_machine_column():
    from minsheng_cli.render import reports as render
    from minsheng_cli.services.reports import CHECKLIST

    assert {c.key for c in render.CHECKLIST_MACHINE[6:]} <= set(CHECKLIST)
    assert {c.key for c in render.CHECKLIST_COLUMNS} <= set(CHECKLIST)


@pytest.mark.parametrize(("light", "stale", "categories", "actual", "funds", "focus"), [
    ("green", 0, None, 50.0, 45.0, []),
    ("yellow", 0, None, 50.0, None, ["schedule"]),
    ("green", 1, None, None, None, ["schedule"]),
    ("green", 0, "safety", 50.0, None, ["quality"]),
    ("green", 0, None, 50.0, 29.9, ["funding"]),  # money lags the work by > 20 pp
    ("green", 0, None, 50.0, 30.0, []),  # by exactly 20: not yet
    ("red", 0, "feedback,quality,funding", 10.0, 90.0,
     ["schedule", "quality", "funding", "feedback"]),
    (None, None, None, None, None, []),  # no standing at the as-of date
])
def test_focus_of_names_the_supervision_points(light, stale, categories, actual, funds, focus):
    from minsheng_cli.services.reports import focus_of

    assert focus_of(light, stale, categories, actual, funds) == focus

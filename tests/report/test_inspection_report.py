"""The special inspection report (专项视察报告): the .docx read back with python-docx, its
figures against `deviation -f json` and `overdue -f json` on the same register and date,
the Markdown and HTML twins, and bad input (exit 2, nothing written)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from tests.factories import Cli

AS_OF = "2021-06-16"
LIGHT_WORDS = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "done": "已完成"}
STATUS_WORDS = {"done": "已完成", "ahead": "超序时", "on_track": "按序时", "behind": "慢序时",
                "seriously_behind": "严重滞后", "overdue": "逾期未完成"}
SECTIONS = ["一、总体情况", "二、各件推进情况", "三、视察走访情况", "四、发现的问题",
            "五、意见建议"]


@pytest.fixture(scope="module")
def zh(sample) -> Cli:
    return Cli(sample.db, lang="zh")


@pytest.fixture(scope="module")
def report_docx(zh, tmp_path_factory) -> docx.document.Document:
    path = tmp_path_factory.mktemp("report") / "视察报告.docx"
    result = zh("report", "--as-of", AS_OF, "-o", str(path))
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"period 2021: 2021-01-01 – 2021-12-31; as of {AS_OF}", f"wrote {path}"]
    return docx.Document(str(path))


@pytest.fixture(scope="module")
def deviation(zh) -> list[dict]:
    return zh.json("deviation", "--as-of", AS_OF)


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def tables_headed(document, first: str) -> list[list[list[str]]]:
    return [table_rows(t) for t in document.tables if t.rows[0].cells[0].text == first]


def shown(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


# -- the .docx ----------------------------------------------------------------------------------


def test_title_and_headings_for_the_navigation_pane(report_docx, deviation):
    paragraphs = report_docx.paragraphs
    assert paragraphs[0].text == "关于2021年重大民生实事项目推进情况的专项视察报告（草稿）"
    assert paragraphs[1].text == "（截至2021年6月16日）"
    assert "文中数字均取自台账记录" in paragraphs[2].text
    level = {1: [], 2: [], 3: []}
    for p in paragraphs:
        if p.style.name.startswith("Heading "):
            level[int(p.style.name[-1])].append(p.text)
    assert level[1] == SECTIONS
    items = list(dict.fromkeys(r["item"] for r in sorted(deviation, key=lambda r: r["code"])))
    assert [h for h in level[2] if h.startswith("（") and "项）" in h] == [
        f"（{n}）{item}（{sum(r['item'] == item for r in deviation)}项）"
        for n, item in zip("一二三四五六七八九十", items, strict=True)]
    assert level[2][-3:] == ["（一）共性问题", "（二）个性问题", "（三）逾期未整改问题"]
    assert report_docx.core_properties.title == paragraphs[0].text


def test_each_projects_figures_equal_deviation(report_docx, deviation):
    tables = tables_headed(report_docx, "编号")
    assert tables and all(t[0] == ["编号", "项目名称", "牵头单位", "序时进度(%)", "实际进度(%)",
                                   "偏差(百分点)", "资金进度(%)", "灯号", "状态", "最近进展"]
                          for t in tables)
    rows = [row for t in tables for row in t[1:]]
    assert sorted(r[0] for r in rows) == sorted(d["code"] for d in deviation)  # each once
    by_code = {d["code"]: d for d in deviation}
    for code, name, department, expected, actual, dev, funds, light, status, last in rows:
        d = by_code[code]
        assert (name, department) == (d["name"], d["department"])
        assert (expected, actual, dev, funds) == (
            shown(d["expected_pct"]), shown(d["actual_pct"]), shown(d["deviation_pct"]),
            shown(d["funds_pct"]))
        assert (light, status) == (LIGHT_WORDS[d["light"]], STATUS_WORDS[d["status"]])
        assert last == (d["last_report_date"] or "—")


def test_counts_per_light_equal_deviation(report_docx, deviation):
    [table] = tables_headed(report_docx, "事项")
    assert table[0] == ["事项", "项目数", "已完成", "绿灯", "黄灯", "红灯", "其中逾期未完成"]
    lights = Counter(d["light"] for d in deviation)
    overdue = sum(d["status"] == "overdue" for d in deviation)
    assert table[-1] == ["合计", str(len(deviation)), str(lights["done"]), str(lights["green"]),
                         str(lights["yellow"]), str(lights["red"]), str(overdue)]
    for item, projects, done, green, yellow, red, late in table[1:-1]:
        mine = [d for d in deviation if d["item"] == item]
        counts = Counter(d["light"] for d in mine)
        assert [projects, done, green, yellow, red, late] == [
            str(len(mine)), str(counts["done"]), str(counts["green"]), str(counts["yellow"]),
            str(counts["red"]), str(sum(d["status"] == "overdue" for d in mine))]
    text = "\n".join(p.text for p in report_docx.paragraphs)
    assert (f"按灯号计，绿灯{lights['green']}项、黄灯{lights['yellow']}项、红灯{lights['red']}项、"
            f"已完成{lights['done']}项") in text


def test_overdue_issues_equal_overdue_json(report_docx, zh):
    late = zh.json("overdue", "--as-of", AS_OF)["issues_overdue"]
    [table] = [t for t in tables_headed(report_docx, "问题编号") if t[0][-1] == "逾期天数"]
    assert [(int(r[0]), r[1].split()[0], r[6], int(r[7])) for r in table[1:]] == [
        (i["id"], i["code"], i["deadline"], i["days_overdue"]) for i in late]
    assert [r[4] for r in table[1:]] == [i["department"] for i in late]
    text = "\n".join(p.text for p in report_docx.paragraphs)
    assert f"超过整改时限仍未销号的问题{len(late)}个" in text


def test_common_issues_equal_issues_common(report_docx, zh):
    common = [r for r in zh.json("issues", "--common") if r["scope"] == "category"]
    headings = [p.text for p in report_docx.paragraphs if p.style.name == "Heading 3"]
    assert len(headings) == len(common) == 5
    assert headings[0] == "1. 要素保障（涉及4个项目、4个问题）"
    issue_tables = [t for t in tables_headed(report_docx, "问题编号") if t[0][2] == "问题描述"]
    assert [[int(r[0]) for r in t[1:]] for t in issue_tables] == [
        r["issue_ids"] for r in common]


def test_visit_coverage_counts_the_rule(report_docx, zh):
    [table] = tables_headed(report_docx, "监督小组")[:1]
    by_group = {r[0]: r for r in table[1:]}
    # 东城区 (grassroots, 5 projects): January–May are closed windows, June is running.
    assert by_group["东城区人大监督小组"][1:8] == ["基层", "5", "24", "5", "25", "19", "76.00"]
    assert by_group["东城区人大监督小组"][8] == "2021-06：5/5"
    visits = zh.json("visits", "--group", "东城区人大监督小组", "--period", "2021")
    assert len(visits) == 24
    # the previous window's misses are those `overdue` lists (visits_missed)
    missed = tables_headed(report_docx, "监督小组")[1]
    previous = {(v["group"], v["window"], v["code"])
                for v in zh.json("overdue", "--as-of", AS_OF)["visits_missed"]}
    assert previous <= {(r[0], r[1], r[2]) for r in missed[1:]}


def test_word_file_has_page_numbers_fonts_a4_and_header_rows(report_docx):
    section = report_docx.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    footer = section.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    fonts = {s.name: s.element.rPr.rFonts.get(qn("w:eastAsia"))
             for s in report_docx.styles if s.type == 1 and s.element.rPr is not None
             and s.element.rPr.rFonts is not None}
    assert fonts["Normal"] == "仿宋" and fonts["Heading 1"] == "黑体"
    assert fonts["Heading 2"] == "楷体" and fonts["Report Title"] == "宋体"
    for table in report_docx.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats


def test_recommendations_are_left_for_the_group(report_docx):
    texts = [p.text for p in report_docx.paragraphs]
    start = texts.index("五、意见建议")
    assert texts[start + 1] == "（此部分由监督小组根据视察情况填写。）"


# -- markdown, html, english --------------------------------------------------------------------


def test_markdown_on_stdout_is_the_md_file(zh, tmp_path):
    printed = zh("report", "--as-of", AS_OF).stdout
    zh("report", "--as-of", AS_OF, "-o", str(tmp_path / "r.md"))
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == printed
    assert printed.startswith("# 关于2021年重大民生实事项目推进情况的专项视察报告（草稿）\n")
    assert [line for line in printed.splitlines() if line.startswith("## ")] == [
        f"## {s}" for s in SECTIONS]
    assert "| **合计** | **27** |" in printed


def test_html_is_one_page_with_real_tables(zh, tmp_path, deviation):
    path = tmp_path / "r.html"
    zh("report", "--as-of", AS_OF, "-o", str(path))
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in page
    assert page.count("<thead>") == page.count("</table>") >= 12
    for d in deviation:
        assert f"<td>{d['code']}</td>" in page


def test_english_when_asked(zh):
    text = zh("--lang", "en", "report", "--as-of", AS_OF).stdout
    assert text.startswith("# Special inspection report on the major livelihood projects, "
                           "2021 (draft)")
    assert "## 1. Overall picture" in text and "| Total |" not in text


def test_a_past_period_reports_at_its_end(zh, tmp_path):
    path = tmp_path / "q1.docx"
    result = zh("report", "--as-of", AS_OF, "--period", "2021Q1", "-o", str(path))
    assert "as of 2021-03-31" in result.stderr
    rows = {d["code"]: d for d in zh.json("deviation", "--as-of", "2021-03-31")}
    shown_rows = [r for t in tables_headed(docx.Document(str(path)), "编号") for r in t[1:]]
    assert {r[0]: r[5] for r in shown_rows} == {
        c: shown(d["deviation_pct"]) for c, d in rows.items()}


def test_issues_as_they_stood_on_the_date(sample, tmp_path):
    copy = tmp_path / "copy.db"
    sample("backup", str(copy))
    run = Cli(copy, lang="zh")
    run("issue", "withdraw", "9", "--reason", "重复登记", "--date", AS_OF)
    before = run("report", "--as-of", "2021-06-15").stdout
    after = run("report", "--as-of", AS_OF).stdout
    assert "#### 5. 安全（涉及3个项目、3个问题）" in before
    assert "安全（涉及" not in after
    assert "| 9 | MS2021-15 农村公路提档升级 | 安全 | 一般 |" in after
    assert "已撤回 |" in after.split("（二）个性问题")[1].split("（三）")[0]


def test_a_second_years_report_counts_its_own_projects_and_issues_only(sample, tmp_path):
    # the sample's 2021 issues are open in mid-2022 too: they are not this report's
    copy = tmp_path / "copy.db"
    sample("backup", str(copy))
    run = Cli(copy, lang="zh")
    env = {"MINSHENG_TODAY": "2022-06-30"}
    run("add-project", "MS2022-01", "新建学校", "--year", "2022", "--start", "2022-01-01",
        "--due", "2022-12-31", "--item", "教育提升", env=env)
    run("assign", "东城区人大监督小组", "MS2022-01", env=env)
    run("flag", "MS2022-01", "--category", "质量", "--text", "外墙渗水", "--date", "2022-05-10",
        env=env)
    run("add-visit", "MS2021-01", "--group", "东城区人大监督小组", "--date", "2022-03-01",
        env=env)  # a 2021 project seen again in 2022: not this report's visit
    report = run("report", "--period", "2022", "--as-of", "2022-06-30", env=env).stdout
    issues = report.split("四、发现的问题")[1]
    assert "#### " not in issues.split("（二）")[0]  # no common issue: one project, one issue
    coverage = report.split("三、视察走访情况")[1].split("四、")[0]
    dongcheng = next(line for line in coverage.splitlines() if line.startswith("| 东城区"))
    assert dongcheng.split("|")[3].strip() == "1"  # its 2022 project, not 5 + 1
    assert dongcheng.split("|")[4].strip() == "0"  # no visit to a 2022 project
    assert "尚无同类未销号问题涉及3个及以上项目的情况" in issues


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{dir}/r.pdf"], "expected a file ending .docx, .md or .html"),
        (["-o", "{dir}/r"], "expected a file ending .docx, .md or .html"),
        (["-o", "{dir}/missing/r.docx"], "a path in an existing folder"),
        (["--as-of", "2021-02-30", "-o", "{dir}/r.docx"], "as-of: '2021-02-30' is not valid"),
        (["--period", "2021Q5", "-o", "{dir}/r.docx"], "period: '2021Q5' is not valid"),
        (["--period", "2022", "-o", "{dir}/r.docx"], "a period that has begun by 2021-06-16"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(zh, tmp_path, args, message):
    result = zh("report", *[a.format(dir=tmp_path) for a in args], code=2)
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_empty_register_is_exit_2(cli, tmp_path):
    result = cli("report", "-o", str(tmp_path / "r.docx"), code=2)
    assert result.stderr == ("minsheng: no projects in the register run in 2021 "
                             "(2021-01-01 – 2021-12-31); nothing to report\n")
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("register.db"))\
        == []


def test_python_docx_is_not_imported_at_start_up():
    code = "import sys, minsheng_cli.cli; print('docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).parents[2]).stdout
    assert out.strip() == "False"


# -- the use case and the writer without a terminal ------------------------------------------


@pytest.fixture
def register_of_sample(sample):
    from minsheng_cli import services

    reg = services.open_register(sample.db)
    yield reg
    reg.close()


def test_use_case_returns_plain_data(register_of_sample, deviation):
    from datetime import date

    from minsheng_cli.domain.periods import parse_period
    from minsheng_cli.services.inspection import inspection_report

    day = date(2021, 6, 16)
    report = inspection_report(register_of_sample, parse_period("2021H1", day), day)
    assert report.as_of == day and report.period.label == "2021H1"
    lights = Counter(d["light"] for d in deviation)
    assert report.lights == {k: lights[k] for k in ("green", "yellow", "red", "done")}
    budgeted = [d for d in report.projects if d["budget"]]
    assert report.funds.budget_total == sum(d["budget"] for d in budgeted)
    assert report.funds.spent == sum(d["funds"] for d in budgeted if d["funds"] is not None)
    assert sum(len(i.projects) for i in report.items) == len(deviation)


def test_a_failed_write_leaves_no_file(register_of_sample, tmp_path, monkeypatch):
    from datetime import date

    from minsheng_cli.domain.errors import UserError
    from minsheng_cli.domain.periods import parse_period
    from minsheng_cli.render import docx_writer, inspection
    from minsheng_cli.services.inspection import inspection_report

    day = date(2021, 6, 16)
    report = inspection_report(register_of_sample, parse_period("2021", day), day)

    def half_written(document, out):
        out.write(b"PK")
        raise OSError("disk full")

    monkeypatch.setattr(docx_writer, "write_docx", half_written)
    with pytest.raises(UserError, match="cannot write .*r.docx' .disk full"):
        inspection.write_report(report, "zh", tmp_path / "r.docx")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_folder_is_exit_2(zh, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    # root writes anywhere but in /sys
    target = folder / "r.docx" if not os.access(folder, os.W_OK) else Path("/sys/r.docx")
    try:
        result = zh("report", "-o", str(target), code=2)
        assert result.stderr.splitlines()[-1].startswith(
            f"minsheng: output: cannot write {str(target)!r}")
    finally:
        folder.chmod(0o700)
    assert not target.exists()


def test_text_with_markup_and_line_breaks_survives(standard, tmp_path):
    standard("flag", "P2", "--category", "其他", "--text", "热线<转接>&\n第二行 | *未*归并")
    path = tmp_path / "r.docx"
    standard("report", "-o", str(path))
    [table] = [t for t in tables_headed(docx.Document(str(path)), "issue") if "category" in t[0]]
    assert [r[4] for r in table[1:]] == ["外墙渗水", "热线<转接>&\n第二行 | *未*归并"]
    page = standard("report", "-o", str(tmp_path / "r.html")) and (
        tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<td>热线&lt;转接&gt;&amp;<br>第二行 | *未*归并</td>" in page
    text = standard("report").stdout
    assert "| 热线\\<转接\\>&<br>第二行 \\| \\*未\\*归并 |" in text


@pytest.mark.parametrize("item_of_the_second, scope", [
    ("教育提升", "共1件2项。"),
    (None, "共1件2项（另有1项未列明所属事项）。"),
])
def test_the_scope_counts_items_and_projects_without_one(cli, item_of_the_second, scope):
    zh = Cli(cli.db, lang="zh")
    zh("add-project", "A1", "新建学校", "--item", "教育提升", "--start", "2021-01-01",
       "--due", "2021-12-31")
    item = ("--item", item_of_the_second) if item_of_the_second else ()
    zh("add-project", "A2", "热线", *item, "--start", "2021-01-01", "--due", "2021-12-31")
    assert "纳入本次视察的重大民生实事" + scope in zh("report").stdout


def test_no_item_at_all_is_not_zero_items(cli):
    zh = Cli(cli.db, lang="zh")
    zh("add-project", "A2", "热线", "--start", "2021-01-01", "--due", "2021-12-31")
    text = zh("report").stdout
    assert "共1项（均未列明所属事项）。" in text and "0件" not in text

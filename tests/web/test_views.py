"""The reading views (latest_progress, open_issues, visits_named) give the right rows with
plain sqlite3: what Datasette, or anyone without the program, reads."""

from __future__ import annotations

from collections import Counter

from tests.web.test_metadata import run_query


def rows(db, sql: str) -> list[dict]:
    return run_query(db, sql, {})


def test_latest_progress_is_the_latest_figure_of_every_project_as_the_reports_count_it(sample):
    view = {r["code"]: r for r in rows(sample.db, "SELECT * FROM latest_progress")}
    report = {r["code"]: r for r in sample.json("deviation", "--as-of", "2099-12-31")}
    assert view.keys() == report.keys() and len(view) == 27
    for code, row in report.items():
        assert round(view[code]["pct"] or 0, 2) == row["actual_pct"], code
        assert view[code]["figure_date"] == row["last_report_date"], code
        funds_pct = view[code]["funds_pct"]
        assert (None if funds_pct is None else round(funds_pct, 2)) == row["funds_pct"], code
    assert view["MS2021-01"] == {
        "code": "MS2021-01", "name": "新建改扩建中小学", "item": "教育提升",
        "department": "市教育局", "district": "全市", "target": 12.0, "unit": "所",
        "budget": 86000.0, "start": "2021-01-01", "due": "2021-12-31",
        "figure_date": "2021-06-15", "pct": 25.0, "done": 3.0, "funds": 27500.0,
        "source": "report", "year": 2021, "funds_date": "2021-06-15",
        "funds_pct": 27500.0 * 100 / 86000.0, "source_zh": "部门报送",
    }


def test_latest_progress_leaves_out_corrected_and_voided_figures(projects2):
    cli = projects2
    first = int(cli("progress", "A1", "--done", "3", "--funds", "100",
                    "--date", "2021-05-31").stdout)
    wrong = int(cli("progress", "A1", "--done", "9", "--date", "2021-06-10").stdout)
    cli("progress", "A1", "--corrects", str(wrong), "--void", "--note", "报送有误")
    fixed = int(cli("progress", "A1", "--done", "5", "--corrects", str(first)).stdout)
    assert fixed
    sql = "SELECT code, figure_date, pct, done, funds, funds_date FROM latest_progress"
    view = {r["code"]: r for r in rows(cli.db, sql)}
    # the 9 is voided; the 3 is corrected to 5 (a correction keeps the figure's date and,
    # without --funds, its funds)
    assert view["A1"] == {"code": "A1", "figure_date": "2021-05-31", "pct": 50.0, "done": 5.0,
                          "funds": 100.0, "funds_date": "2021-05-31"}
    assert view["P2"]["figure_date"] is None and view["P2"]["pct"] is None


def test_a_funds_only_visit_is_the_latest_funds(standard):
    cli = standard
    cli("add-visit", "A1", "-g", "东城区人大监督小组", "--date", "2021-06-10", "--funds", "800")
    (row,) = rows(cli.db, "SELECT pct, funds, funds_date FROM latest_progress WHERE code = 'A1'")
    assert row["funds"] == 800.0 and row["funds_date"] == "2021-06-10"
    assert row["pct"] is not None


def test_open_issues_carry_names_and_only_open_statuses(sample):
    view = rows(sample.db, "SELECT * FROM open_issues ORDER BY id")
    listed = [r for r in sample.json("issues") if r["status"] in
              ("open", "transferred", "responded")]
    assert [r["id"] for r in view] == sorted(r["id"] for r in listed)
    projects = {r["code"]: r["name"] for r in sample.json("projects")}
    for row in view:
        assert row["project"] == projects[row["code"]]
        assert row["department"] and not row["department"].isdigit()
    groups = {r["group_name"] for r in view}
    assert None not in groups and all(name.endswith(("小组", "组")) for name in groups)


def test_visits_named_names_every_visit_group_and_project(sample):
    view = rows(sample.db, "SELECT * FROM visits_named")
    visits = sample.json("visits")
    assert len(view) == len(visits) == 181
    assert Counter(r["group_name"] for r in view) == Counter(v["group"] for v in visits)
    assert all(r["project"] and r["level"] in ("grassroots", "municipal") for r in view)


def test_the_views_chinese_words_are_the_programs_labels():
    """m005 keeps its own copy of the labels (a shipped migration must not change); they
    must still be the words the program prints and accepts first."""
    from minsheng_cli.domain import values
    from minsheng_cli.i18n import ENUMS
    from minsheng_cli.store.schema_history import LABELS_M005

    program = {"category": values.CATEGORY, "severity": values.SEVERITY,
               "status": values.ISSUE_STATUS, "level": values.LEVEL, "method": values.METHOD,
               "source": ENUMS["source"]}
    assert LABELS_M005 == {kind: {code: words[0] for code, words in enum.items()}
                           for kind, enum in program.items()}


def test_the_views_show_the_chinese_word_beside_each_code(sample):
    issues = rows(sample.db, "SELECT category, category_zh, status, status_zh, severity,"
                  " severity_zh FROM open_issues")
    assert {(r["category"], r["category_zh"]) for r in issues} >= {
        ("quality", "建设质量"), ("factors", "要素保障")}
    assert all(r["status_zh"] and r["severity_zh"] for r in issues)
    visits = rows(sample.db, "SELECT DISTINCT level, level_zh, method, method_zh"
                  " FROM visits_named")
    assert ("grassroots", "基层", "site", "实地查看") in {tuple(r.values()) for r in visits}
    latest = rows(sample.db, "SELECT DISTINCT source, source_zh FROM latest_progress")
    assert {tuple(r.values()) for r in latest} >= {("report", "部门报送"), (None, None)}

"""The Datasette metadata shipped in the package: valid JSON, naming only tables, views and
columns that exist (and describing every one, so that a new column cannot go unexplained),
and canned queries that run read-only on the sample register and give the numbers the
commands give."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from minsheng_cli.cli.web import METADATA_DATABASE, metadata_file

PARAMS = {"as_of": "2021-06-16", "group": "", "code": "MS2021-01"}


@pytest.fixture(scope="module")
def metadata() -> dict:
    return json.loads(metadata_file().read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def queries(metadata) -> dict:
    return metadata["databases"][METADATA_DATABASE]["queries"]


def schema(db: Path) -> dict[str, list[str]]:
    """Tables and views of the register, each with its columns."""
    con = sqlite3.connect(db)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {n: [r[1] for r in con.execute(f'PRAGMA table_info("{n}")')] for n in names}
    finally:
        con.close()


def run_query(db: Path, sql: str, params: dict) -> list[dict]:
    """A canned query as Datasette runs it: on a read-only connection, named parameters."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


def test_the_metadata_names_and_describes_exactly_the_register(metadata, cli):
    tables = metadata["databases"][METADATA_DATABASE]["tables"]
    actual = schema(cli.db)
    assert set(tables) == set(actual)
    for name, entry in tables.items():
        if entry.get("hidden"):
            continue
        assert entry["title"] and entry["description"], name
        assert set(entry["columns"]) == set(actual[name]), name
        assert all(entry["columns"].values()), name
        for key in ("label_column", "sort_desc"):
            assert entry.get(key, actual[name][0]) in actual[name], (name, key)
        assert set(entry.get("facets", [])) <= set(actual[name]), name
    for view in ("latest_progress", "open_issues", "visits_named"):
        assert view in tables and not tables[view].get("hidden")


def test_the_metadata_is_in_chinese(metadata, queries):
    assert metadata["title"] == "民生实事项目监督台账"
    titles = {name: q["title"] for name, q in queries.items()}
    assert titles == {
        "behind_schedule": "滞后项目", "open_issues_by_department": "各部门未销号问题",
        "overdue_issues": "逾期未办结问题", "visits_due": "本期应走访",
        "project_figures": "项目进展记录",
    }


def test_every_canned_query_is_a_read_only_select_with_its_parameters(queries, sample):
    for name, query in queries.items():
        sql = query["sql"].lstrip().upper()
        assert sql.startswith(("SELECT", "WITH")), name
        for param in query.get("params", []):
            assert f":{param}" in query["sql"], (name, param)
        params = {p: PARAMS[p] for p in query.get("params", [])}
        assert run_query(sample.db, query["sql"], params), f"{name} found nothing"


def behind(queries, db, as_of):
    found = run_query(db, queries["behind_schedule"]["sql"], {"as_of": as_of})
    return [(r["编号"], r["序时进度(%)"], r["实际进度(%)"], r["偏差(百分点)"], r["预警"], r["状态"])
            for r in found]


LIGHT_ZH = {"red": "红灯", "yellow": "黄灯"}
STATUS_ZH = {"overdue": "逾期未完成", "seriously_behind": "严重滞后", "behind": "慢序时"}


def deviation(cli, as_of):
    rows = cli.json("deviation", "--as-of", as_of, "--light", "red,yellow")
    return [(r["code"], r["expected_pct"], r["actual_pct"], r["deviation_pct"],
             LIGHT_ZH[r["light"]], STATUS_ZH[r["status"]]) for r in rows]


@pytest.mark.parametrize("as_of", ["2021-03-31", "2021-06-16", "2021-09-30", "2022-01-05"])
def test_behind_schedule_lists_what_deviation_lists(queries, sample, as_of):
    expected = deviation(sample, as_of)
    assert behind(queries, sample.db, as_of) == expected
    assert expected or as_of == "2021-03-31"


def test_behind_schedule_follows_the_settings(queries, sample, tmp_path):
    from tests.factories import Cli

    copy = Cli(shutil.copy(sample.db, tmp_path / "copy.db"))
    copy("config", "schedule_basis", "months")
    copy("config", "yellow_lag", "5")
    copy("config", "red_lag", "20")
    for as_of in ("2021-05-20", "2021-06-16"):
        assert behind(queries, copy.db, as_of) == deviation(copy, as_of)
    assert behind(queries, copy.db, "2021-06-16") != behind(queries, sample.db, "2021-06-16")


def test_an_empty_date_means_today(queries, sample):
    today = run_query(sample.db, queries["overdue_issues"]["sql"], {"as_of": ""})
    con = sqlite3.connect(":memory:")
    (clock,) = con.execute("SELECT date('now', 'localtime')").fetchone()
    assert {r["截至日期"] for r in today} == {clock}


@pytest.mark.parametrize("as_of", ["2021-04-15", "2021-06-16"])
def test_overdue_issues_and_visits_due_are_what_overdue_lists(queries, sample, as_of):
    report = sample.json("overdue", "--as-of", as_of)
    issues = run_query(sample.db, queries["overdue_issues"]["sql"], {"as_of": as_of})
    assert [(r["问题编号"], r["逾期天数"], r["整改责任单位"]) for r in issues] == [
        (r["id"], r["days_overdue"], r["department"]) for r in report["issues_overdue"]]
    due = run_query(sample.db, queries["visits_due"]["sql"], {"as_of": as_of, "group": ""})
    served = sorted((r["监督小组"], r["项目编号"], r["走访周期"], r["剩余天数"]) for r in due)
    assert served == sorted(
        (r["group"], r["code"], r["window"], r["days_left"]) for r in report["visits_due"])
    assert report["visits_due"]


def test_visits_due_for_one_group(queries, sample):
    due = run_query(sample.db, queries["visits_due"]["sql"],
                    {"as_of": "2021-06-16", "group": "北山区人大监督小组"})
    assert due and {r["监督小组"] for r in due} == {"北山区人大监督小组"}


def test_open_issues_by_department_counts_the_open_issues(queries, sample):
    found = run_query(sample.db, queries["open_issues_by_department"]["sql"],
                      {"as_of": "2021-06-16"})
    open_now = [r for r in sample.json("issues")
                if r["status"] in ("open", "transferred", "responded")]
    assert {r["整改责任单位"]: r["未销号问题数"] for r in found} == Counter(
        r["department"] for r in open_now)
    overdue = Counter(r["department"] for r in sample.json(
        "overdue", "--as-of", "2021-06-16")["issues_overdue"])
    assert {r["整改责任单位"]: r["逾期未整改"] for r in found if r["逾期未整改"]} == overdue
    assert [r["未销号问题数"] for r in found] == sorted(
        (r["未销号问题数"] for r in found), reverse=True)


def test_project_figures_marks_corrected_and_voided_figures(queries, projects2):
    cli = projects2
    first = cli.new_id("progress", "A1", "--done", "3", "--date", "2021-05-31")
    wrong = cli.new_id("progress", "A1", "--done", "9", "--date", "2021-06-10")
    void = cli.new_id("progress", "A1", "--corrects", str(wrong), "--void", "--note", "报送有误")
    found = run_query(cli.db, queries["project_figures"]["sql"], {"code": "A1"})
    states = {r["序号"]: r["状态"] for r in found}
    assert states == {first: "有效", wrong: f"已被第{void}条更正或作废",
                      void: f"作废第{wrong}条"}


@pytest.mark.parametrize("bad", ["2021-6-1", "16/06/2021", "下周"])
def test_a_date_that_is_not_iso_finds_nothing_rather_than_nonsense(queries, sample, bad):
    for name, query in queries.items():
        if "as_of" in query.get("params", []):
            params = {**{p: PARAMS[p] for p in query["params"]}, "as_of": bad}
            assert run_query(sample.db, query["sql"], params) == [], name

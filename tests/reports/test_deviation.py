"""Deviation (序时进度) through the CLI: the DESIGN's worked example, quantities, funds,
plan points, lights at the thresholds, filters and roll-ups."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


def add(cli, code, *extra):
    cli("add-project", code, f"项目{code}", "--year", "2021", *extra)


def row(cli, code, as_of, *extra):
    rows = cli.json("deviation", "--as-of", as_of, *extra)
    return next(r for r in rows if r["code"] == code)


def test_worked_example_from_design(cli):
    # start 2021-01-01, due 2021-12-31, on 2021-08-31: 243/365 = 66.58 %
    add(cli, "A", "--target", "1500", "--unit", "个", "--budget", "5000")
    cli("progress", "A", "--done", "1110", "--funds", "3000", "--date", "2021-06-01")
    r = row(cli, "A", "2021-08-31")
    assert r["expected_pct"] == 66.58
    assert r["actual_pct"] == 74.0  # 1110 of 1500
    assert r["deviation_pct"] == 7.42
    assert r["funds_pct"] == 60.0
    assert (r["light"], r["status"]) == ("green", "ahead")
    assert r["last_report_date"] == "2021-06-01"
    assert r["stale"] is True  # 91 days old > 31


def test_no_report_counts_zero_and_says_so(cli):
    add(cli, "B")
    r = row(cli, "B", "2021-06-16")
    assert r["actual_pct"] == 0 and r["last_report_date"] is None and r["stale"] is True
    assert r["light"] == "red" and r["status"] == "seriously_behind"


@pytest.mark.parametrize(
    ("pct", "light", "status"),
    [
        # expected on 2021-04-10 is exactly 100 * 100/365 = 27.397…; lag is measured on it
        ("17.40", "green", "on_track"),
        ("27.40", "green", "ahead"),
        ("12.00", "yellow", "behind"),
        ("0", "yellow", "behind"),
    ],
)
def test_lights_and_status_words(cli, pct, light, status):
    add(cli, "C")
    cli("progress", "C", "--pct", pct, "--date", "2021-04-01")
    r = row(cli, "C", "2021-04-10")
    assert (r["light"], r["status"]) == (light, status)


def test_lag_exactly_at_thresholds(cli):
    # A 100-day project: on day 40 expected is exactly 40 %.
    add(cli, "D", "--start", "2021-01-01", "--due", "2021-04-10")
    cli("progress", "D", "--pct", "30", "--date", "2021-02-09")  # lag 10 → yellow
    assert row(cli, "D", "2021-02-09")["light"] == "yellow"
    add(cli, "E", "--start", "2021-01-01", "--due", "2021-04-10")
    cli("progress", "E", "--pct", "10", "--date", "2021-02-09")  # lag 30 → still yellow
    assert row(cli, "E", "2021-02-09")["light"] == "yellow"
    add(cli, "F", "--start", "2021-01-01", "--due", "2021-04-10")
    cli("progress", "F", "--pct", "9.99", "--date", "2021-02-09")  # lag 30.01 → red
    assert row(cli, "F", "2021-02-09")["light"] == "red"


def test_plan_points_interpolate(cli):
    add(cli, "P")
    for day, pct in (("2021-03-31", "20"), ("2021-06-30", "50"), ("2021-09-30", "80")):
        cli("plan", "P", day, pct)
    assert row(cli, "P", "2021-03-31")["expected_pct"] == 20
    assert row(cli, "P", "2021-06-30")["expected_pct"] == 50
    # halfway through Q3 by days: 2021-08-15 is 46 of 92 days after 06-30 → 65
    assert row(cli, "P", "2021-08-15")["expected_pct"] == 65
    assert row(cli, "P", "2021-12-31")["expected_pct"] == 100
    # a later point for the same date replaces the earlier one
    cli("plan", "P", "2021-06-30", "40")
    assert row(cli, "P", "2021-06-30")["expected_pct"] == 40


def test_overdue_project_is_red(cli):
    add(cli, "G", "--due", "2021-05-31")
    cli("progress", "G", "--pct", "90", "--date", "2021-05-31")
    r = row(cli, "G", "2021-06-16")
    assert (r["light"], r["status"], r["expected_pct"]) == ("red", "overdue", 100)


def test_done_beats_overdue_and_over_delivery(cli):
    add(cli, "H", "--due", "2021-05-31", "--target", "10")
    cli("progress", "H", "--done", "12", "--date", "2021-06-10")
    r = row(cli, "H", "2021-06-16")
    assert (r["light"], r["status"], r["actual_pct"]) == ("done", "done", 120)


def test_latest_figure_on_or_before_date_wins(cli):
    add(cli, "I")
    cli("progress", "I", "--pct", "10", "--date", "2021-03-01")
    cli("progress", "I", "--pct", "30", "--date", "2021-05-01")
    assert row(cli, "I", "2021-04-30")["actual_pct"] == 10
    assert row(cli, "I", "2021-05-01")["actual_pct"] == 30


def test_visit_figure_counts_as_progress(cli):
    add(cli, "J")
    cli("add-group", "东城区人大监督小组", "--level", "基层")
    cli("progress", "J", "--pct", "10", "--date", "2021-03-01")
    cli("add-visit", "J", "--group", "东城区人大监督小组", "--pct", "35", "--date", "2021-06-01")
    assert row(cli, "J", "2021-06-16")["actual_pct"] == 35


def test_forecast_from_recent_pace(cli):
    add(cli, "K")
    cli("progress", "K", "--pct", "10", "--date", "2021-03-01")
    cli("progress", "K", "--pct", "20", "--date", "2021-04-10")  # 40 days, 0.25 pp/day
    r = row(cli, "K", "2021-04-10")
    assert r["forecast_date"] == "2022-02-24"  # 80 / 0.25 = 320 days after 04-10
    assert r["days_late"] == 55


def test_filters_sorting_and_light_words(cli):
    add(cli, "L1", "--department", "市教育局", "--item", "教育")
    add(cli, "L2", "--department", "市民政局", "--item", "养老")
    cli("progress", "L1", "--pct", "50", "--date", "2021-06-01")
    rows = cli.json("deviation", "--light", "红")
    assert [r["code"] for r in rows] == ["L2"]
    rows = cli.json("deviation", "--department", "市教育局")
    assert [r["code"] for r in rows] == ["L1"]
    rows = cli.json("deviation")
    assert [r["code"] for r in rows] == ["L2", "L1"]  # worst first
    rolled = cli.json("deviation", "--by", "item")
    assert {r["item"]: r["red"] for r in rolled} == {"养老": 1, "教育": 0}


@pytest.mark.parametrize("filters", [("--department", "市教育局"), ("--district", "东城区"),
                                     ("--item", "养老服务"), ("--department", "无此单位")])
def test_the_rollup_takes_the_project_filters(sample, filters):
    # the roll-up of the projects a filter picks: the same counts as their own rows
    rows = sample.json("deviation", "--as-of", "2021-06-16", *filters)
    rolled = sample.json("deviation", "--as-of", "2021-06-16", "--by", "item", *filters)
    assert {r["item"]: (r["projects"], r["red"], r["yellow"], r["green"], r["done"])
            for r in rolled} == {
        item: (len(mine), *(sum(r["light"] == light for r in mine)
                            for light in ("red", "yellow", "green", "done")))
        for item in {r["item"] for r in rows}
        for mine in [[r for r in rows if r["item"] == item]]}
    assert filters[1] == "无此单位" or rolled


def test_the_rollup_of_no_project_says_none_was_found(sample):
    result = sample("deviation", "--by", "item", "--district", "无此区")
    assert result.stderr == "minsheng: no projects found\n"


def test_the_rollup_refuses_a_light_filter(sample):
    result = sample("deviation", "--by", "item", "--light", "red", code=2)
    assert result.stderr == ("minsheng: light: 'red' is not valid; expected no --light with "
                             "--by item (the roll-up counts each light)\n")


def test_json_keys_of_the_contract(sample):
    rows = sample.json("deviation", "--as-of", "2021-06-16")
    required = {"code", "name", "item", "department", "district", "expected_pct", "actual_pct",
                "deviation_pct", "funds_pct", "light", "status", "last_report_date",
                "forecast_date"}
    assert len(rows) == 27 and all(required <= set(r) for r in rows)


def test_piped_output_is_tsv_with_words(sample):
    out = sample("deviation").stdout.splitlines()
    assert out[0].startswith("code\tname\titem")
    assert all(line.split("\t")[9] in ("red", "yellow", "green", "done") for line in out[1:])


def test_bad_light_and_rollup_exit_2(cli):
    result = cli("deviation", "--light", "purple", code=2)
    assert "light" in result.stderr and "purple" in result.stderr
    cli("deviation", "--by", "district", code=2)
    cli("deviation", "--as-of", "2021-02-30", code=2)


def test_months_basis_setting(cli):
    add(cli, "M")
    cli("progress", "M", "--pct", "40", "--date", "2021-06-01")
    assert row(cli, "M", "2021-06-30")["expected_pct"] == 49.59  # 181/365 by days
    from minsheng_cli import services
    from minsheng_cli.store import register as store
    from minsheng_cli.store.audit import WriteContext

    reg = services.open_register(cli.db)
    with reg.write():
        store.write_setting(reg.db, WriteContext("t", "config", "2021-06-30T00:00:00"),
                            "schedule_basis", "months")
    reg.close()
    assert row(cli, "M", "2021-06-30")["expected_pct"] == 50
    assert row(cli, "M", "2021-03-31")["expected_pct"] == 25


def test_show_card_carries_the_standing(cli):
    add(cli, "S", "--target", "100")
    cli("progress", "S", "--done", "20", "--date", "2021-05-31")
    card = cli.json("show", "S", "--as-of", "2021-05-31")
    assert card["standing"]["expected_pct"] == 41.37  # 151/365
    assert card["standing"]["actual_pct"] == 20
    assert card["standing"]["light"] == "yellow" and card["standing"]["as_of"] == "2021-05-31"
    text = cli("show", "S", "-f", "table", env={"MINSHENG_LANG": "zh"}).stdout
    assert "序时进度(%)" in text and "45.75" in text  # as of today, 06-16
    assert "慢序时" in text  # 25.75 pp behind: yellow


@pytest.mark.parametrize("fmt", ["tsv", "csv", "jsonl"])
@pytest.mark.parametrize("extra", [(), ("--light", "red,yellow"), ("--as-of", "2021-03-31")])
def test_streamed_formats_write_what_the_rows_would(sample, fmt, extra):
    # tsv/csv/jsonl on stdout are written from the cursor's tuples (no dict per row):
    # byte for byte what the list of dicts gives, stale as true/false included.
    import io
    from datetime import date

    from minsheng_cli import services
    from minsheng_cli.cli.reports import DEVIATION_COLUMNS, parse_lights
    from minsheng_cli.render.output import cols, write_rows
    from minsheng_cli.services import reports

    streamed = sample("deviation", "-f", fmt, *extra).stdout
    options = dict(zip(extra[::2], extra[1::2], strict=True))
    reg = services.open_register(sample.db)
    rows = reports.deviation(reg, date.fromisoformat(options.get("--as-of", "2021-06-16")),
                             lights=parse_lights(options.get("--light")))
    reg.close()
    expected = io.StringIO()
    write_rows(rows, cols(*DEVIATION_COLUMNS), fmt, "en", expected)
    assert streamed == expected.getvalue() and len(rows) > 3
    assert ("true" in streamed) and ("false" in streamed)


def test_streamed_nothing_found_still_writes_the_header(sample):
    result = sample("deviation", "--item", "无此事项", "-f", "tsv")
    assert result.stdout.startswith("code\tname\t") and len(result.stdout.splitlines()) == 1
    assert "no projects found" in result.stderr


@settings(max_examples=400)
@given(numbers=st.lists(st.one_of(st.floats(), st.floats(-1e13, 1e13),
                                  st.decimals(-1000, 1000, places=3).map(float),
                                  st.sampled_from([0.0, -0.0, 0.005, -0.005, 0.125, 2.675,
                                                   -0.004, 99.995, 1e12, -1e12])),
                        min_size=1, max_size=8))
def test_tsv_tuples_write_floats_as_tsv_cell_does(numbers):
    # write_tsv_tuples formats floats inline with f"{v:.2f}" (not tsv_cell): the same text
    import io

    from minsheng_cli.render.output import tsv_cell, write_tsv_tuples

    out = io.StringIO()
    write_tsv_tuples([tuple(numbers)], [f"c{i}" for i in range(len(numbers))], out)
    assert out.getvalue().splitlines()[1] == "\t".join(tsv_cell(v) for v in numbers)


@settings(max_examples=400)
@given(cells=st.lists(st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.decimals(-1000, 1000,
                                                                     places=3).map(float),
    st.text(), st.sampled_from(["a\tb", "line\nbreak", "\r", "纯文本"]),
    st.lists(st.one_of(st.integers(), st.text()), max_size=3)), min_size=1, max_size=10))
def test_tsv_lines_are_tsv_cells_joined(cells):
    # write_tsv and write_tsv_tuples make text, floats and booleans inline (tsv_line): the
    # same text as tsv_cell of each cell, for any mix of cells
    from minsheng_cli.render.output import tsv_cell, tsv_line

    assert tsv_line(cells, len(cells) - 1) == "\t".join(tsv_cell(v) for v in cells)

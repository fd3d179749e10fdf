"""The charts through the commands: ``show CODE`` (table format) and ``deviation --chart``,
on the sample register (Chinese names) and small registers built with the CLI."""

from __future__ import annotations

import pytest

from minsheng_cli.render.charts import cells
from tests.charts.helpers import GOLDEN
from tests.factories import HOTLINE, SCHOOL, Cli

TITLE = {"en": "Progress over time", "zh": "进度曲线"}


def chart_of(out: str, lang: str = "en") -> list[str]:
    """The chart section of a card: the lines after its title, to the end."""
    lines = out.splitlines()
    return lines[lines.index(TITLE[lang]) + 1:]


# -- show ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 120])
def test_show_draws_the_chart_under_the_card(sample, width):
    out = Cli(sample.db, lang="zh")("show", "MS2021-01", "-f", "table",
                                    env={"COLUMNS": str(width)}).stdout
    chart = chart_of(out, "zh")
    assert "\n".join(chart) + "\n" == (GOLDEN / f"show_ms2021_01_{width}.txt").read_text()
    assert all(cells(line) <= width for line in chart)
    assert "\x1b" not in out  # not a terminal: no colour


@pytest.mark.parametrize("code", ["MS2021-27", "MS2021-09", "MS2021-26"])  # none, late, done
def test_show_charts_a_project_without_figures_past_due_or_done(sample, code):
    chart = chart_of(sample("show", code, "-f", "table", env={"COLUMNS": "60"}).stdout)
    assert len(chart) in (12, 13) and all(cells(line) <= 60 for line in chart)
    figures = "".join(chart[:9]).count("●")
    assert (figures == 0) == (code == "MS2021-27")
    if code == "MS2021-09":  # past due: the chart runs to today and names the due date
        assert chart[10].endswith("2021-06-16") and "┴ due 2021-05-31" in chart[-1]
    if code == "MS2021-26":  # done: the line reaches the top row
        assert "●" in chart[0]


def test_show_piped_default_and_other_formats_have_no_chart(standard):
    for args in ((), ("-f", "markdown"), ("-f", "tsv"), ("-f", "csv")):
        out = standard("show", SCHOOL, *args).stdout
        assert TITLE["en"] not in out and "┊" not in out, args


def test_show_json_keeps_its_keys_and_adds_the_series(standard):
    standard("plan", SCHOOL, "2021-06-30", "50")
    card = standard.json("show", SCHOOL)
    assert list(card) == ["code", "year", "item", "name", "content", "department", "partners",
                          "district", "leader", "target", "unit", "budget", "start", "due",
                          "groups", "standing", "plan", "progress", "visits", "issues",
                          "series"]
    assert card["series"] == {
        "as_of": "2021-06-16",
        "expected": [{"date": "2020-12-31", "pct": 0}, {"date": "2021-06-30", "pct": 50},
                     {"date": "2021-12-31", "pct": 100}],
        "actual": [{"date": "2021-06-01", "pct": 40, "source": "visit", "id": 1}],
    }


def test_the_series_leaves_out_corrected_and_voided_figures(projects2):
    wrong = projects2.new_id("progress", HOTLINE, "--pct", "90", "--date", "2021-03-31")
    projects2("progress", HOTLINE, "--corrects", str(wrong), "--pct", "30")
    void = projects2.new_id("progress", HOTLINE, "--pct", "70", "--date", "2021-05-31")
    projects2("progress", HOTLINE, "--corrects", str(void), "--void", "--note", "报错了")
    projects2("progress", HOTLINE, "--pct", "45", "--date", "2021-06-10")
    projects2("progress", HOTLINE, "--pct", "50", "--date", "2021-06-15")  # after as-of
    card = projects2.json("show", HOTLINE, "--as-of", "2021-06-12")
    assert [(f["date"], f["pct"]) for f in card["series"]["actual"]] == [
        ("2021-03-31", 30), ("2021-06-10", 45)]
    assert card["standing"]["actual_pct"] == 45


def test_the_months_basis_draws_month_ends(projects2):
    projects2("config", "schedule_basis", "months")
    expected = projects2.json("show", SCHOOL)["series"]["expected"]
    assert [e["date"] for e in expected][:3] == ["2020-12-31", "2021-01-31", "2021-02-28"]
    assert expected[1]["pct"] == pytest.approx(100 / 12, abs=0.01)


def test_show_as_of_before_the_start_draws_no_actual_line(projects2):
    chart = chart_of(projects2("show", SCHOOL, "-f", "table", "--as-of", "2020-12-01").stdout)
    assert not any(c in "".join(chart[:9]) for c in "─●┊")


# -- deviation --chart ----------------------------------------------------------------------------


def bar_rows(out: str) -> list[str]:
    return out.splitlines()[1:-1]  # between the header and the legend


def test_deviation_chart_has_the_table_rows_in_the_table_order(sample):
    codes = [r["code"] for r in sample.tsv("deviation")]
    rows = bar_rows(sample("deviation", "--chart", env={"COLUMNS": "100"}).stdout)
    assert [r.split()[0] for r in rows] == codes
    assert len(codes) == 27


@pytest.mark.parametrize("width", [40, 41, 60, 80, 120, 200])
def test_deviation_chart_fits_narrow_and_wide_terminals(sample, width):
    for lang in ("zh", "en"):
        out = Cli(sample.db, lang=lang)("deviation", "--chart",
                                        env={"COLUMNS": str(width)}).stdout
        assert all(cells(line) <= width for line in out.splitlines()), (width, lang)
        assert len(bar_rows(out)) == 27


def test_deviation_chart_in_chinese_on_sixty_columns(sample):
    out = Cli(sample.db, lang="zh")("deviation", "--chart", "--light", "红",
                                    env={"COLUMNS": "60"}).stdout
    assert out == (GOLDEN / "deviation_sample_red_zh_60.txt").read_text()


def test_deviation_chart_filters_like_the_table(sample):
    rows = bar_rows(sample("deviation", "--chart", "--item", "教育提升").stdout)
    assert [r.split()[0] for r in rows] == [r["code"] for r in
                                            sample.tsv("deviation", "--item", "教育提升")]
    assert all(r.endswith(("red", "yellow")) for r in
               bar_rows(sample("deviation", "--chart", "--light", "red,yellow").stdout))


def test_deviation_chart_by_item(sample):
    items = [r["item"] for r in sample.tsv("deviation", "--by", "item")]
    rows = bar_rows(Cli(sample.db, lang="zh")("deviation", "--chart", "--by", "item").stdout)
    assert [r.split()[0] for r in rows] == items


@pytest.mark.parametrize("fmt", ["json", "jsonl", "tsv", "csv", "markdown"])
def test_deviation_chart_refuses_a_machine_format(standard, fmt):
    result = standard("deviation", "--chart", "-f", fmt, code=2)
    assert result.stdout == ""
    assert result.stderr == (f"minsheng: --chart is for the terminal (table format), not "
                             f"--format {fmt}; leave out one of them\n")


def test_deviation_chart_with_nothing_to_draw(standard):
    result = standard("deviation", "--chart", "--light", "done")
    assert result.stdout == "" and "no projects found" in result.stderr


def test_deviation_chart_on_an_empty_register(cli):
    result = cli("deviation", "--chart")
    assert result.stdout == "" and "no projects found" in result.stderr


def test_deviation_chart_refuses_a_file(standard, tmp_path):
    target = tmp_path / "bars.csv"
    result = standard("deviation", "--chart", "-o", str(target), code=2)
    assert result.stdout == ""
    assert result.stderr == ("minsheng: --chart is for the terminal, not a file (-o); "
                             "leave out one of them\n")
    assert not target.exists()

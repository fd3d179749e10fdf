"""The chart under ``show CODE``: actual progress against 序时进度, pinned line by line."""

from __future__ import annotations

import pytest

from minsheng_cli.render.charts import ansi, cells, plain, progress_chart
from tests.charts.helpers import SCHOOLS, assert_golden, point, series


def lines_of(s, width, lang="en", light=None) -> list[str]:
    return [plain(line) for line in progress_chart(s, width, lang, light)]


@pytest.mark.parametrize("width", [60, 120])
def test_linear_schedule_with_a_visit_figure(width):
    assert_golden(f"progress_linear_{width}", progress_chart(SCHOOLS, width, "en"))


@pytest.mark.parametrize("width", [60, 120])
def test_the_chart_fits_the_width(width):
    for line in lines_of(SCHOOLS, width):
        assert cells(line) <= width, line


def test_plan_points_bend_the_expected_line_in_chinese():
    plan = [("2021-03-31", 10), ("2021-06-30", 30), ("2021-09-30", 70)]
    assert_golden("progress_plan_zh_60",
                  progress_chart(series(figures=SCHOOLS.figures, plan=plan), 60, "zh"))


def test_months_basis_steps_at_month_ends():
    # Month 1 is 12 days long but stands at 1/4 at its end: a steep start, unlike by days.
    s = series(start="2021-01-20", due="2021-04-30", as_of="2021-03-15", basis="months",
               figures=[point("2021-01-31", 10), point("2021-02-28", 40)])
    assert_golden("progress_months_60", progress_chart(s, 60, "en"))


def test_no_figures_stays_at_zero_until_today():
    lines = lines_of(series(start="2021-03-01"), 60)
    assert lines[8] == "  0%┤" + "─" * 20  # up to today's column (┊ above it), no further
    assert "●" not in "".join(lines[:9])
    assert_golden("progress_no_figures_60", progress_chart(series(start="2021-03-01"), 60, "en"))


def test_past_due_runs_to_today_and_names_the_due_date():
    s = series(due="2021-05-31", figures=[point("2021-02-28", 30), point("2021-04-30", 60),
                                          point("2021-06-15", 86.67)])
    lines = lines_of(s, 60)
    assert lines[10].endswith("2021-06-16")  # the axis ends at today, not at the due date
    assert lines[9].count("┴") == 1  # the due date's tick
    assert "┴ due 2021-05-31" in lines[-1]
    assert_golden("progress_past_due_60", progress_chart(s, 60, "en"))


def test_done_project_reaches_the_top():
    s = series(due="2021-06-30", figures=[point("2021-03-31", 40), point("2021-05-31", 100)])
    lines = lines_of(s, 60)
    assert "●" in lines[0] and "─" in lines[0]
    assert_golden("progress_done_60", progress_chart(s, 60, "en"))


def test_a_correction_downwards_falls():
    s = series(figures=[point("2021-03-31", 50), point("2021-04-30", 20)])
    lines = lines_of(s, 60)
    assert lines[4].index("╮") == lines[5].index("│", 20) == lines[6].index("●")
    assert_golden("progress_fall_60", progress_chart(s, 60, "en"))


def test_before_the_start_there_is_no_actual_line_and_no_today_mark():
    lines = lines_of(series(start="2021-07-01", as_of="2021-06-16"), 60)
    assert not any(c in "".join(lines[:9]) for c in "─●┊")
    assert lines[10] == "     2021-07-01                                   2021-12-31"


def test_a_one_day_project():
    s = series(start="2021-06-16", due="2021-06-16", figures=[point("2021-06-16", 100)])
    lines = lines_of(s, 40)
    assert lines[0] == "100%┤" + " " * 34 + "●"  # the day's figure counts at its end
    assert lines[8] == "  0%┤" + "─" * 34 + "╯"
    assert lines[10] == "     2021-06-16"


def test_narrow_terminal_keeps_a_minimum_plot():
    lines = lines_of(SCHOOLS, 20)
    assert cells(lines[0]) == 25  # MARGIN + MIN_PLOT: narrower would say nothing


def test_colour_follows_the_light_and_plain_has_none():
    lines = progress_chart(SCHOOLS, 60, "en", "yellow")
    coloured = "\n".join(ansi(line) for line in lines)
    assert "\x1b[33m●" in coloured or "\x1b[33m─" in coloured
    assert "\x1b[2m·" in coloured  # the expected line is dim
    assert "\x1b" not in "\n".join(plain(line) for line in lines)
    assert [plain(line) for line in lines] == lines_of(SCHOOLS, 60)


def test_a_steep_plan_is_dotted_down_the_column():
    lines = lines_of(series(plan=[("2021-06-30", 10), ("2021-07-02", 90)]), 60)
    jump = lines[4].index("·")  # the 50 % row
    assert [line[jump] for line in lines[2:7]] == ["·"] * 5

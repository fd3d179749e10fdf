"""The series behind ``show``'s chart counts the figures the reports count."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng_cli import services
from minsheng_cli.domain import schedule
from minsheng_cli.domain.progress_series import counted_figures, progress_series
from minsheng_cli.services import register as uses
from minsheng_cli.services import reports


def row(id_, day, pct, source="report", corrected_by=None):
    return {"id": id_, "date": day, "pct": pct, "source": source,
            "corrected_by": corrected_by}


def test_corrected_voided_and_funds_only_figures_do_not_count():
    history = [
        row(1, "2021-03-31", 20),
        row(2, "2021-04-30", 90, corrected_by=3),  # corrected by 3
        row(3, "2021-04-30", 40),
        row(4, "2021-05-31", 60, corrected_by=5),  # voided by 5 (a void carries no figure)
        row(5, "2021-05-31", None),
        row(6, "2021-06-10", None),  # funds only
    ]
    assert [(f.id, f.pct) for f in counted_figures(history)] == [(1, 20.0), (3, 40.0)]


def test_of_two_figures_on_one_day_the_later_recorded_counts():
    history = [row(9, "2021-04-30", 45, "visit"), row(7, "2021-04-30", 40)]
    [figure] = counted_figures(history)
    assert (figure.id, figure.pct, figure.source) == (9, 45.0, "visit")


def test_figures_after_the_day_read_are_left_out_and_none_counts_zero():
    s = progress_series({"start": "2021-01-01", "due": "2021-12-31"}, [],
                        [row(1, "2021-03-31", 20), row(2, "2021-07-31", 50)],
                        date(2021, 6, 16))
    assert [f.id for f in s.figures] == [1]
    assert (s.actual_at(date(2021, 3, 30)), s.actual_at(date(2021, 3, 31))) == (0.0, 20.0)
    assert s.end == date(2021, 12, 31)


def test_the_expected_line_is_the_schedule_rule():
    plan = [{"date": "2021-06-30", "pct": 30}]
    s = progress_series({"start": "2021-01-01", "due": "2021-12-31"}, plan, [],
                        date(2021, 6, 16), "months")
    day = date(2021, 8, 20)
    assert s.expected_at(day) == schedule.expected_pct(
        date(2021, 1, 1), date(2021, 12, 31), day, [(date(2021, 6, 30), 30.0)], "months")
    assert s.expected_knots() == [(date(2020, 12, 31), 0.0), (date(2021, 6, 30), 30.0),
                                  (date(2021, 12, 31), 100.0)]


@pytest.mark.parametrize("as_of", ["2021-03-31", "2021-06-16", "2022-01-15"])
def test_every_sample_series_ends_where_the_deviation_report_stands(sample, as_of):
    """The chart's last point is the card's standing: the Python series and the SQL report
    count the same figures and draw the same 序时进度."""
    day = date.fromisoformat(as_of)
    reg = services.open_register(sample.db)
    try:
        for standing in reports.deviation(reg, day):
            s = uses.project_card(reg, standing["code"], day).series
            assert s.actual_at(day) == pytest.approx(standing["actual_pct"]), standing["code"]
            assert s.expected_at(day) == pytest.approx(standing["expected_pct"])
    finally:
        reg.close()

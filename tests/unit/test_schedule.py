"""序时进度, deviation, lights, status and forecast (minsheng_cli.domain.schedule)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli.domain.errors import InvalidValue
from minsheng_cli.domain.schedule import (
    Light,
    Status,
    Thresholds,
    check_plan_point,
    days_late,
    deviation_pct,
    expected_pct,
    forecast,
    is_stale,
    light,
    pct_of_target,
    plan_descents,
    status,
)

Y_START, Y_DUE = date(2021, 1, 1), date(2021, 12, 31)
QUARTERLY = [(date(2021, 3, 31), 20.0), (date(2021, 6, 30), 50.0), (date(2021, 9, 30), 80.0)]
T = Thresholds()


# --- expected_pct, linear by days -------------------------------------------------------


def test_design_example_is_243_of_365():
    assert expected_pct(Y_START, Y_DUE, date(2021, 8, 31)) == pytest.approx(243 / 365 * 100)
    assert round(expected_pct(Y_START, Y_DUE, date(2021, 8, 31)), 2) == 66.58


@pytest.mark.parametrize(
    ("as_of", "want"),
    [
        (date(2020, 12, 1), 0.0),  # before the start
        (date(2020, 12, 31), 0.0),  # the day before the start: nothing expected yet
        (date(2021, 1, 1), 100 / 365),  # the start day itself counts (inclusive)
        (date(2021, 12, 31), 100.0),  # the due date
        (date(2022, 3, 1), 100.0),  # after the due date: clamped
    ],
)
def test_linear_edges(as_of, want):
    assert expected_pct(Y_START, Y_DUE, as_of) == pytest.approx(want)


def test_leap_year_has_366_days():
    start, due = date(2020, 1, 1), date(2020, 12, 31)
    assert expected_pct(start, due, date(2020, 2, 29)) == pytest.approx(60 / 366 * 100)
    assert expected_pct(date(2024, 1, 1), date(2024, 12, 31), date(2024, 7, 1)) == (
        pytest.approx(183 / 366 * 100)
    )


def test_single_day_project():
    day = date(2021, 6, 16)
    assert expected_pct(day, day, day - timedelta(days=1)) == 0.0
    assert expected_pct(day, day, day) == 100.0
    assert expected_pct(day, day, day + timedelta(days=1)) == 100.0


def test_due_before_start_is_invalid():
    with pytest.raises(InvalidValue) as err:
        expected_pct(date(2021, 2, 1), date(2021, 1, 31), date(2021, 1, 15))
    assert err.value.field == "due"


# --- expected_pct with plan points (节点计划) -----------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "want"),
    [
        (date(2021, 3, 31), 20.0),
        (date(2021, 6, 30), 50.0),
        (date(2021, 9, 30), 80.0),
        (date(2021, 12, 31), 100.0),
        (date(2020, 12, 31), 0.0),
        (date(2020, 6, 1), 0.0),
        (date(2022, 1, 1), 100.0),
        # 2021-02-14 is day 45 of the 90 days of Q1: halfway to 20
        (date(2021, 2, 14), 10.0),
        # 2021-05-15 is 45 of the 91 days from 03-31 to 06-30
        (date(2021, 5, 15), 20 + 30 * 45 / 91),
        # 2021-11-15 is 46 of the 92 days from 09-30 to 12-31
        (date(2021, 11, 15), 80 + 20 * 46 / 92),
    ],
)
def test_quarterly_plan_interpolates(as_of, want):
    assert expected_pct(Y_START, Y_DUE, as_of, QUARTERLY) == pytest.approx(want)


def test_plan_points_order_does_not_matter():
    shuffled = [QUARTERLY[2], QUARTERLY[0], QUARTERLY[1]]
    d = date(2021, 8, 1)
    assert expected_pct(Y_START, Y_DUE, d, shuffled) == expected_pct(Y_START, Y_DUE, d, QUARTERLY)


def test_same_date_later_point_wins():
    plan = [(date(2021, 6, 30), 40.0), (date(2021, 6, 30), 60.0)]
    assert expected_pct(Y_START, Y_DUE, date(2021, 6, 30), plan) == 60.0


def test_points_outside_the_project_are_ignored():
    plan = [
        (date(2020, 12, 31), 30.0),  # start − 1 is fixed at 0
        (date(2020, 6, 1), 50.0),
        (date(2021, 12, 31), 70.0),  # due is fixed at 100
        (date(2022, 6, 1), 90.0),
    ]
    d = date(2021, 8, 31)
    assert expected_pct(Y_START, Y_DUE, d, plan) == pytest.approx(expected_pct(Y_START, Y_DUE, d))


@pytest.mark.parametrize("pct", [-1.0, 100.5, float("nan"), float("inf")])
def test_bad_plan_percentage_is_invalid(pct):
    with pytest.raises(InvalidValue) as err:
        expected_pct(Y_START, Y_DUE, date(2021, 6, 1), [(date(2021, 6, 30), pct)])
    assert err.value.field == "plan"


def test_plan_overrides_months_basis():
    d = date(2021, 2, 14)
    assert expected_pct(Y_START, Y_DUE, d, QUARTERLY, basis="months") == pytest.approx(10.0)


# --- expected_pct by months ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "want"),
    [
        (date(2021, 1, 31), 100 / 12),
        (date(2021, 2, 28), 200 / 12),
        (date(2021, 3, 31), 25.0),
        (date(2021, 6, 30), 50.0),
        (date(2021, 12, 31), 100.0),
        # halfway through February (14 of 28 days) is halfway from 1/12 to 2/12
        (date(2021, 2, 14), 150 / 12),
        (date(2020, 12, 31), 0.0),
    ],
)
def test_months_basis(as_of, want):
    assert expected_pct(Y_START, Y_DUE, as_of, basis="months") == pytest.approx(want)


def test_months_basis_exact_at_quarter_and_half():
    assert expected_pct(Y_START, Y_DUE, date(2021, 6, 30), basis="months") == 50.0
    assert expected_pct(Y_START, Y_DUE, date(2021, 3, 31), basis="months") == 25.0


def test_months_basis_leap_february():
    # in 2020 February has 29 days: the 29th is its month-end knot
    start, due = date(2020, 1, 1), date(2020, 12, 31)
    assert expected_pct(start, due, date(2020, 2, 29), basis="months") == pytest.approx(200 / 12)
    assert expected_pct(start, due, date(2020, 2, 28), basis="months") < 200 / 12


def test_months_basis_mid_month_start_and_due():
    # 2021-03-16 .. 2021-05-15: three calendar months, knots at 03-31 (1/3) and 04-30 (2/3)
    start, due = date(2021, 3, 16), date(2021, 5, 15)
    assert expected_pct(start, due, date(2021, 3, 31), basis="months") == pytest.approx(100 / 3)
    assert expected_pct(start, due, date(2021, 4, 30), basis="months") == pytest.approx(200 / 3)
    assert expected_pct(start, due, date(2021, 5, 15), basis="months") == 100.0
    assert expected_pct(start, due, date(2021, 3, 15), basis="months") == 0.0


def test_unknown_basis_is_invalid():
    with pytest.raises(InvalidValue) as err:
        expected_pct(Y_START, Y_DUE, date(2021, 6, 1), basis="weeks")
    assert err.value.field == "basis"


# --- expected_pct properties -------------------------------------------------------------------

days_in = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@st.composite
def projects(draw):
    start = draw(days_in)
    due = start + timedelta(days=draw(st.integers(0, 2000)))
    n = draw(st.integers(0, 5))
    offsets = sorted(draw(st.lists(st.integers(-30, 2030), min_size=n, max_size=n)))
    pcts = sorted(draw(st.lists(st.floats(0, 100), min_size=n, max_size=n)))
    plan = [(start + timedelta(days=o), p) for o, p in zip(offsets, pcts, strict=True)]
    basis = draw(st.sampled_from(["days", "months"]))
    return start, due, plan, basis


@given(projects(), days_in, days_in)
def test_expected_is_bounded_and_monotone(project, d1, d2):
    start, due, plan, basis = project
    lo, hi = sorted([d1, d2])
    e_lo = expected_pct(start, due, lo, plan, basis)
    e_hi = expected_pct(start, due, hi, plan, basis)
    assert 0.0 <= e_lo <= 100.0
    assert 0.0 <= e_hi <= 100.0
    assert e_lo <= e_hi + 1e-9


@given(projects())
def test_expected_is_0_before_and_100_on_due(project):
    start, due, plan, basis = project
    assert expected_pct(start, due, start - timedelta(days=1), plan, basis) == 0.0
    assert expected_pct(start, due, due, plan, basis) == 100.0


# --- deviation, lights, status ----------------------------------------------------------------


def test_deviation_is_actual_minus_expected():
    assert deviation_pct(50.0, 66.5) == pytest.approx(-16.5)
    assert deviation_pct(70.0, 60.0) == pytest.approx(10.0)


AS_OF, DUE = date(2021, 8, 31), date(2021, 12, 31)


@pytest.mark.parametrize(
    ("actual", "expected", "want"),
    [
        (66.58, 66.58, Light.green),
        (56.59, 66.58, Light.green),  # lag 9.99
        (56.58, 66.58, Light.yellow),  # lag exactly 10 is yellow
        (36.58, 66.58, Light.yellow),  # lag exactly 30 is still yellow
        (36.57, 66.58, Light.red),  # lag 30.01
        (0.0, 66.58, Light.red),
        (90.0, 66.58, Light.green),  # ahead
        (100.0, 66.58, Light.done),
        (120.0, 66.58, Light.done),
    ],
)
def test_light_boundaries(actual, expected, want):
    assert light(actual, expected, AS_OF, DUE, T) == want


def test_float_noise_at_the_boundary():
    # the noise this guards against really exists for these figures
    assert 16.08 - 6.08 < 10.0
    assert 32.02 - 2.02 > 30.0
    assert light(6.08, 16.08, AS_OF, DUE, T) == Light.yellow
    assert status(6.08, 16.08, AS_OF, DUE, T) == Status.behind
    assert light(2.02, 32.02, AS_OF, DUE, T) == Light.yellow
    assert status(2.02, 32.02, AS_OF, DUE, T) == Status.behind


def test_overdue_is_red_unless_done():
    late = DUE + timedelta(days=1)
    assert light(99.9, 100.0, late, DUE, T) == Light.red
    assert light(100.0, 100.0, late, DUE, T) == Light.done
    assert light(99.0, 100.0, DUE, DUE, T) == Light.green  # on the due day it is not late yet


def test_custom_thresholds():
    t = Thresholds(yellow=5.0, red=15.0)
    assert light(60.0, 65.0, AS_OF, DUE, t) == Light.yellow
    assert light(49.0, 65.0, AS_OF, DUE, t) == Light.red


@pytest.mark.parametrize(
    ("actual", "expected", "as_of", "want"),
    [
        (100.0, 50.0, AS_OF, Status.done),
        (100.0, 100.0, DUE + timedelta(days=9), Status.done),
        (95.0, 100.0, DUE + timedelta(days=1), Status.overdue),
        (66.59, 66.58, AS_OF, Status.ahead),
        (66.58, 66.58, AS_OF, Status.on_track),  # deviation 0 is on track, not ahead
        (56.59, 66.58, AS_OF, Status.on_track),
        (56.58, 66.58, AS_OF, Status.behind),
        (36.58, 66.58, AS_OF, Status.behind),
        (36.57, 66.58, AS_OF, Status.seriously_behind),
    ],
)
def test_status(actual, expected, as_of, want):
    assert status(actual, expected, as_of, DUE, T) == want


def test_enum_values_are_the_json_codes():
    assert [x.value for x in Light] == ["green", "yellow", "red", "done"]
    assert [x.value for x in Status] == [
        "done",
        "ahead",
        "on_track",
        "behind",
        "seriously_behind",
        "overdue",
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"yellow": -1.0},
        {"yellow": 40.0, "red": 30.0},
        {"red": float("nan")},
        {"stale_days": -1},
        {"basis": "weeks"},
    ],
)
def test_bad_thresholds(kwargs):
    with pytest.raises(InvalidValue):
        Thresholds(**kwargs)


# --- forecast, days late, staleness -------------------------------------------------------------


def test_forecast_from_last_three_figures():
    figures = [
        (date(2021, 3, 1), 5.0),  # outside the window: ignored
        (date(2021, 4, 1), 10.0),
        (date(2021, 5, 1), 25.0),
        (date(2021, 5, 11), 40.0),  # 30 pp in 40 days = 0.75 pp/day; 60 pp left → 80 days
    ]
    assert forecast(figures, date(2021, 6, 1)) == date(2021, 5, 11) + timedelta(days=80)


def test_forecast_rounds_days_up():
    figures = [(date(2021, 1, 1), 0.0), (date(2021, 1, 2), 7.0)]  # 93 left / 7 = 13.3 → 14
    assert forecast(figures, date(2021, 1, 2)) == date(2021, 1, 16)
    figures = [(date(2021, 1, 1), 0.0), (date(2021, 1, 8), 10.0)]  # 90 left → 63 days exactly
    assert forecast(figures, date(2021, 1, 8)) == date(2021, 3, 12)


def test_forecast_ignores_figures_after_as_of_and_sorts():
    figures = [(date(2021, 2, 1), 20.0), (date(2021, 1, 1), 10.0), (date(2021, 3, 1), 99.0)]
    # 10 pp in 31 days; 80 left → 248 days after 02-01
    assert forecast(figures, date(2021, 2, 15)) == date(2021, 2, 1) + timedelta(days=248)


def test_forecast_window():
    figures = [(date(2021, 1, 1), 0.0), (date(2021, 1, 11), 50.0), (date(2021, 1, 21), 55.0)]
    # window 2 uses only the slower last leg: 0.5 pp/day, 45 left → 90 days
    assert forecast(figures, date(2021, 2, 1), window=2) == date(2021, 1, 21) + timedelta(days=90)
    # window 3: 55 pp in 20 days = 2.75 pp/day → ceil(16.36) = 17
    assert forecast(figures, date(2021, 2, 1)) == date(2021, 1, 21) + timedelta(days=17)


@pytest.mark.parametrize(
    "figures",
    [
        [],
        [(date(2021, 1, 1), 10.0)],
        [(date(2021, 1, 1), 50.0), (date(2021, 2, 1), 50.0)],  # no pace
        [(date(2021, 1, 1), 50.0), (date(2021, 2, 1), 40.0)],  # going backwards
        [(date(2021, 1, 1), 50.0), (date(2021, 2, 1), 100.0)],  # already done
        [(date(2021, 1, 1), 10.0), (date(2021, 1, 1), 20.0)],  # same day: no pace
        [(date(2021, 1, 1), 0.0), (date(2021, 1, 2), 1e-12)],  # beyond the calendar
    ],
)
def test_no_forecast(figures):
    assert forecast(figures, date(2021, 3, 1)) is None


def test_no_forecast_once_its_date_has_passed():
    # 50 pp in 31 days: the other 50 by 03-04; not reported done by then, no forecast after
    figures = [(date(2021, 1, 1), 0.0), (date(2021, 2, 1), 50.0)]
    assert forecast(figures, date(2021, 3, 3)) == date(2021, 3, 4)
    assert forecast(figures, date(2021, 3, 4)) == date(2021, 3, 4)
    assert forecast(figures, date(2021, 3, 5)) is None
    assert forecast(figures, date(2022, 3, 1)) is None  # past due: not "early"


def test_forecast_needs_a_window_of_two():
    with pytest.raises(InvalidValue):
        forecast([], date(2021, 3, 1), window=1)


def test_days_late():
    due = date(2021, 12, 31)
    assert days_late(date(2022, 1, 10), due) == 10
    assert days_late(date(2021, 12, 21), due) == -10
    assert days_late(due, due) == 0
    assert days_late(None, due) is None


def test_is_stale():
    as_of = date(2021, 8, 31)
    assert is_stale(None, as_of, 31)
    assert not is_stale(date(2021, 7, 31), as_of, 31)  # exactly 31 days ago
    assert is_stale(date(2021, 7, 30), as_of, 31)
    assert not is_stale(as_of, as_of, 0)


def test_pct_of_target():
    assert pct_of_target(1110, 1500) == pytest.approx(74.0)
    assert pct_of_target(0, 12) == 0.0
    assert pct_of_target(1600, 1500) == pytest.approx(106.666666, rel=1e-6)
    with pytest.raises(InvalidValue):
        pct_of_target(5, 0)
    with pytest.raises(InvalidValue):
        pct_of_target(float("nan"), 10)


def test_forecast_of_a_vanishing_pace_is_none_not_an_overflow():
    # Found by hypothesis (tests/reports/test_sql_matches_rules.py): 2.2e-313 pp in a day.
    figures = [(date(2019, 12, 1), 0.0), (date(2019, 12, 2), 2.2250738585e-313)]
    assert forecast(figures, date(2019, 12, 2)) is None


START, DUE = date(2021, 1, 1), date(2021, 12, 31)


@given(st.lists(st.tuples(st.dates(date(2020, 12, 31), date(2021, 12, 31)),
                          st.integers(0, 100)), max_size=12))
def test_accepted_plan_points_keep_the_plan_cumulative(points):
    """Whatever points are offered, in whatever order, those check_plan_point accepts
    leave a plan in force (the latest for each date, inside the project) that never goes
    down, as plan_descents finds too."""
    recorded: dict[date, float] = {}
    for day, pct in points:
        try:
            check_plan_point(day, pct, sorted(recorded.items()), START, DUE)
        except InvalidValue as refused:
            assert refused.field == "pct"
            continue
        recorded[day] = pct
    shaping = [pct for day, pct in sorted(recorded.items()) if START - timedelta(1) < day < DUE]
    assert shaping == sorted(shaping)
    assert plan_descents(sorted(recorded.items()), START, DUE) == []


def test_a_point_on_the_due_date_shapes_nothing_and_caps_nothing():
    # the due date is fixed at 100 %: a point there has no effect on the line
    check_plan_point(date(2021, 12, 31), 50, [], START, DUE)
    check_plan_point(date(2021, 6, 30), 60, [(date(2021, 12, 31), 50)], START, DUE)


def test_plan_descents_name_the_point_and_the_higher_one_before_it():
    plan = [(date(2021, 3, 31), 30), (date(2021, 6, 30), 20), (date(2021, 9, 30), 25),
            (date(2021, 12, 31), 10)]
    assert plan_descents(plan, START, DUE) == [
        (date(2021, 6, 30), 20, date(2021, 3, 31), 30),
        (date(2021, 9, 30), 25, date(2021, 3, 31), 30)]

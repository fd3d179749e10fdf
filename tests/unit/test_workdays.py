"""Chinese working days (minsheng_cli.domain.workdays), checked against chinesecalendar."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli.domain.errors import InvalidValue
from minsheng_cli.domain.workdays import add_workdays, is_workday, workdays_between

# Years chinesecalendar certainly knows, and years it certainly does not.
KNOWN = st.dates(min_value=date(2005, 1, 1), max_value=date(2023, 12, 31))
UNKNOWN = st.dates(min_value=date(2090, 1, 1), max_value=date(2099, 12, 31))


def nth_workday_after(start: date, n: int) -> date:
    """The oracle: straight from chinesecalendar, one day at a time."""
    day = start
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def test_national_day_2021_calendar_facts():
    # the facts the example rests on, as chinesecalendar records them
    assert not any(chinese_calendar.is_workday(date(2021, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2021, 9, 26))  # Sunday, make-up day
    assert chinese_calendar.is_workday(date(2021, 10, 9))  # Saturday, make-up day
    assert not chinese_calendar.is_workday(date(2021, 10, 10))


def test_national_day_2021_transfer():
    # 5 working days after 09-29: 09-30, 10-08, 10-09 (make-up Saturday), 10-11, 10-12
    assert add_workdays(date(2021, 9, 29), 5) == (date(2021, 10, 12), False)
    assert add_workdays(date(2021, 9, 29), 4) == (date(2021, 10, 11), False)
    assert add_workdays(date(2021, 9, 29), 3) == (date(2021, 10, 9), False)
    assert chinese_calendar.find_workday(5, date(2021, 9, 29)) == date(2021, 10, 12)


def test_major_issue_over_spring_festival_2021():
    start = date(2021, 2, 5)
    want = nth_workday_after(start, 15)
    assert add_workdays(start, 15) == (want, False)
    # 02-07 (Sunday, worked) is day 1, 02-11..17 are off, 02-20 (Saturday, worked) is day 7
    assert want == date(2021, 3, 3)


def test_start_on_a_holiday_is_not_counted():
    assert add_workdays(date(2021, 10, 1), 1) == (date(2021, 10, 8), False)
    assert add_workdays(date(2021, 10, 2), 2) == (date(2021, 10, 9), False)


def test_leap_day_and_year_end():
    assert add_workdays(date(2020, 2, 28), 1) == (date(2020, 3, 2), False)  # 02-29 is Saturday
    assert add_workdays(date(2020, 12, 31), 1) == (nth_workday_after(date(2020, 12, 31), 1), False)
    assert add_workdays(date(2020, 12, 31), 1)[0] == date(2021, 1, 4)  # New Year's Day off


@given(KNOWN, st.integers(1, 40))
def test_add_workdays_matches_chinesecalendar(start, n):
    assert add_workdays(start, n) == (nth_workday_after(start, n), False)


def test_beyond_the_known_years_falls_back_to_monday_to_friday():
    # 2100-01-01 is a Friday
    assert add_workdays(date(2100, 1, 1), 1) == (date(2100, 1, 4), True)
    assert add_workdays(date(2100, 1, 1), 5) == (date(2100, 1, 8), True)
    assert add_workdays(date(2003, 12, 1), 1) == (date(2003, 12, 2), True)  # before them
    assert add_workdays(date(2003, 12, 31), 1)[1] is False  # 2004-01-02 is known


def test_fallback_flag_when_only_the_end_is_unknown():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2100, 1, 1))
    end, fallback = add_workdays(date(2099, 12, 30), 3)
    assert (end, fallback) == (date(2100, 1, 4), True)


@given(UNKNOWN, st.integers(1, 40))
def test_fallback_counts_monday_to_friday(start, n):
    end, fallback = add_workdays(start, n)
    assert fallback
    days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(d.weekday() < 5 for d in days) == n
    assert end.weekday() < 5


@pytest.mark.parametrize("n", [0, -1, 100_000])
def test_bad_counts(n):
    with pytest.raises(InvalidValue) as err:
        add_workdays(date(2021, 9, 29), n)
    assert err.value.field == "workdays"


def test_workdays_between():
    a, b = date(2021, 9, 29), date(2021, 10, 12)
    assert workdays_between(a, b) == (5, False)
    assert workdays_between(b, a) == (-5, False)
    assert workdays_between(a, a) == (0, False)
    # days that are off do not count at the end either
    assert workdays_between(date(2021, 9, 30), date(2021, 10, 7)) == (0, False)
    assert workdays_between(date(2100, 1, 1), date(2100, 1, 8)) == (5, True)
    assert workdays_between(date(2099, 12, 30), date(2100, 1, 4))[1] is True
    assert workdays_between(date(2021, 1, 1), date(2021, 1, 1)) == (0, False)


@given(KNOWN, st.integers(1, 40))
def test_between_undoes_add(start, n):
    end, _ = add_workdays(start, n)
    assert workdays_between(start, end) == (n, False)
    assert workdays_between(end, start) == (-n, False)


@given(KNOWN, KNOWN)
def test_between_matches_chinesecalendar(a, b):
    lo, hi = sorted([a, b])
    hi = min(hi, lo + timedelta(days=400))
    count = sum(
        chinese_calendar.is_workday(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1)
    )
    assert workdays_between(lo, hi) == (count, False)


def test_is_workday():
    assert is_workday(date(2021, 10, 9)) == (True, False)  # make-up Saturday
    assert is_workday(date(2021, 10, 4)) == (False, False)  # holiday Monday
    assert is_workday(date(2021, 10, 10)) == (False, False)
    assert is_workday(date(2100, 1, 2)) == (False, True)  # a Saturday, fallback
    assert is_workday(date(2100, 1, 4)) == (True, True)

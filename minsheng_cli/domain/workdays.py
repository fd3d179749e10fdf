"""Chinese working days (工作日) for 整改时限, the deadlines of transferred issues.

This module owns which days count: 法定节假日 are off, 调休 make-up Saturdays and Sundays are
working days, as chinesecalendar records them.  chinesecalendar knows only the years the
State Council has published; for any other day we count Monday–Friday and return a flag, so
that the caller can say so on stderr (this module never prints).
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from minsheng_cli.domain.errors import InvalidValue

ONE_DAY = timedelta(days=1)

# Deadlines are counted a day at a time; anything past ten years of working days is a typo.
MAX_WORKDAYS = 2500


def is_workday(d: date) -> tuple[bool, bool]:
    """(whether ``d`` is a working day, whether Monday–Friday had to stand in for the calendar)."""
    try:
        return chinese_calendar.is_workday(d), False
    except NotImplementedError:
        return d.weekday() < 5, True


def add_workdays(start: date, n: int) -> tuple[date, bool]:
    """The day that is ``n`` working days after ``start`` (``start`` not counted), and the flag.

    A transfer on 2021-09-29 with 5 working days is due 2021-10-12: 09-30, 10-08, 10-09
    (a make-up Saturday), 10-11, 10-12 — the National Day week is off.
    """
    if not 1 <= n <= MAX_WORKDAYS:
        raise InvalidValue("workdays", n, f"a whole number of working days, 1 to {MAX_WORKDAYS}")
    day, fallback = start, False
    while n:
        day += ONE_DAY
        working, guessed = is_workday(day)
        fallback |= guessed
        n -= working
    return day, fallback


def workdays_between(a: date, b: date) -> tuple[int, bool]:
    """Working days after ``a`` up to and including ``b`` (negative when ``b`` is before ``a``)."""
    if b < a:
        count, fallback = workdays_between(b, a)
        return -count, fallback
    count, fallback = 0, False
    day = a + ONE_DAY
    while day <= b:
        working, guessed = is_workday(day)
        count += working
        fallback |= guessed
        day += ONE_DAY
    return count, fallback

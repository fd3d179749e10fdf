"""Periods (月 季 周 半年 年), visit windows and strict calendar dates.

This module owns what ``--period`` and a date field mean: the text a user may type, the
dates it resolves to (relative words against a given ``today``, never the clock), and the
visit windows a supervision group owes — a calendar month for grassroots groups, a
calendar quarter for municipal ones.  Bad text raises ``InvalidValue``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from minsheng_cli.domain.errors import InvalidValue

ONE_DAY = timedelta(days=1)
MIN_YEAR, MAX_YEAR = 1900, 2100  # wider than any register needs, narrow enough to catch typos

PERIOD_ACCEPTED = (
    "YYYY-MM, YYYYQn, YYYY-Wnn, YYYYHn, YYYY, YYYY-MM-DD (also 2021年6月, 2021年第2季度, "
    "2021年第24周, 2021年上半年, 2021年), "
    "this-week/last-week/this-month/last-month/this-quarter/last-quarter/this-year/last-year"
)
DATE_ACCEPTED = "a date YYYY-MM-DD"


@dataclass(frozen=True)
class Period:
    """A closed range of calendar days, with the label a report prints for it."""

    start: date
    end: date
    label: str
    kind: str  # day, week, month, quarter, half, year

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# --- building periods ----------------------------------------------------------------------


def _month(year: int, month: int) -> Period:
    first = date(year, month, 1)
    end = _first_of_next_month(first) - ONE_DAY
    return Period(first, end, f"{year:04d}-{month:02d}", "month")


def _first_of_next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def _quarter(year: int, quarter: int) -> Period:
    first = date(year, 3 * quarter - 2, 1)
    end = _month(year, 3 * quarter).end
    return Period(first, end, f"{year:04d}Q{quarter}", "quarter")


def _half(year: int, half: int) -> Period:
    first = date(year, 6 * half - 5, 1)
    end = _month(year, 6 * half).end
    return Period(first, end, f"{year:04d}H{half}", "half")


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"{year:04d}", "year")


def _iso_week(year: int, week: int) -> Period:
    monday = date.fromisocalendar(year, week, 1)  # ValueError for week 53 of a 52-week year
    return Period(monday, monday + 6 * ONE_DAY, f"{year:04d}-W{week:02d}", "week")


def _day(d: date) -> Period:
    return Period(d, d, d.isoformat(), "day")


def month_of(d: date) -> Period:
    """The calendar month containing ``d``."""
    return _month(d.year, d.month)


def quarter_of(d: date) -> Period:
    """The calendar quarter containing ``d``."""
    return _quarter(d.year, (d.month - 1) // 3 + 1)


def week_of(d: date) -> Period:
    """The ISO week (Monday–Sunday) containing ``d``; its year may differ from ``d``'s."""
    year, week, _ = d.isocalendar()
    return _iso_week(year, week)


def _half_of(d: date) -> Period:
    return _half(d.year, 1 if d.month <= 6 else 2)


def _year_of(d: date) -> Period:
    return _year(d.year)


# --- visit windows -----------------------------------------------------------------------------

_WINDOWS: dict[str, Callable[[date], Period]] = {"monthly": month_of, "quarterly": quarter_of}


def window_for(cadence: str, d: date) -> Period:
    """The visit window containing ``d``: a month for "monthly", a quarter for "quarterly"."""
    try:
        return _WINDOWS[cadence](d)
    except KeyError:
        raise InvalidValue("cadence", cadence, "monthly or quarterly") from None


def previous_window(cadence: str, d: date) -> Period:
    """The last completed window before the one containing ``d``."""
    return window_for(cadence, window_for(cadence, d).start - ONE_DAY)


def month_ends_before(d: date, n: int) -> list[date]:
    """The last ``n`` month-ends on or before ``d``, most recent first (``d`` may be one)."""
    if n < 0:
        raise InvalidValue("n", n, "a whole number ≥ 0")
    end = d if (d + ONE_DAY).day == 1 else d.replace(day=1) - ONE_DAY
    ends = []
    for _ in range(n):
        ends.append(end)
        end = end.replace(day=1) - ONE_DAY
    return ends


# --- parsing periods ------------------------------------------------------------------------

# Relative words and their Chinese twins: (a day inside the period, the period of that day).
_Shift = Callable[[date], date]
_Of = Callable[[date], Period]
_RELATIVE: dict[str, tuple[_Shift, _Of]] = {}


def _relative(words: tuple[str, ...], shift: _Shift, of: _Of) -> None:
    for word in words:
        _RELATIVE[word] = (shift, of)


def _same(d: date) -> date:
    return d


_relative(("today", "今天", "今日"), _same, _day)
_relative(("this-week", "本周"), _same, week_of)
_relative(("last-week", "上周"), lambda d: d - 7 * ONE_DAY, week_of)
_relative(("this-month", "本月"), _same, month_of)
_relative(("last-month", "上月"), lambda d: d.replace(day=1) - ONE_DAY, month_of)
_relative(("this-quarter", "本季度"), _same, quarter_of)
_relative(("last-quarter", "上季度"), lambda d: quarter_of(d).start - ONE_DAY, quarter_of)
_relative(("this-year", "本年", "今年"), _same, _year_of)
_relative(("last-year", "去年"), lambda d: date(d.year - 1, 12, 31), _year_of)

_PATTERNS: list[tuple[re.Pattern[str], Callable[[int, int], Period]]] = [
    (re.compile(r"(\d{4})-(\d{1,2})", re.ASCII), _month),
    (re.compile(r"(\d{4})-?q(\d)", re.ASCII), _quarter),
    (re.compile(r"(\d{4})-?w(\d{1,2})", re.ASCII), _iso_week),
    (re.compile(r"(\d{4})-?h(\d)", re.ASCII), _half),
]


# The same periods written in Chinese, as the documents write them: 2021年6月, 2021年第二
# 季度 in figures (2021年第2季度, 2021年2季度), 2021年第24周, 2021年上半年, 2021年.
_CHINESE = [
    (re.compile(r"(\d{4})年(\d{1,2})月", re.ASCII), r"\1-\2"),
    (re.compile(r"(\d{4})年第?(\d)季度", re.ASCII), r"\1q\2"),
    (re.compile(r"(\d{4})年第?(\d{1,2})周", re.ASCII), r"\1-w\2"),
    (re.compile(r"(\d{4})年上半年", re.ASCII), r"\1h1"),
    (re.compile(r"(\d{4})年下半年", re.ASCII), r"\1h2"),
    (re.compile(r"(\d{4})年度?", re.ASCII), r"\1"),
]


def _from_chinese(normal: str) -> str:
    for pattern, replacement in _CHINESE:
        if pattern.fullmatch(normal):
            return pattern.sub(replacement, normal)
    return normal


def parse_period(text: str, today: date) -> Period:
    """A period from text such as ``2021-06``, ``2021Q2``, ``2021-W24``, ``last-month``, 本月,
    2021年6月."""
    normal = _from_chinese(_normalise(text).lower())
    if normal in _RELATIVE:
        shift, of = _RELATIVE[normal]
        return of(shift(today))
    try:
        return _parse_absolute(normal)
    except (ValueError, InvalidValue):
        raise InvalidValue("period", text, PERIOD_ACCEPTED) from None


def _parse_absolute(normal: str) -> Period:
    """Raises ValueError (or InvalidValue from a date) for anything it does not accept."""
    if re.fullmatch(r"\d{4}", normal, re.ASCII):
        return _year(_checked_year(normal))
    for pattern, build in _PATTERNS:
        match = pattern.fullmatch(normal)
        if match:
            year, number = match.groups()
            return build(_checked_year(year), int(number))
    return _day(parse_date(normal, "period"))


def _checked_year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(year)
    return year


def _normalise(text: str) -> str:
    # NFKC folds full-width digits and letters (２０２１Ｑ２), common from Chinese IMEs.
    return unicodedata.normalize("NFKC", text).strip()


# --- parsing dates --------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII),
    re.compile(r"(\d{4})(年)(\d{1,2})月(\d{1,2})日", re.ASCII),
)


def parse_date(text: str | date, field: str = "date") -> date:
    """A strict calendar date: 2021-06-16, 2021-6-16, 2021/6/16, 2021.6.16 or 2021年6月16日.

    A ``date`` (or a spreadsheet's ``datetime``) is accepted as is, within the same years.
    """
    if isinstance(text, date):
        return _date_in_range(text, field, text)
    if not isinstance(text, str):
        raise InvalidValue(field, text, DATE_ACCEPTED)
    normal = _normalise(text)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(normal)
        if match:
            year, _, month, day = match.groups()
            try:
                parsed = date(int(year), int(month), int(day))
            except ValueError:
                break
            return _date_in_range(parsed, field, text)
    raise InvalidValue(field, text, DATE_ACCEPTED)


def _date_in_range(d: date, field: str, original: object) -> date:
    if not MIN_YEAR <= d.year <= MAX_YEAR:  # well formed, out of range: say the range
        raise InvalidValue(field, original, f"{DATE_ACCEPTED} from {MIN_YEAR} to {MAX_YEAR}")
    # datetime is a date subclass; keep only the day, since a date means the end of that day.
    return date(d.year, d.month, d.day)

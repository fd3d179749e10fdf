"""序时进度 — expected progress, deviation, lights (红黄绿灯), status words and forecasts.

This module owns the numbers of DESIGN.md §2 that compare a project's actual progress with
the time elapsed.  Every function is pure: the date is an argument, nothing reads the clock,
and bad values raise ``InvalidValue``.  Percentages are floats in 0..100 (actual progress
may exceed 100 when a target is over-delivered).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from minsheng_cli.domain.errors import InvalidValue

ONE_DAY = timedelta(days=1)
BASES = ("days", "months")

# Lags are compared after rounding so that float noise (66.58 − 56.58 = 9.999…) does not
# move a project across a published threshold.
_PRECISION = 9


class Light(StrEnum):
    """红黄绿灯; ``done`` replaces the light once a project reaches 100 %."""

    green = "green"
    yellow = "yellow"
    red = "red"
    done = "done"


class Status(StrEnum):
    """Status words: 已完成 超序时 按序时 慢序时 严重滞后 逾期未完成."""

    done = "done"
    ahead = "ahead"
    on_track = "on_track"
    behind = "behind"
    seriously_behind = "seriously_behind"
    overdue = "overdue"


@dataclass(frozen=True)
class Thresholds:
    """Where the lights change, in percentage points of lag, and when a report is stale.

    The defaults (10 and 30 pp) are the ones published practice uses; ``basis`` chooses how
    序时进度 runs without plan points: by days, or by month-ends.
    """

    yellow: float = 10.0
    red: float = 30.0
    stale_days: int = 31
    basis: str = "days"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.yellow) and self.yellow >= 0):
            raise InvalidValue("yellow", self.yellow, "a number of percentage points ≥ 0")
        if not (math.isfinite(self.red) and self.red >= self.yellow):
            raise InvalidValue("red", self.red, f"a number of percentage points ≥ {self.yellow}")
        if self.stale_days < 0:
            raise InvalidValue("stale_days", self.stale_days, "a number of days ≥ 0")
        _check_basis(self.basis)


def _check_basis(basis: str) -> None:
    if basis not in BASES:
        raise InvalidValue("basis", basis, " or ".join(BASES))


# --- expected progress -----------------------------------------------------------------------


def expected_pct(
    start: date,
    due: date,
    as_of: date,
    plan: Sequence[tuple[date, float]] = (),
    basis: str = "days",
) -> float:
    """序时进度 at the end of ``as_of``, in percent.

    Piecewise-linear by days through (start − 1 day, 0), the knots in between and (due, 100).
    The knots are the plan points (节点计划) when there are any, else the month-ends when
    ``basis`` is "months", else none: plain linear by days, inclusive of both ends.
    """
    return _interpolate(expected_knots(start, due, plan, basis), as_of)


def expected_knots(
    start: date,
    due: date,
    plan: Sequence[tuple[date, float]] = (),
    basis: str = "days",
) -> list[tuple[date, float]]:
    """The corners of the 序时进度 line, in date order: (start − 1 day, 0), the plan points
    or month-ends in force, (due, 100).  ``expected_pct`` is linear by days between them
    (and what a chart draws through them)."""
    _check_basis(basis)
    if due < start:
        raise InvalidValue("due", due.isoformat(), f"a date on or after start {start}")
    inner = _plan_knots(start, due, plan) if plan else []
    # Points that all fall outside the project's dates leave no plan: the basis applies.
    if not inner and basis == "months":
        inner = _month_end_knots(start, due)
    return [(start - ONE_DAY, 0.0), *inner, (due, 100.0)]


def in_force(day: date, start: date, due: date) -> bool:
    """A plan point that shapes the 序时进度 line: strictly between start − 1 day (0 %) and
    due (100 %); the ends are fixed, so a point on or outside them has no effect."""
    return start - ONE_DAY < day < due


def check_plan_point(
    day: date, pct: float, plan: Sequence[tuple[date, float]], start: date, due: date
) -> None:
    """A plan point keeps the plan cumulative (节点计划: planned cumulative %, so the
    序时进度 line never goes down): not below any point in force before ``day`` nor above
    any after it.  ``plan``: the points recorded (the latest for each date); one on
    ``day`` itself is the point this one corrects, and does not count, nor do points on
    or outside the project's ends, which shape nothing."""
    if not in_force(day, start, due):
        return
    plan = [(d, p) for d, p in plan if in_force(d, start, due)]
    earlier = [(d, p) for d, p in plan if d < day]
    later = [(d, p) for d, p in plan if d > day]
    if earlier:
        floor_day, floor = max(earlier, key=lambda point: (point[1], point[0]))
        if pct < floor:
            raise InvalidValue("pct", f"{pct:g}", f"at least {floor:g}, the plan point of "
                               f"{floor_day} (a plan is cumulative)")
    if later:
        cap_day, cap = min(later, key=lambda point: (point[1], point[0]))
        if pct > cap:
            raise InvalidValue("pct", f"{pct:g}", f"at most {cap:g}, the plan point of "
                               f"{cap_day} (a plan is cumulative)")


def plan_descents(
    plan: Sequence[tuple[date, float]], start: date, due: date
) -> list[tuple[date, float, date, float]]:
    """(day, pct, earlier day, its higher pct) for each point in force below an earlier
    one: what makes a whole plan not cumulative (an import is checked as it ends, so that
    its rows may come in any order)."""
    found, highest = [], None
    for day, pct in sorted(plan):
        if not in_force(day, start, due):
            continue
        if highest is not None and pct < highest[1]:
            found.append((day, pct, *highest))
        if highest is None or pct >= highest[1]:
            highest = (day, pct)
    return found


def _plan_knots(
    start: date, due: date, plan: Sequence[tuple[date, float]]
) -> list[tuple[date, float]]:
    # The ends are fixed at 0 and 100, so points on or outside them would only contradict
    # the project's own dates; a later point for the same date is a correction and wins.
    by_date: dict[date, float] = {}
    for day, pct in plan:
        if not (math.isfinite(pct) and 0 <= pct <= 100):
            raise InvalidValue("plan", pct, "a planned percentage from 0 to 100")
        if start - ONE_DAY < day < due:
            by_date[day] = float(pct)
    return sorted(by_date.items())


def _month_end_knots(start: date, due: date) -> list[tuple[date, float]]:
    # Month k of the project (start's month is 1) should be k/N done at its last day.
    months = _month_index(due) - _month_index(start) + 1
    knots = []
    month_end = _month_end(start)
    for k in range(1, months):
        knots.append((month_end, 100.0 * k / months))
        month_end = _month_end(month_end + ONE_DAY)
    return knots


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_end(d: date) -> date:
    first_of_next = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return first_of_next - ONE_DAY


def _interpolate(knots: list[tuple[date, float]], as_of: date) -> float:
    """Linear by days between date-ordered knots; flat before the first and after the last."""
    days = [d for d, _ in knots]
    i = bisect_right(days, as_of)
    if i == 0:
        return knots[0][1]
    if i == len(knots):
        return knots[-1][1]
    (d0, p0), (d1, p1) = knots[i - 1], knots[i]
    if as_of == d0:
        return p0  # exact at a knot: 50.0, not 49.99999…
    share = (as_of - d0).days / (d1 - d0).days
    return min(max(p0 + (p1 - p0) * share, 0.0), 100.0)


# --- deviation, lights, status -----------------------------------------------------------------


def deviation_pct(actual: float, expected: float) -> float:
    """Deviation in percentage points; negative means behind 序时进度."""
    return actual - expected


def light(actual: float, expected: float, as_of: date, due: date, t: Thresholds) -> Light:
    """红黄绿灯: done at 100 %, red when overdue, else by the lag against the thresholds."""
    if actual >= 100:
        return Light.done
    if as_of > due:
        return Light.red
    lag = round(expected - actual, _PRECISION)
    if lag < t.yellow:
        return Light.green
    if lag <= t.red:
        return Light.yellow
    return Light.red


def status(actual: float, expected: float, as_of: date, due: date, t: Thresholds) -> Status:
    """The status word; it agrees with ``light`` by construction."""
    if actual >= 100:
        return Status.done
    if as_of > due:
        return Status.overdue
    colour = light(actual, expected, as_of, due, t)
    if colour == Light.yellow:
        return Status.behind
    if colour == Light.red:
        return Status.seriously_behind
    ahead = round(deviation_pct(actual, expected), _PRECISION) > 0
    return Status.ahead if ahead else Status.on_track


# --- forecast, lateness, staleness ------------------------------------------------------------


def forecast(figures: Sequence[tuple[date, float]], as_of: date, window: int = 3) -> date | None:
    """The date the project reaches 100 % at the pace of its last ``window`` figures.

    Pace is first to last of those figures (dated on or before ``as_of``), in pp per day.
    None when there is no pace to go on (fewer than two figures, a flat or falling pace,
    figures all on one day), when the project is already done, when the date would fall
    beyond the calendar, or when it falls before ``as_of``: the project did not report
    done by then, so its pace no longer says when it will be (it would read as finishing
    early, a project past its due date as less late than it already is).
    """
    if window < 2:
        raise InvalidValue("window", window, "a whole number of figures ≥ 2")
    known = sorted((f for f in figures if f[0] <= as_of), key=lambda f: f[0])[-window:]
    if len(known) < 2:
        return None
    (first_day, first_pct), (last_day, last_pct) = known[0], known[-1]
    if last_pct >= 100 or last_day == first_day:
        return None
    pace = (last_pct - first_pct) / (last_day - first_day).days
    if pace <= 0:
        return None
    try:  # a pace of 1e-313 pp a day divides to infinity: beyond the calendar too
        done = last_day + timedelta(days=math.ceil(round((100 - last_pct) / pace, _PRECISION)))
    except OverflowError:
        return None
    return done if done >= as_of else None


def days_late(forecast: date | None, due: date) -> int | None:
    """Days from the due date to the forecast; positive means late."""
    return None if forecast is None else (forecast - due).days


def is_stale(last_report: date | None, as_of: date, stale_days: int) -> bool:
    """True when no report came in, or the last one is more than ``stale_days`` old."""
    return last_report is None or (as_of - last_report).days > stale_days


def pct_of_target(done: float, target: float) -> float:
    """A quantity done as percent of its target (may exceed 100 when over-delivered)."""
    if not (math.isfinite(target) and target > 0):
        raise InvalidValue("target", target, "a quantity greater than 0")
    if not (math.isfinite(done) and done >= 0):
        raise InvalidValue("done", done, "a quantity ≥ 0")
    return done / target * 100

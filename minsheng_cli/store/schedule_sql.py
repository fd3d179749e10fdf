"""序时进度 (expected progress) and the lights as SQL expressions, for any date parameter.

The set-based twin of ``domain/schedule.py``: the same rules written once here, for a date
given as a named parameter (``:as_of`` in a single-date report, ``:d0``, ``:d1``… in a pass
that asks for several dates at once), over a ``projects`` row aliased ``p``.
``tests/reports/test_sql_matches_rules.py`` checks them against the domain's functions.
"""

from __future__ import annotations

# Float noise must not flip a light at exactly 10 or 30 pp: compare lags rounded to 1e-9
# (the same precision as domain.schedule).
PRECISION = 9


def linear_at(d: str) -> str:
    """Linear by days, inclusive: (D − start + 1) / (due − start + 1), clamped to 0..100."""
    return f"""max(0.0, min(100.0, 100.0 * (
    (julianday({d}) - julianday(p.start) + 1) / (julianday(p.due) - julianday(p.start) + 1))))"""


def month_no(d: str) -> str:
    return f"(CAST(strftime('%Y', {d}) AS INTEGER) * 12 + CAST(strftime('%m', {d}) AS INTEGER))"


def monthly_at(d: str) -> str:
    """By months (setting ``schedule_basis`` = months, parameter ``:months`` = 1): the
    project's k-th month-end stands at k/N, linear by days in between; NULL on the days
    basis.  Inline rather than a joined table: on the days basis it costs one test a row."""
    k = f"({month_no(d)} - {month_no('p.start')} + 1)"
    n = f"({month_no('p.due')} - {month_no('p.start')} + 1)"
    d0 = (f"(CASE WHEN {k} = 1 THEN date(p.start, '-1 day')"
          f" ELSE date({d}, 'start of month', '-1 day') END)")
    d1 = (f"(CASE WHEN {k} = {n} THEN p.due"
          f" ELSE date({d}, 'start of month', '+1 month', '-1 day') END)")
    return f"""CASE WHEN :months = 1 THEN
        CASE WHEN {d} < date(p.start, '-1 day') THEN 0.0
             WHEN {d} >= p.due THEN 100.0
             WHEN {d} = {d1} THEN 100.0 * {k} / {n}
             ELSE 100.0 * ({k} - 1) / {n} + (100.0 * {k} / {n} - 100.0 * ({k} - 1) / {n})
                  * ((julianday({d}) - julianday({d0})) / (julianday({d1}) - julianday({d0})))
        END END"""


def planned_at(d: str) -> str:
    """The plan's expected percentage at ``d`` (NULL outside start − 1 … due, or for a
    project without plan points in force), for the project ``p``.

    Plan points in force: the latest recorded for each date, strictly inside (start − 1,
    due).  With the knots (start − 1, 0 %) and (due, 100 %) they cut the plan into segments;
    the segment holding ``d`` runs from the last knot on or before it to the first after
    it.  Each knot is one seek in ``plan_points_project``: a table of every project's plan
    joined to the projects made SQLite's plan depend on its row estimates (it once scanned
    that table for each of 100,000 projects: 47 s instead of 1)."""
    inside = "date > date(p.start, '-1 day') AND date < p.due"
    points = f"FROM plan_points WHERE project_code = p.code AND {inside}"
    pct = ("(SELECT pct FROM plan_points WHERE project_code = p.code AND date = {knot}"
           " ORDER BY id DESC LIMIT 1)")  # the latest recorded for that date
    # The cheap test first: most projects have no plan points at all.
    return f"""CASE WHEN p.code IN (SELECT project_code FROM plan_points)
                 AND date(p.start, '-1 day') <= {d} AND {d} < p.due
                 AND EXISTS (SELECT 1 {points}) THEN (
        SELECT CASE WHEN {d} = d0 THEN p0
                    ELSE max(0.0, min(100.0, p0 + (p1 - p0) * ((julianday({d}) - julianday(d0))
                                                 / (julianday(d1) - julianday(d0))))) END
        FROM (SELECT COALESCE(before, date(p.start, '-1 day')) AS d0,
                     CASE WHEN before IS NULL THEN 0.0 ELSE {pct.format(knot="before")} END AS p0,
                     COALESCE(after, p.due) AS d1,
                     CASE WHEN after IS NULL THEN 100.0 ELSE {pct.format(knot="after")} END AS p1
              FROM (SELECT (SELECT max(date) {points} AND date <= {d}) AS before,
                           (SELECT min(date) {points} AND date > {d}) AS after))) END"""


def expected_at(d: str) -> str:
    """序时进度 at ``d`` of the project ``p``: the plan's, else by months, else linear by
    days."""
    return f"COALESCE({planned_at(d)}, {monthly_at(d)}, {linear_at(d)})"


def light_case(actual: str, lag: str, d: str, due: str = "due") -> str:
    """The light from the actual percentage and the lag (expected − actual, rounded to
    PRECISION), under the thresholds ``:yellow`` and ``:red``."""
    return f"""CASE WHEN {actual} >= 100 THEN 'done'
                WHEN {d} > {due} THEN 'red'
                WHEN {lag} < :yellow THEN 'green'
                WHEN {lag} <= :red THEN 'yellow'
                ELSE 'red' END"""


def status_case(actual: str, lag: str, d: str, due: str = "due") -> str:
    return f"""CASE WHEN {actual} >= 100 THEN 'done'
                WHEN {d} > {due} THEN 'overdue'
                WHEN {lag} >= :yellow AND {lag} <= :red THEN 'behind'
                WHEN {lag} > :red THEN 'seriously_behind'
                WHEN {lag} < 0 THEN 'ahead'
                ELSE 'on_track' END"""

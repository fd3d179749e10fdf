"""The read model of the reports: 序时进度 and deviation for every project, in one query.

The rules live in ``domain/schedule.py`` as pure functions; this module is their set-based
twin, so that a report over 100,000 projects and a million figures is one pass of SQLite
rather than a Python loop per project.  ``tests/reports/test_sql_matches_rules.py`` checks, on
random projects, plans and figures, that both give the same numbers.

``deviation_sql`` builds a query whose named parameters are ``as_of`` (ISO date),
``yellow``, ``red`` (pp), ``stale`` (days) and ``months`` (1 for the month basis).
"""

from __future__ import annotations

import json
import sqlite3

# Float noise must not flip a light at exactly 10 or 30 pp: compare lags rounded to 1e-9
# (the same precision as domain.schedule).
PRECISION = 9
# julianday('9999-12-31'): SQLite's date() gives NULL past it, and so no forecast (nor days late).
LAST_DAY = 5373484.5


def ceil_sql(x: str) -> str:
    """ceil() without SQLite's optional math functions."""
    return f"(CAST({x} AS INTEGER) + (({x}) > CAST({x} AS INTEGER)))"


# A figure that a later row corrects (progress.corrects) no longer counts.
# The latest figures are found per project by walking the (project_code, date, id) index
# backwards: 100,000 short index seeks cost less than numbering a million figures with a
# window function (measured at 100,000 projects: 0.2 s against 2 s).  CTEs that are joined
# or read more than once are MATERIALIZED; inlined, SQLite recomputes them per reference.
LATEST = """(SELECT id FROM progress
    WHERE project_code = p.code AND date <= :as_of AND {column} IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.corrects = progress.id)
    ORDER BY date DESC, id DESC LIMIT 1 OFFSET {offset})"""


def figures_cte(where: str, *, slim: bool = False, pace: bool = True,
                past_due_pace: bool = False) -> str:
    """Per project: the latest figure, the one the pace is measured from (the third
    latest, or the second when there are only two) and the latest funds figure.

    ``slim`` finds the latest figure only (lights and status need no more): three index
    walks per project fewer, for the passes that only ask which light a project had.
    Without ``pace``, the two walks for the pace's base are left out (no forecast).
    ``past_due_pace``: the pace (and so the forecast) of the projects past their due date
    only, and no funds — what the overdue report shows (a forecast for its overdue
    projects), without the walks for the 100,000 others."""
    base = "NULL" if slim or not pace else f"""COALESCE(
                    {LATEST.format(column="pct", offset=2)},
                    {LATEST.format(column="pct", offset=1)})"""
    if past_due_pace and base != "NULL":
        base = f"CASE WHEN :as_of > p.due THEN {base} END"
    funds = "NULL" if slim or past_due_pace else LATEST.format(column="funds", offset=0)
    return f"""
picks AS MATERIALIZED (
    SELECT p.rowid AS project_row, p.code,
           {LATEST.format(column="pct", offset=0)} AS latest_id,
           {base} AS base_id,
           {funds} AS funds_id
    FROM projects p {where}
)"""


# Plan points in force: the latest recorded for each date, strictly inside (start − 1, due).
# With the knots (start − 1, 0 %) and (due, 100 %) they cut the plan into segments; the
# segment holding :as_of runs from the last knot on or before it to the first after it.
# Found by one grouped min/max and two seeks rather than numbering every knot with a window
# function (0.16 → 0.09 s a pass at 100,000 projects, and the summary makes four passes).
KNOTS = """
plan_in_force AS MATERIALIZED (
    SELECT pp.project_code, pp.date, pp.pct, p.start, p.due
    FROM plan_points pp JOIN projects p ON p.code = pp.project_code
    WHERE pp.id IN (SELECT max(id) FROM plan_points GROUP BY project_code, date)
      AND pp.date > date(p.start, '-1 day') AND pp.date < p.due
),
plan_bounds AS MATERIALIZED (
    SELECT project_code, start, due,
           max(CASE WHEN date <= :as_of THEN date END) AS d_before,
           min(CASE WHEN date > :as_of THEN date END) AS d_after
    FROM plan_in_force GROUP BY project_code
),
segments AS (
    SELECT project_code,
           COALESCE(d_before, date(start, '-1 day')) AS d0,
           CASE WHEN d_before IS NULL THEN 0.0 ELSE (SELECT pct FROM plan_in_force f
                WHERE f.project_code = b.project_code AND f.date = b.d_before) END AS p0,
           COALESCE(d_after, due) AS d1,
           CASE WHEN d_after IS NULL THEN 100.0 ELSE (SELECT pct FROM plan_in_force f
                WHERE f.project_code = b.project_code AND f.date = b.d_after) END AS p1
    FROM plan_bounds b
    WHERE date(start, '-1 day') <= :as_of AND :as_of < due
),
planned AS MATERIALIZED (
    SELECT project_code,
           CASE WHEN :as_of = d0 THEN p0
                ELSE max(0.0, min(100.0, p0 + (p1 - p0) * ((julianday(:as_of) - julianday(d0))
                                                 / (julianday(d1) - julianday(d0))))) END AS pct
    FROM segments
)"""

# Linear by days, inclusive: (D − start + 1) / (due − start + 1), clamped to 0..100.
LINEAR = """max(0.0, min(100.0, 100.0 * (
    (julianday(:as_of) - julianday(p.start) + 1) / (julianday(p.due) - julianday(p.start) + 1))))"""

# By months: the project's k-th month-end stands at k/N, linear by days in between.
MONTH_NO = "(CAST(strftime('%Y', {d}) AS INTEGER) * 12 + CAST(strftime('%m', {d}) AS INTEGER))"
MONTHS = f"""
months AS (
    SELECT code, start, due,
           {MONTH_NO.format(d=':as_of')} - {MONTH_NO.format(d='start')} + 1 AS k,
           {MONTH_NO.format(d='due')} - {MONTH_NO.format(d='start')} + 1 AS n
    FROM projects WHERE :months = 1
),
by_month AS (
    SELECT code, start, due, k, n,
           CASE WHEN k = 1 THEN date(start, '-1 day')
                ELSE date(:as_of, 'start of month', '-1 day') END AS d0,
           CASE WHEN k = n THEN due
                ELSE date(:as_of, 'start of month', '+1 month', '-1 day') END AS d1
    FROM months
),
monthly AS MATERIALIZED (
    SELECT code AS project_code,
           CASE WHEN :as_of < date(start, '-1 day') THEN 0.0
                WHEN :as_of >= due THEN 100.0
                WHEN :as_of = d1 THEN 100.0 * k / n
                ELSE 100.0 * (k - 1) / n + (100.0 * k / n - 100.0 * (k - 1) / n)
                     * ((julianday(:as_of) - julianday(d0)) / (julianday(d1) - julianday(d0)))
           END AS pct
    FROM by_month
)"""


def deviation_sql(where: str = "", *, slim: bool = False, pace: bool = True,
                  past_due_pace: bool = False) -> str:
    """The deviation rows (one per project), filtered by ``where`` on the projects table.

    ``slim`` rows have the right light, status, actual and last report date, but no funds,
    pace or forecast (see ``figures_cte``); without ``pace``, no pace or forecast."""
    expected, actual = f"COALESCE(pl.pct, mo.pct, {LINEAR})", "COALESCE(l.pct, 0.0)"
    pace_sql = """CASE WHEN b.date IS NOT NULL AND l.date > b.date AND l.pct > b.pct AND l.pct < 100
                THEN (l.pct - b.pct) / (julianday(l.date) - julianday(b.date)) END"""
    return f"""
WITH {figures_cte(where, slim=slim, pace=pace, past_due_pace=past_due_pace)}, {KNOTS}, {MONTHS},
base AS MATERIALIZED (
    SELECT p.code, p.name, p.item, p.department, p.district, p.start, p.due, p.target,
           p.unit, p.budget,
           {expected} AS expected,
           {actual} AS actual,
           round({expected} - {actual}, {PRECISION}) AS lag,
           l.date AS last_report_date,
           CASE WHEN p.budget > 0 AND f.funds IS NOT NULL
                THEN f.funds * 100.0 / p.budget END AS funds_pct,
           f.funds AS funds,
           round((100.0 - l.pct) / ({pace_sql}), {PRECISION}) AS days_to_finish
    FROM picks
    JOIN projects p ON p.rowid = picks.project_row
    LEFT JOIN progress l ON l.id = picks.latest_id
    LEFT JOIN progress b ON b.id = picks.base_id
    LEFT JOIN progress f ON f.id = picks.funds_id
    LEFT JOIN planned pl ON pl.project_code = p.code
    LEFT JOIN monthly mo ON mo.project_code = p.code
),
lit AS (
    SELECT *,
           actual - expected AS deviation,
           CASE WHEN actual >= 100 THEN 'done'
                WHEN :as_of > due THEN 'red'
                WHEN lag < :yellow THEN 'green'
                WHEN lag <= :red THEN 'yellow'
                ELSE 'red' END AS light,
           CASE WHEN actual >= 100 THEN 'done'
                WHEN :as_of > due THEN 'overdue'
                WHEN lag >= :yellow AND lag <= :red THEN 'behind'
                WHEN lag > :red THEN 'seriously_behind'
                WHEN lag < 0 THEN 'ahead'
                ELSE 'on_track' END AS status,
           CASE WHEN last_report_date IS NULL
                  OR julianday(:as_of) - julianday(last_report_date) > :stale
                THEN 1 ELSE 0 END AS stale,
           CASE WHEN days_to_finish IS NOT NULL
                THEN date(last_report_date, '+' || days || ' days') END AS forecast_date,
           CASE WHEN days_to_finish IS NOT NULL AND julianday(last_report_date) + days <= {LAST_DAY}
                THEN CAST(julianday(last_report_date) + days - julianday(due) AS INTEGER)
           END AS days_late
    FROM (SELECT *, {ceil_sql("days_to_finish")} AS days FROM base)
)
SELECT code, name, item, department, district, start, due, target, unit, budget,
       expected AS expected_pct, actual AS actual_pct, deviation AS deviation_pct,
       funds, funds_pct, light, status, last_report_date, stale, forecast_date, days_late,
       CASE status WHEN 'overdue' THEN 0 WHEN 'seriously_behind' THEN 1 WHEN 'behind' THEN 2
                   WHEN 'on_track' THEN 3 WHEN 'ahead' THEN 4 ELSE 5 END AS rank
FROM lit"""


def deviation_query(
    params: dict,
    *,
    item: str | None = None,
    department: str | None = None,
    district: str | None = None,
    lights: list[str] | None = None,
    code: str | None = None,
    late_or: set[str] | None = None,
    keys: tuple[str, ...] | None = None,
    past_due_pace: bool = False,
) -> tuple[str, dict]:
    """The deviation rows' query and its parameters, worst first (status, then deviation,
    then code); ``keys`` picks the columns (all when None); ``past_due_pace``: see
    ``figures_cte``.

    ``late_or`` keeps only the rows an overdue report lists — overdue, seriously behind,
    no figure yet — plus the given codes, so that 100,000 on-track rows never reach
    Python."""
    clauses, values = [], dict(params)
    for column, value in (("item", item), ("department", department), ("district", district),
                          ("code", code)):
        if value is not None:
            clauses.append(f"p.{column} = :f_{column}")
            values[f"f_{column}"] = value
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    outer = ""
    if lights:
        marks = ", ".join(f":light{i}" for i in range(len(lights)))
        values.update({f"light{i}": light for i, light in enumerate(lights)})
        outer = f"WHERE light IN ({marks})"
    if late_or is not None:
        values["late_or"] = json.dumps(sorted(late_or))
        outer = ("WHERE status IN ('overdue', 'seriously_behind') OR last_report_date IS NULL"
                 " OR code IN (SELECT value FROM json_each(:late_or))")
    if keys is not None and not all(key.isidentifier() for key in keys):
        raise ValueError(f"not column names: {keys}")
    picked = "*" if keys is None else ", ".join(keys)
    sql = (f"SELECT {picked} FROM ({deviation_sql(where, past_due_pace=past_due_pace)})"
           f" {outer}"
           " ORDER BY rank, deviation_pct, code")
    return sql, values


def deviation_rows(db: sqlite3.Connection, params: dict, **filters) -> list[dict]:
    """Deviation rows as dicts (see ``deviation_query`` for the filters)."""
    return dicts(db, *deviation_query(params, **filters))


def deviation_tuples(
    db: sqlite3.Connection, params: dict, keys: tuple[str, ...], **filters
) -> sqlite3.Cursor:
    """The same rows as plain tuples of ``keys``, straight from the cursor: a report
    written as it is read holds no 100,000 dicts."""
    return tuples(db, *deviation_query(params, keys=keys, **filters))


def dicts(db: sqlite3.Connection, sql: str, params) -> list[dict]:
    """Rows as dicts, built from plain tuples: dict(sqlite3.Row) costs twice as much, and a
    report may hold 100,000 rows."""
    cursor = tuples(db, sql, params)
    keys = [d[0] for d in cursor.description]
    return [dict(zip(keys, row, strict=True)) for row in cursor]


def deviation_by_item(db: sqlite3.Connection, params: dict) -> list[dict]:
    """Roll-up per item (件): projects per light, mean actual and expected."""
    sql = f"""
        SELECT item, count(*) AS projects,
               sum(light = 'red') AS red, sum(light = 'yellow') AS yellow,
               sum(light = 'green') AS green, sum(light = 'done') AS done,
               sum(status = 'overdue') AS overdue,
               avg(expected_pct) AS expected_pct, avg(actual_pct) AS actual_pct,
               avg(actual_pct) - avg(expected_pct) AS deviation_pct
        FROM ({deviation_sql()})
        GROUP BY item ORDER BY deviation_pct, item"""
    return [dict(r) for r in db.execute(sql, params)]


STANDING = ("code", "light", "status", "expected_pct", "actual_pct", "deviation_pct",
            "funds_pct", "stale")


def standings(db: sqlite3.Connection, params: dict) -> dict[str, tuple]:
    """code → the few columns a checklist shows, as a tuple in the order of STANDING
    (plain tuples, not dicts or sqlite3.Row: 100,000 of them)."""
    sql = f"SELECT {', '.join(STANDING)} FROM ({deviation_sql(pace=False)})"
    return {r[0]: r for r in tuples(db, sql, params)}


def behind_codes(db: sqlite3.Connection, params: dict, among: set[str] | None = None) -> set[str]:
    """Codes of the projects yellow or red at ``params['as_of']`` (only ``among`` these
    codes when given: the second month-end need only look at those behind at the first)."""
    where, values = "", params
    if among is not None:
        where = "WHERE p.code IN (SELECT value FROM json_each(:among))"
        values = {**params, "among": json.dumps(sorted(among))}
    sql = (f"SELECT code FROM ({deviation_sql(where, slim=True)})"
           " WHERE light IN ('yellow', 'red')")
    return {code for code, in tuples(db, sql, values)}


def lights_of(db: sqlite3.Connection, params: dict) -> dict[str, tuple]:
    """code → (light, name, status, last_report_date, start) at ``params['as_of']``: enough
    for light changes and the counts of a summary, in one pass."""
    sql = ("SELECT code, light, name, status, last_report_date, start"
           f" FROM ({deviation_sql(slim=True)})")
    return {r[0]: r[1:] for r in tuples(db, sql, params)}


def tuples(db: sqlite3.Connection, sql: str, params) -> sqlite3.Cursor:
    """Rows as plain tuples (not sqlite3.Row): for passes over every project."""
    cursor = db.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)

"""The read model of the reports: 序时进度 and deviation for every project, in one query.

The rules live in ``domain/schedule.py`` as pure functions; ``store/schedule_sql.py`` writes
them as SQL and this module builds the reports' queries from it, so that a report over
100,000 projects and a million figures is one pass of SQLite rather than a Python loop per
project.  ``tests/reports/test_sql_matches_rules.py`` checks, on
random projects, plans and figures, that both give the same numbers.

``deviation_sql`` builds a query whose named parameters are ``as_of`` (ISO date),
``yellow``, ``red`` (pp), ``stale`` (days) and ``months`` (1 for the month basis).
"""

from __future__ import annotations

import functools
import heapq
import itertools
import operator
import sqlite3
from collections.abc import Iterator

from minsheng_cli.store import parallel
from minsheng_cli.store.schedule_sql import (
    PRECISION,
    expected_at,
    light_case,
    status_case,
)

# julianday('9999-12-31'): SQLite's date() gives NULL past it, and so no forecast (nor days late).
LAST_DAY = 5373484.5
# A forecast: a pace to go on, and a date not before :as_of (domain.schedule.forecast).
FORECAST = "days_to_finish IS NOT NULL AND last_day + days >= julianday(:as_of)"


# The order of the statuses in a report (the query's ``rank``), worst first; then done.
RANKS = {"overdue": 0, "seriously_behind": 1, "behind": 2, "on_track": 3, "ahead": 4}
RANK = ("CASE status " + " ".join(f"WHEN '{status}' THEN {rank}" for status, rank in RANKS.items())
        + f" ELSE {len(RANKS)} END")


# The order of the deviation rows: the status's rank (RANK), the deviation, the code.
# ``sort_deviation`` is the deviation with NULL as -1e308 (first, as SQLite sorts NULL; a
# deviation is within ±100): none of the three is NULL, so Python compares them as SQLite
# does when it merges slices read side by side (``deviation_side_by_side``).
DEVIATION_ORDER = ("rank", "sort_deviation", "code")

# The projects of one slice (``parallel.project_slices``): rowids lo..hi.  None: all.
Slice = tuple[int, int] | None
SLICE = "p.rowid BETWEEN :slice_lo AND :slice_hi"


def slice_where(rows: Slice) -> str:
    return "" if rows is None else f"WHERE {SLICE}"


def slice_params(params: dict, rows: Slice) -> dict:
    """``params`` and the slice's bounds."""
    return params if rows is None else {**params, "slice_lo": rows[0], "slice_hi": rows[1]}


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


def figures_cte(where: str, *, pace: bool = True, past_due_pace: bool = False) -> str:
    """Per project: the latest figure, the one the pace is measured from (the third
    latest, or the second when there are only two), the latest funds figure, and the
    序时进度 (expected percentage) at ``:as_of``.

    Without ``pace``, the two walks for the pace's base are left out (no forecast).
    ``past_due_pace``: the pace (and so the forecast) of the projects past their due date
    only, and no funds — what the overdue report shows (a forecast for its overdue
    projects), without the walks for the 100,000 others."""
    base = "NULL" if not pace else f"""COALESCE(
                    {LATEST.format(column="pct", offset=2)},
                    {LATEST.format(column="pct", offset=1)})"""
    if past_due_pace and base != "NULL":
        base = f"CASE WHEN :as_of > p.due THEN {base} END"
    funds = "NULL" if past_due_pace else LATEST.format(column="funds", offset=0)
    return f"""
picks AS MATERIALIZED (
    SELECT p.rowid AS project_row, p.code,
           {LATEST.format(column="pct", offset=0)} AS latest_id,
           {base} AS base_id,
           {funds} AS funds_id,
           {expected_at(":as_of")} AS expected
    FROM projects p {where}
)"""


def deviation_sql(where: str = "", *, pace: bool = True, past_due_pace: bool = False) -> str:
    """The deviation rows (one per project), filtered by ``where`` on the projects table;
    without ``pace``, no pace or forecast (see ``figures_cte``).  For lights and status
    alone, at one date or several, ``lights_ctes`` makes a lighter pass."""
    expected, actual = "picks.expected", "COALESCE(l.pct, 0.0)"
    pace_sql = """CASE WHEN b.date IS NOT NULL AND l.date > b.date AND l.pct > b.pct AND l.pct < 100
                THEN (l.pct - b.pct) / (julianday(l.date) - julianday(b.date)) END"""
    picks = figures_cte(where, pace=pace, past_due_pace=past_due_pace)
    return f"""
WITH {picks},
base AS MATERIALIZED (
    SELECT p.code, p.name, p.item, p.department, p.district, p.start, p.due, p.target,
           p.unit, p.budget,
           {expected} AS expected,
           {actual} AS actual,
           round({expected} - {actual}, {PRECISION}) AS lag,
           l.date AS last_report_date, julianday(l.date) AS last_day,
           CASE WHEN p.budget > 0 AND f.funds IS NOT NULL
                THEN f.funds * 100.0 / p.budget END AS funds_pct,
           f.funds AS funds,
           round((100.0 - l.pct) / ({pace_sql}), {PRECISION}) AS days_to_finish
    FROM picks
    JOIN projects p ON p.rowid = picks.project_row
    LEFT JOIN progress l ON l.id = picks.latest_id
    LEFT JOIN progress b ON b.id = picks.base_id
    LEFT JOIN progress f ON f.id = picks.funds_id
),
lit AS (
    SELECT *,
           actual - expected AS deviation,
           {light_case("actual", "lag", ":as_of")} AS light,
           {status_case("actual", "lag", ":as_of")} AS status,
           CASE WHEN last_report_date IS NULL
                  OR julianday(:as_of) - last_day > :stale
                THEN 1 ELSE 0 END AS stale,
           CASE WHEN {FORECAST} THEN date(last_day + days) END AS forecast_date,
           CASE WHEN {FORECAST} AND last_day + days <= {LAST_DAY}
                THEN CAST(last_day + days - julianday(due) AS INTEGER)
           END AS days_late
    FROM (SELECT *, {ceil_sql("days_to_finish")} AS days FROM base)
)
SELECT code, name, item, department, district, start, due, target, unit, budget,
       expected AS expected_pct, actual AS actual_pct, deviation AS deviation_pct,
       funds, funds_pct, light, status, last_report_date, stale, forecast_date, days_late,
       {RANK} AS rank, COALESCE(deviation, -1e308) AS sort_deviation
FROM lit"""


def deviation_query(
    params: dict,
    *,
    item: str | None = None,
    department: str | None = None,
    district: str | None = None,
    lights: list[str] | None = None,
    code: str | None = None,
    keys: tuple[str, ...] | None = None,
    rows: Slice = None,
) -> tuple[str, dict]:
    """The deviation rows' query and its parameters, worst first (status, then deviation,
    then code); ``keys`` picks the columns (all when None); ``rows``: only the projects
    of that slice (``parallel.project_slices``).  (Overdue's rows: ``late_query``.)"""
    clauses, values = project_filters(item=item, department=department, district=district,
                                      code=code)
    values.update(slice_params(params, rows))
    if rows is not None:
        clauses.append(SLICE)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    outer = ""
    if lights:
        marks = ", ".join(f":light{i}" for i in range(len(lights)))
        values.update({f"light{i}": light for i, light in enumerate(lights)})
        outer = f"WHERE light IN ({marks})"
    if keys is not None and not all(key.isidentifier() for key in keys):
        raise ValueError(f"not column names: {keys}")
    picked = "*" if keys is None else ", ".join(keys)
    sql = (f"SELECT {picked} FROM ({deviation_sql(where)})"
           f" {outer}"
           f" ORDER BY {', '.join(DEVIATION_ORDER)}")
    return sql, values


def project_filters(**filters: str | None) -> tuple[list[str], dict]:
    """Conditions on the projects ``p`` (column = value, for those given) and their
    parameters (``f_column``)."""
    clauses, values = [], {}
    for column, value in filters.items():
        if value is not None:
            clauses.append(f"p.{column} = :f_{column}")
            values[f"f_{column}"] = value
    return clauses, values


def deviation_rows(db: sqlite3.Connection, params: dict, **filters) -> list[dict]:
    """Deviation rows as dicts (see ``deviation_query`` for the filters)."""
    return dicts(db, *deviation_query(params, **filters))


def deviation_tuples(
    db: sqlite3.Connection, params: dict, keys: tuple[str, ...], **filters
) -> sqlite3.Cursor:
    """The same rows as plain tuples of ``keys``, straight from the cursor: a report
    written as it is read holds no 100,000 dicts."""
    return tuples(db, *deviation_query(params, keys=keys, **filters))


def deviation_side_by_side(
    db: sqlite3.Connection, path, params: dict, keys: tuple[str, ...], **filters
) -> Iterator[tuple]:
    """``deviation_tuples``, the slices of the projects read side by side
    (``store/parallel.py``) and merged in the query's order."""
    extra = tuple(key for key in DEVIATION_ORDER if key not in keys)
    order = operator.itemgetter(*((keys + extra).index(key) for key in DEVIATION_ORDER))
    slices = parallel.project_slices(db)
    with parallel.one_state(db, path, len(slices)) as run:
        cursors = run([functools.partial(deviation_tuples, params=params, keys=keys + extra,
                                         rows=rows, **filters) for rows in slices])
        merged = heapq.merge(*cursors, key=order)
        if extra:
            width = len(keys)
            merged = (row[:width] for row in merged)
        yield from merged


def merged_rows(parts: list[list[tuple]], keys: tuple[str, ...]) -> list[tuple]:
    """Deviation rows of several slices (each in the query's order; tuples of ``keys``)
    in the query's order."""
    order = operator.itemgetter(*(keys.index(key) for key in DEVIATION_ORDER))
    return list(heapq.merge(*parts, key=order))


def dicts(db: sqlite3.Connection, sql: str, params) -> list[dict]:
    """Rows as dicts, built from plain tuples: dict(sqlite3.Row) costs twice as much, and a
    report may hold 100,000 rows."""
    cursor = tuples(db, sql, params)
    return as_dicts([d[0] for d in cursor.description], cursor)


def as_dicts(keys: list[str], rows) -> list[dict]:
    """Rows (a cursor's, so as long as ``keys``) as dicts; mapped rather than a
    comprehension, half the time for 100,000 rows."""
    return list(map(dict, map(zip, itertools.repeat(keys), rows)))


def deviation_by_item(db: sqlite3.Connection, params: dict, **filters: str | None
                      ) -> list[dict]:
    """Roll-up per item (件): projects per light, mean actual and expected; of the
    projects of ``filters`` (item, department, district) only, when given."""
    clauses, values = project_filters(**filters)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    sql = f"""
        SELECT item, count(*) AS projects,
               sum(light = 'red') AS red, sum(light = 'yellow') AS yellow,
               sum(light = 'green') AS green, sum(light = 'done') AS done,
               sum(status = 'overdue') AS overdue,
               avg(expected_pct) AS expected_pct, avg(actual_pct) AS actual_pct,
               avg(actual_pct) - avg(expected_pct) AS deviation_pct
        FROM ({deviation_sql(where)})
        GROUP BY item ORDER BY deviation_pct, item"""
    return [dict(r) for r in db.execute(sql, {**params, **values})]


STANDING = ("code", "light", "status", "expected_pct", "actual_pct", "deviation_pct",
            "funds_pct", "stale")


def standings(params: dict, rows: Slice = None) -> parallel.Job:
    """A read job (``store/parallel.py``): code → the few columns a checklist shows, as a
    tuple in the order of STANDING (plain tuples, not dicts or sqlite3.Row: 100,000 of
    them); ``rows``: of that slice of the projects only.  In no order: they are looked up
    by code (a sort by code cost 0.02-0.03 CPU s at 100,000 projects)."""
    sql = f"SELECT {', '.join(STANDING)} FROM ({deviation_sql(slice_where(rows), pace=False)})"
    return parallel.fetch(sql, slice_params(params, rows), lambda _, found: by_code(found))


def by_code(rows) -> dict[str, tuple]:
    """Rows whose first column is the code, by code."""
    return {row[0]: row for row in rows}


# -- lights at several dates in one pass -------------------------------------------------------

# The latest figure's percentage at a date, from the covering index (no table row read).
LATEST_PCT = """(SELECT pct FROM progress
    WHERE project_code = p.code AND date <= {d} AND pct IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.corrects = progress.id)
    ORDER BY date DESC, id DESC LIMIT 1)"""


def lights_ctes(count: int, rows: Slice = None) -> str:
    """CTEs ending in ``lit (code, name, start, light0, status0, reported0, light1, …)``:
    each project's light and status at the dates ``:d0``, ``:d1``… (``reported``: it had a
    figure by then), in one pass over the projects — the summary asks for four dates and
    overdue for two, and a pass each cost the projects' scan, the plan and 100,000 rows
    read into Python every time.  The same rules as ``deviation_sql`` (from
    ``schedule_sql``).  ``rows``: only the projects of that slice (then the parameters
    need ``slice_params``)."""
    dates = [f":d{k}" for k in range(count)]
    figures = ",\n           ".join(
        f"{LATEST_PCT.format(d=d)} AS a{k}, {expected_at(d)} AS e{k}"
        for k, d in enumerate(dates))
    lags = ",\n           ".join(
        f"a{k} IS NOT NULL AS reported{k}, COALESCE(a{k}, 0.0) AS actual{k},"
        f" round(e{k} - COALESCE(a{k}, 0.0), {PRECISION}) AS lag{k}" for k in range(count))
    lights = ",\n           ".join(
        f"""{light_case(f"actual{k}", f"lag{k}", d)} AS light{k},
           {status_case(f"actual{k}", f"lag{k}", d)} AS status{k},
           reported{k}""" for k, d in enumerate(dates))
    # Both MATERIALIZED: each figure's walk and each round() run once, not once for each
    # time the lights name them (round() six times a date cost 0.3 s at 100,000 projects).
    return f"""
figures AS MATERIALIZED (
    SELECT p.code, p.name, p.start, p.due,
           {figures}
    FROM projects p {slice_where(rows)}
),
standing AS MATERIALIZED (
    SELECT code, name, start, due,
           {lags}
    FROM figures
),
lit AS (
    SELECT code, name, start,
           {lights}
    FROM standing
)"""


def dated(params: dict, dates: list[str]) -> dict:
    """``params`` (thresholds, basis) with the dates as ``d0``, ``d1``…"""
    return {**params, **{f"d{k}": d for k, d in enumerate(dates)}}


def lights_at(db: sqlite3.Connection, params: dict, dates: list[str]) -> sqlite3.Cursor:
    """Every project's (code, name, start, light0, status0, reported0, light1, …) at
    ``dates``, by code."""
    sql = f"WITH {lights_ctes(len(dates))} SELECT * FROM lit ORDER BY code"
    return tuples(db, sql, dated(params, dates))


BEHIND = "IN ('yellow', 'red')"


def late_query(params: dict, month_ends: list[str], rows: Slice = None) -> tuple[str, dict]:
    """The deviation rows an overdue report lists, of one slice of the projects (all for
    None), worst first, each ending in ``behind``: yellow or red at each of
    ``month_ends`` (约谈 is due).  Listed: the overdue, the seriously behind, the ones
    without a figure and the behind ones.  One lights pass (``lights_ctes``) at the
    as-of date and the month-ends picks them; the full deviation row, with a forecast for
    the projects past their due date only and no funds, is made for those alone (a
    second pass over 100,000 projects, and the codes taken to Python and back, cost 0.3
    CPU s at 100,000)."""
    count = 1 + len(month_ends)
    behind = " AND ".join(f"light{k} {BEHIND}" for k in range(1, count)) or "0"
    listed = "WHERE p.code IN (SELECT code FROM late)"
    sql = f"""WITH {lights_ctes(count, rows)},
late AS MATERIALIZED (
    SELECT code, {behind} AS behind FROM lit
    WHERE status0 IN ('overdue', 'seriously_behind') OR NOT reported0 OR ({behind}))
SELECT d.*, d.code IN (SELECT code FROM late WHERE behind) AS behind
FROM ({deviation_sql(listed, past_due_pace=True)}) d
ORDER BY {', '.join(DEVIATION_ORDER)}"""
    return sql, slice_params(dated(params, [params["as_of"], *month_ends]), rows)


def late_projects(params: dict, month_ends: list[str], rows: Slice = None) -> parallel.Job:
    """A read job: of one slice of the projects, (the codes yellow or red at both
    month-ends, the columns of ``late_query``'s rows without ``behind``, the rows as
    tuples of those)."""

    def finish(keys: list[str], listed: list[tuple]
               ) -> tuple[set[str], tuple[str, ...], list[tuple]]:
        code = keys.index("code")
        behind = {row[code] for row in listed if row[-1]}
        return behind, tuple(keys[:-1]), [row[:-1] for row in listed]

    return parallel.fetch(*late_query(params, month_ends, rows), finish)


SUMMARY_TOTALS = ("projects", "red", "yellow", "green", "done", "projects_overdue",
                  "projects_red", "behind_two_months", "no_progress")


def summary_standing(
    db: sqlite3.Connection, params: dict, before: str, end: str, month_ends: list[str],
    rows: Slice = None,
) -> tuple[dict[str, int], list[dict]]:
    """What a summary tells of the projects, in one pass: the counts of SUMMARY_TOTALS at
    ``end`` (lights; overdue's project sections, behind meaning yellow or red at each of
    ``month_ends`` and not done), and the projects whose light differs from ``before``'s
    (code, name, from, to; by code).  Counted in SQL: no 100,000 rows reach Python.
    ``rows``: of that slice of the projects only (``merged_standing`` adds slices up)."""
    behind = " AND ".join([f"light{k} {BEHIND}" for k in range(2, 2 + len(month_ends))]
                          or ["0"])
    sql = f"""WITH {lights_ctes(2 + len(month_ends), rows)}
        SELECT 0, NULL, NULL, NULL, NULL, count(*),
               sum(light1 = 'red'), sum(light1 = 'yellow'), sum(light1 = 'green'),
               sum(light1 = 'done'), sum(status1 = 'overdue'),
               sum(status1 = 'seriously_behind'), sum({behind} AND status1 != 'done'),
               sum(NOT reported1 AND start <= :d1)
        FROM lit
        UNION ALL
        SELECT 1, code, name, light0, light1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               NULL, NULL
        FROM lit WHERE light0 != light1
        ORDER BY 1, 2"""
    found = tuples(db, sql, slice_params(dated(params, [before, end, *month_ends]), rows))
    totals = dict(zip(SUMMARY_TOTALS, [n or 0 for n in next(found)[5:]], strict=True))
    changes = [{"code": code, "name": name, "from": light_from, "to": light_to}
               for _, code, name, light_from, light_to, *_ in found]
    return totals, changes


def merged_standing(
    parts: list[tuple[dict[str, int], list[dict]]]
) -> tuple[dict[str, int], list[dict]]:
    """``summary_standing`` of the whole register from those of its slices."""
    totals = {key: sum(part[key] for part, _ in parts) for key in SUMMARY_TOTALS}
    changes = list(heapq.merge(*(changed for _, changed in parts), key=lambda row: row["code"]))
    return totals, changes


def tuples(db: sqlite3.Connection, sql: str, params) -> sqlite3.Cursor:
    """Rows as plain tuples (not sqlite3.Row): for passes over every project."""
    cursor = db.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, params)

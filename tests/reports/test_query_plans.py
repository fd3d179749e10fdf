"""The report queries reach figures and plan points through their indexes.

Times are measured in bench/, not here; but a query that scans a table once per project is
a failure of shape, not of speed, and shows in SQLite's plan on any register: a lights pass
that once scanned a joined table for each of 100,000 projects took 47 s instead of 1.
"""

from __future__ import annotations

import sqlite3

import pytest

from minsheng_cli.store import reports

PARAMS = {"as_of": "2021-06-16", "yellow": 10.0, "red": 30.0, "stale": 30, "months": 0}
DATES = ["2021-06-13", "2021-06-20", "2021-05-31", "2021-04-30"]


def plan(db: sqlite3.Connection, sql: str, params: dict) -> list[str]:
    return [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, params)]


QUERIES = {
    "deviation": lambda: reports.deviation_query(PARAMS),
    "overdue rows": lambda: reports.late_query(PARAMS, DATES[2:]),
    "lights at four dates": lambda: (
        f"WITH {reports.lights_ctes(len(DATES))} SELECT * FROM lit",
        reports.dated(PARAMS, DATES)),
}


# p: the projects; the rest are tables made once from that pass (late: overdue's listed
# projects, read once to pick them, once for the codes behind).
ALLOWED_SCANS = {"p", "picks", "base", "figures", "standing", "lit", "late", "CONSTANT",
                 "json_each"}


@pytest.mark.parametrize("name", QUERIES)
def test_per_project_lookups_are_index_searches(sample, name):
    sql, params = QUERIES[name]()
    db = sqlite3.connect(sample.db)
    try:
        steps = plan(db, sql, params)
    finally:
        db.close()
    scanned = {s.split()[1] for s in steps if s.startswith("SCAN")}
    # One pass over the projects (p) and over the tables made from it is the report
    # itself (plus one-row subqueries and the list of codes); figures, corrections and
    # plan points are sought by index, never scanned.
    assert scanned <= ALLOWED_SCANS | {s for s in scanned if s.startswith("(subquery-")}, steps
    assert any("progress_figures" in s for s in steps), steps

"""Read model of the special inspection report (专项视察报告): visit coverage over every
window of a period, and the issues as they stood on the report's date.

Coverage follows the one rule of ``store/coverage.OWED`` (a group owes one visit per
assigned project per window in which the project runs; a visit counts when it falls in the
window and on or before the date asked about), applied to all the windows of a period at
once: one query for a year's twelve months and four quarters.
"""

from __future__ import annotations

import json
import sqlite3

from minsheng_cli.store.coverage import LAST_VISIT, OPEN_AT, OWED, issues_as_of


def window_coverage(db: sqlite3.Connection, windows: list[dict], as_of: str) -> list[dict]:
    """Per group and window of its cadence: the project visits owed and those made
    (every group, every window, zeros included)."""
    sql = f"""
        WITH {OWED},
        counts AS (
            SELECT group_id, label, count(*) AS owed, sum(visited) AS visited
            FROM owed GROUP BY group_id, label
        )
        SELECT g.id AS group_id, g.name AS "group", g.level, g.cadence, w.label AS window,
               w.start, w.finish AS "end", COALESCE(c.owed, 0) AS owed,
               COALESCE(c.visited, 0) AS visited
        FROM supervision_groups g JOIN windows w ON w.cadence = g.cadence
        LEFT JOIN counts c ON c.group_id = g.id AND c.label = w.label
        ORDER BY g.level DESC, g.name, w.start"""
    params = {"windows": json.dumps(windows), "as_of": as_of}
    return [dict(r) for r in db.execute(sql, params)]


def group_counts(
    db: sqlite3.Connection, start: str, end: str, codes: list[str]
) -> dict[str, tuple[int, int, int]]:
    """Group name → (projects assigned, visits, projects visited) between ``start`` and
    ``end`` (inclusive), counting the projects of ``codes`` only (a report's: a register
    may hold another year's list)."""
    chosen = "IN (SELECT value FROM json_each(:codes))"
    sql = f"""
        SELECT g.name,
               (SELECT count(*) FROM assignments a
                 WHERE a.group_id = g.id AND a.project_code {chosen}),
               count(v.id), count(DISTINCT v.project_code)
        FROM supervision_groups g
        LEFT JOIN visits v ON v.group_id = g.id AND v.date BETWEEN :start AND :end
                          AND v.project_code {chosen}
        GROUP BY g.id"""
    return {name: (assigned, visits, projects) for name, assigned, visits, projects in
            db.execute(sql, {"start": start, "end": end, "codes": json.dumps(codes)})}


def missed_visits(db: sqlite3.Connection, windows: list[dict], as_of: str) -> list[dict]:
    """The project visits owed in windows that ended by ``as_of`` and not made."""
    sql = f"""
        WITH {OWED}
        SELECT g.name AS "group", g.level, o.label AS window, o.project_code AS code, p.name,
               p.district, {LAST_VISIT} AS last_visit
        FROM owed o
        JOIN supervision_groups g ON g.id = o.group_id
        JOIN projects p ON p.code = o.project_code
        WHERE NOT o.visited AND o.finish <= :as_of
        ORDER BY g.level DESC, g.name, o.start, o.project_code"""
    params = {"windows": json.dumps(windows), "as_of": as_of}
    return [dict(r) for r in db.execute(sql, params)]


def issues_at(db: sqlite3.Connection, start: str, as_of: str) -> list[dict]:
    """Issues found between ``start`` and ``as_of``, and older ones still open at the end
    of ``as_of``, each as it stood then (status, deadline, unit to rectify)."""
    sql = f"""
        WITH {issues_as_of()}
        SELECT i.id, i.project_code AS code, p.name, p.item, i.category, i.severity, i.text,
               COALESCE(i.department, p.department) AS department, i.status, i.deadline,
               i.found_on, g.name AS "group"
        FROM issues_as_of i
        JOIN projects p ON p.code = i.project_code
        JOIN issues base ON base.id = i.id
        LEFT JOIN supervision_groups g ON g.id = base.group_id
        WHERE i.found_on >= :start OR {OPEN_AT}
        ORDER BY i.id"""
    return [dict(r) for r in db.execute(sql, {"start": start, "as_of": as_of})]

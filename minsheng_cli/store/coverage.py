"""Visit coverage (走访覆盖): who owes which visit in which window, and the checklist rows.

A group owes one visit per assigned project per window (a month for grassroots groups, a
quarter for municipal ones).  A project counts in a window when it runs during it (start on
or before the window's end, due on or after its start).
"""

from __future__ import annotations

import sqlite3

from minsheng_cli.store.register import filters


def visits_owed(
    db: sqlite3.Connection, cadence: str, start: str, end: str, as_of: str
) -> list[dict]:
    """Assigned projects that a group of ``cadence`` did not visit between start and end.

    Only visits dated on or before ``as_of`` count (a report as of a past date ignores what
    came after).
    """
    sql = """
        SELECT g.name AS "group", g.level, a.project_code AS code, p.name, p.department,
               p.district,
               (SELECT max(v.date) FROM visits v WHERE v.group_id = a.group_id
                  AND v.project_code = a.project_code AND v.date <= :as_of) AS last_visit
        FROM assignments a
        JOIN supervision_groups g ON g.id = a.group_id
        JOIN projects p ON p.code = a.project_code
        WHERE g.cadence = :cadence AND p.start <= :end AND p.due >= :start
          AND NOT EXISTS (
              SELECT 1 FROM visits v
              WHERE v.group_id = a.group_id AND v.project_code = a.project_code
                AND v.date BETWEEN :start AND min(:end, :as_of))
        ORDER BY g.name, a.project_code"""
    params = {"cadence": cadence, "start": start, "end": end, "as_of": as_of}
    return [dict(r) for r in db.execute(sql, params)]


def checklist_rows(
    db: sqlite3.Connection, group_id: int, start: str, end: str, as_of: str
) -> list[dict]:
    """One row per project assigned to the group, with its visits and open issues."""
    sql = """
        SELECT p.code, p.name, p.department, p.district, p.due,
               (SELECT max(v.date) FROM visits v WHERE v.project_code = p.code
                  AND v.date <= :as_of) AS last_visit_any,
               (SELECT max(v.date) FROM visits v WHERE v.project_code = p.code
                  AND v.group_id = :group_id AND v.date <= :as_of) AS last_visit_group,
               (SELECT min(v.date) FROM visits v WHERE v.project_code = p.code
                  AND v.group_id = :group_id AND v.date BETWEEN :start AND min(:end, :as_of))
                  AS visited_on,
               (SELECT group_concat(i.id, ';') FROM issues i WHERE i.project_code = p.code
                  AND i.status IN ('open', 'transferred', 'responded')
                  AND i.found_on <= :as_of) AS open_issue_ids,
               (SELECT group_concat('#' || i.id || ' ' || i.text, '；') FROM issues i
                  WHERE i.project_code = p.code
                  AND i.status IN ('open', 'transferred', 'responded')
                  AND i.found_on <= :as_of) AS open_issues,
               (SELECT group_concat(DISTINCT i.category) FROM issues i
                  WHERE i.project_code = p.code
                  AND i.status IN ('open', 'transferred', 'responded')
                  AND i.found_on <= :as_of) AS open_categories
        FROM assignments a JOIN projects p ON p.code = a.project_code
        WHERE a.group_id = :group_id AND p.start <= :end AND p.due >= :start
        ORDER BY p.code"""
    params = {"group_id": group_id, "start": start, "end": end, "as_of": as_of}
    return [dict(r) for r in db.execute(sql, params)]


def groups_for_checklist(
    db: sqlite3.Connection, name: str | None, level: str | None
) -> list[dict]:
    where, params = filters(("name = ?", name), ("level = ?", level))
    sql = f"SELECT * FROM supervision_groups {where} ORDER BY level DESC, name"
    return [dict(r) for r in db.execute(sql, params)]


def overdue_issues(db: sqlite3.Connection, as_of: str) -> list[dict]:
    sql = """
        SELECT i.id, i.project_code AS code, p.name, i.category, i.severity, i.text,
               COALESCE(i.department, p.department) AS department, i.status, i.deadline,
               CAST(julianday(:as_of) - julianday(i.deadline) AS INTEGER) AS days_overdue
        FROM issues i JOIN projects p ON p.code = i.project_code
        WHERE i.deadline < :as_of AND i.status IN ('open', 'transferred', 'responded')
        ORDER BY i.deadline, i.id"""
    return [dict(r) for r in db.execute(sql, {"as_of": as_of})]


def summary_counts(db: sqlite3.Connection, start: str, end: str) -> dict:
    """What happened between start and end (inclusive): visits, figures, issues."""
    span = {"start": start, "end": end}
    visits = [dict(r) for r in db.execute(
        """SELECT g.name AS "group", g.level, count(*) AS visits,
                  count(DISTINCT v.project_code) AS projects
           FROM visits v JOIN supervision_groups g ON g.id = v.group_id
           WHERE v.date BETWEEN :start AND :end GROUP BY g.name, g.level ORDER BY g.name""",
        span)]
    figures = db.execute(
        """SELECT count(*) AS figures, count(DISTINCT project_code) AS projects,
                  sum(source = 'report') AS reports, sum(source = 'visit') AS from_visits
           FROM progress WHERE date BETWEEN :start AND :end""", span).fetchone()
    flagged = [dict(r) for r in db.execute(
        """SELECT category, count(*) AS flagged, sum(severity = 'major') AS major
           FROM issues WHERE found_on BETWEEN :start AND :end
           GROUP BY category ORDER BY category""", span)]
    moves = {r[0]: r[1] for r in db.execute(
        """SELECT action, count(*) FROM issue_events
           WHERE date BETWEEN :start AND :end AND action != 'flag' GROUP BY action""", span)}
    return {"visits": visits, "figures": dict(figures), "flagged": flagged, "moves": moves}


def open_issue_count(db: sqlite3.Connection, as_of: str) -> int:
    sql = """SELECT count(*) FROM issues WHERE found_on <= ?
             AND status IN ('open', 'transferred', 'responded')"""
    return db.execute(sql, [as_of]).fetchone()[0]

"""Visit coverage (走访覆盖): who owes which visit in which window, and the checklist rows.

A group owes one visit per assigned project per window (a month for grassroots groups, a
quarter for municipal ones).  A project counts in a window when it runs during it (start on
or before the window's end, due on or after its start).

Issues are counted as they stood on the report's date, rebuilt from ``issue_events``: the
``issues`` row holds only the latest status and deadline, and a report on a past date must
not change when an issue moves later.
"""

from __future__ import annotations

import json
import sqlite3

from minsheng_cli.store import parallel
from minsheng_cli.store.register import filters

# Issues found by :as_of, each as it stood at the end of that day: status from its latest
# step (by date, then id), deadline from its latest transfer or reopen, rectifying department
# from its latest flag or transfer (a transfer records the department it went to).  The
# (issue_id, id) index finds an issue's few events; sorting them by date costs nothing.
ISSUES_AS_OF = """
    issues_as_of AS MATERIALIZED (
        SELECT i.id, i.project_code, i.category, i.severity, i.text, i.found_on,
               COALESCE((SELECT e.to_status FROM issue_events e
                          WHERE e.issue_id = i.id AND e.date <= :as_of
                          ORDER BY e.date DESC, e.id DESC LIMIT 1), i.status) AS status,
               (SELECT e.deadline FROM issue_events e
                 WHERE e.issue_id = i.id AND e.date <= :as_of
                   AND e.action IN ('transfer', 'reopen')
                 ORDER BY e.date DESC, e.id DESC LIMIT 1) AS deadline,
               (SELECT e.department FROM issue_events e
                 WHERE e.issue_id = i.id AND e.date <= :as_of
                   AND e.action IN ('flag', 'transfer')
                 ORDER BY e.date DESC, e.id DESC LIMIT 1) AS department
        FROM issues i WHERE i.found_on <= :as_of {only})"""


def issues_as_of(only: str = "") -> str:
    """The CTE, optionally limited (a checklist needs only its group's projects: rebuilding
    every issue per group made the checklist groups × issues, docs/performance.md)."""
    return ISSUES_AS_OF.format(only=only)

OPEN_AT = "i.status IN ('open', 'transferred', 'responded')"

# The verdict of an issue of ``issues_as_of`` (``i``) at the end of :as_of: its latest
# close's, while it stands closed.
VERDICT_AT = """CASE WHEN i.status = 'closed' THEN
                 (SELECT e.verdict FROM issue_events e
                   WHERE e.issue_id = i.id AND e.date <= :as_of AND e.action = 'close'
                   ORDER BY e.date DESC, e.id DESC LIMIT 1) END"""


# The one rule of visit coverage: a group owes one visit per assigned project per window of
# its cadence in which the project runs (start on or before the window's end, due on or
# after its start); a visit counts when it falls in the window and on or before :as_of (a
# report as of a past date ignores what came after).  Windows arrive as JSON:
# [{"cadence", "label", "start", "end", "kind"}, …] — overdue's four (the previous and the
# current month and quarter), or a period's every month and quarter (the inspection report).
OWED = """
    windows AS MATERIALIZED (
        SELECT json_extract(value, '$.cadence') AS cadence,
               json_extract(value, '$.label') AS label,
               json_extract(value, '$.start') AS start,
               json_extract(value, '$.end') AS finish,
               json_extract(value, '$.kind') AS kind
        FROM json_each(:windows)
    ),
    owed AS MATERIALIZED (
        SELECT a.group_id, w.cadence, w.label, w.kind, w.start, w.finish, a.project_code,
               EXISTS (SELECT 1 FROM visits v
                        WHERE v.group_id = a.group_id AND v.project_code = a.project_code
                          AND v.date BETWEEN w.start AND min(w.finish, :as_of)) AS visited
        FROM supervision_groups g
        JOIN windows w ON w.cadence = g.cadence
        JOIN assignments a ON a.group_id = g.id
        JOIN projects p ON p.code = a.project_code
        WHERE p.start <= w.finish AND p.due >= w.start
    )"""

LAST_VISIT = """(SELECT max(v.date) FROM visits v WHERE v.group_id = o.group_id
                  AND v.project_code = o.project_code AND v.date <= :as_of)"""


def visits_owed(windows: list[dict], as_of: str) -> parallel.Job:
    """A read job (``store/parallel.py``): the visits owed and not made in ``windows`` (see
    OWED), by kind, cadence, group and project, as ``as_table``; each row names its window
    and ends in the window's kind."""
    sql = f"""
        WITH {OWED}
        SELECT g.name AS "group", g.level, o.project_code AS code, p.name, p.department,
               p.district, {LAST_VISIT} AS last_visit, o.label AS window, o.kind
        FROM owed o
        JOIN supervision_groups g ON g.id = o.group_id
        JOIN projects p ON p.code = o.project_code
        WHERE NOT o.visited
        ORDER BY o.kind, o.cadence, g.name, o.project_code"""
    return parallel.fetch(sql, {"windows": json.dumps(windows), "as_of": as_of}, as_table)


def as_table(keys: list[str], rows: list[tuple]) -> tuple[tuple[str, ...], list[tuple]]:
    """A job's rows as (the columns, the rows as tuples): the overdue report's sections
    (services.reports.Table)."""
    return tuple(keys), rows


def visits_owed_counts(db: sqlite3.Connection, windows: list[dict], as_of: str) -> dict:
    """kind → how many rows ``visits_owed`` gives of it (the summary counts them)."""
    sql = f"WITH {OWED} SELECT kind, count(*) FROM owed WHERE NOT visited GROUP BY kind"
    return dict(db.execute(sql, {"windows": json.dumps(windows), "as_of": as_of}))


# Up to this many groups, the issues' state is rebuilt for their projects only; for more,
# for every issue: finding 100,000 projects' issues one by one cost three times a full
# rebuild (1.05 s against 0.32 s at 100,000 projects, all 2,000 groups).
FEW_GROUPS = 100


# The columns of a checklist row as ``checklist_rows`` gives them.
CHECKLIST_ROW = ("group_id", "code", "name", "department", "district", "due", "last_visit_any",
                 "last_visit_group", "visited_on")

CHOSEN = """chosen AS MATERIALIZED (
            SELECT json_extract(value, '$[0]') AS group_id,
                   json_extract(value, '$[1]') AS window_start,
                   json_extract(value, '$[2]') AS window_end
            FROM json_each(:windows))"""


def checklist_rows(windows: list[tuple[int, str, str]], as_of: str) -> parallel.Job:
    """A read job: one row per project assigned to each group of the (group id, window
    start, window end) triples, which share ``as_of``, with its visits, as tuples of
    CHECKLIST_ROW in group, then code order (the service makes each row's tuple once, with
    its standing and open issues: 100,000 at 100,000 projects).  One query for many
    groups (a query per group cost 2,000 queries at 100,000 projects); the open issues
    are ``open_issues``' job, once for all the shares of the groups."""
    sql = f"""
        WITH {CHOSEN}
        SELECT a.group_id, p.code, p.name, p.department, p.district, p.due,
               (SELECT max(v.date) FROM visits v WHERE v.project_code = p.code
                  AND v.date <= :as_of) AS last_visit_any,
               (SELECT max(v.date) FROM visits v WHERE v.project_code = p.code
                  AND v.group_id = a.group_id AND v.date <= :as_of) AS last_visit_group,
               (SELECT min(v.date) FROM visits v WHERE v.project_code = p.code
                  AND v.group_id = a.group_id
                  AND v.date BETWEEN chosen.window_start AND min(chosen.window_end, :as_of))
                  AS visited_on
        FROM chosen JOIN assignments a ON a.group_id = chosen.group_id
        JOIN projects p ON p.code = a.project_code
        WHERE p.start <= chosen.window_end AND p.due >= chosen.window_start
        ORDER BY a.group_id, p.code"""
    return parallel.fetch(sql, {"windows": json.dumps(windows), "as_of": as_of},
                          lambda keys, rows: rows)


# The columns of ``open_issues``' tuples, after the code.
OPEN_ISSUES = ("open_issue_ids", "open_issues", "open_categories")


def open_issues(group_ids: list[int], as_of: str) -> parallel.Job:
    """A read job: code → (ids, texts, categories) of the issues open at the end of
    ``as_of`` (OPEN_ISSUES, in id order), of the projects of these groups.  The issues'
    state is rebuilt once, whatever the number of shares the groups' rows are read in
    (each share rebuilding it cost 0.4 CPU s more at 100,000 projects): for the groups'
    projects only up to FEW_GROUPS groups, for every issue beyond."""
    only = ("AND i.project_code IN (SELECT project_code FROM assignments"
            " WHERE group_id IN (SELECT value FROM json_each(:groups)))"
            if len(group_ids) <= FEW_GROUPS else "")
    sql = f"""
        WITH {issues_as_of(only)}
        SELECT project_code, group_concat(id, ';'), group_concat('#' || id || ' ' || text, '；'),
               group_concat(DISTINCT category)
        FROM (SELECT project_code, id, text, category FROM issues_as_of i
              WHERE {OPEN_AT} ORDER BY project_code, id)
        GROUP BY project_code"""
    return parallel.fetch(sql, {"groups": json.dumps(group_ids), "as_of": as_of},
                          lambda _, rows: {row[0]: row[1:] for row in rows})


def groups_for_checklist(
    db: sqlite3.Connection, name: str | None, level: str | None
) -> list[dict]:
    where, params = filters(("name = ?", name), ("level = ?", level))
    sql = f"SELECT * FROM supervision_groups {where} ORDER BY level DESC, name"
    return [dict(r) for r in db.execute(sql, params)]


def overdue_issues(as_of: str) -> parallel.Job:
    """A read job: the issues past their deadline and still open at the end of ``as_of``,
    as they stood then (``as_table``)."""
    sql = f"""
        WITH {issues_as_of()}
        SELECT i.id, i.project_code AS code, p.name, i.category, i.severity, i.text,
               COALESCE(i.department, p.department) AS department, i.status, i.deadline,
               CAST(julianday(:as_of) - julianday(i.deadline) AS INTEGER) AS days_overdue
        FROM issues_as_of i JOIN projects p ON p.code = i.project_code
        WHERE i.deadline < :as_of AND {OPEN_AT}
        ORDER BY i.deadline, i.id"""
    return parallel.fetch(sql, {"as_of": as_of}, as_table)


# ``issues_as_of`` (``i``) with the issue's row (``base``), project, group and visit.
ISSUES_AT_FROM = """
        FROM issues_as_of i
        JOIN issues base ON base.id = i.id
        JOIN projects p ON p.code = i.project_code
        LEFT JOIN supervision_groups g ON g.id = base.group_id
        LEFT JOIN visits v ON v.id = base.visit_id"""


def project_issues_at(db: sqlite3.Connection, code: str, as_of: str) -> list[dict]:
    """The project's issues found by ``as_of``, each as it stood at the end of that day
    (status, deadline, unit to rectify, and the verdict while closed), with the columns
    of ``store.register.list_issues``: the issues of ``show CODE --as-of D``."""
    sql = f"""
        WITH {issues_as_of("AND i.project_code = :code")}
        SELECT i.id, i.project_code AS code, p.name AS project, i.category, i.severity,
               i.text, COALESCE(i.department, p.department) AS department, i.found_on,
               g.name AS "group", v.date AS visit_date, i.status, i.deadline,
               {VERDICT_AT} AS verdict, base.created_by
        {ISSUES_AT_FROM}
        ORDER BY i.id"""
    return [dict(r) for r in db.execute(sql, {"code": code, "as_of": as_of})]


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
    """Issues found by ``as_of`` and still open at the end of that day."""
    sql = f"WITH {issues_as_of()} SELECT count(*) FROM issues_as_of i WHERE {OPEN_AT}"
    return db.execute(sql, {"as_of": as_of}).fetchone()[0]


def issue_counts(db: sqlite3.Connection, as_of: str) -> tuple[int, int]:
    """(open, past their deadline) at the end of ``as_of``: the counts of
    ``open_issue_count`` and ``overdue_issues`` from one rebuild of the issues' state."""
    sql = f"""WITH {issues_as_of()}
        SELECT count(*), coalesce(sum(i.deadline < :as_of), 0)
        FROM issues_as_of i WHERE {OPEN_AT}"""
    open_, late = db.execute(sql, {"as_of": as_of}).fetchone()
    return open_, late

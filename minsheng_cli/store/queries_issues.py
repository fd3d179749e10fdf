"""Read models for supervising the supervision: the transfer list (问题清单), common issues
(共性问题), duplicate visits (重复监督) and the audit history.

Each function is one SQL query that does the grouping and joining itself; callers get
plain dicts.  Department means the unit to rectify: the issue's own, else the project's
lead department.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from minsheng_cli.store.coverage import ISSUES_AT_FROM, VERDICT_AT, issues_as_of


def marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


TRANSFER_LIST_SQL = """
    SELECT i.id, COALESCE(i.department, p.department) AS department,
           g.name AS "group", v.date AS visit_date, i.found_on,
           i.project_code AS code, p.name AS project, p.department AS lead_department,
           i.category, i.severity, i.text, i.status, i.deadline, i.verdict,
           (SELECT max(e.date) FROM issue_events e
             WHERE e.issue_id = i.id AND e.action IN ('transfer', 'reopen')) AS transferred_on,
           (SELECT e.note FROM issue_events e
             WHERE e.issue_id = i.id AND e.action = 'respond'
             ORDER BY e.id DESC LIMIT 1) AS response
    FROM issues i
    JOIN projects p ON p.code = i.project_code
    LEFT JOIN supervision_groups g ON g.id = i.group_id
    LEFT JOIN visits v ON v.id = i.visit_id
    WHERE i.status IN ({statuses}) {department}
    ORDER BY COALESCE(i.department, p.department) IS NULL,
             COALESCE(i.department, p.department), i.found_on, i.id"""


# The same list as it stood at the end of :as_of: the issues found by then, each with its
# status, deadline, unit and verdict of then (``issues_as_of``), its last transfer and the
# last reply by then.
TRANSFER_LIST_AT_SQL = f"""
    WITH {issues_as_of()}
    SELECT i.id, COALESCE(i.department, p.department) AS department,
           g.name AS "group", v.date AS visit_date, i.found_on,
           i.project_code AS code, p.name AS project, p.department AS lead_department,
           i.category, i.severity, i.text, i.status, i.deadline, {VERDICT_AT} AS verdict,
           (SELECT max(e.date) FROM issue_events e
             WHERE e.issue_id = i.id AND e.action IN ('transfer', 'reopen')
               AND e.date <= :as_of) AS transferred_on,
           (SELECT e.note FROM issue_events e
             WHERE e.issue_id = i.id AND e.action = 'respond' AND e.date <= :as_of
             ORDER BY e.date DESC, e.id DESC LIMIT 1) AS response
    {ISSUES_AT_FROM}
    WHERE i.status IN ({{statuses}}) {{department}}
    ORDER BY COALESCE(i.department, p.department) IS NULL,
             COALESCE(i.department, p.department), i.found_on, i.id"""


def transfer_list_rows(
    db: sqlite3.Connection, statuses: Sequence[str], department: str | None = None,
    as_of: str | None = None,
) -> list[dict]:
    """Issues in ``statuses`` ordered by department, then by the day they were found: as
    the register holds them now, or as they stood at the end of ``as_of``."""
    names = {f"s{k}": status for k, status in enumerate(statuses)}
    sql = (TRANSFER_LIST_SQL if as_of is None else TRANSFER_LIST_AT_SQL).format(
        statuses=", ".join(f":{name}" for name in names),
        department="AND COALESCE(i.department, p.department) = :department"
        if department else "",
    )
    return [dict(r) for r in db.execute(sql, {**names, "department": department,
                                              "as_of": as_of})]


# Open issues: as the issues table holds them now, or as they stood at the end of :as_of
# (rebuilt from issue_events, so that a report on a past date does not move later).
LIVE = """
    live AS (
        SELECT i.id, i.category, i.project_code,
               COALESCE(i.department, p.department) AS department
        FROM {source} i JOIN projects p ON p.code = i.project_code
        WHERE i.status IN ({statuses})
          AND (:codes IS NULL OR i.project_code IN (SELECT value FROM json_each(:codes)))
    )"""

COMMON_ISSUES_SQL = """
    WITH {live}
    SELECT 'category' AS scope, category, NULL AS department,
           count(DISTINCT project_code) AS projects, count(*) AS issues,
           group_concat(DISTINCT project_code) AS codes, group_concat(id) AS issue_ids
    FROM live GROUP BY category
    HAVING count(DISTINCT project_code) >= :min_projects
    UNION ALL
    SELECT 'category_department', category, department,
           count(DISTINCT project_code), count(*),
           group_concat(DISTINCT project_code), group_concat(id)
    FROM live GROUP BY category, department
    HAVING count(DISTINCT project_code) >= :min_projects
    ORDER BY 1, 4 DESC, 2, 3"""


def common_issues(
    db: sqlite3.Connection, statuses: Sequence[str], min_projects: int,
    as_of: str | None = None, codes: Sequence[str] | None = None,
) -> list[dict]:
    """Categories, and category × department, whose issues span ``min_projects`` projects;
    the issues in ``statuses`` now, or at the end of ``as_of`` when it is given; of the
    projects of ``codes`` only, when given (a report's: a register may hold another
    year's list).

    ``codes`` and ``issue_ids`` come back as sorted lists.
    """
    params = {f"s{i}": s for i, s in enumerate(statuses)}
    marks_ = ", ".join(f":{k}" for k in params)
    if as_of is None:
        live = LIVE.format(source="issues", statuses=marks_)
    else:
        live = issues_as_of() + "," + LIVE.format(source="issues_as_of", statuses=marks_)
    sql = COMMON_ISSUES_SQL.format(live=live)
    rows = []
    chosen = None if codes is None else json.dumps(sorted(codes))
    for r in db.execute(sql, {**params, "min_projects": min_projects, "as_of": as_of,
                              "codes": chosen}):
        row = dict(r)
        row["codes"] = sorted(row["codes"].split(","))
        row["issue_ids"] = sorted(int(i) for i in row["issue_ids"].split(","))
        rows.append(row)
    return rows


OVERLAPS_SQL = """
    SELECT a.project_code AS code, p.name AS project,
           a.id AS first_visit, a.date AS first_date, ga.name AS first_group,
           b.id AS second_visit, b.date AS second_date, gb.name AS second_group,
           CAST(julianday(b.date) - julianday(a.date) AS INTEGER) AS days_apart
    FROM visits a
    JOIN visits b ON b.project_code = a.project_code AND b.group_id <> a.group_id
        AND (b.date > a.date OR (b.date = a.date AND b.id > a.id))
        AND b.date <= date(a.date, '+' || ? || ' days')
    JOIN projects p ON p.code = a.project_code
    JOIN supervision_groups ga ON ga.id = a.group_id
    JOIN supervision_groups gb ON gb.id = b.group_id
    WHERE b.date >= ? AND b.date <= ?
    ORDER BY b.date, a.project_code, a.date, a.id, b.id"""


def overlapping_visits(
    db: sqlite3.Connection, within_days: int, start: str = "0000-01-01", end: str = "9999-12-31"
) -> list[dict]:
    """Pairs of visits by different groups to one project at most ``within_days`` apart,
    the later of the two falling between ``start`` and ``end``."""
    return [dict(r) for r in db.execute(OVERLAPS_SQL, [within_days, start, end])]


# -- the audit history -----------------------------------------------------------------------

# Tables whose rows name their project directly.
PROJECT_TABLES = ("plan_points", "progress", "visits", "issues", "assignments")

LOG_SQL = """
    SELECT id, at, actor, command, table_name, row_key, action, content, hash
    FROM audit_log {where} ORDER BY id"""


def audit_events(
    db: sqlite3.Connection,
    *,
    code: str | None = None,
    issue_id: int | None = None,
    since: str | None = None,
    table: str | None = None,
) -> list[dict]:
    """Audit events, filtered by project (its rows, and photos and steps of its visits and
    issues — found through the log, so that a row deleted since still shows), by issue, by
    the day they were written (``at`` on or after ``since``) and by table."""
    conditions: list[str] = []
    params: list = []
    if code is not None:
        conditions.append(f"""(
            (table_name = 'projects' AND row_key = ?)
            OR (table_name IN ({marks(PROJECT_TABLES)})
                AND json_extract(content, '$.project_code') = ?)
            OR (table_name = 'visit_photos' AND CAST(json_extract(content, '$.visit_id') AS TEXT)
                IN (SELECT row_key FROM audit_log WHERE table_name = 'visits'
                    AND json_extract(content, '$.project_code') = ?))
            OR (table_name = 'issue_events' AND CAST(json_extract(content, '$.issue_id') AS TEXT)
                IN (SELECT row_key FROM audit_log WHERE table_name = 'issues'
                    AND json_extract(content, '$.project_code') = ?)))""")
        params += [code, *PROJECT_TABLES, code, code, code]
    if issue_id is not None:
        conditions.append("""(
            (table_name = 'issues' AND row_key = ?)
            OR (table_name = 'issue_events' AND json_extract(content, '$.issue_id') = ?))""")
        params += [str(issue_id), issue_id]
    if since is not None:
        conditions.append("at >= ?")
        params.append(since)
    if table is not None:
        conditions.append("table_name = ?")
        params.append(table)
    where = "WHERE " + " AND ".join(conditions) if conditions else ""
    return [dict(r) for r in db.execute(LOG_SQL.format(where=where), params)]


def settings_rows(db: sqlite3.Connection) -> list[dict]:
    """The stored settings with who set them when (``config``)."""
    return [dict(zip(("key", "value", "updated_at", "updated_by"), tuple(r), strict=True))
            for r in db.execute("SELECT key, value, updated_at, updated_by FROM settings")]

"""Reading and writing the register's records: projects, plans, groups, progress, visits, issues.

Every function takes the connection first.  Writers take a :class:`WriteContext` and go
through ``audit.insert_rows`` / ``audit.update_row`` so that every row lands in the audit
log; they expect to run inside ``db.write_transaction``.  Readers return plain dicts (a
read model) that the services hand to the renderer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from minsheng_cli.domain.model import NewGroup, NewIssue, NewProject
from minsheng_cli.store.audit import WriteContext, insert_rows, update_row


def stamp(ctx: WriteContext) -> dict:
    return {"created_at": ctx.at, "created_by": ctx.actor}


# -- projects ---------------------------------------------------------------------------


def project_row(project: NewProject, ctx: WriteContext) -> dict:
    return {
        "code": project.code,
        "year": project.year,
        "item": project.item,
        "name": project.name,
        "content": project.content,
        "department": project.department,
        "partners": project.partners,
        "district": project.district,
        "leader": project.leader,
        "target": project.target,
        "unit": project.unit,
        "budget": project.budget,
        "start": project.start.isoformat(),
        "due": project.due.isoformat(),
        **stamp(ctx),
    }


def insert_projects(db: sqlite3.Connection, ctx: WriteContext, projects: list[NewProject]) -> None:
    insert_rows(db, ctx, "projects", [project_row(p, ctx) for p in projects])


def existing_codes(db: sqlite3.Connection, codes: Iterable[str]) -> set[str]:
    codes = list(codes)
    found: set[str] = set()
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            r[0] for r in db.execute(f"SELECT code FROM projects WHERE code IN ({marks})", chunk)
        )
    return found


def get_project(db: sqlite3.Connection, code: str) -> dict | None:
    row = db.execute("SELECT * FROM projects WHERE code = ?", [code]).fetchone()
    return dict(row) if row else None


def project_targets(db: sqlite3.Connection, codes: Iterable[str]) -> dict[str, sqlite3.Row]:
    """code → (target, start), for the codes that exist."""
    codes = list(set(codes))
    targets: dict[str, sqlite3.Row] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in db.execute(
            f"SELECT code, target, start FROM projects WHERE code IN ({marks})", chunk
        ):
            targets[row[0]] = row
    return targets


def get_progress(db: sqlite3.Connection, progress_id: int) -> dict | None:
    """One figure, with the id of the row that corrects it (if any)."""
    row = db.execute(
        """SELECT p.*, (SELECT min(c.id) FROM progress c WHERE c.corrects = p.id)
                  AS corrected_by
           FROM progress p WHERE p.id = ?""", [progress_id]).fetchone()
    return dict(row) if row else None


def list_projects(
    db: sqlite3.Connection,
    *,
    year: int | None = None,
    item: str | None = None,
    department: str | None = None,
    district: str | None = None,
) -> list[dict]:
    where, params = filters(
        ("p.year = ?", year), ("p.item = ?", item), ("p.department = ?", department),
        ("p.district = ?", district),
    )
    sql = f"""
        SELECT p.code, p.year, p.item, p.name, p.department, p.partners, p.district, p.leader,
               p.target, p.unit, p.budget, p.start, p.due, p.content
        FROM projects p {where}
        ORDER BY p.year, p.code"""
    return [dict(r) for r in db.execute(sql, params)]


def filters(*conditions: tuple[str, object]) -> tuple[str, list]:
    """A WHERE clause from (sql, value) pairs, skipping those whose value is None."""
    used = [(sql, value) for sql, value in conditions if value is not None]
    if not used:
        return "", []
    return "WHERE " + " AND ".join(sql for sql, _ in used), [value for _, value in used]


# -- plan points and progress -------------------------------------------------------------


def insert_plan_point(db, ctx: WriteContext, code: str, day: str, pct: float) -> int:
    row = {"project_code": code, "date": day, "pct": pct, **stamp(ctx)}
    return insert_rows(db, ctx, "plan_points", [row])[0]


def plan_points(db: sqlite3.Connection, code: str) -> list[dict]:
    """The plan in force: the latest recorded point for each date, in date order."""
    return [
        dict(r)
        for r in db.execute(
            """SELECT date, pct, created_at, created_by FROM plan_points
               WHERE id IN (SELECT max(id) FROM plan_points WHERE project_code = ? GROUP BY date)
               ORDER BY date""",
            [code],
        )
    ]


def progress_row(
    ctx: WriteContext,
    code: str,
    day: str,
    pct: float | None,
    done: float | None,
    funds: float | None,
    source: str,
    visit_id: int | None = None,
    note: str | None = None,
    corrects: int | None = None,
) -> dict:
    row = {
        "project_code": code, "date": day, "pct": pct, "done": done, "funds": funds,
        "source": source, "visit_id": visit_id, "note": note, **stamp(ctx),
    }
    if corrects is not None:  # the column exists from m003 on
        row["corrects"] = corrects
    return row


def insert_progress(db, ctx: WriteContext, rows: list[dict]) -> list[int]:
    return insert_rows(db, ctx, "progress", rows)


def last_progress_id(db: sqlite3.Connection) -> int:
    return db.execute("SELECT COALESCE(max(id), 0) FROM progress").fetchone()[0]


# The last counting figure before ``f`` (by date, then id; corrected ones left out) that
# has a {column}.
EARLIER = """(SELECT e.id FROM progress e
    WHERE e.project_code = f.project_code AND e.{column} IS NOT NULL
      AND (e.date < f.date OR (e.date = f.date AND e.id < f.id))
      AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.corrects = e.id)
    ORDER BY e.date DESC, e.id DESC LIMIT 1)"""


def figures_after(db: sqlite3.Connection, last: int) -> list[dict]:
    """The figures written after id ``last`` (a command's or an import's, inside its
    transaction), each with its project's budget and the last counting percentage and
    funds before it (``pct_date``, ``pct_before``, ``funds_date``, ``funds_before``)."""
    sql = f"""
        SELECT f.id, f.project_code AS code, f.pct, f.funds, pr.budget,
               ep.date AS pct_date, ep.pct AS pct_before,
               ef.date AS funds_date, ef.funds AS funds_before
        FROM progress f
        JOIN projects pr ON pr.code = f.project_code
        LEFT JOIN progress ep ON ep.id = {EARLIER.format(column="pct")}
        LEFT JOIN progress ef ON ef.id = {EARLIER.format(column="funds")}
        WHERE f.id > ? ORDER BY f.id"""
    return [dict(r) for r in db.execute(sql, [last])]


def progress_history(db: sqlite3.Connection, code: str, until: str | None = None) -> list[dict]:
    """The project's figures by date, those dated on or before ``until`` when given.  A
    figure corrected later shows its correction (``corrected_by``) whatever the
    correction's date: the reports leave a corrected figure out at every date."""
    where, params = filters(("p.project_code = ?", code), ("p.date <= ?", until))
    return [
        dict(r)
        for r in db.execute(
            f"""SELECT p.id, p.date, p.pct, p.done, p.funds, p.source, p.visit_id, p.note,
                      p.corrects,
                      (SELECT min(c.id) FROM progress c WHERE c.corrects = p.id)
                        AS corrected_by,
                      p.created_by
               FROM progress p {where} ORDER BY p.date, p.id""",
            params,
        )
    ]


# -- groups and assignments ---------------------------------------------------------------


def insert_group(db, ctx: WriteContext, group: NewGroup) -> int:
    row = {
        "name": group.name, "level": group.level, "cadence": group.cadence,
        "district": group.district, "members": group.members, **stamp(ctx),
    }
    return insert_rows(db, ctx, "supervision_groups", [row])[0]


def get_group(db: sqlite3.Connection, name: str) -> dict | None:
    row = db.execute("SELECT * FROM supervision_groups WHERE name = ?", [name]).fetchone()
    return dict(row) if row else None


def group_names(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM supervision_groups ORDER BY name")]


def list_groups(db: sqlite3.Connection) -> list[dict]:
    sql = """
        SELECT g.id, g.name, g.level, g.cadence, g.district, g.members,
               (SELECT count(*) FROM assignments a WHERE a.group_id = g.id) AS projects
        FROM supervision_groups g ORDER BY g.level DESC, g.name"""
    return [dict(r) for r in db.execute(sql)]


def assigned_codes(db: sqlite3.Connection, group_id: int) -> set[str]:
    rows = db.execute("SELECT project_code FROM assignments WHERE group_id = ?", [group_id])
    return {r[0] for r in rows}


def project_groups(db: sqlite3.Connection, code: str) -> list[str]:
    """Names of the groups a project is assigned to."""
    sql = """SELECT g.name FROM assignments a JOIN supervision_groups g ON g.id = a.group_id
             WHERE a.project_code = ? ORDER BY g.name"""
    return [r[0] for r in db.execute(sql, [code])]


def insert_assignments(db, ctx: WriteContext, group_id: int, codes: list[str]) -> None:
    rows = [{"group_id": group_id, "project_code": c, **stamp(ctx)} for c in codes]
    insert_rows(db, ctx, "assignments", rows)


def codes_where(db: sqlite3.Connection, *, district: str | None = None) -> list[str]:
    where, params = filters(("district = ?", district))
    return [r[0] for r in db.execute(f"SELECT code FROM projects {where} ORDER BY code", params)]


# -- visits ----------------------------------------------------------------------------------


def insert_visit(db, ctx: WriteContext, row: dict) -> int:
    return insert_rows(db, ctx, "visits", [{**row, **stamp(ctx)}])[0]


def insert_photos(db, ctx: WriteContext, visit_id: int, paths: Iterable[str]) -> None:
    rows = [{"visit_id": visit_id, "path": p, **stamp(ctx)} for p in paths]
    insert_rows(db, ctx, "visit_photos", rows)


def get_visit(db: sqlite3.Connection, visit_id: int) -> dict | None:
    row = db.execute(
        """SELECT v.*, g.name AS group_name FROM visits v
           JOIN supervision_groups g ON g.id = v.group_id WHERE v.id = ?""",
        [visit_id],
    ).fetchone()
    return dict(row) if row else None


def same_plan_point_id(db: sqlite3.Connection, code: str, day: str, pct: float) -> int | None:
    """The plan point in force for ``code`` on ``day`` when it says ``pct``, if any."""
    row = db.execute(
        "SELECT id, pct FROM plan_points WHERE project_code = ? AND date = ?"
        " ORDER BY id DESC LIMIT 1", [code, day]).fetchone()
    return row[0] if row is not None and row[1] == pct else None


def same_issue_id(
    db: sqlite3.Connection, code: str, category: str, text: str, found_on: str,
    department: str | None,
) -> int | None:
    """The first issue of ``code`` with this category, text, day found and department
    to rectify it, if any: an imported issue that is already in the register."""
    row = db.execute(
        "SELECT id FROM issues WHERE project_code = ? AND category = ? AND text = ?"
        " AND found_on = ? AND department IS ? ORDER BY id LIMIT 1",
        [code, category, text, found_on, department],
    ).fetchone()
    return row[0] if row else None


def first_visit_id(db: sqlite3.Connection, code: str, group_id: int, day: str) -> int | None:
    """The first visit a group made to a project on a day (an imported issue's visit)."""
    row = db.execute(
        "SELECT id FROM visits WHERE project_code = ? AND group_id = ? AND date = ? "
        "ORDER BY id LIMIT 1",
        [code, group_id, day],
    ).fetchone()
    return row[0] if row else None


VISIT_COLUMNS = """
    v.id, v.date, v.project_code AS code, p.name AS project, g.name AS "group", v.method,
    v.visitors, obs.pct AS observed_pct, obs.done AS observed_done, obs.funds AS observed_funds,
    v.finding, v.suggestion,
    (SELECT count(*) FROM visit_photos f WHERE f.visit_id = v.id) AS photos,
    v.created_by"""

VISIT_FROM = """
    FROM visits v
    JOIN projects p ON p.code = v.project_code
    JOIN supervision_groups g ON g.id = v.group_id
    LEFT JOIN progress obs ON obs.visit_id = v.id"""


def list_visits(
    db: sqlite3.Connection,
    *,
    group: str | None = None,
    code: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> list[dict]:
    where, params = filters(
        ("g.name = ?", group), ("v.project_code = ?", code), ("v.date >= ?", start),
        ("v.date <= ?", end),
    )
    sql = f"SELECT {VISIT_COLUMNS} {VISIT_FROM} {where} ORDER BY v.date, v.id"
    return [dict(r) for r in db.execute(sql, params)]


def visit_photos(db: sqlite3.Connection, visit_id: int) -> list[str]:
    rows = db.execute("SELECT path FROM visit_photos WHERE visit_id = ? ORDER BY id", [visit_id])
    return [r[0] for r in rows]


def recent_visits_by_others(
    db: sqlite3.Connection, code: str, group_id: int, since: str, until: str
) -> list[dict]:
    """Visits to ``code`` by other groups between two dates (重复监督 check)."""
    sql = """SELECT v.id, v.date, g.name AS "group" FROM visits v
             JOIN supervision_groups g ON g.id = v.group_id
             WHERE v.project_code = ? AND v.group_id != ? AND v.date BETWEEN ? AND ?
             ORDER BY v.date"""
    return [dict(r) for r in db.execute(sql, [code, group_id, since, until])]


# -- issues ----------------------------------------------------------------------------------


def insert_issue(db, ctx: WriteContext, issue: NewIssue, group_id: int | None, status: str) -> int:
    row = {
        "project_code": issue.code, "visit_id": issue.visit_id, "group_id": group_id,
        "category": issue.category, "severity": issue.severity, "text": issue.text,
        "department": issue.department, "found_on": issue.found_on.isoformat(),
        "status": status, "deadline": None, "verdict": None, **stamp(ctx),
    }
    return insert_rows(db, ctx, "issues", [row])[0]


def insert_issue_event(db, ctx: WriteContext, event: dict) -> int:
    return insert_rows(db, ctx, "issue_events", [{**event, **stamp(ctx)}])[0]


def update_issue(db, ctx: WriteContext, issue_id: int, changes: dict) -> None:
    update_row(db, ctx, "issues", {"id": issue_id}, changes)


ISSUE_COLUMNS = """
    i.id, i.project_code AS code, p.name AS project, i.category, i.severity, i.text,
    COALESCE(i.department, p.department) AS department, i.found_on,
    g.name AS "group", v.date AS visit_date, i.status, i.deadline, i.verdict, i.created_by"""

ISSUE_FROM = """
    FROM issues i
    JOIN projects p ON p.code = i.project_code
    LEFT JOIN supervision_groups g ON g.id = i.group_id
    LEFT JOIN visits v ON v.id = i.visit_id"""


def get_issue(db: sqlite3.Connection, issue_id: int) -> dict | None:
    row = db.execute(f"SELECT {ISSUE_COLUMNS} {ISSUE_FROM} WHERE i.id = ?", [issue_id]).fetchone()
    return dict(row) if row else None


def list_issues(
    db: sqlite3.Connection,
    *,
    status: str | None = None,
    category: str | None = None,
    department: str | None = None,
    code: str | None = None,
    overdue_before: str | None = None,
) -> list[dict]:
    where, params = filters(
        ("i.status = ?", status), ("i.category = ?", category),
        ("COALESCE(i.department, p.department) = ?", department), ("i.project_code = ?", code),
        ("i.deadline < ? AND i.status NOT IN ('closed', 'withdrawn')", overdue_before),
    )
    sql = f"SELECT {ISSUE_COLUMNS} {ISSUE_FROM} {where} ORDER BY i.id"
    return [dict(r) for r in db.execute(sql, params)]


def open_issue_ids(db: sqlite3.Connection, code: str, category: str) -> list[int]:
    """Ids of a project's issues of one category not yet struck off or withdrawn."""
    sql = """SELECT id FROM issues WHERE project_code = ? AND category = ?
             AND status IN ('open', 'transferred', 'responded') ORDER BY id"""
    return [r[0] for r in db.execute(sql, [code, category])]


def issue_events(db: sqlite3.Connection, issue_id: int) -> list[dict]:
    sql = """SELECT id, action, date, from_status, to_status, department, deadline, verdict,
                    note, created_at, created_by
             FROM issue_events WHERE issue_id = ? ORDER BY id"""
    return [dict(r) for r in db.execute(sql, [issue_id])]


# -- settings and counts ---------------------------------------------------------------------


def read_settings(db: sqlite3.Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in db.execute("SELECT key, value FROM settings")}


def write_setting(db, ctx: WriteContext, key: str, value: str) -> None:
    if db.execute("SELECT 1 FROM settings WHERE key = ?", [key]).fetchone():
        update_row(
            db, ctx, "settings", {"key": key},
            {"value": value, "updated_at": ctx.at, "updated_by": ctx.actor},
        )
    else:
        row = {"key": key, "value": value, "updated_at": ctx.at, "updated_by": ctx.actor}
        insert_rows(db, ctx, "settings", [row])


COUNTED_TABLES = (
    "projects", "plan_points", "supervision_groups", "assignments", "progress", "visits",
    "visit_photos", "issues", "issue_events", "audit_log",
)


def row_counts(db: sqlite3.Connection) -> dict[str, int]:
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED_TABLES}


# -- repeated records (re-imported files) ---------------------------------------------------


def same_progress_id(
    db: sqlite3.Connection, code: str, day: str, pct, done, funds, note
) -> int | None:
    """The first department report with exactly these figures and note, if any."""
    row = db.execute(
        """SELECT id FROM progress WHERE project_code = ? AND date = ? AND source = 'report'
           AND pct IS ? AND done IS ? AND funds IS ? AND note IS ? ORDER BY id LIMIT 1""",
        [code, day, pct, done, funds, note],
    ).fetchone()
    return row[0] if row else None


def same_visit_id(
    db: sqlite3.Connection, code: str, group: str, day: str, method, visitors, finding
) -> int | None:
    """The first visit by the named group to ``code`` that day with this method, visitors
    and finding, if any."""
    row = db.execute(
        """SELECT v.id FROM visits v JOIN supervision_groups g ON g.id = v.group_id
           WHERE v.project_code = ? AND g.name = ? AND v.date = ? AND v.method IS ?
             AND v.visitors IS ? AND v.finding IS ? ORDER BY v.id LIMIT 1""",
        [code, group, day, method, visitors, finding],
    ).fetchone()
    return row[0] if row else None

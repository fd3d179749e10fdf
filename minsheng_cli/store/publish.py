"""The read model of the public progress site (``minsheng publish``): per-project series
and counts for every project at once.

Each function is one query over all projects (never one per project), returning plain
rows the service groups by ``project_code``.  They read only columns that may be
published; who recorded a row (``created_by``), visitors, members and notes are never
selected, so they cannot leak into the site by mistake.
"""

from __future__ import annotations

import sqlite3


def project_facts(db: sqlite3.Connection, year: int | None) -> list[dict]:
    """The fixed facts of each project of ``year`` (all years when None)."""
    sql = """SELECT code, year, item, name, content, department, partners, district, leader,
                    target, unit, budget, start, due
             FROM projects WHERE :year IS NULL OR year = :year ORDER BY code"""
    return [dict(r) for r in db.execute(sql, {"year": year})]


def project_count(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM projects").fetchone()[0]


def plan_points(db: sqlite3.Connection, year: int | None) -> list[tuple[str, str, float]]:
    """(code, date, pct): every plan point in force (the latest recorded for a date)."""
    sql = """SELECT pp.project_code, pp.date, pp.pct
             FROM plan_points pp JOIN projects p ON p.code = pp.project_code
             WHERE (:year IS NULL OR p.year = :year)
               AND pp.id IN (SELECT max(id) FROM plan_points GROUP BY project_code, date)
             ORDER BY pp.project_code, pp.date"""
    return [tuple(r) for r in db.execute(sql, {"year": year})]


def progress_series(
    db: sqlite3.Connection, year: int | None, as_of: str
) -> list[tuple[str, str, float, float | None]]:
    """(code, date, pct, funds): the figures that count, dated on or before ``as_of``, in
    the order the deviation report reads them (date, then id); corrected ones left out."""
    sql = """SELECT pr.project_code, pr.date, pr.pct, pr.funds
             FROM progress pr JOIN projects p ON p.code = pr.project_code
             WHERE (:year IS NULL OR p.year = :year) AND pr.date <= :as_of
               AND pr.pct IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.corrects = pr.id)
             ORDER BY pr.project_code, pr.date, pr.id"""
    return [tuple(r) for r in db.execute(sql, {"year": year, "as_of": as_of})]


def visit_counts(db: sqlite3.Connection, year: int | None, as_of: str) -> dict[str, int]:
    sql = """SELECT v.project_code, count(*) FROM visits v
             JOIN projects p ON p.code = v.project_code
             WHERE (:year IS NULL OR p.year = :year) AND v.date <= :as_of
             GROUP BY v.project_code"""
    return {r[0]: r[1] for r in db.execute(sql, {"year": year, "as_of": as_of})}


def issue_counts(
    db: sqlite3.Connection, year: int | None, as_of: str
) -> list[tuple[str, str, int]]:
    """(code, status, count): issues found by ``as_of`` in the status they had that day
    (the last step of their life dated on or before it)."""
    sql = """
        WITH standing AS (
            SELECT i.project_code,
                   COALESCE((SELECT e.to_status FROM issue_events e
                             WHERE e.issue_id = i.id AND e.date <= :as_of
                             ORDER BY e.date DESC, e.id DESC LIMIT 1), 'open') AS status
            FROM issues i JOIN projects p ON p.code = i.project_code
            WHERE (:year IS NULL OR p.year = :year) AND i.found_on <= :as_of
        )
        SELECT project_code, status, count(*) FROM standing
        GROUP BY project_code, status ORDER BY project_code, status"""
    return [tuple(r) for r in db.execute(sql, {"year": year, "as_of": as_of})]


def latest_findings(
    db: sqlite3.Connection, year: int | None, as_of: str, with_suggestion: bool
) -> dict[str, dict]:
    """code → the latest visit on or before ``as_of`` that wrote a finding: its date,
    method, finding (and suggestion when asked for) — never who went."""
    suggestion = "v.suggestion" if with_suggestion else "NULL"
    sql = f"""
        SELECT project_code, date, method, finding, suggestion FROM (
            SELECT v.project_code, v.date, v.method, v.finding, {suggestion} AS suggestion,
                   ROW_NUMBER() OVER (PARTITION BY v.project_code
                                      ORDER BY v.date DESC, v.id DESC) AS rn
            FROM visits v JOIN projects p ON p.code = v.project_code
            WHERE (:year IS NULL OR p.year = :year) AND v.date <= :as_of
              AND v.finding IS NOT NULL AND trim(v.finding) <> ''
        ) WHERE rn = 1"""
    return {r[0]: dict(r) for r in db.execute(sql, {"year": year, "as_of": as_of})}

"""The public progress site (公开进度): what ``minsheng publish`` puts on the web.

``public_site`` returns plain data — dicts and lists, no HTML — for every project of a
year at a date: the 序时进度 numbers from the deviation report (``services/reports.py``),
the plan-vs-actual series, and, as the ``publish.fields`` setting allows, the lead
department, district, funds, visits, issues and the latest finding.  Only what that
setting names is copied into the result; people's names are never read at all.
"""

from __future__ import annotations

from datetime import date, timedelta

from minsheng_cli.domain import schedule
from minsheng_cli.domain.errors import InvalidValue, UserError
from minsheng_cli.services import Register, reports
from minsheng_cli.services import register as uses
from minsheng_cli.store import publish as store
from minsheng_cli.store.verify import snapshot

# Copied from the deviation row for every project: the numbers the site is about.
PROGRESS_KEYS = ("expected_pct", "actual_pct", "deviation_pct", "light", "status",
                 "last_report_date", "forecast_date")
LIGHT_ORDER = ("red", "yellow", "green", "done")


def public_fields(reg: Register) -> list[str]:
    """The optional fields the register's ``publish.fields`` setting lets out."""
    value = uses.settings(reg)["publish.fields"]
    return [] if value == "none" else value.split(",")


def public_site(reg: Register, as_of: date, year: int | None = None) -> dict:
    """Everything the site shows, read in one read transaction."""
    fields = public_fields(reg)
    with snapshot(reg.db):
        facts = store.project_facts(reg.db, year)
        if not facts:
            raise empty_register_error(reg, year)
        day = as_of.isoformat()
        standing = {r["code"]: r for r in reports.deviation(reg, as_of)}
        plans = group_rows(store.plan_points(reg.db, year))
        figures = group_rows(store.progress_series(reg.db, year, day))
        visits = store.visit_counts(reg.db, year, day) if "visits" in fields else {}
        issues = group_rows(store.issue_counts(reg.db, year, day)) if "issues" in fields else {}
        findings = (store.latest_findings(reg.db, year, day, "suggestion" in fields)
                    if "finding" in fields else {})
    basis = uses.settings(reg)["schedule_basis"]
    projects = []
    for fact in facts:
        code = fact["code"]
        project = public_project(fact, standing[code], fields)
        project["plan_curve"] = plan_curve(fact, plans.get(code, []), basis)
        project["actual_curve"] = [(d, pct) for d, pct, _ in figures.get(code, [])]
        if "visits" in fields:
            project["visits"] = visits.get(code, 0)
        if "issues" in fields:
            project["issues"] = {status: n for status, n in issues.get(code, [])}
        if "finding" in fields:
            project["finding"] = findings.get(code)
        projects.append(project)
    return {"as_of": day, "year": year, "fields": fields, "basis": basis,
            "lights": {light: sum(p["light"] == light for p in projects)
                       for light in LIGHT_ORDER},
            "items": by_item(projects)}


def empty_register_error(reg: Register, year: int | None) -> UserError:
    if year is None or not store.project_count(reg.db):
        return UserError(f"register {reg.path} has no projects to publish; add them with "
                         "`minsheng add-project` or `minsheng import projects`")
    return InvalidValue("year", str(year), "a year that has projects (see `minsheng projects`)")


def group_rows(rows: list[tuple]) -> dict[str, list[tuple]]:
    """Rows whose first column is a project code → code: [the rest of each row]."""
    grouped: dict[str, list[tuple]] = {}
    for code, *rest in rows:
        grouped.setdefault(code, []).append(tuple(rest))
    return grouped


def public_project(fact: dict, row: dict, fields: list[str]) -> dict:
    """The project's public card: what every project shows, plus the allowed fields."""
    project = {"code": fact["code"], "name": fact["name"], "item": fact["item"],
               "year": fact["year"], "start": fact["start"], "due": fact["due"],
               **{key: row[key] for key in PROGRESS_KEYS}}
    for key in ("content", "department", "partners", "district", "leader"):
        if key in fields:
            project[key] = fact[key]
    if "target" in fields:
        project["target"], project["unit"] = fact["target"], fact["unit"]
    if "funds" in fields:
        project["budget"], project["funds"] = fact["budget"], row["funds"]
        project["funds_pct"] = row["funds_pct"]
    return project


def plan_curve(fact: dict, points: list[tuple[str, float]], basis: str) -> list[tuple]:
    """The 序时进度 line as (date, pct) corners: the rule of ``domain/schedule.py`` read at
    every date where it can bend (start − 1 day, plan points, month-ends, due)."""
    start, due = date.fromisoformat(fact["start"]), date.fromisoformat(fact["due"])
    plan = [(date.fromisoformat(d), pct) for d, pct in points]
    corners = {start - timedelta(days=1), due}
    corners |= {d for d, _ in plan if start - timedelta(days=1) < d < due}
    if basis == "months":
        corners |= set(month_ends(start, due))
    return [(d.isoformat(), round(schedule.expected_pct(start, due, d, plan, basis), 4))
            for d in sorted(corners)]


def month_ends(start: date, due: date) -> list[date]:
    ends, month = [], date(start.year, start.month, 1)
    while month <= due:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if following - timedelta(days=1) < due:
            ends.append(following - timedelta(days=1))
        month = following
    return ends


def by_item(projects: list[dict]) -> list[dict]:
    """Projects grouped by item (件), items in the order of their first project's code."""
    items: dict[str | None, list[dict]] = {}
    for project in projects:
        items.setdefault(project["item"], []).append(project)
    # Projects without an item come last, under "other".
    ordered = sorted(items.items(), key=lambda pair: pair[0] is None)
    return [{"item": item, "projects": members} for item, members in ordered]

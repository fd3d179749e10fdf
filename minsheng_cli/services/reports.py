"""Report use cases: deviation (序时进度), overdue, visit checklists, weekly summary.

Each takes the date it reports on; the numbers come from the set-based queries in
``store/reports.py`` and ``store/coverage.py`` under the thresholds in the settings.
"""

from __future__ import annotations

import functools
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import date, timedelta

from minsheng_cli.domain import periods
from minsheng_cli.domain.errors import InvalidValue
from minsheng_cli.domain.periods import Period
from minsheng_cli.services import Register
from minsheng_cli.services import register as uses
from minsheng_cli.store import coverage, parallel
from minsheng_cli.store import reports as store

# Funds this many pp behind works is "funds far behind" on a checklist (资金保障 to look at).
FUNDS_GAP_PP = 20.0


def params(reg: Register, as_of: date) -> dict:
    s = uses.settings(reg)
    return {
        "as_of": as_of.isoformat(), "yellow": float(s["yellow_lag"]), "red": float(s["red_lag"]),
        "stale": int(s["stale_days"]), "months": 1 if s["schedule_basis"] == "months" else 0,
    }


def deviation(
    reg: Register,
    as_of: date,
    *,
    item: str | None = None,
    department: str | None = None,
    district: str | None = None,
    lights: list[str] | None = None,
) -> list[dict]:
    rows = store.deviation_rows(reg.db, params(reg, as_of), item=item, department=department,
                                district=district, lights=lights)
    for row in rows:
        row["stale"] = bool(row["stale"])
        row["has_report"] = row["last_report_date"] is not None
    return rows


def deviation_stream(
    reg: Register,
    as_of: date,
    keys: tuple[str, ...],
    *,
    item: str | None = None,
    department: str | None = None,
    district: str | None = None,
    lights: list[str] | None = None,
) -> Generator[tuple, None, None]:
    """``deviation``'s rows as tuples of ``keys``, read as they are written: for the machine
    formats of a report over the whole register (no list of 100,000 dicts).  The register
    is read until the rows run out or the generator is closed: close it when giving up
    (a closed pipe), before the register."""
    rows = store.deviation_side_by_side(reg.db, reg.path, params(reg, as_of), keys, item=item,
                                        department=department, district=district,
                                        lights=lights)
    try:
        if "stale" not in keys:
            yield from rows
            return
        at = keys.index("stale")
        for row in rows:
            yield row[:at] + (row[at] == 1,) + row[at + 1:]
    finally:
        rows.close()


def standing(reg: Register, code: str, as_of: date) -> dict:
    """One project's 序时进度 row at ``as_of`` (for its card)."""
    uses.require_project(reg, code)
    [row] = store.deviation_rows(reg.db, params(reg, as_of), code=code)
    return {**row, "stale": bool(row["stale"]), "as_of": as_of.isoformat()}


def deviation_by_item(reg: Register, as_of: date, *, item: str | None = None,
                      department: str | None = None, district: str | None = None
                      ) -> list[dict]:
    return store.deviation_by_item(reg.db, params(reg, as_of), item=item,
                                   department=department, district=district)


# -- overdue ------------------------------------------------------------------------------------

SECTIONS = ("projects_overdue", "projects_red", "behind_two_months", "no_progress",
            "issues_overdue", "visits_missed", "visits_due")


@dataclass
class Table:
    """A section's rows as read: tuples of ``keys`` (170,000 findings at 100,000 projects
    need no dict each for the machine formats; ``dicts`` makes them for the others, anew
    each time, so that they always say what the tuples say).  Complete once the report
    is returned."""

    keys: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)

    def dicts(self) -> list[dict]:
        return store.as_dicts(list(self.keys), self.rows)


@dataclass
class OverdueReport:
    as_of: date
    tables: dict[str, Table] = field(default_factory=dict)
    month_ends: list[str] = field(default_factory=list)
    windows: dict[str, dict] = field(default_factory=dict)

    @property
    def sections(self) -> dict[str, list[dict]]:
        """The sections' rows as dicts, made anew at each use (held by the caller alone:
        a renderer that can takes one section at a time, ``Table.dicts``)."""
        return {name: table.dicts() for name, table in self.tables.items()}

    @property
    def count(self) -> int:
        return sum(len(table.rows) for table in self.tables.values())


def overdue(reg: Register, as_of: date) -> OverdueReport:
    """Everything late at ``as_of``.  The late projects (a job a slice of the projects),
    the visits owed and the issues past their deadline are read side by side, the
    longest job first: on two connections the visits owed (0.8 s at 100,000 projects)
    and the issues (0.4 s) then run beside the two slices (0.65 s each), not after them."""
    p = params(reg, as_of)
    report = OverdueReport(as_of)
    report.month_ends = [d.isoformat() for d in periods.month_ends_before(as_of, 2)]
    owed, *parts, issues = parallel.side_by_side(reg.db, reg.path, [
        coverage.visits_owed(window_specs(as_of), p["as_of"]),
        *(store.late_projects(p, report.month_ends, rows)
          for rows in parallel.project_slices(reg.db)),
        coverage.overdue_issues(p["as_of"]),
    ])
    behind = set().union(*(part_behind for part_behind, _, _ in parts))
    keys = parts[0][1]
    for name in PROJECT_SECTIONS:
        report.tables[name] = Table(keys)
    report.tables["behind_two_months"] = Table((*keys, "month_ends"))
    at = {key: i for i, key in enumerate(keys)}
    code, status, last_report, start = at["code"], at["status"], at["last_report_date"], \
        at["start"]
    month_ends = (report.month_ends,)
    for r in store.merged_rows([rows for _, _, rows in parts], keys):
        for name in project_sections(r[code], r[status], r[last_report], r[start], p["as_of"],
                                     behind):
            report.tables[name].rows.append(r + month_ends if name == "behind_two_months"
                                            else r)
    report.tables["issues_overdue"] = Table(*issues)
    report.tables["visits_missed"], report.tables["visits_due"] = visits_owed(
        as_of, report, *owed)
    return report


PROJECT_SECTIONS = ("projects_overdue", "projects_red", "behind_two_months", "no_progress")


def project_sections(
    code: str, status: str, last_report: str | None, start: str, as_of: str, behind: set[str]
) -> list[str]:
    """The overdue sections a project belongs in.  The summary counts the same rule in SQL
    (``store.reports.summary_standing``); tests/reports/test_sql_matches_rules.py holds
    the two together."""
    names = []
    if status == "overdue":
        names.append("projects_overdue")
    if status == "seriously_behind":
        names.append("projects_red")
    if code in behind and status != "done":
        names.append("behind_two_months")
    if last_report is None and start <= as_of:
        names.append("no_progress")
    return names


def owed_windows(as_of: date) -> list[tuple[str, Period, Period]]:
    """(cadence, previous window, current window) of each cadence at ``as_of``."""
    return [(cadence, periods.previous_window(cadence, as_of), periods.window_for(cadence, as_of))
            for cadence in ("monthly", "quarterly")]


def window_specs(as_of: date) -> list[dict]:
    """The four windows overdue looks at, as ``coverage.OWED`` takes them: kind 0 the
    previous (visits missed), kind 1 the current (visits still due)."""
    return [{"cadence": cadence, "label": w.label, "start": w.start.isoformat(),
             "end": w.end.isoformat(), "kind": kind}
            for cadence, previous, current in owed_windows(as_of)
            for kind, w in enumerate((previous, current))]


def visits_owed(
    as_of: date, report: OverdueReport, keys: tuple[str, ...], owed: list[tuple]
) -> tuple[Table, Table]:
    """``coverage.visits_owed``'s rows (tuples of ``keys``, ending in the window's kind)
    split: (missed in the previous windows, still due in the current ones, with the days
    left in them)."""
    days_left = {}
    for cadence, previous, current in owed_windows(as_of):
        report.windows[cadence] = {"previous": span(previous), "current": span(current)}
        days_left[current.label] = (current.end - as_of).days
    if keys[-1] != "kind":
        raise ValueError(f"visits owed end in {keys[-1]}, not kind")
    window = keys.index("window")
    missed, due = Table(keys[:-1]), Table((*keys[:-1], "days_left"))
    for row in owed:
        if row[-1]:
            due.rows.append(row[:-1] + (days_left[row[window]],))
        else:
            missed.rows.append(row[:-1])
    return missed, due


def span(period: Period) -> dict:
    return {"label": period.label, "start": period.start.isoformat(),
            "end": period.end.isoformat()}


# -- checklist ----------------------------------------------------------------------------------


# The columns of a checklist's rows as ``checklist_row`` makes them.
CHECKLIST = ("code", "name", "department", "district", "light", "status", "expected_pct",
             "actual_pct", "deviation_pct", "funds_pct", "stale", "last_visit_any",
             "last_visit_group", "visited", "visited_on", "open_issue_ids", "open_issues",
             "focus", "due")


@dataclass
class GroupChecklist:
    """A group's checklist: its rows as tuples of CHECKLIST (``cells``; 100,000 at
    100,000 projects, written as they are in the machine formats), as dicts when a format
    asks for ``rows`` (made anew at each use, so that they always say what the tuples
    say)."""

    group: dict
    window: Period
    as_of: date
    cells: list[tuple]

    keys = CHECKLIST  # the columns of ``cells``

    @property
    def rows(self) -> list[dict]:
        return store.as_dicts(list(self.keys), self.cells)


def checklist(
    reg: Register,
    period: Period,
    today: date,
    *,
    group: str | None = None,
    level: str | None = None,
) -> list[GroupChecklist]:
    """Each group's window containing the period (month or quarter), with what to look at."""
    if group is not None:
        uses.require_group(reg, group)
    # Groups of one cadence share a window.
    by_window: dict[Period, list[dict]] = {}
    for g in coverage.groups_for_checklist(reg.db, group, level):
        window = periods.window_for(g["cadence"], min(period.end, max(period.start, today)))
        by_window.setdefault(window, []).append(g)
    # Windows that end after today share today as their as-of date: one deviation pass
    # and one query for all of them.
    by_as_of: dict[date, list[tuple[dict, Period]]] = {}
    for window, members in by_window.items():
        by_as_of.setdefault(min(today, window.end), []).extend((g, window) for g in members)
    # For each as-of date: the open issues, the standings, a job for each slice of the
    # projects, and the rows, a job for each share of the groups; all read side by side.
    slices = parallel.project_slices(reg.db)
    jobs, shares = [], []
    for as_of, chosen in by_as_of.items():
        windows = [(g["id"], w.start.isoformat(), w.end.isoformat()) for g, w in chosen]
        share = -(-len(windows) // len(slices))
        parts = [windows[k:k + share] for k in range(0, len(windows), share)]
        shares.append(len(parts))
        jobs.append(coverage.open_issues([g["id"] for g, _ in chosen], as_of.isoformat()))
        jobs += [store.standings(params(reg, as_of), rows) for rows in slices]
        jobs += [coverage.checklist_rows(part, as_of.isoformat()) for part in parts]
    results = iter(parallel.side_by_side(reg.db, reg.path, jobs))
    rows_of: dict[int, list[tuple]] = {}
    for (_, chosen), count in zip(by_as_of.items(), shares, strict=True):
        issues = next(results)
        lights = {}
        for _ in slices:
            lights.update(next(results))
        rows_of.update({g["id"]: [] for g, _ in chosen})
        for _ in range(count):
            for row in next(results):
                rows_of[row[0]].append(checklist_row(row, lights, issues))
    return [GroupChecklist(g, window, min(today, window.end), rows_of[g["id"]])
            for window, members in by_window.items() for g in members]


# A project without a standing (none at the as-of date): the STANDING columns after code.
NO_STANDING = (None,) * (len(store.STANDING) - 1)
NO_ISSUES = (None,) * len(coverage.OPEN_ISSUES)


def checklist_row(row: tuple, lights: dict[str, tuple], issues: dict[str, tuple]) -> tuple:
    """A checklist row (``coverage.CHECKLIST_ROW``) with its light and deviation, its open
    issues and the supervision points where the data shows a problem (``focus_of``), as a
    tuple of CHECKLIST; ``lights`` maps codes to ``store.standings`` tuples, ``issues`` to
    ``coverage.open_issues``' ones.  Made once, whole: 100,000 rows at 100,000 projects."""
    (_, code, name, department, district, due, last_visit_any, last_visit_group,
     visited_on) = row
    ids, open_issues, open_categories = issues.get(code, NO_ISSUES)
    found = lights.get(code)
    light, status, expected, actual_pct, deviation, funds_pct, stale = (
        found[1:] if found is not None else NO_STANDING)
    return (code, name, department, district, light, status, expected, actual_pct, deviation,
            funds_pct, bool(stale), last_visit_any, last_visit_group, visited_on is not None,
            visited_on, [int(i) for i in ids.split(";") if i] if ids else [], open_issues,
            focus_of(light, stale, open_categories, actual_pct, funds_pct), due)


def focus_of(light: str | None, stale, open_categories: str | None, actual_pct: float | None,
             funds_pct: float | None) -> list[str]:
    """The supervision points (检查重点) where the data shows a problem: the schedule
    (yellow or red, or no recent figure), quality (quality or safety issues open),
    funding (funding issues open, or money spent lagging the work by more than
    FUNDS_GAP_PP), feedback (feedback issues open)."""
    categories = open_categories.split(",") if open_categories else ()
    focus = []
    if light in ("red", "yellow") or stale:
        focus.append("schedule")
    if "quality" in categories or "safety" in categories:
        focus.append("quality")
    actual = actual_pct or 0
    if "funding" in categories or (funds_pct is not None and actual - funds_pct > FUNDS_GAP_PP):
        focus.append("funding")
    if "feedback" in categories:
        focus.append("feedback")
    return focus


# -- summary ------------------------------------------------------------------------------------


def summary(reg: Register, period: Period, today: date) -> dict:
    """The weekly summary: what happened in the period and where things stand at its end."""
    end = min(period.end, today)
    if end < period.start:
        raise InvalidValue("period", period.label, f"a period that has begun by {today}")
    month_ends = [d.isoformat() for d in periods.month_ends_before(end, 2)]
    slices = parallel.project_slices(reg.db)
    # The projects' standing (a job a slice of the projects) and the counts, side by side.
    *parts, counts, (open_at_end, issues_late), owed = parallel.side_by_side(reg.db, reg.path, [
        *(functools.partial(store.summary_standing, params=params(reg, end),
                            before=(period.start - timedelta(days=1)).isoformat(),
                            end=end.isoformat(), month_ends=month_ends, rows=rows)
          for rows in slices),
        functools.partial(coverage.summary_counts, start=period.start.isoformat(),
                          end=end.isoformat()),
        functools.partial(coverage.issue_counts, as_of=end.isoformat()),
        functools.partial(coverage.visits_owed_counts, windows=window_specs(end),
                          as_of=end.isoformat()),
    ])
    totals, changed = store.merged_standing(parts)
    per_light = {light: totals[light] for light in ("red", "yellow", "green", "done")}
    return {
        "period": {"label": period.label, "start": period.start.isoformat(),
                   "end": end.isoformat()},
        "visits": {"total": sum(v["visits"] for v in counts["visits"]),
                   "by_group": counts["visits"]},
        "progress": {k: counts["figures"][k] or 0 for k in counts["figures"]},
        "issues": {
            "flagged": sum(c["flagged"] for c in counts["flagged"]),
            "by_category": counts["flagged"],
            "transferred": counts["moves"].get("transfer", 0),
            "responded": counts["moves"].get("respond", 0),
            "closed": counts["moves"].get("close", 0),
            "open_at_end": open_at_end,
        },
        "projects": {"total": totals["projects"], "lights": per_light,
                     "light_changes": changed},
        "overdue": overdue_counts(totals, issues_overdue=issues_late, visits_owed=owed),
    }


def overdue_counts(
    totals: dict[str, int], *, issues_overdue: int, visits_owed: dict[int, int]
) -> dict[str, int]:
    """The sizes of overdue's sections: the projects' from the summary's pass
    (``store.summary_standing``), the issues' and the visits owed (by kind, as
    ``coverage.visits_owed_counts`` gives them) as counted."""
    counts = dict.fromkeys(SECTIONS, 0)
    counts.update({name: totals[name] for name in PROJECT_SECTIONS})
    counts["issues_overdue"] = issues_overdue
    counts["visits_missed"] = visits_owed.get(0, 0)
    counts["visits_due"] = visits_owed.get(1, 0)
    return counts

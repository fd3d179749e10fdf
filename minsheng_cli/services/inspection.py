"""The special inspection report (专项视察报告): the register's picture of a period, as of a
date, for the standing committee's review of the government's report.

It gathers, without printing anything: the deviation rows (``reports.deviation``, the one
序时进度 rule) of the projects that run in the period, grouped by item (件); the counts per
light and status and the funds; visit coverage per group against its monthly or quarterly
window; common issues (共性问题, ``audit.common_issues`` as of the date) and the other,
individual issues (个性问题); and what ``reports.overdue`` finds late.  Every figure in the
report is one of these: the text is written in ``render/inspection.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from minsheng_cli.domain import periods
from minsheng_cli.domain.errors import InvalidValue, UserError
from minsheng_cli.domain.periods import Period
from minsheng_cli.services import Register, audit, reports
from minsheng_cli.services import register as uses
from minsheng_cli.store import inspection as store

# A category is a common issue when its open issues span this many projects (the default
# of `issues --common`).
COMMON_MIN_PROJECTS = 3

LIGHTS = ("green", "yellow", "red", "done")
STATUSES = ("done", "ahead", "on_track", "behind", "seriously_behind", "overdue")
CADENCES = ("monthly", "quarterly")


@dataclass(frozen=True)
class ItemSection:
    """One item (件) and its projects (项), in code order."""

    item: str | None
    projects: list[dict]
    lights: dict[str, int]
    statuses: dict[str, int]


@dataclass(frozen=True)
class Funds:
    """Planned investment and money spent (万元), over the projects that report both."""

    budgeted: int  # projects with a planned investment
    budget_total: float
    reporting: int  # of those, projects with a funds figure
    reporting_budget: float
    spent: float

    @property
    def pct(self) -> float | None:
        return self.spent * 100 / self.reporting_budget if self.reporting_budget else None


@dataclass(frozen=True)
class GroupCoverage:
    """A group's visits in the period and the windows it owed visits in."""

    group: str
    level: str
    cadence: str
    assigned: int
    visits: int
    projects_visited: int
    windows: list[dict]  # window, start, end, owed, visited, closed

    @property
    def owed(self) -> int:
        """Project visits owed in the windows closed by the report's date."""
        return sum(w["owed"] for w in self.windows if w["closed"])

    @property
    def made(self) -> int:
        return sum(w["visited"] for w in self.windows if w["closed"])

    @property
    def pct(self) -> float | None:
        return self.made * 100 / self.owed if self.owed else None

    @property
    def current(self) -> dict | None:
        """The window still running on the report's date, if any."""
        return next((w for w in self.windows if not w["closed"]), None)


@dataclass(frozen=True)
class InspectionReport:
    period: Period
    as_of: date  # the report's date: --as-of, or the period's end when it came first
    rules: dict[str, object]  # yellow_lag, red_lag (pp), schedule_basis: how lights are set
    projects: list[dict]
    items: list[ItemSection]
    lights: dict[str, int]
    statuses: dict[str, int]
    funds: Funds
    coverage: list[GroupCoverage]
    missed_visits: list[dict]
    issues: list[dict]  # found in the period or still open at the date
    common_issues: list[dict]  # category rows, with their "issue_rows" and "departments"
    individual_issues: list[dict]
    issues_overdue: list[dict]
    common_min_projects: int = COMMON_MIN_PROJECTS
    late: dict[str, list[dict]] = field(default_factory=dict)  # overdue's project sections
    month_ends: list[str] = field(default_factory=list)

    @property
    def found_in_period(self) -> list[dict]:
        return [i for i in self.issues if i["found_on"] >= self.period.start.isoformat()]


def report_date(period: Period, as_of: date) -> date:
    """The report's date: ``as_of``, or the period's end when the period ended before it."""
    if period.start > as_of:
        raise InvalidValue("period", period.label, f"a period that has begun by {as_of}")
    return min(period.end, as_of)


def inspection_report(reg: Register, period: Period, as_of: date) -> InspectionReport:
    """Everything the report says about ``period``, as it stood at the end of ``as_of``."""
    day = report_date(period, as_of)
    projects = projects_in(reports.deviation(reg, day), period)
    if not projects:
        raise UserError(f"no projects in the register run in {period.label} "
                        f"({period.start} – {period.end}); nothing to report")
    codes = {p["code"] for p in projects}
    settings = uses.settings(reg)
    late = reports.overdue(reg, day)
    sections = late.sections
    issues = [i for i in store.issues_at(reg.db, period.start.isoformat(), day.isoformat())
              if i["code"] in codes]
    common = common_issues(reg, day, issues, codes)
    common_categories = {row["category"] for row in common}
    return InspectionReport(
        period=period, as_of=day,
        rules={"yellow_lag": float(settings["yellow_lag"]),
               "red_lag": float(settings["red_lag"]),
               "schedule_basis": settings["schedule_basis"]},
        common_min_projects=COMMON_MIN_PROJECTS,
        projects=projects, items=item_sections(projects),
        lights=tally(projects, "light", LIGHTS), statuses=tally(projects, "status", STATUSES),
        funds=funds_of(projects),
        coverage=group_coverage(reg, period, day, codes),
        missed_visits=[v for v in store.missed_visits(reg.db, windows_of(period, day),
                                                      day.isoformat()) if v["code"] in codes],
        issues=issues, common_issues=common,
        individual_issues=individual(issues, common_categories),
        issues_overdue=[i for i in sections["issues_overdue"] if i["code"] in codes],
        late={name: [r for r in sections[name] if r["code"] in codes]
              for name in reports.PROJECT_SECTIONS},
        month_ends=late.month_ends,
    )


def projects_in(rows: list[dict], period: Period) -> list[dict]:
    """The deviation rows of the projects that run during the period, in code order."""
    start, end = period.start.isoformat(), period.end.isoformat()
    return sorted((r for r in rows if r["start"] <= end and r["due"] >= start),
                  key=lambda r: r["code"])


def tally(rows: list[dict], key: str, names: tuple[str, ...]) -> dict[str, int]:
    counts = dict.fromkeys(names, 0)
    for row in rows:
        counts[row[key]] += 1
    return counts


def item_sections(projects: list[dict]) -> list[ItemSection]:
    """Items in the order of their first project's code."""
    by_item: dict[str | None, list[dict]] = {}
    for row in projects:
        by_item.setdefault(row["item"], []).append(row)
    return [ItemSection(item, rows, tally(rows, "light", LIGHTS),
                        tally(rows, "status", STATUSES)) for item, rows in by_item.items()]


def funds_of(projects: list[dict]) -> Funds:
    budgeted = [p for p in projects if p["budget"]]
    reporting = [p for p in budgeted if p["funds"] is not None]
    return Funds(
        budgeted=len(budgeted), budget_total=sum(p["budget"] for p in budgeted),
        reporting=len(reporting), reporting_budget=sum(p["budget"] for p in reporting),
        spent=sum(p["funds"] for p in reporting),
    )


# -- visits ---------------------------------------------------------------------------------


def windows_of(period: Period, day: date) -> list[dict]:
    """Every month and quarter with a day in ``period`` on or before ``day``."""
    windows = []
    for cadence in CADENCES:
        window = periods.window_for(cadence, period.start)
        while window.start <= day:
            windows.append({"cadence": cadence, "label": window.label,
                            "start": window.start.isoformat(), "end": window.end.isoformat()})
            window = periods.window_for(cadence, window.end + periods.ONE_DAY)
    return windows


def group_coverage(
    reg: Register, period: Period, day: date, codes: set[str]
) -> list[GroupCoverage]:
    """Each group's visits and windows; ``assigned`` counts the report's projects only (a
    register holding two years' lists would count the other year's too)."""
    counts = store.group_counts(reg.db, period.start.isoformat(), day.isoformat(),
                                sorted(codes))
    by_group: dict[str, GroupCoverage] = {}
    for row in store.window_coverage(reg.db, windows_of(period, day), day.isoformat()):
        name = row["group"]
        if name not in by_group:
            by_group[name] = GroupCoverage(name, row["level"], row["cadence"],
                                           *counts.get(name, (0, 0, 0)), [])
        by_group[name].windows.append({
            "window": row["window"], "start": row["start"], "end": row["end"],
            "owed": row["owed"], "visited": row["visited"],
            "closed": row["end"] <= day.isoformat(),
        })
    return list(by_group.values())


# -- issues ---------------------------------------------------------------------------------


def common_issues(
    reg: Register, day: date, issues: list[dict], codes: set[str]
) -> list[dict]:
    """Common issues at ``day`` (category rows), each with its issues and the departments
    whose issues alone span enough projects — among the report's projects (``codes``: a
    register holding another year's list would count that year's issues, and call a
    category common that is not, in this report)."""
    rows = audit.common_issues(reg, COMMON_MIN_PROJECTS, day, codes)
    by_id = {i["id"]: i for i in issues}
    departments: dict[str, list[dict]] = {}
    for row in rows:
        if row["scope"] == "category_department":
            departments.setdefault(row["category"], []).append(row)
    return [{**row, "issue_rows": [by_id[i] for i in row["issue_ids"] if i in by_id],
             "departments": departments.get(row["category"], [])}
            for row in rows if row["scope"] == "category"]


def individual(issues: list[dict], common_categories: set[str]) -> list[dict]:
    """The issues (found in the period, or still open at the date) of the categories that
    are not common (个性问题), whatever their status; major ones first, then by the day
    found.  Closed issues of a common category are only counted."""
    chosen = [i for i in issues if i["category"] not in common_categories]
    return sorted(chosen, key=lambda i: (i["severity"] != "major", i["found_on"], i["id"]))

"""Use cases of the register itself: the year's list, plans, progress, groups, visits, issues."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from minsheng_cli.domain import schedule
from minsheng_cli.domain import settings as domain_settings
from minsheng_cli.domain.errors import Conflict, InvalidValue, NotFound
from minsheng_cli.domain.model import (
    NewGroup,
    NewIssue,
    NewProgress,
    NewProject,
    NewVisit,
    check_not_before_start,
    check_not_future,
)
from minsheng_cli.domain.periods import Period
from minsheng_cli.services import Register
from minsheng_cli.store import coverage, migrations
from minsheng_cli.store import register as store
from minsheng_cli.store.audit import WriteContext

if TYPE_CHECKING:
    from minsheng_cli.domain.progress_series import ProgressSeries

# -- lookups that name what is accepted ------------------------------------------------------


def require_project(reg: Register, code: str) -> dict:
    project = store.get_project(reg.db, code)
    if project is None:
        raise NotFound("project", code, "see `minsheng projects`")
    return project


def require_group(reg: Register, name: str) -> dict:
    group = store.get_group(reg.db, name)
    if group is None:
        raise NotFound("group", name, known_groups(store.group_names(reg.db), name))
    return group


def known_groups(names: list[str], typed: str, shown: int = 12) -> str:
    """The hint for an unknown group: the names most like what was typed first (containing
    it, or close to it), at most ``shown``, and how many there are in all."""
    import difflib

    alike = sorted((n for n in names if typed and (typed in n or n in typed)),
                   key=lambda n: abs(len(n) - len(typed)))  # the nearest first
    alike += [n for n in difflib.get_close_matches(typed, names, n=shown, cutoff=0.5)
              if n not in alike]
    listed = (alike + [n for n in names if n not in alike])[:shown]
    if not listed:
        return "add one with `minsheng add-group`"
    more = f", … ({len(names)} in all: see `minsheng groups`)" if len(names) > shown else ""
    return "known: " + ", ".join(listed) + more


def settings(reg: Register) -> dict[str, str]:
    return domain_settings.effective(store.read_settings(reg.db))


# -- info --------------------------------------------------------------------------------------


def info(reg: Register) -> dict:
    applied = migrations.applied_names(reg.db)
    return {
        "path": str(reg.path),
        "schema_version": len(applied),
        "schema": applied[-1] if applied else None,
        "counts": store.row_counts(reg.db),
    }


# -- projects --------------------------------------------------------------------------------


def add_project(reg: Register, ctx: WriteContext, project: NewProject) -> None:
    project.validate()
    with reg.write():
        if store.get_project(reg.db, project.code):
            raise Conflict(f"project {project.code!r} already exists; codes are unique")
        store.insert_projects(reg.db, ctx, [project])


def projects(reg: Register, **filters) -> list[dict]:
    return store.list_projects(reg.db, **filters)


@dataclass
class ProjectCard:
    """Everything the register holds on one project (``show CODE``)."""

    project: dict
    plan: list[dict]
    progress: list[dict]
    visits: list[dict]
    issues: list[dict]
    groups: list[str] = field(default_factory=list)
    standing: dict = field(default_factory=dict)
    series: ProgressSeries | None = None  # progress over time, when read at a date


def project_card(reg: Register, code: str, as_of: date | None = None) -> ProjectCard:
    """The card as the register stands; with ``as_of``, as it stood at the end of that
    day (every report is reproducible): the figures and visits dated by then, the issues
    found by then as they stood then, and the progress series (进度曲线) up to that date.
    The plan is the year's, at any date."""
    project = require_project(reg, code)
    until = None if as_of is None else as_of.isoformat()
    visits = [
        {**v, "photos": store.visit_photos(reg.db, v["id"])}
        for v in store.list_visits(reg.db, code=code, end=until)
    ]
    card = ProjectCard(
        project=project,
        plan=store.plan_points(reg.db, code),
        progress=store.progress_history(reg.db, code, until),
        visits=visits,
        issues=(store.list_issues(reg.db, code=code) if until is None
                else coverage.project_issues_at(reg.db, code, until)),
        groups=store.project_groups(reg.db, code),
    )
    if as_of is not None:
        from minsheng_cli.domain.progress_series import progress_series  # show only

        card.series = progress_series(project, card.plan, card.progress, as_of,
                                      settings(reg)["schedule_basis"])
    return card


def add_plan_point(reg: Register, ctx: WriteContext, code: str, day: date, pct: float) -> int:
    with reg.write():
        return add_plan_point_in_tx(reg, ctx, code, day, pct)


def add_plan_point_in_tx(
    reg: Register, ctx: WriteContext, code: str, day: date, pct: float, *, alone: bool = True
) -> int:
    """Record a plan point; ``alone``: checked against the plan as it stands (an import
    checks each plan once all its rows are in, ``plan_problems``)."""
    project = require_project(reg, code)
    start, due = date.fromisoformat(project["start"]), date.fromisoformat(project["due"])
    if not start <= day <= due:
        raise InvalidValue("date", day.isoformat(), f"a date from {start} to {due}")
    if day == due and pct != 100:  # 序时进度 is 100 % there, whatever a point says
        raise InvalidValue("pct", f"{pct:.15g}", f"100 on the due date {due} (a point before "
                           "it shapes the plan)")
    if alone:
        schedule.check_plan_point(day, pct, plan_of(reg, code), start, due)
    return store.insert_plan_point(reg.db, ctx, code, day.isoformat(), pct)


def plan_of(reg: Register, code: str) -> list[tuple[date, float]]:
    """The plan points in force as (date, pct), by date."""
    return [(date.fromisoformat(p["date"]), p["pct"]) for p in store.plan_points(reg.db, code)]


def plan_problems(reg: Register, code: str) -> list[tuple[date, float, date, float]]:
    """``schedule.plan_descents`` of the project's plan as recorded now."""
    project = require_project(reg, code)
    return schedule.plan_descents(plan_of(reg, code), date.fromisoformat(project["start"]),
                                  date.fromisoformat(project["due"]))


# -- progress --------------------------------------------------------------------------------


def progress_rows(
    reg: Register, ctx: WriteContext, reports: list[NewProgress], today: date
) -> list[dict]:
    """Check reports against the register (codes, targets, dates) and build their rows."""
    projects = store.project_targets(reg.db, [r.code for r in reports])
    rows = []
    for report in reports:
        if report.code not in projects:
            raise NotFound("project", report.code, "see `minsheng projects`")
        target, start = projects[report.code]["target"], projects[report.code]["start"]
        day = report.date or corrected_date(reg, report)
        check_not_future(day, today)
        check_not_before_start(day, date.fromisoformat(start))
        report.figure.validate()
        pct = report.figure.resolve_pct(report.code, target)
        rows.append(
            store.progress_row(
                ctx, report.code, day.isoformat(), pct, report.figure.done,
                report.figure.funds, "report", note=report.note, corrects=report.corrects,
            )
        )
    return rows


def corrected_date(reg: Register, report: NewProgress) -> date:
    """A correction keeps the date of the figure it corrects unless given another."""
    if report.corrects is None:
        raise InvalidValue("date", "", "a date YYYY-MM-DD")
    return date.fromisoformat(require_correctable(reg, report)["date"])


def require_correctable(reg: Register, report: NewProgress) -> dict:
    """The figure a correction points at: of the same project, not corrected yet."""
    old = store.get_progress(reg.db, report.corrects)
    if old is None or old["project_code"] != report.code:
        raise NotFound(f"figure of project {report.code}", report.corrects,
                       f"see `minsheng show {report.code}`")
    if old["corrected_by"] is not None:
        raise Conflict(f"figure {report.corrects} was already corrected by figure "
                       f"{old['corrected_by']}; correct that one instead")
    return old


@dataclass(frozen=True)
class Recorded:
    """A figure recorded: its id, what a correction took over from the figure it
    corrects (``Figure.correcting``), and notes on it (``figure_notes``)."""

    id: int
    kept: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def figure_notes(reg: Register, last: int, kept: dict | None = None) -> list[str]:
    """What a clerk should look at twice in the figures written after id ``last`` (they
    stand: over-delivery happens, and a group may see less than a department reported):
    a percentage or funds below the project's last counting figure before it (figures are
    cumulative), a percentage over 200 % of the target, funds over twice the budget.
    Read in one query, for one figure or an import's.  Not on what a correction ``kept``
    of the figure it corrects: the clerk did not give it."""
    kept = kept or {}
    notes = []
    for f in store.figures_after(reg.db, last):
        code = f["code"]
        fix = f"a wrong figure is corrected with `minsheng progress {code} --corrects ID`"
        pct = None if "pct" in kept or "done" in kept else f["pct"]
        funds = None if "funds" in kept else f["funds"]
        for value, before, day, what in ((pct, f["pct_before"], f["pct_date"], "pct"),
                                         (funds, f["funds_before"], f["funds_date"], "funds")):
            unit = " %" if what == "pct" else " 万元"
            if value is not None and before is not None and value < before:
                notes.append(f"note: {what} {value:.15g}{unit} is below the figure of {day} "
                             f"({before:.15g}{unit}), though figures are cumulative; {fix}")
        if pct is not None and pct > 200:
            notes.append(f"note: {pct:.15g} % of {code}'s target; {fix}")
        if funds is not None and f["budget"] and funds > 2 * f["budget"]:
            notes.append(f"note: funds {funds:.15g} 万元, over twice {code}'s budget "
                         f"({f['budget']:.15g} 万元); {fix}")
    return notes


def add_progress(
    reg: Register, ctx: WriteContext, report: NewProgress, today: date
) -> Recorded:
    """A department's report, or (with ``corrects``) a correction or voiding of a figure:
    a correction keeps what it does not give of the figure it replaces."""
    if not report.figure.has_progress and report.corrects is None:
        raise InvalidValue("pct", "", "--pct P or --done QTY")
    kept: dict[str, float] = {}
    with reg.write():
        if report.corrects is not None:
            figure, kept = report.figure.correcting(require_correctable(reg, report))
            report = replace(report, figure=figure)
        rows = progress_rows(reg, ctx, [report], today)
        last = store.last_progress_id(reg.db)
        figure_id = store.insert_progress(reg.db, ctx, rows)[0]
        return Recorded(figure_id, kept, figure_notes(reg, last, kept))


# -- groups ------------------------------------------------------------------------------------


def add_group(reg: Register, ctx: WriteContext, group: NewGroup) -> int:
    with reg.write():
        if store.get_group(reg.db, group.name):
            raise Conflict(f"group {group.name!r} already exists")
        return store.insert_group(reg.db, ctx, group)


def groups(reg: Register) -> list[dict]:
    return store.list_groups(reg.db)


@dataclass(frozen=True)
class Assigned:
    added: list[str]
    already: list[str]


def assign(
    reg: Register,
    ctx: WriteContext,
    group_name: str,
    codes: list[str],
    *,
    all_projects: bool = False,
    district: str | None = None,
) -> Assigned:
    chosen = sum([bool(codes), all_projects, district is not None])
    if chosen != 1:
        raise InvalidValue("projects", " ".join(codes), "project codes, --all or --district D")
    with reg.write():
        group = require_group(reg, group_name)
        if codes:
            known = store.existing_codes(reg.db, codes)
            unknown = [c for c in codes if c not in known]
            if unknown:
                raise NotFound("project", ", ".join(unknown), "see `minsheng projects`")
            wanted = list(dict.fromkeys(codes))
        else:
            wanted = store.codes_where(reg.db, district=district)
            if not wanted:
                raise NotFound("projects in district", district or "", "none match")
        current = store.assigned_codes(reg.db, group["id"])
        added = [c for c in wanted if c not in current]
        store.insert_assignments(reg.db, ctx, group["id"], added)
    return Assigned(added, [c for c in wanted if c in current])


# -- visits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitAdded:
    id: int
    overlaps: list[dict]
    not_assigned: bool
    notes: list[str] = field(default_factory=list)  # on its observed figure (figure_notes)


def visit_row(reg: Register, visit: NewVisit, today: date) -> tuple[dict, dict, float | None]:
    """Check a visit against the register; return its row, the group and observed pct."""
    project = require_project(reg, visit.code)
    group = require_group(reg, visit.group)
    check_not_future(visit.date, today)
    check_not_before_start(visit.date, date.fromisoformat(project["start"]))
    visit.figure.validate()
    pct = visit.figure.resolve_pct(visit.code, project["target"])
    row = {
        "project_code": visit.code, "group_id": group["id"], "date": visit.date.isoformat(),
        "method": visit.method, "visitors": visit.visitors, "finding": visit.finding,
        "suggestion": visit.suggestion,
    }
    return row, group, pct


def record_visit(reg: Register, ctx: WriteContext, visit: NewVisit, today: date) -> int:
    """Insert a visit, its photos and its observed figure; call inside a transaction."""
    row, _, pct = visit_row(reg, visit, today)
    visit_id = store.insert_visit(reg.db, ctx, row)
    store.insert_photos(reg.db, ctx, visit_id, visit.photos)
    if not visit.figure.empty:
        figure = visit.figure
        store.insert_progress(reg.db, ctx, [
            store.progress_row(ctx, visit.code, row["date"], pct, figure.done, figure.funds,
                               "visit", visit_id=visit_id)
        ])
    return visit_id


def add_visit(reg: Register, ctx: WriteContext, visit: NewVisit, today: date) -> VisitAdded:
    for photo in visit.photos:
        if not Path(photo).is_file():
            raise InvalidValue("photo", photo, "the path of an existing file")
    with reg.write():
        last = store.last_progress_id(reg.db)
        visit_id = record_visit(reg, ctx, visit, today)
        group = store.get_group(reg.db, visit.group)
        window = timedelta(days=int(settings(reg)["overlap_days"]))
        # Either side of the date: a visit entered late can duplicate one already recorded.
        overlaps = store.recent_visits_by_others(
            reg.db, visit.code, group["id"], (visit.date - window).isoformat(),
            (visit.date + window).isoformat(),
        ) if window else []
        not_assigned = visit.code not in store.assigned_codes(reg.db, group["id"])
        notes = figure_notes(reg, last)  # on the figure it observed, if any
    return VisitAdded(visit_id, overlaps, not_assigned, notes)


def visits(
    reg: Register, *, group: str | None = None, code: str | None = None,
    period: Period | None = None,
) -> list[dict]:
    if group is not None:
        require_group(reg, group)
    if code is not None:
        require_project(reg, code)
    return store.list_visits(
        reg.db, group=group, code=code,
        start=period.start.isoformat() if period else None,
        end=period.end.isoformat() if period else None,
    )


# -- issues ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueFlagged:
    id: int
    same_category_open: list[int]


def flag(reg: Register, ctx: WriteContext, issue: NewIssue, today: date) -> IssueFlagged:
    with reg.write():
        issue = dated_issue(reg, issue, today)
        same = store.open_issue_ids(reg.db, issue.code, issue.category)
        issue_id = record_issue(reg, ctx, issue, "open")
    return IssueFlagged(issue_id, same)


def dated_issue(reg: Register, issue: NewIssue, today: date, field: str = "date") -> NewIssue:
    """An issue found on a visit dates from that visit unless a date is given; none is
    dated after today, before its visit or before its project started (as figures and
    visits: a wrong year would date its deadline a century back)."""
    project = require_project(reg, issue.code)
    visit = store.get_visit(reg.db, issue.visit_id) if issue.visit_id is not None else None
    visit_day = date.fromisoformat(visit["date"]) if visit else None
    if issue.found_on is None:
        issue = replace(issue, found_on=visit_day or today)
    check_not_future(issue.found_on, today, field)
    check_not_before_start(issue.found_on, date.fromisoformat(project["start"]), field)
    if visit_day and issue.found_on < visit_day:
        raise InvalidValue(field, issue.found_on.isoformat(),
                           f"a date on or after visit {issue.visit_id} ({visit_day})")
    return issue


def record_issue(reg: Register, ctx: WriteContext, issue: NewIssue, status: str) -> int:
    """Insert an issue and its first event; call inside a transaction."""
    require_project(reg, issue.code)
    group_id = None
    if issue.visit_id is not None:
        visit = store.get_visit(reg.db, issue.visit_id)
        if visit is None:
            raise NotFound("visit", issue.visit_id, "see `minsheng visits`")
        if visit["project_code"] != issue.code:
            raise InvalidValue(
                "visit", issue.visit_id, f"a visit to {issue.code} (it was to "
                f"{visit['project_code']})"
            )
        group_id = visit["group_id"]
    if issue.group is not None:
        group = require_group(reg, issue.group)
        if group_id is not None and group["id"] != group_id:
            raise InvalidValue("group", issue.group, "the group that made the visit")
        group_id = group["id"]
    issue_id = store.insert_issue(reg.db, ctx, issue, group_id, status)
    store.insert_issue_event(reg.db, ctx, {
        "issue_id": issue_id, "action": "flag", "date": issue.found_on.isoformat(),
        "from_status": None, "to_status": status, "department": issue.department,
        "deadline": None, "verdict": None, "note": None,
    })
    return issue_id


def issues(reg: Register, **filters) -> list[dict]:
    if filters.get("code") is not None:
        require_project(reg, filters["code"])
    return store.list_issues(reg.db, **filters)

"""Importing spreadsheets (all-or-nothing) and loading the bundled sample register.

Each import parses every row (``domain.imports``), checks the rows that parse against the
register, and reports the problems of both kinds together, in line order; only a clean file
is written, in one transaction: a bad row anywhere means nothing is written, and the error
names its line.  Progress and visit rows that repeat a record already in the register, or
an earlier line of the file, are refused unless duplicates are allowed: importing the same
file twice would otherwise double every figure and visit without a word.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from minsheng_cli.domain import imports as rows_of
from minsheng_cli.domain.errors import InvalidValue, NotFound, UserError
from minsheng_cli.services import Register
from minsheng_cli.services import register as uses
from minsheng_cli.store import register as store
from minsheng_cli.store.audit import WriteContext

KINDS = ("projects", "progress", "visits", "groups", "assignments", "plans", "issues")

DUPLICATES_HINT = "a row that really repeats a record imports with --allow-duplicates"


@dataclass(frozen=True)
class ImportOptions:
    year: int | None = None  # projects: the year when the sheet has no 年度 column
    allow_duplicates: bool = False  # progress, visits, issues, plans: rows repeating a record


def run_import(
    reg: Register,
    ctx: WriteContext,
    kind: str,
    sheet: rows_of.Sheet,
    source: str,
    today: date,
    options: ImportOptions | None = None,
) -> Imported:
    """Import ``sheet`` as ``kind``; return the number of rows written, and the notes on
    the figures it wrote (progress, and the figures visits observed: ``figure_notes``)."""
    if kind not in KINDS:
        raise InvalidValue("kind", kind, " | ".join(KINDS))
    with reg.write():  # all-or-nothing: a bad line anywhere rolls back the lines before it
        last = store.last_progress_id(reg.db)
        count = IMPORTERS[kind](reg, ctx, sheet, source, today, options or ImportOptions())
        notes = uses.figure_notes(reg, last)
    return Imported(count, notes)


@dataclass(frozen=True)
class Imported:
    count: int
    notes: list[str] = field(default_factory=list)


def refuse(source: str, problems: list[str], repeats: list[str] | None = None) -> None:
    """Raise with every problem of the file, in line order, if there is any."""
    if problems or repeats:
        hint = DUPLICATES_HINT if repeats else ""
        raise rows_of.ImportError_(source, [*problems, *(repeats or [])], hint)


def checked(
    records: list, action, kind: str, sheet
) -> tuple[list[tuple[int, object]], list[str]]:
    """Run ``action`` on each record: (line, result) for those that pass, and a problem
    naming the line for each that fails — and the column by the sheet's own header (a
    rule checked against the register names its field, ``date``, which the clerk's sheet
    calls 日期)."""
    columns = rows_of.column_map(kind, sheet.headers)
    results, problems = [], []
    for line, record in records:
        try:
            results.append((line, action(record)))
        except UserError as error:
            problems.append(rows_of.problem_of(line, error, columns))
    return results, problems


def repeated(
    keyed: list[tuple[int, tuple, str]], recorded: Callable[[tuple], int | None], what: str
) -> list[str]:
    """Lines whose (line, key, label) repeats an earlier line or a record in the register."""
    seen: dict[tuple, int] = {}
    problems = []
    for line, key, label in keyed:
        if key in seen:
            problems.append(f"line {line}: repeats line {seen[key]} ({label})")
            continue
        seen[key] = line
        existing = recorded(key)
        if existing is not None:
            problems.append(f"line {line}: {label} is already in the register "
                            f"({what} {existing})")
    return problems


def import_projects(reg, ctx, sheet, source, today, options) -> int:
    records, problems = rows_of.parse_rows(
        "projects", sheet, lambda c: rows_of.project_from(c, options.year), source
    )
    problems += rows_of.duplicates((line, p.code) for line, p in records)
    existing = store.existing_codes(reg.db, [p.code for _, p in records])
    problems += [
        f"line {line}: project {p.code!r} is already in the register"
        for line, p in records if p.code in existing
    ]
    refuse(source, problems)
    store.insert_projects(reg.db, ctx, [p for _, p in records])
    return len(records)


def import_progress(reg, ctx, sheet, source, today, options) -> int:
    records, problems = rows_of.parse_rows("progress", sheet, rows_of.progress_from, source)
    rows, found = checked(records, lambda r: uses.progress_rows(reg, ctx, [r], today)[0],
                          "progress", sheet)
    repeats = [] if options.allow_duplicates else repeated(
        [(line, progress_key(row), f"{row['project_code']} on {row['date']}")
         for line, row in rows],
        lambda key: store.same_progress_id(reg.db, *key), "progress figure")
    refuse(source, problems + found, repeats)
    store.insert_progress(reg.db, ctx, [row for _, row in rows])
    return len(rows)


def progress_key(row: dict) -> tuple:
    """What makes two progress reports the same report."""
    return tuple(row[k] for k in ("project_code", "date", "pct", "done", "funds", "note"))


def import_visits(reg, ctx, sheet, source, today, options) -> int:
    records, problems = rows_of.parse_rows("visits", sheet, rows_of.visit_from, source)
    # Before any row is written: a line repeating an earlier one names that line.
    repeats = [] if options.allow_duplicates else repeated(
        [(line, visit_key(v), f"{v.group} at {v.code} on {v.date}") for line, v in records],
        lambda key: store.same_visit_id(reg.db, *key), "visit")
    _, found = checked(records, lambda v: uses.record_visit(reg, ctx, v, today), "visits",
                       sheet)
    refuse(source, problems + found, repeats)
    return len(records)


def visit_key(visit) -> tuple:
    """What makes two visits the same visit."""
    return (visit.code, visit.group, visit.date.isoformat(), visit.method, visit.visitors,
            visit.finding)


def import_groups(reg, ctx, sheet, source, today, options) -> int:
    records, problems = rows_of.parse_rows("groups", sheet, rows_of.group_from, source)
    problems += rows_of.duplicates((line, g.name) for line, g in records)
    problems += [f"line {line}: group {group.name!r} already exists"
                 for line, group in records if store.get_group(reg.db, group.name)]
    refuse(source, problems)
    for _, group in records:
        store.insert_group(reg.db, ctx, group)
    return len(records)


def import_assignments(reg, ctx, sheet, source, today, options) -> int:
    records, problems = rows_of.parse_rows(
        "assignments", sheet, lambda c: (c.get("group"), c.raw("code") or ""), source
    )
    problems += rows_of.duplicates((line, f"{g} {c}") for line, (g, c) in records)

    def check(pair):
        group, code = uses.require_group(reg, pair[0]), uses.require_project(reg, pair[1])
        return group["id"], code["code"]

    pairs, found = checked(records, check, "assignments", sheet)
    refuse(source, problems + found)
    added = 0
    for _, (group_id, code) in pairs:
        if code not in store.assigned_codes(reg.db, group_id):
            store.insert_assignments(reg.db, ctx, group_id, [code])
            added += 1
    return added


def import_plans(reg, ctx, sheet, source, today, options) -> int:
    from minsheng_cli.domain import values
    from minsheng_cli.domain.periods import parse_date

    records, problems = rows_of.parse_rows(
        "plans", sheet,
        lambda c: (c.raw("code") or "", c.get("date", parse_date), c.get("pct", values.parse_pct)),
        source,
    )
    problems += two_points_a_day(records)
    # Before any row is written.  A revised plan repeats the points it keeps: those are
    # not written again (a point is the same point); a file that changes nothing is the
    # same file imported twice, refused as such.
    kept = {} if options.allow_duplicates else {
        line: point for line, (code, day, pct) in records
        if day is not None and pct is not None
        and (point := store.same_plan_point_id(reg.db, code, day.isoformat(), pct))}
    new = [(line, record) for line, record in records if line not in kept]
    repeats = [f"line {line}: {code} {day} {pct:g}% is already in the register (plan point "
               f"{kept[line]})" for line, (code, day, pct) in records] if not new else []
    _, found = checked(new, lambda r: uses.add_plan_point_in_tx(reg, ctx, *r, alone=False),
                       "plans", sheet)
    refuse(source, problems + found, repeats)
    # Each plan checked whole once every row is in: a revised plan may come in any order.
    refuse(source, plan_descents(reg, records, rows_of.column_map("plans", sheet.headers)))
    return len(new)


def two_points_a_day(records: list) -> list[str]:
    """Lines that give a project a second, different plan point for a day the file already
    gave it one (only one can stand; which was meant is not for the program to guess)."""
    first: dict[tuple, tuple[int, float]] = {}
    problems = []
    for line, (code, day, pct) in records:
        if day is None or pct is None:
            continue
        earlier = first.setdefault((code, day), (line, pct))
        if earlier[1] != pct:
            problems.append(f"line {line}: a second plan point for {code} on {day} "
                            f"({pct:g}%; line {earlier[0]} says {earlier[1]:g}%)")
    return problems


def plan_descents(reg, records: list, columns: dict[str, str]) -> list[str]:
    """A problem for each imported plan point that leaves its plan going down: below an
    earlier point, or above a later one (descents among points already in the register
    are not the import's)."""
    lines = {(code, day): line for line, (code, day, _) in records}
    header = columns["pct"]
    problems = []
    for code in dict.fromkeys(code for _, (code, _, _) in records):
        for day, pct, earlier, higher in uses.plan_problems(reg, code):
            if (code, day) in lines:
                problems.append(f"line {lines[code, day]}, column {header}: {pct:g} is below "
                                f"{higher:g}, the plan point of {earlier} (a plan is "
                                "cumulative)")
            elif (code, earlier) in lines:
                problems.append(f"line {lines[code, earlier]}, column {header}: {higher:g} is "
                                f"above {pct:g}, the plan point of {day} (a plan is "
                                "cumulative)")
    return problems


def import_issues(reg, ctx, sheet, source, today, options) -> int:
    records, problems = rows_of.parse_rows(
        "issues", sheet, lambda c: rows_of.issue_from(c, today), source
    )
    # Before any row is written: the same file twice would flag (and transfer) every
    # issue twice.  The day is the one the row gives: found on, else its visit's.
    repeats = [] if options.allow_duplicates else repeated(
        [(line, issue_key(issue, visit_date, today), f"{issue.code} {issue.text!r}")
         for line, (issue, visit_date, _) in records],
        lambda key: store.same_issue_id(reg.db, *key[:5]), "issue")
    _, found = checked(records, lambda r: record_imported_issue(reg, ctx, *r, today=today),
                       "issues", sheet)
    refuse(source, problems + found, repeats)
    return len(records)


def issue_key(issue, visit_date: str | None, today: date) -> tuple:
    """What makes two issues the same issue: project, category, text, the day it is dated
    (found on; else its visit's; else today, as it will be recorded), the department to
    rectify it, and the group that found it (within one file only: the register keeps
    the group through the visit)."""
    day = (issue.found_on.isoformat() if issue.found_on else visit_date) or today.isoformat()
    return (issue.code, issue.category, issue.text, day, issue.department, issue.group)


def record_imported_issue(reg, ctx, issue, visit_date, status, *, today: date) -> int:
    """An issue row from a spreadsheet: find its visit by group and date."""
    if visit_date is not None:
        if issue.group is None:
            raise InvalidValue("visit_date", visit_date, "a visit date together with a group")
        group = uses.require_group(reg, issue.group)
        visit_id = store.first_visit_id(reg.db, issue.code, group["id"], visit_date)
        if visit_id is None:
            raise NotFound("visit", f"{issue.group} {issue.code} {visit_date}")
        issue = type(issue)(**{**issue.__dict__, "visit_id": visit_id, "group": None})
    issue = uses.dated_issue(reg, issue, today, "found_on")
    if status not in ("open", "transferred"):
        raise InvalidValue("status", status, "open (待转办) or transferred (已转办) on import")
    issue_id = uses.record_issue(reg, ctx, issue, "open")
    if status == "transferred":
        from minsheng_cli.services import workflow

        workflow.transfer_in_tx(reg, ctx, issue_id, day=issue.found_on)
    return issue_id


IMPORTERS = {
    "projects": import_projects,
    "progress": import_progress,
    "visits": import_visits,
    "groups": import_groups,
    "assignments": import_assignments,
    "plans": import_plans,
    "issues": import_issues,
}

SAMPLE_ORDER = ("projects", "plans", "groups", "assignments", "progress", "visits", "issues")


def load_sample(reg: Register, ctx: WriteContext, folder: Path, today: date, read_sheet) -> dict:
    """Load the bundled sample register (data/sample/*.csv); refuse on a non-empty register.

    Checked inside the write transaction: two ``init --sample`` at once, and one loads it.
    """
    counts = {}
    with reg.write():
        if store.row_counts(reg.db)["projects"]:
            raise UserError(
                f"register {reg.path} already holds projects; load the sample into a new one "
                "(e.g. `minsheng --db sample.db init --sample`)"
            )
        for kind in SAMPLE_ORDER:
            path = folder / f"{kind}.csv"
            counts[kind] = IMPORTERS[kind](reg, ctx, read_sheet(path), path.name, today,
                                           ImportOptions())
    return counts

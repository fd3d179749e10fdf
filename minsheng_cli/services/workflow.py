"""Use cases of the issue workflow: transfer, respond, close, reopen, withdraw, and the
transfer list (问题清单) handed to the departments.

Each move is one transaction: the issue row's new status (and deadline, department or
verdict) and an ``issue_events`` row with the date, who and the note; both land in the
audit log.  A move is dated: not after today, not before the issue's last step.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from minsheng_cli.domain import workflow
from minsheng_cli.domain.errors import InvalidValue, NotFound
from minsheng_cli.domain.model import check_not_future
from minsheng_cli.domain.workdays import MAX_WORKDAYS, add_workdays
from minsheng_cli.services import Register
from minsheng_cli.services import register as uses
from minsheng_cli.store import queries_issues
from minsheng_cli.store import register as store
from minsheng_cli.store.audit import WriteContext


@dataclass(frozen=True)
class MoveRequest:
    """What the user asked for; unset fields take their defaults."""

    day: date
    note: str | None = None
    department: str | None = None
    deadline: date | None = None
    days: int | None = None
    verdict: str | None = None


@dataclass(frozen=True)
class Moved:
    id: int
    action: str
    from_status: str
    status: str
    deadline: str | None
    workdays: int | None = None
    calendar_fallback: bool = False


def require_issue(reg: Register, issue_id: int) -> dict:
    issue = store.get_issue(reg.db, issue_id)
    if issue is None:
        raise NotFound("issue", issue_id, "see `minsheng issues`")
    return issue


def deadline_for(
    reg: Register, issue: dict, req: MoveRequest
) -> tuple[str, int | None, bool]:
    """--deadline, else --days, else 5 / 15 working days by severity (settings).

    Returns the deadline, the working days counted (None for an explicit date) and
    whether Monday–Friday stood in for the Chinese calendar.
    """
    if req.deadline is not None and req.days is not None:
        raise InvalidValue("deadline", req.deadline.isoformat(), "either --deadline or --days")
    if req.deadline is not None:
        if req.deadline < req.day:
            day = req.deadline.isoformat()
            raise InvalidValue("deadline", day, f"a date on or after the move's date {req.day}")
        return req.deadline.isoformat(), None, False
    days = req.days
    if days is None:
        days = int(uses.settings(reg)[workflow.days_severity_key(issue["severity"])])
    if not 1 <= days <= MAX_WORKDAYS:
        raise InvalidValue("days", days, f"a whole number of working days, 1 to {MAX_WORKDAYS}")
    due, fallback = add_workdays(req.day, days)
    return due.isoformat(), days, fallback


def move(
    reg: Register, ctx: WriteContext, issue_id: int, action: str, req: MoveRequest, today: date
) -> Moved:
    with reg.write():
        return move_in_tx(reg, ctx, issue_id, action, req, today)


def move_in_tx(reg, ctx, issue_id: int, action: str, req: MoveRequest, today: date) -> Moved:
    """One move inside an open write transaction; raises before writing anything."""
    issue = require_issue(reg, issue_id)
    target = workflow.next_status(issue_id, issue["status"], action)
    check_not_future(req.day, today)
    events = store.issue_events(reg.db, issue_id)
    last = events[-1]["date"] if events else issue["found_on"]
    if req.day.isoformat() < last:
        raise InvalidValue("date", req.day.isoformat(),
                           f"a date on or after {last} (issue {issue_id}'s last step)")
    if action == "respond" and not req.note:
        raise InvalidValue("note", "", "the department's reply (--note)")
    if action == "withdraw" and not req.note:
        raise InvalidValue("reason", "", "why the issue is withdrawn (--reason)")
    if action == "transfer" and not (req.department or issue["department"]):
        raise InvalidValue("department", "", f"a unit to rectify issue {issue_id}: neither it "
                           f"nor project {issue['code']} names one (`minsheng issue transfer "
                           f"{issue_id} --department UNIT`)")
    changes: dict = {"status": target}
    workdays, fallback = None, False
    if action in workflow.DEADLINE_MOVES:
        changes["deadline"], workdays, fallback = deadline_for(reg, issue, req)
        if req.department:
            changes["department"] = req.department
    if action == "close":
        changes["verdict"] = req.verdict or "satisfied"
    store.update_issue(reg.db, ctx, issue_id, changes)
    department = changes.get("department", issue["department"]) if action == "transfer" else None
    store.insert_issue_event(reg.db, ctx, {
        "issue_id": issue_id, "action": action, "date": req.day.isoformat(),
        "from_status": issue["status"], "to_status": target,
        "department": department, "deadline": changes.get("deadline"),
        "verdict": changes.get("verdict"), "note": req.note,
    })
    return Moved(issue_id, action, issue["status"], target,
                 changes.get("deadline", issue["deadline"]), workdays, fallback)


def transfer_in_tx(reg, ctx, issue_id: int, *, day: date) -> Moved:
    """Transfer inside an open transaction (spreadsheet imports of transferred issues)."""
    return move_in_tx(reg, ctx, issue_id, "transfer", MoveRequest(day=day), today=day)


@dataclass(frozen=True)
class IssueHistory:
    """An issue as it stands (with its clock on ``as_of``) and every step of its life."""

    issue: dict
    events: list[dict]


def history(reg: Register, issue_id: int, as_of: date) -> IssueHistory:
    issue = require_issue(reg, issue_id)
    return IssueHistory(with_time_left(issue, as_of), store.issue_events(reg.db, issue_id))


def with_time_left(issue: dict, as_of: date) -> dict:
    deadline = date.fromisoformat(issue["deadline"]) if issue.get("deadline") else None
    left = workflow.time_left(deadline, issue["status"], as_of)
    return {**issue, "days_left": left.days_left, "days_overdue": left.days_overdue}


# -- the transfer list (问题清单) -------------------------------------------------------------


@dataclass
class TransferList:
    """The issues for the departments, as of a day, grouped by department in list order."""

    as_of: date
    statuses: tuple[str, ...]
    departments: dict[str, list[dict]] = field(default_factory=dict)
    marked: list[Moved] = field(default_factory=list)

    @property
    def rows(self) -> list[dict]:
        return [row for rows in self.departments.values() for row in rows]


def transfer_list(
    reg: Register,
    ctx: WriteContext | None,
    *,
    as_of: date,
    department: str | None = None,
    status: str | None = None,
    mark_on: date | None = None,
    today: date | None = None,
    deliver: Callable[[TransferList], None] | None = None,
) -> TransferList:
    """The 问题清单; with ``mark_on``, first transfer every listed open issue that day.

    Marking is one transaction: either every open issue on the list is transferred, or
    (on any refusal) none is.  ``deliver`` (writing the list out) runs inside it: a list
    that could not be written (a full disk) undoes the transfers, whose deadlines would
    otherwise run for departments that never got the list.
    """
    statuses = (status,) if status else workflow.OPEN_STATUSES
    marked: list[Moved] = []
    with reg.write() if mark_on is not None else contextlib.nullcontext():
        if mark_on is not None:
            for row in queries_issues.transfer_list_rows(reg.db, statuses, department):
                if row["status"] == "open":
                    req = MoveRequest(day=mark_on)
                    marked.append(move_in_tx(reg, ctx, row["id"], "transfer", req,
                                             today or mark_on))
        # marked: the list as the register stands after the marking, which is dated
        # --date; else as it stood at the end of as_of
        result = listed(reg, as_of, statuses, department, marked,
                        rows_as_of=None if mark_on is not None else as_of)
        if deliver is not None:
            deliver(result)
    return result


def listed(
    reg: Register, as_of: date, statuses: tuple[str, ...], department: str | None,
    marked: list[Moved], rows_as_of: date | None,
) -> TransferList:
    """The list's rows by unit, numbered, with the time left at ``as_of``; the issues as
    they stood at the end of ``rows_as_of`` (as they stand now for None)."""
    result = TransferList(as_of, statuses, marked=marked)
    day = None if rows_as_of is None else rows_as_of.isoformat()
    for row in queries_issues.transfer_list_rows(reg.db, statuses, department, day):
        group = result.departments.setdefault(row["department"] or "", [])
        group.append({**with_time_left(row, as_of), "no": len(group) + 1})
    return result

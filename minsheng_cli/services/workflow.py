"""Use cases of the issue workflow: transfer, respond, close, reopen, withdraw.

Each move is one transaction: the issue row's new status (and deadline or verdict) and an
``issue_events`` row with the date, who and the note; both land in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minsheng_cli.domain import workflow
from minsheng_cli.domain.errors import InvalidValue, NotFound
from minsheng_cli.domain.model import check_not_future
from minsheng_cli.domain.workdays import add_workdays
from minsheng_cli.services import Register
from minsheng_cli.services import register as uses
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
    status: str
    deadline: str | None
    calendar_fallback: bool = False


def require_issue(reg: Register, issue_id: int) -> dict:
    issue = store.get_issue(reg.db, issue_id)
    if issue is None:
        raise NotFound("issue", issue_id, "see `minsheng issues`")
    return issue


def deadline_for(reg: Register, issue: dict, req: MoveRequest) -> tuple[str, bool]:
    """--deadline, else --days, else 5 / 15 working days by severity (settings)."""
    if req.deadline is not None:
        if req.deadline < req.day:
            day = req.deadline.isoformat()
            raise InvalidValue("deadline", day, f"a date on or after {req.day}")
        return req.deadline.isoformat(), False
    days = req.days
    if days is None:
        key = "major_days" if issue["severity"] == "major" else "ordinary_days"
        days = int(uses.settings(reg)[key])
    if days < 1:
        raise InvalidValue("days", days, "a whole number of working days, 1 or more")
    due, fallback = add_workdays(req.day, days)
    return due.isoformat(), fallback


def move(
    reg: Register, ctx: WriteContext, issue_id: int, action: str, req: MoveRequest, today: date
) -> Moved:
    with reg.write():
        return move_in_tx(reg, ctx, issue_id, action, req, today)


def move_in_tx(reg, ctx, issue_id: int, action: str, req: MoveRequest, today: date) -> Moved:
    issue = require_issue(reg, issue_id)
    target = workflow.next_status(issue_id, issue["status"], action)
    check_not_future(req.day, today)
    last = store.issue_events(reg.db, issue_id)[-1]["date"]
    if req.day.isoformat() < last:
        raise InvalidValue("date", req.day.isoformat(), f"a date on or after {last} (last step)")
    changes: dict = {"status": target}
    fallback = False
    if action in ("transfer", "reopen"):
        changes["deadline"], fallback = deadline_for(reg, issue, req)
        if req.department:
            changes["department"] = req.department
    if action == "close":
        changes["verdict"] = req.verdict or "satisfied"
    if action == "respond" and not req.note:
        raise InvalidValue("note", "", "the department's reply (--note)")
    if action == "withdraw" and not req.note:
        raise InvalidValue("reason", "", "why the issue is withdrawn (--reason)")
    store.update_issue(reg.db, ctx, issue_id, changes)
    store.insert_issue_event(reg.db, ctx, {
        "issue_id": issue_id, "action": action, "date": req.day.isoformat(),
        "from_status": issue["status"], "to_status": target,
        "department": changes.get("department"), "deadline": changes.get("deadline"),
        "verdict": changes.get("verdict"), "note": req.note,
    })
    return Moved(issue_id, target, changes.get("deadline", issue["deadline"]), fallback)


def transfer_in_tx(reg, ctx, issue_id: int, *, day: date) -> Moved:
    """Transfer inside an open transaction (spreadsheet imports of transferred issues)."""
    return move_in_tx(reg, ctx, issue_id, "transfer", MoveRequest(day=day), today=day)


@dataclass(frozen=True)
class IssueHistory:
    issue: dict
    events: list[dict]


def history(reg: Register, issue_id: int) -> IssueHistory:
    return IssueHistory(require_issue(reg, issue_id), store.issue_events(reg.db, issue_id))

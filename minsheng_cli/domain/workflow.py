"""The life of an issue (问题), from found to struck off (销号).

``open`` → transfer (转办) → ``transferred`` → respond (反馈) → ``responded`` → close
(复核销号) → ``closed``; reopen (退回重办) sends a responded issue back to ``transferred``
with a new deadline; withdraw (撤回) takes an open or transferred issue out of the lists
but never out of the register.  Any other move is refused, naming the moves allowed.

Deadlines (整改时限) are dates; an issue is overdue when its deadline is before the day
asked about and it is neither closed nor withdrawn.  Days left and days overdue are
calendar days (自然日), as a department reading its list counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from minsheng_cli.domain.errors import Conflict

# An issue still being worked on: it counts for common issues and for the lists.
OPEN_STATUSES = ("open", "transferred", "responded")
FINAL_STATUSES = ("closed", "withdrawn")


@dataclass(frozen=True)
class Move:
    action: str
    sources: tuple[str, ...]
    target: str


MOVES: dict[str, Move] = {
    m.action: m
    for m in (
        Move("transfer", ("open",), "transferred"),
        Move("respond", ("transferred",), "responded"),
        Move("close", ("responded",), "closed"),
        Move("reopen", ("responded",), "transferred"),
        Move("withdraw", ("open", "transferred"), "withdrawn"),
    )
}

# Moves that set a new deadline (整改时限).
DEADLINE_MOVES = ("transfer", "reopen")


def allowed_moves(status: str) -> list[str]:
    return [m.action for m in MOVES.values() if status in m.sources]


def next_status(issue_id: int, status: str, action: str) -> str:
    """The status after ``action``, or a Conflict naming what is allowed from ``status``."""
    move = MOVES.get(action)
    if move is None:
        raise Conflict(f"unknown move {action!r}; moves: {', '.join(MOVES)}")
    if status not in move.sources:
        allowed = allowed_moves(status)
        moves = ", ".join(allowed) if allowed else "none (the issue's life is over)"
        raise Conflict(
            f"issue {issue_id} is {status}: {action!r} is not allowed; "
            f"allowed from {status}: {moves}"
        )
    return move.target


def days_severity_key(severity: str) -> str:
    """The setting that holds the default number of working days for ``severity``."""
    return "major_days" if severity == "major" else "ordinary_days"


@dataclass(frozen=True)
class TimeLeft:
    """Calendar days to the deadline, or past it, on a given day (both None: no clock runs)."""

    days_left: int | None
    days_overdue: int | None

    @property
    def overdue(self) -> bool:
        return bool(self.days_overdue)


def time_left(deadline: date | None, status: str, as_of: date) -> TimeLeft:
    """Days left until ``deadline`` (0 on the day itself), or days overdue after it.

    A closed or withdrawn issue, or one without a deadline, has no clock running.
    """
    if deadline is None or status in FINAL_STATUSES:
        return TimeLeft(None, None)
    delta = (deadline - as_of).days
    if delta >= 0:
        return TimeLeft(delta, None)
    return TimeLeft(None, -delta)

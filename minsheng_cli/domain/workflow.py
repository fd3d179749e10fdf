"""The life of an issue (问题), from found to struck off (销号).

``open`` → transfer (转办) → ``transferred`` → respond (反馈) → ``responded`` → close
(复核销号) → ``closed``; reopen sends a responded issue back to ``transferred`` with a new
deadline; withdraw (撤回) takes an open or transferred issue out of the lists but never out
of the register.  Any other move is refused, naming the moves allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from minsheng_cli.domain.errors import Conflict

OPEN_STATUSES = ("open", "transferred", "responded")


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


def allowed_moves(status: str) -> list[str]:
    return [m.action for m in MOVES.values() if status in m.sources]


def next_status(issue_id: int, status: str, action: str) -> str:
    """The status after ``action``, or a Conflict naming what is allowed from ``status``."""
    move = MOVES[action]
    if status not in move.sources:
        allowed = allowed_moves(status)
        moves = ", ".join(allowed) if allowed else "none (the issue's life is over)"
        raise Conflict(
            f"issue {issue_id} is {status}; cannot {action} it. Allowed from {status}: {moves}"
        )
    return move.target

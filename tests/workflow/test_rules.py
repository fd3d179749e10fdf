"""The pure rules of the workflow: which move goes where, and the clock on a deadline."""

from __future__ import annotations

from datetime import date

import pytest

from minsheng_cli.domain.errors import Conflict
from minsheng_cli.domain.workflow import MOVES, allowed_moves, next_status, time_left


def test_the_moves_allowed_from_each_status():
    assert {s: allowed_moves(s) for s in ("open", "transferred", "responded", "closed",
                                          "withdrawn")} == {
        "open": ["transfer", "withdraw"],
        "transferred": ["respond", "withdraw"],
        "responded": ["close", "reopen"],
        "closed": [],
        "withdrawn": [],
    }


def test_every_move_leads_somewhere_known():
    assert {m.action: m.target for m in MOVES.values()} == {
        "transfer": "transferred", "respond": "responded", "close": "closed",
        "reopen": "transferred", "withdraw": "withdrawn"}


def test_a_refused_move_says_what_is_allowed():
    with pytest.raises(Conflict, match="allowed from responded: close, reopen"):
        next_status(7, "responded", "respond")
    with pytest.raises(Conflict, match="unknown move 'delete'"):
        next_status(7, "open", "delete")


@pytest.mark.parametrize(("deadline", "status", "left", "overdue"), [
    (date(2021, 10, 12), "transferred", 2, None),
    (date(2021, 10, 10), "transferred", 0, None),   # due today: not yet overdue
    (date(2021, 10, 9), "responded", None, 1),
    (date(2021, 10, 1), "open", None, 9),
    (date(2021, 10, 1), "closed", None, None),      # the clock stops when struck off
    (date(2021, 10, 1), "withdrawn", None, None),
    (None, "open", None, None),
])
def test_time_left(deadline, status, left, overdue):
    result = time_left(deadline, status, date(2021, 10, 10))
    assert (result.days_left, result.days_overdue) == (left, overdue)
    assert result.overdue is bool(overdue)

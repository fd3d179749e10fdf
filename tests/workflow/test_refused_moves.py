"""Moves the workflow does not allow, and bad input: exit 2, one line, register unchanged."""

from __future__ import annotations

import pytest

from tests.workflow.helpers import flag


@pytest.fixture
def issues(units):
    """Issue 1 open, 2 transferred, 3 responded, 4 closed, 5 withdrawn (all on P1/P2)."""
    run = units
    ids = [flag(run, "P1", "quality", f"问题{n}", "2021-06-01") for n in range(1, 6)]
    for issue in ids[1:4]:
        run("issue", "transfer", str(issue), "--date", "2021-06-02")
    for issue in ids[2:4]:
        run("issue", "respond", str(issue), "--note", "已整改", "--date", "2021-06-08")
    run("issue", "close", str(ids[3]), "--date", "2021-06-10")
    run("issue", "withdraw", str(ids[4]), "--reason", "重复", "--date", "2021-06-03")
    assert ids == [1, 2, 3, 4, 5]
    return run


REFUSED = [
    (1, ["respond", "--note", "x"], "issue 1 is open: 'respond' is not allowed; allowed from "
     "open: transfer, withdraw"),
    (1, ["close"], "allowed from open: transfer, withdraw"),
    (1, ["reopen"], "allowed from open: transfer, withdraw"),
    (2, ["transfer"], "issue 2 is transferred: 'transfer' is not allowed; allowed from "
     "transferred: respond, withdraw"),
    (2, ["close"], "allowed from transferred: respond, withdraw"),
    (3, ["withdraw", "--reason", "x"], "allowed from responded: close, reopen"),
    (3, ["transfer"], "allowed from responded: close, reopen"),
    (4, ["reopen"], "issue 4 is closed: 'reopen' is not allowed; allowed from closed: none "
     "(the issue's life is over)"),
    (4, ["withdraw", "--reason", "x"], "allowed from closed: none"),
    (5, ["transfer"], "allowed from withdrawn: none"),
]


@pytest.mark.parametrize(("issue", "move", "message"), REFUSED,
                         ids=[f"{i}-{m[0]}" for i, m, _ in REFUSED])
def test_a_refused_move_names_the_allowed_ones(issues, issue, move, message):
    before = issues.dump()
    result = issues("issue", move[0], str(issue), *move[1:], code=2)
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert issues.dump() == before


BAD = [
    (["delete", "1"], "unknown move 'delete'; moves: transfer, respond, close, reopen, "
     "withdraw, show"),
    (["transfer", "99"], "unknown issue: 99"),
    (["transfer", "abc"], "id: 'abc' is not valid"),
    (["transfer", "1", "--date", "2021-06-17"], "a date on or before today (2021-06-16)"),
    (["transfer", "1", "--date", "2021-05-31"], "a date on or after 2021-06-01 (issue 1's "
     "last step)"),
    (["transfer", "1", "--date", "2021-13-01"], "date"),
    (["transfer", "1", "--deadline", "2021-06-15"], "deadline: '2021-06-15' is not valid"),
    (["transfer", "1", "--deadline", "2021-07-01", "--days", "3"], "either --deadline or "
     "--days"),
    (["transfer", "1", "--days", "0"], "days: '0' is not valid"),
    (["transfer", "1", "--days", "x"], "days: 'x' is not valid"),
    (["transfer", "1", "--department", "   "], "department"),
    (["respond", "2"], "Missing option '--note'"),
    (["respond", "2", "--note", " "], "note"),
    (["close", "3", "--verdict", "good"], "verdict: 'good' is not valid; expected satisfied "
     "(满意), basic (基本满意), unsatisfied (不满意)"),
    (["withdraw", "1"], "Missing option '--reason'"),
    (["show", "99"], "unknown issue: 99"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_exits_2_and_writes_nothing(issues, args, message):
    before = issues.dump()
    result = issues("issue", *args, code=2)
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert issues.dump() == before


def test_verdicts_in_chinese_and_english(issues):
    run = issues
    issue = flag(run, "P2", "safety", "围挡缺失", "2021-06-01")
    run("issue", "transfer", str(issue), "--date", "2021-06-01")
    run("issue", "respond", str(issue), "--note", "已设置围挡")
    closed = run("issue", "close", str(issue), "--verdict", "不满意", "--note", "围挡高度不足")
    assert run.json("issue", "show", str(issue))["verdict"] == "unsatisfied"
    # struck off as recorded, with a word on what sends an issue back instead
    assert "is struck off although its re-check was unsatisfied" in closed.stderr
    assert "`minsheng issue reopen`" in closed.stderr
    # close without --verdict: 满意
    assert run.json("issue", "show", "4")["verdict"] == "satisfied"


def test_an_issue_is_not_transferred_to_nobody(issues):
    # a project without a lead unit and an issue flagged without one: a transfer must say to
    # whom (the transfer list would otherwise file it under "(no unit)")
    run = issues
    run("add-project", "P9", "无牵头单位的项目", "--year", "2021")
    issue = flag(run, "P9", "safety", "围挡缺失", "2021-06-01")
    before = run.dump()
    result = run("issue", "transfer", str(issue), code=2)
    assert result.stderr == (
        f"minsheng: department: '' is not valid; expected a unit to rectify issue {issue}: "
        f"neither it nor project P9 names one (`minsheng issue transfer {issue} --department "
        "UNIT`)\n")
    assert run.dump() == before
    run("issue", "transfer", str(issue), "--department", "市住建局")
    assert run.json("issue", "show", str(issue))["department"] == "市住建局"


def test_marking_the_transfer_list_names_the_issue_a_date_does_not_fit(issues):
    # transfer-list --mark-transferred dated before an open issue's flag: which issue
    run = issues
    late = flag(run, "P2", "safety", "围挡缺失", "2021-06-10")
    before = run.dump()
    result = run("transfer-list", "--mark-transferred", "--date", "2021-06-05", code=2)
    assert f"on or after 2021-06-10 (issue {late}'s last step)" in result.stderr
    assert run.dump() == before

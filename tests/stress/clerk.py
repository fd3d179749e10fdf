"""One clerk of the mixed-concurrency test (``test_mixed_concurrency.py``), run as its own
process: ``python clerk.py WORKER ROUNDS``, or ``python clerk.py --once ARGS…`` for one
command, ``--repeat N ARGS…`` for one command N times.

It waits for a line on stdin (so that all clerks start writing at the same moment), then
calls the real entry point, ``minsheng_cli.cli.main``, once per command — visits,
progress figures, flags, workflow moves on its own issues, a transfer list marked
transferred and a setting — and prints every command it ran as JSON: its arguments,
exit code, stdout and stderr.  Its issues go to its own unit (``单位W``), so that its
moves and its marked list never touch another clerk's issues.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback

from minsheng_cli.cli import main

SCHOOL, HOTLINE = "A1", "P2"  # tests/factories.py: standard_register
GROUPS = ("市人大财经委监督组", "东城区人大监督小组")

log: list[dict] = []


def run(*args: str) -> dict:
    sys.argv = ["minsheng", *args]
    out, err = io.StringIO(), io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as end:
            code = end.code or 0
        except BaseException:  # a traceback: record it, the test fails on it
            code = "exception"
            err.write(traceback.format_exc())
    record = {"args": list(args), "code": code, "out": out.getvalue(), "err": err.getvalue()}
    log.append(record)
    return record


def life_of_an_issue(issue: str, round_: int) -> None:
    """Four fates in turn: closed, sent back, withdrawn, left open for the marked list."""
    fate = round_ % 4
    if fate in (0, 1):
        run("issue", "transfer", issue, "--days", "5", "--note", "转办")
        run("issue", "respond", issue, "--note", "已整改")
        if fate == 0:
            run("issue", "close", issue, "--verdict", "满意")
        else:
            run("issue", "reopen", issue, "--days", "3", "--note", "整改不到位")
    elif fate == 2:
        run("issue", "withdraw", issue, "--reason", "重复登记")


def clerk(worker: int, rounds: int) -> None:
    unit, group = f"单位{worker}", GROUPS[worker % 2]
    for round_ in range(rounds):
        run("add-visit", SCHOOL, "-g", group, "--pct", str(round_ + worker),
            "--visitors", f"第{worker}组", "--finding", f"第{round_}次")
        run("progress", HOTLINE, "--pct", str(worker + round_), "--funds", str(round_),
            "--note", f"clerk {worker} round {round_}")
        flagged = run("flag", SCHOOL, "--category", "质量", "--text", f"{worker}-{round_}",
                      "--department", unit)
        if flagged["code"] == 0:
            life_of_an_issue(flagged["out"].strip(), round_)
    run("transfer-list", "--department", unit, "--mark-transferred", "-f", "json")
    run("config", "overlap_days", str(worker % 3 + 5))


if __name__ == "__main__":
    print("ready", flush=True)  # imported: the parent says go when every clerk is ready
    sys.stdin.readline()
    mode, *rest = sys.argv[1:]  # (run() rewrites sys.argv for the program)
    if mode == "--once":
        run(*rest)
    elif mode == "--repeat":
        for _ in range(int(rest[0])):
            run(*rest[1:])
    else:
        clerk(int(mode), int(rest[0]))
    print(json.dumps(log, ensure_ascii=False))

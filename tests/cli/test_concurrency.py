"""Eight clerks at once: eight processes add visits to one register at the same time.
None fails, none is lost, nobody sees "database is locked", and the audit chain holds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.factories import GRASSROOTS, MUNICIPAL, SCHOOL, audit_chain_length, count

WORKERS, VISITS = 8, 20

# One process, many invocations of the real entry point (MinshengGroup.main) with their own
# connection and transaction each; the command tree is built once to keep the test quick.
DRIVER = """
import io, json, sys, contextlib
import typer
from minsheng_cli.cli import app
command = typer.main.get_command(app)
results = []
for i in range(int(sys.argv[1])):
    err = io.StringIO()
    out = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            command.main(args=sys.argv[2:], prog_name="minsheng")
        except SystemExit as exit:
            code = exit.code
    results.append([code, out.getvalue(), err.getvalue()])
print(json.dumps(results))
"""


def environment(cli) -> dict:
    return {k: v for k, v in {**os.environ, **cli.env}.items() if v is not None}


def visit_args(worker: int) -> list[str]:
    group = GRASSROOTS if worker % 2 else MUNICIPAL
    return ["add-visit", SCHOOL, "-g", group, "--date", f"2021-06-{worker + 1:02d}",
            "--pct", str(worker), "--visitors", f"第{worker}组"]


def test_eight_processes_add_visits_at_once(standard):
    before = count(standard.db, "visits")
    procs = [
        subprocess.Popen([sys.executable, "-c", DRIVER, str(VISITS), *visit_args(w)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=environment(standard))
        for w in range(WORKERS)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results += json.loads(out)
    assert [code for code, _, _ in results] == [0] * WORKERS * VISITS
    assert not any("locked" in err or "Traceback" in err for _, _, err in results)
    ids = [int(out) for _, out, _ in results]
    assert len(set(ids)) == WORKERS * VISITS
    assert count(standard.db, "visits") == before + WORKERS * VISITS
    assert count(standard.db, "progress") == 1 + WORKERS * VISITS
    assert audit_chain_length(standard.db) == 11 + 2 * WORKERS * VISITS


@pytest.mark.slow
def test_eight_minsheng_commands_at_once(standard):
    """The same through ``python -m minsheng_cli``: one process per visit (~0.3 s each)."""
    env = environment(standard)

    def worker(w: int) -> list[subprocess.CompletedProcess]:
        return [subprocess.run([sys.executable, "-m", "minsheng_cli", *visit_args(w)],
                               capture_output=True, text=True, env=env, timeout=60)
                for _ in range(VISITS)]

    with ThreadPoolExecutor(WORKERS) as pool:
        runs = [r for batch in pool.map(worker, range(WORKERS)) for r in batch]
    assert [r.returncode for r in runs] == [0] * WORKERS * VISITS, [r.stderr for r in runs]
    assert not any("locked" in r.stderr for r in runs)
    assert count(standard.db, "visits") == 1 + WORKERS * VISITS
    assert audit_chain_length(standard.db) == 11 + 2 * WORKERS * VISITS

"""A reader that goes away (`minsheng log | head -1`) ends the program with 141, the
SIGPIPE convention, silently: not 1, which scripts read as "found", and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import BASE_ENV

ROOT = Path(__file__).parents[2]


def environment(db: Path) -> dict:
    env = {**os.environ, **BASE_ENV, "MINSHENG_DB": str(db)}
    return {k: v for k, v in env.items() if v is not None}


def minsheng(*args: str) -> list[str]:
    return [sys.executable, "-m", "minsheng_cli", *args]


@pytest.mark.parametrize("args", [
    ["log"], ["deviation"], ["deviation", "-f", "table"], ["deviation", "-f", "json"],
    ["overdue", "-f", "markdown"],
])
def test_a_closed_pipe_exits_141_without_a_word(sample, args):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    try:
        done = subprocess.run(minsheng(*args), stdout=write_end, stderr=subprocess.PIPE,
                              env=environment(sample.db), cwd=ROOT, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 141, done.stderr
    for noise in ("Traceback", "Exception ignored", "BrokenPipe", "Error"):
        assert noise not in done.stderr


def test_head_reads_one_line_then_leaves(sample):
    proc = subprocess.Popen(minsheng("log"), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=environment(sample.db), cwd=ROOT)
    first = proc.stdout.readline()
    proc.stdout.close()  # the audit log of the sample is far larger than a pipe's buffer
    stderr = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141, stderr
    assert first.startswith(b"id\tat\t")
    assert stderr == ""

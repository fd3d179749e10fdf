"""What the stress tests share: clerks started together as real processes, a register's
health read from outside (``verify`` through the real entry point, SQLite's own
``integrity_check``), and killing a process in the middle of its work."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.cli.test_concurrency import environment
from tests.factories import Cli

CLERK = Path(__file__).with_name("clerk.py")


def start_together(cli: Cli, argvs: list[list[str]], env: dict | None = None) -> list[list[dict]]:
    """Run ``clerk.py`` once per argv, all released at the same moment; their logs."""
    procs = [subprocess.Popen([sys.executable, str(CLERK), *argv], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**environment(cli), **(env or {})})
             for argv in argvs]
    for proc in procs:  # each has imported the program and waits for the word
        assert proc.stdout.readline() == "ready\n", proc.stderr.read()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    logs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        logs.append(json.loads(out))
    return logs


def minsheng(cli: Cli, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m minsheng_cli ARGS`` as its own process."""
    return subprocess.run([sys.executable, "-m", "minsheng_cli", *args], capture_output=True,
                          text=True, env={**environment(cli), **(env or {})}, timeout=120)


def spawn(cli: Cli, *args: str) -> subprocess.Popen:
    """``python -m minsheng_cli ARGS`` started in the background, to be killed."""
    return subprocess.Popen([sys.executable, "-m", "minsheng_cli", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=environment(cli))


def integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return "\n".join(r[0] for r in con.execute("PRAGMA integrity_check"))
    finally:
        con.close()


def assert_sound(cli: Cli) -> None:
    """``minsheng verify`` exits 0 as its own process, and SQLite's check says ok."""
    result = minsheng(cli, "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert integrity(cli.db) == "ok"


def wal_bytes(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    try:
        return wal.stat().st_size
    except FileNotFoundError:
        return -1


def wait_for(proc: subprocess.Popen, ready: Callable[[], bool], timeout: float = 60) -> bool:
    """Poll until ``ready()`` holds (True) or ``proc`` ends (False)."""
    end = time.monotonic() + timeout
    while proc.poll() is None:
        if ready():
            return True
        if time.monotonic() > end:
            proc.kill()
            raise AssertionError(f"still running after {timeout} s")
        time.sleep(0.002)
    return False


def kill_when(proc: subprocess.Popen, ready: Callable[[], bool]) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` holds; False if it ended first."""
    return wait_for(proc, ready) and kill_after(proc, 0)


def writing(db: Path) -> bool:
    """Another connection holds the write lock (it is inside its write transaction)."""
    if not db.exists():
        return False
    probe = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return True
        raise
    finally:
        probe.close()


def kill_while_writing(proc: subprocess.Popen, db: Path, delay: float) -> bool:
    """SIGKILL ``proc`` ``delay`` seconds into its write transaction; False if it ended
    (or committed and ended) first."""
    return wait_for(proc, lambda: writing(db)) and kill_after(proc, delay)


def kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL ``proc`` after ``seconds``; False if it ended first."""
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pass
    if proc.poll() is not None:
        return False
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return True

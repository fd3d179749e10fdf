"""Timing whole processes: wall clock, CPU and peak memory of one child, by its own rusage.

Each run is one ``subprocess.Popen`` (under GNU ``time -f %M`` when installed, for the
peak resident set) reaped with ``os.wait4``, which returns the CPU time of that run alone —
no deltas of ``RUSAGE_CHILDREN``, whose maximum RSS cannot be differenced anyway.  Wall
time is ``time.perf_counter`` around spawn and reap, the same for a command and for its
baseline (GNU time adds the same ~1 ms to both).  A run past its timeout is killed with its
whole process group and reported as such.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # user + system seconds
    rss_mb: float  # peak resident set, MiB
    exit_code: int
    timed_out: bool
    stderr_tail: str = ""


@dataclass
class Result:
    """Samples of one command; ``status`` is ok, timeout or the failing exit code."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def status(self) -> str:
        if any(s.timed_out for s in self.samples):
            return "timeout"
        failed = [s for s in self.samples if s.exit_code != 0]
        return f"exit {failed[0].exit_code}" if failed else "ok"

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss_mb(self) -> float:
        return max(s.rss_mb for s in self.samples)

    @property
    def runs(self) -> int:
        return len(self.samples)


TIME = shutil.which("time") or "/usr/bin/time"
HAVE_TIME = os.access(TIME, os.X_OK)


def run_once(argv: Sequence[str], env: dict[str, str], timeout: float) -> Sample:
    """Run ``argv`` once (stdout to /dev/null, stderr kept for a failure's message).

    The peak RSS comes from GNU time (``%M``) when installed: a child's own ``ru_maxrss``
    also counts the pages it shared with this (much larger) Python process between fork
    and exec, which would put a floor of this process's size under every figure.
    """
    with tempfile.TemporaryFile() as err, open(os.devnull, "wb") as out, \
            tempfile.NamedTemporaryFile("r") as rss:
        command = [TIME, "-f", "%M", "-o", rss.name, *argv] if HAVE_TIME else list(argv)
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        killed = threading.Event()

        def kill() -> None:  # the whole group: GNU time and the command under it
            killed.set()
            os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kib = usage.ru_maxrss
        if HAVE_TIME and not killed.is_set():
            text = rss.read().strip().splitlines()
            peak_kib = int(text[-1]) if text and text[-1].isdigit() else peak_kib
        tail = ""
        if proc.returncode != 0 and not killed.is_set():
            err.seek(0)
            tail = err.read()[-400:].decode("utf-8", "replace").strip()
    return Sample(wall, usage.ru_utime + usage.ru_stime, peak_kib / 1024, proc.returncode,
                  killed.is_set(), tail)


def measure(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    repeat: int,
    timeout: float,
    slow: float,
    setup: Callable[[], None] | None = None,
) -> Result:
    """Up to ``repeat`` runs; a run slower than ``slow`` seconds (or failing) is the last.

    ``setup`` runs before each run, untimed (e.g. a fresh empty register for an import).
    """
    result = Result()
    for _ in range(repeat):
        if setup is not None:
            setup()
        sample = run_once(argv, env, timeout)
        result.samples.append(sample)
        if sample.timed_out or sample.exit_code != 0 or sample.wall > slow:
            break
    return result

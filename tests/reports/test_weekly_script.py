"""examples/weekly-summary.sh: writes the dated markdown file and exits 1 when late; when
minsheng fails, its own message and exit code (3 register, 2 bad input) come through."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "examples" / "weekly-summary.sh"
ENTRY = Path(sys.executable).parent / "minsheng"


needs_sh = pytest.mark.skipif(not ENTRY.exists() or not shutil.which("sh"),
                              reason="needs the installed `minsheng` entry point and sh")


def script_env(tmp_path: Path, **extra: str) -> dict:
    return {**os.environ, "MINSHENG_DB": str(tmp_path / "r.db"), "MINSHENG_TODAY": "2021-06-16",
            "MINSHENG": str(ENTRY), "OUT_DIR": str(tmp_path / "out"), "MINSHENG_USER": "cron",
            **extra}


@needs_sh
@pytest.mark.parametrize(("late", "code"), [(True, 1), (False, 0)])
def test_weekly_summary_script(tmp_path, late, code):
    env = script_env(tmp_path)
    run = lambda *a: subprocess.run([str(ENTRY), *a], env=env, check=True,  # noqa: E731
                                    capture_output=True)
    run("init")
    run("add-project", "A", "新建学校", "--year", "2021")
    if not late:
        for day, pct in (("2021-04-30", "33"), ("2021-05-31", "41"), ("2021-06-16", "46")):
            run("progress", "A", "--pct", pct, "--date", day)
    result = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == code, result.stderr
    written = (tmp_path / "out" / "summary-2021-W24.md").read_text(encoding="utf-8")
    assert written.startswith("## ") and "2021-06-14" in written


@needs_sh
@pytest.mark.parametrize(("extra", "code", "message"), [
    ({}, 3, "minsheng: no register at "),
    ({"PERIOD": "2021-W99"}, 2, "minsheng: period: '2021-W99' is not valid"),
])
def test_weekly_summary_script_passes_failures_through(tmp_path, extra, code, message):
    env = script_env(tmp_path, **extra)
    if code == 2:
        subprocess.run([str(ENTRY), "init"], env=env, check=True, capture_output=True)
    result = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True)
    assert result.returncode == code, result.stderr
    assert message in result.stderr
    assert "could not resolve" not in result.stderr
    assert not list((tmp_path / "out").iterdir())

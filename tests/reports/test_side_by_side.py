"""The reports read side by side (store/parallel.py) say exactly what one connection says.

Each report is run with MINSHENG_THREADS=1 (everything on the register's own connection,
one query after another) and with 2 and 3 (the projects cut into slices, the other
queries beside them), and the bytes compared: the slices' rows are merged back in the
reports' order, their counts added up.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import Cli

BENCH = Path(__file__).resolve().parents[2] / "bench"

RUNS = [
    ("deviation", "--as-of", "2021-03-31"),
    ("deviation", "--as-of", "2021-06-16"),
    ("deviation", "--as-of", "2021-11-30", "--light", "red,yellow"),
    ("deviation", "--as-of", "2021-06-16", "--department", "市住建局"),
    ("overdue", "--as-of", "2021-06-16"),
    ("overdue", "--as-of", "2021-10-08"),
    ("checklist", "--period", "2021-06"),
    ("checklist", "--period", "2021-Q3"),
    ("summary", "--period", "2021-W24"),
    ("summary", "--period", "2021-09"),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Cli:
    """300 projects, 6 groups: every light, status and section has many rows."""
    path = tmp_path_factory.mktemp("side") / "g300.db"
    subprocess.run([sys.executable, str(BENCH / "generate.py"), str(path), "--projects",
                    "300", "--seed", "7"], check=True, capture_output=True)
    return Cli(path)


def outputs(cli: Cli, threads: str, formats=("tsv", "json")) -> dict:
    env = {"MINSHENG_THREADS": threads, "MINSHENG_TODAY": "2021-12-31"}
    return {(run, fmt): cli(*run, "-f", fmt, env=env).stdout
            for run in RUNS
            for fmt in (("text", "json") if run[0] == "summary" else formats)}


@pytest.mark.parametrize("threads", ["2", "3"])
def test_generated_register_side_by_side_is_byte_identical(generated, threads):
    alone = outputs(generated, "1")
    assert all(alone.values())
    assert outputs(generated, threads) == alone


def test_sample_register_side_by_side_is_byte_identical(sample):
    assert outputs(sample, "3", ("tsv", "json", "csv")) == outputs(sample, "1",
                                                                   ("tsv", "json", "csv"))


@pytest.mark.parametrize("threads", ["1", "2"])
def test_checklist_open_issues_same_for_few_and_many_groups(generated, threads, monkeypatch):
    """The checklist's open issues are rebuilt for the chosen groups' projects up to
    FEW_GROUPS groups, for every issue beyond: both give the same rows."""
    from minsheng_cli.store import coverage

    env = {"MINSHENG_THREADS": threads, "MINSHENG_TODAY": "2021-12-31"}
    group = generated.json("groups")[1]["name"]
    runs = [("--period", "2021-06"), ("--period", "2021-Q3"),
            ("--period", "2021-06", "--group", group)]

    def checklists() -> list[str]:
        return [generated("checklist", *run, "-f", fmt, env=env).stdout
                for run in runs for fmt in ("tsv", "json")]

    few = checklists()
    assert sum(text.count("#") for text in few) > 10  # open issues listed
    monkeypatch.setattr(coverage, "FEW_GROUPS", 0)
    assert checklists() == few

"""The overdue report and the visit checklists on the bundled sample, byte for byte.

The goldens in golden/ were written by the code before the reports kept their rows as
tuples (commit e4a330d, docs/performance.md run J); any change to a figure, a column, a
row's order or an open issue shows here.  Regenerate them only for an intended change:
``MINSHENG_REGENERATE=1 pytest tests/reports/test_report_goldens.py``, and read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"

RUNS = {
    # name: (today, arguments)
    "overdue-2021-06-16.json": ("2021-06-16", ("overdue", "--as-of", "2021-06-16", "-f", "json")),
    "overdue-2021-10-08.json": ("2021-12-31", ("overdue", "--as-of", "2021-10-08", "-f", "json")),
    "overdue-2021-12-31.tsv": ("2021-12-31", ("overdue", "--as-of", "2021-12-31", "-f", "tsv")),
    "overdue-2021-06-16-zh.md": ("2021-06-16", ("--lang", "zh", "overdue", "-f", "markdown")),
    "checklist-2021-06.json": ("2021-06-16", ("checklist", "--period", "2021-06", "-f", "json")),
    # Today after the quarter: the monthly groups' window (April) and the quarterly ones'
    # (Q2) end on different days, so the checklist has two as-of dates.
    "checklist-2021-04.tsv": ("2021-12-31", ("checklist", "--period", "2021-04", "-f", "tsv")),
    "checklist-2021-Q3.json": ("2021-12-31", ("checklist", "--period", "2021-Q3", "-f", "json")),
    "checklist-2021-09-zh.md": ("2021-09-20", ("--lang", "zh", "checklist", "--period",
                                               "2021-09", "-f", "markdown")),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_report_is_its_golden(sample, name):
    today, args = RUNS[name]
    text = sample(*args, env={"MINSHENG_TODAY": today}).stdout
    path = GOLDEN / name
    if os.environ.get("MINSHENG_REGENERATE"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_goldens_show_what_they_pin():
    """The goldens are not empty shells: late projects, issues and visits owed, open
    issues on checklist rows, both as-of dates of the April checklist."""
    overdue = (GOLDEN / "overdue-2021-10-08.json").read_text(encoding="utf-8")
    for section in ("projects_red", "behind_two_months", "issues_overdue", "visits_missed",
                    "visits_due"):
        assert f'"{section}": [\n' in overdue
    april = (GOLDEN / "checklist-2021-04.tsv").read_text(encoding="utf-8").splitlines()
    as_of = {line.split("\t")[5] for line in april[1:]}
    assert as_of == {"2021-04-30", "2021-06-30"}
    assert any(line.split("\t")[21] for line in april[1:])  # open_issue_ids

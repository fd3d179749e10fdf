"""docs/reference.md is the help of every command, regenerated: it must not drift."""

from __future__ import annotations

from pathlib import Path

from minsheng_cli.cli import reference
from tests.cli.test_help import COMMANDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "reference.md"


def test_the_reference_is_up_to_date():
    expected = reference.reference()
    assert DOC.read_text(encoding="utf-8") == expected, (
        f"docs/reference.md is out of date: run `{reference.COMMAND}`"
    )


def test_the_reference_has_one_heading_per_command_with_its_help():
    text = reference.reference()
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert sorted(headings) == sorted(" ".join(("minsheng", *path)) for path, _ in COMMANDS)
    assert text.count("Usage: minsheng") == len(headings)
    assert "Usage: minsheng issue close [OPTIONS]" in text


def test_the_width_does_not_depend_on_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    narrow = reference.reference()
    monkeypatch.setenv("COLUMNS", "200")
    assert reference.reference() == narrow

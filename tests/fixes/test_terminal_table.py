"""On a real terminal the table fits what it can and never cuts: codes, dates and numbers
keep their full width, text columns fold but keep a readable minimum, and a table whose
minimums do not fit is wider than the terminal."""

from __future__ import annotations

import io
import re

import pytest
from wcwidth import wcswidth

from minsheng_cli.render.output import cols, text_value, write_rows

COLUMNS = cols(
    "code", "name", "department", "expected_pct:pct", "actual_pct:pct", "deviation_pct:pct",
    "funds_pct:pct", "light:enum:light", "status:enum:status", "last_report_date",
    "forecast_date",
)
ROWS = [
    {"code": "MS2021-13", "name": "打通城市断头路", "department": "市住房和城乡建设局",
     "expected_pct": 45.21, "actual_pct": 8.33, "deviation_pct": -36.88, "funds_pct": 10.5,
     "light": "red", "status": "seriously_behind", "last_report_date": "2021-05-31",
     "forecast_date": "2023-02-11"},
    {"code": "MS2021-26", "name": "12345政务服务便民热线归并优化",
     "department": "市政务服务数据管理局", "expected_pct": 45.21, "actual_pct": 10,
     "deviation_pct": -35.21, "funds_pct": None, "light": "red",
     "status": "seriously_behind", "last_report_date": "2021-04-30", "forecast_date": None},
    {"code": "MS2021-09", "name": "Back street renovation in the old town",
     "department": "District government", "expected_pct": 100, "actual_pct": 60,
     "deviation_pct": -40, "funds_pct": 55.25, "light": "red", "status": "overdue",
     "last_report_date": "2021-06-01", "forecast_date": "2021-09-30"},
]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def table_lines(out: FakeTerminal) -> list[str]:
    """The printed lines without their styles (bold stays on with colour off)."""
    return [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in out.getvalue().splitlines()]


def column_texts(lines: list[str], width: int) -> list[str]:
    """Each column's cell fragments, top to bottom, joined without spaces."""
    joined = [""] * width
    for line in lines:
        if line.startswith("│"):
            cells = line.split("│")[1:-1]
            assert len(cells) == width, line
            for i, cell in enumerate(cells):
                joined[i] += cell.replace(" ", "")
    return joined


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("terminal", [80, 60, 200])
def test_every_value_shows_whole_or_folded(monkeypatch, lang, terminal):
    monkeypatch.setenv("COLUMNS", str(terminal))
    out = FakeTerminal()
    write_rows(ROWS, COLUMNS, "table", lang, out, color=False)
    lines = table_lines(out)
    expected = ["".join(text_value(c, r.get(c.key), lang).replace(" ", "") for r in ROWS)
                for c in COLUMNS]
    assert column_texts(lines, len(COLUMNS)) == expected
    body = [line for line in lines if line.startswith("│")]
    for row in ROWS:  # codes and dates on one line, never folded or cut
        for key in ("code", "last_report_date"):
            assert any(f" {row[key]} " in line for line in body), (key, row[key], lines)
    for line in lines:  # no column squeezed to nothing
        assert not re.search("[│┃][│┃]|[━─][┳╇┴┬][┳╇┴┬]", line), line


def test_a_name_keeps_a_readable_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = FakeTerminal()
    write_rows(ROWS, COLUMNS, "table", "zh", out, color=False)
    body = [line for line in table_lines(out) if line.startswith("│")]
    assert body[0].split("│")[2].strip() in ("打通城市断", "打通城市断头路")


@pytest.mark.parametrize(("terminal", "width"), [(80, 68), (60, 60), (40, 39), (30, 39)])
def test_a_table_is_wider_than_the_terminal_only_when_it_must(monkeypatch, terminal, width):
    """Code 9 cells, name (29 cells) and department (20): 68 with padding and borders when
    nothing folds; folding to fit the terminal, but not below 10 cells: never under 39."""
    monkeypatch.setenv("COLUMNS", str(terminal))
    out = FakeTerminal()
    write_rows(ROWS[1:2], COLUMNS[:3], "table", "zh", out, color=False)
    assert max(wcswidth(line) for line in table_lines(out)) == width

"""Series and rows for the chart tests, and golden files of whole charts.

A golden file holds a chart as the terminal shows it without colour.  Set
MINSHENG_UPDATE_GOLDEN=1 to rewrite them after a deliberate change, then read the diff.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from minsheng_cli.domain.progress_series import ProgressPoint, ProgressSeries
from minsheng_cli.render.charts import plain

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, lines) -> None:
    text = "\n".join(plain(line) for line in lines) + "\n"
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("MINSHENG_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name}: chart differs from {path}"


def point(day: str, pct: float, source: str = "report", id_: int = 1) -> ProgressPoint:
    return ProgressPoint(date.fromisoformat(day), pct, source, id_)


def series(start="2021-01-01", due="2021-12-31", as_of="2021-06-16", figures=(), plan=(),
           basis="days") -> ProgressSeries:
    return ProgressSeries(
        start=date.fromisoformat(start), due=date.fromisoformat(due),
        as_of=date.fromisoformat(as_of), figures=tuple(figures),
        plan=tuple((date.fromisoformat(d), p) for d, p in plan), basis=basis,
    )


# A school programme reported monthly, seen once on a visit: behind a linear 序时进度.
SCHOOLS = series(figures=[
    point("2021-03-31", 8.33, id_=19), point("2021-04-30", 16.67, id_=43),
    point("2021-05-31", 25.0, id_=68), point("2021-06-08", 30.0, "visit", id_=110),
    point("2021-06-15", 31.0, id_=91),
])

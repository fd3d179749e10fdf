"""进度曲线 — one project's actual progress over time against its 序时进度.

This module owns the series ``show CODE`` charts (and ``show -f json`` carries as
``series``): the figures that count, in date order, and the expected line they are read
against.  The figures are the ones the reports count (``store/reports.py``, the
``latest_progress`` view): a figure with a percentage that no later row corrects or voids;
of two figures on one day the later recorded one.  The expected line is
``schedule.expected_pct`` itself, so a chart and the deviation table cannot disagree.
Pure: the date is an argument.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from minsheng_cli.domain import schedule


@dataclass(frozen=True)
class ProgressPoint:
    """A figure that counts: its date, percent, source (report | visit) and id."""

    date: date
    pct: float
    source: str
    id: int


def counted_figures(history: Iterable[Mapping]) -> list[ProgressPoint]:
    """The figures that count from a project's progress rows (``id, date, pct, source,
    corrected_by``), one per day (the highest id, as the reports pick), in date order."""
    by_day: dict[date, ProgressPoint] = {}
    for row in sorted(history, key=lambda r: (r["date"], r["id"])):
        if row["pct"] is None or row.get("corrected_by") is not None:
            continue  # funds only, or corrected / voided: no longer counts
        day = date.fromisoformat(row["date"])
        by_day[day] = ProgressPoint(day, float(row["pct"]), row["source"], row["id"])
    return [by_day[d] for d in sorted(by_day)]


@dataclass(frozen=True)
class ProgressSeries:
    """Actual progress against 序时进度 for one project, from its start to ``end``."""

    start: date
    due: date
    as_of: date
    figures: tuple[ProgressPoint, ...]  # counted, dated on or before as_of, date order
    plan: tuple[tuple[date, float], ...] = ()
    basis: str = "days"

    @property
    def end(self) -> date:
        """The last date worth drawing: the due date, or today when the project is past it."""
        return max(self.due, self.as_of)

    def expected_at(self, day: date) -> float:
        return schedule.expected_pct(self.start, self.due, day, self.plan, self.basis)

    def expected_knots(self) -> list[tuple[date, float]]:
        return schedule.expected_knots(self.start, self.due, self.plan, self.basis)

    def actual_at(self, day: date) -> float:
        """The latest figure on or before ``day``; none yet counts 0 (as in the reports)."""
        i = bisect_right([f.date for f in self.figures], day)
        return self.figures[i - 1].pct if i else 0.0


def progress_series(
    project: Mapping,
    plan: Sequence[Mapping],
    history: Iterable[Mapping],
    as_of: date,
    basis: str = "days",
) -> ProgressSeries:
    """The series of a project card: its row (start, due), plan points in force
    (``date, pct``), progress rows, the date it is read at and the 序时进度 basis."""
    figures = tuple(f for f in counted_figures(history) if f.date <= as_of)
    return ProgressSeries(
        start=date.fromisoformat(project["start"]), due=date.fromisoformat(project["due"]),
        as_of=as_of, figures=figures,
        plan=tuple((date.fromisoformat(p["date"]), float(p["pct"])) for p in plan),
        basis=basis,
    )


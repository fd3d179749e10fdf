"""What a clerk records, as checked values (the write side of the register).

Each ``New…`` dataclass is one record as the CLI or a spreadsheet row gives it, already
parsed; ``validate`` methods hold the rules that need more than one field (a quantity
needs a target, start before due).  The store writes them; nothing here touches SQLite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from minsheng_cli.domain.errors import InvalidValue

CADENCE = {"grassroots": "monthly", "municipal": "quarterly"}


@dataclass(frozen=True)
class NewProject:
    """A project (项) on the year's list."""

    code: str
    name: str
    year: int
    start: date
    due: date
    item: str | None = None
    content: str | None = None
    department: str | None = None
    partners: str | None = None
    district: str | None = None
    leader: str | None = None
    target: float | None = None
    unit: str | None = None
    budget: float | None = None

    def validate(self) -> None:
        if self.start > self.due:
            raise InvalidValue(
                "start", self.start.isoformat(), f"a date on or before the due date {self.due}"
            )
        if self.target is not None and self.target <= 0:
            raise InvalidValue("target", self.target, "a quantity greater than 0")
        if self.unit and self.target is None:
            raise InvalidValue("unit", self.unit, "a unit only together with a target quantity")


@dataclass(frozen=True)
class Figure:
    """Observed progress: a percentage, or a quantity done of the project's target."""

    pct: float | None = None
    done: float | None = None
    funds: float | None = None

    @property
    def has_progress(self) -> bool:
        return self.pct is not None or self.done is not None

    @property
    def empty(self) -> bool:
        return not self.has_progress and self.funds is None

    def validate(self) -> None:
        if self.pct is not None and self.done is not None:
            raise InvalidValue(
                "pct", f"{self.pct:.15g}", "either a percentage or a quantity done, not both"
            )

    def correcting(self, old: dict) -> tuple[Figure, dict[str, float]]:
        """What a correction of the figure ``old`` (its row: pct, done, funds) records, and
        what it took over: the correction gives what was wrong, the rest is the old
        figure's — its progress (the quantity done, else the percentage) when only the
        money is given, its funds when they are not.  A void (no figure) takes nothing."""
        if self.empty:
            return self, {}
        kept: dict[str, float] = {}
        pct, done, funds = self.pct, self.done, self.funds
        if not self.has_progress:
            if old["done"] is not None:
                done = kept["done"] = old["done"]
            elif old["pct"] is not None:
                pct = kept["pct"] = old["pct"]
        if funds is None and old["funds"] is not None:
            funds = kept["funds"] = old["funds"]
        return Figure(pct=pct, done=done, funds=funds), kept

    def resolve_pct(self, code: str, target: float | None) -> float | None:
        """The percentage this figure stands for; a quantity needs the project's target."""
        if self.done is None:
            return self.pct
        if target is None:
            raise InvalidValue(
                "done",
                f"{self.done:.15g}",
                f"a percentage (--pct) for project {code}, which has no target quantity",
            )
        return self.done * 100.0 / target


@dataclass(frozen=True)
class NewProgress:
    """A department's progress report (进展), or the figure a visit observed."""

    code: str
    date: date | None
    figure: Figure
    note: str | None = None
    corrects: int | None = None  # the id of the figure this one corrects (or voids)

    def check_correction(self, void: bool) -> None:
        """A void names the figure and says why, and carries no figure; a correction
        without a figure must say it voids."""
        if void and (self.corrects is None or not self.figure.empty or self.note is None):
            raise InvalidValue("void", "--void", "--corrects ID --void --note REASON, "
                               "without --pct/--done/--funds")
        if self.corrects is not None and self.figure.empty and not void:
            raise InvalidValue("corrects", self.corrects, "a new figure (--pct/--done/--funds)"
                               " or --void")


@dataclass(frozen=True)
class NewGroup:
    """A supervision group (监督评估小组); its level fixes its visit cadence."""

    name: str
    level: str
    district: str | None = None
    members: str | None = None

    @property
    def cadence(self) -> str:
        return CADENCE[self.level]


@dataclass(frozen=True)
class NewVisit:
    """A site visit (实地查看) by a group to one project."""

    code: str
    group: str
    date: date
    figure: Figure = field(default_factory=Figure)
    method: str | None = None
    visitors: str | None = None
    finding: str | None = None
    suggestion: str | None = None
    photos: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewIssue:
    """A problem found (问题), flagged against a project and, optionally, a visit."""

    code: str
    category: str
    text: str
    found_on: date | None  # None: the date of its visit, else today (services.dated_issue)
    severity: str = "ordinary"
    visit_id: int | None = None
    group: str | None = None
    department: str | None = None


def check_not_future(value: date, today: date, field_name: str = "date") -> None:
    """Supervision records what has happened: nothing is dated after today."""
    if value > today:
        raise InvalidValue(field_name, value.isoformat(), f"a date on or before today ({today})")


CODE_PATTERN = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff][0-9A-Za-z\u4e00-\u9fff._/-]{0,39}$")


def parse_code(text: str, field: str = "code") -> str:
    """A project code: letters, digits, CJK and ``. _ / -``, at most 40, no spaces."""
    code = (text or "").strip()
    if not CODE_PATTERN.match(code):
        raise InvalidValue(
            field, text, "a project code of letters, digits, CJK or . _ / - (at most 40)"
        )
    return code


def check_not_before_start(value: date, start: date, field_name: str = "date") -> None:
    """A figure or a visit dated before its project started is a typing mistake (a wrong
    year would otherwise make a lagging project look done)."""
    if value < start:
        raise InvalidValue(field_name, value.isoformat(),
                           f"a date on or after the project's start ({start})")

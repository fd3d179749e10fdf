"""Spreadsheet rows → checked records, for ``import projects|progress|visits|…``.

Lists arrive as spreadsheets with Chinese (or English) headers that vary between
departments; ``HEADERS`` maps each field to the headers we accept.  Every bad cell is
reported as ``line N, column 列名: …`` and the whole import is refused (all-or-nothing).
Checks that need the register (does the code exist?) are done by the service.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from minsheng_cli.domain import values
from minsheng_cli.domain.errors import InvalidValue, UserError, echo
from minsheng_cli.domain.model import (
    Figure,
    NewGroup,
    NewIssue,
    NewProgress,
    NewProject,
    NewVisit,
    parse_code,
)
from minsheng_cli.domain.periods import parse_date

CODE = ("项目编号", "编号", "项目代码", "code", "project", "project_code")
DATE = ("日期", "date")

HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "projects": {
        "code": CODE,
        "name": ("项目名称", "名称", "name"),
        "item": ("所属事项", "事项", "所属实事", "件", "所属件", "item"),
        "content": ("建设内容", "目标任务", "内容", "content"),
        "department": ("牵头单位", "责任单位", "牵头部门", "department"),
        "partners": ("配合单位", "partners"),
        "district": ("区县", "所在区县", "区域", "district"),
        "leader": ("分管领导", "责任领导", "leader"),
        "target": ("目标", "目标数量", "目标任务数", "target"),
        "unit": ("单位", "计量单位", "unit"),
        "budget": ("计划投资", "计划投资(万元)", "计划总投资(万元)", "budget"),
        "start": ("开始日期", "计划开工", "开工日期", "start"),
        "due": ("完成时限", "计划完成", "完成日期", "due"),
        "year": ("年度", "year"),
    },
    "progress": {
        "code": CODE,
        "date": (*DATE, "填报日期", "截至日期", "统计日期"),
        "pct": ("完成百分比", "完成百分比(%)", "进度", "进度(%)", "完成进度", "pct"),
        "done": ("完成数量", "已完成", "累计完成", "done"),
        "funds": ("累计完成投资", "累计完成投资(万元)", "完成投资", "完成投资(万元)", "funds"),
        "note": ("备注", "说明", "note"),
    },
    "visits": {
        "code": CODE,
        "group": ("监督小组", "小组", "group"),
        "date": (*DATE, "走访日期", "视察日期"),
        "method": ("方式", "method"),
        "visitors": ("参加人员", "visitors"),
        "pct": ("观察进度", "观察进度(%)", "pct"),
        "done": ("观察完成数量", "done"),
        "funds": ("观察完成投资", "观察完成投资(万元)", "funds"),
        "finding": ("发现问题", "finding"),
        "suggestion": ("意见建议", "suggestion"),
    },
    "groups": {
        "name": ("名称", "小组名称", "监督小组", "name"),
        "level": ("层级", "level"),
        "district": ("区县", "district"),
        "members": ("成员", "members"),
    },
    "assignments": {"group": ("监督小组", "小组", "group"), "code": CODE},
    "plans": {
        "code": CODE,
        "date": DATE,
        "pct": ("计划进度", "计划进度(%)", "pct"),
    },
    "issues": {
        "code": CODE,
        "group": ("监督小组", "小组", "group"),
        "visit_date": ("走访日期", "visit_date"),
        "category": ("类别", "问题类别", "category"),
        "severity": ("严重程度", "severity"),
        "text": ("问题描述", "问题", "text"),
        "department": ("整改责任单位", "责任单位", "department"),
        "status": ("状态", "status"),
        "found_on": ("发现日期", "found_on"),
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "projects": ("code", "name"),
    "progress": ("code", "date"),
    "visits": ("code", "group", "date"),
    "groups": ("name", "level"),
    "assignments": ("group", "code"),
    "plans": ("code", "date", "pct"),
    "issues": ("code", "category", "text"),
}


def normalize_header(text: str) -> str:
    """Fold the ways spreadsheets spell a header: spaces, full-width brackets, case."""
    text = str(text or "").replace("（", "(").replace("）", ")").replace("％", "%")
    return re.sub(r"\s+", "", text).lower()


@dataclass(frozen=True)
class SheetRow:
    """One data row: its line number in the file and its cells by header."""

    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[SheetRow]


class ImportError_(UserError):
    """Bad rows in a spreadsheet; ``problems`` lists each as one line, in line order."""

    def __init__(self, source: str, problems: list[str], hint: str = ""):
        self.problems = sorted(problems, key=line_of)
        shown = self.problems[:20]
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        # The lines after the first are all lines of the file: a hint goes on the first.
        super().__init__(
            f"{source}: nothing imported; {len(problems)} problem(s)"
            + (f" ({hint})" if hint else "")
            + ":\n"
            + "\n".join(shown)
            + more
        )


def line_of(problem: str) -> int:
    """The line a problem names (every problem starts with ``line N``)."""
    found = re.match(r"line (\d+)", problem)
    return int(found.group(1)) if found else 0


def problem_of(line: int, error: UserError, columns: Mapping[str, str] | None = None) -> str:
    """One bad row as one line: the line, the column and what is accepted when known;
    ``columns`` (field → the sheet's header) names a field by its header."""
    if isinstance(error, InvalidValue):
        column = (columns or {}).get(error.field, error.field)
        return (f"line {line}, column {column}: {echo(error.value)} is not valid; "
                f"expected {error.accepted}")
    return f"line {line}: {error}"


def column_map(kind: str, headers: Sequence[str]) -> dict[str, str]:
    """field → the header that carries it; unknown headers are an error (a typo loses data)."""
    aliases = {
        normalize_header(alias): field for field, names in HEADERS[kind].items() for alias in names
    }
    mapping: dict[str, str] = {}
    unknown = []
    for header in headers:
        if not str(header or "").strip():
            continue
        field = aliases.get(normalize_header(header))
        if field is None:
            unknown.append(header)
        elif field in mapping:
            raise UserError(f"columns {mapping[field]!r} and {header!r} both give {field}")
        else:
            mapping[field] = header
    if unknown:
        accepted = ", ".join(f"{f} ({'/'.join(n[:-1] or n)})" for f, n in HEADERS[kind].items())
        raise UserError(f"unknown column(s) {', '.join(map(repr, unknown))}; accepted: {accepted}")
    missing = [f for f in REQUIRED[kind] if f not in mapping]
    if missing:
        wanted = "; ".join(f"{f}: {'/'.join(HEADERS[kind][f])}" for f in missing)
        raise UserError(f"missing column(s) for {', '.join(missing)} — {wanted}")
    return mapping


class Cells:
    """A row's cells by field, with parsers that name the line and column on failure."""

    def __init__(self, row: SheetRow, mapping: dict[str, str], required: tuple[str, ...]):
        self.row = row
        self.mapping = mapping
        self.required = required

    def raw(self, field: str) -> str | None:
        header = self.mapping.get(field)
        if header is None:
            return None
        value = self.row.cells.get(header)
        text = "" if value is None else str(value).strip()
        return text or None

    def get(self, field: str, parse: Callable[[str, str], object] | None = None):
        text = self.raw(field)
        if text is None:
            if field in self.required:
                raise InvalidValue(self.mapping.get(field, field), "", "a value (required)")
            return None
        if parse is None:
            return values.parse_text(text, self.mapping[field])
        return parse(text, self.mapping[field])


def parse_rows(
    kind: str, sheet: Sheet, build: Callable[[Cells], object], source: str
) -> tuple[list[tuple[int, object]], list[str]]:
    """Build every row; return the rows built and a problem for every bad one.

    Bad rows are returned, not raised, so that the service can check the good rows against
    the register too and report every problem of the file at once.  Bad headers, and a file
    without data rows, are refused at once: no row can be read.
    """
    try:
        mapping = column_map(kind, sheet.headers)
    except UserError as error:
        raise UserError(f"{source}: {error}") from error
    if not sheet.rows:
        raise UserError(f"{source}: no data rows found")
    records: list[tuple[int, object]] = []
    problems: list[str] = []
    for row in sheet.rows:
        try:
            records.append((row.line, build(Cells(row, mapping, REQUIRED[kind]))))
        except UserError as error:
            problems.append(problem_of(row.line, error, mapping))
    return records, problems


def year_of(text: str | None, field: str) -> int:
    """2021, also 2021年 / 2021年度 as lists write it."""
    bare = (text or "").strip().removesuffix("年度").removesuffix("年")
    try:
        year = values.parse_quantity(bare, field)
    except InvalidValue:
        raise InvalidValue(field, text, "a year such as 2021") from None
    if not year.is_integer() or not 1900 <= year <= 2100:
        raise InvalidValue(field, text, "a year such as 2021")
    return int(year)


def project_from(cells: Cells, default_year: int | None = None) -> NewProject:
    start, due = cells.get("start", parse_date), cells.get("due", parse_date)
    year = cells.get("year", year_of) or default_year or (start or due or None)
    if isinstance(year, date):
        year = year.year
    if year is None:
        raise InvalidValue("year", "", "a year column, --year, or a start or due date")
    project = NewProject(
        code=parse_code(cells.raw("code") or "", cells.mapping["code"]),
        name=cells.get("name"),
        year=year,
        start=start or date(year, 1, 1),
        due=due or date(year, 12, 31),
        item=cells.get("item"),
        content=cells.get("content"),
        department=cells.get("department"),
        partners=cells.get("partners"),
        district=cells.get("district"),
        leader=cells.get("leader"),
        target=cells.get("target", values.parse_target),
        unit=cells.get("unit"),
        budget=cells.get("budget", values.parse_money),
    )
    project.validate()
    return project


def figure_from(cells: Cells) -> Figure:
    figure = Figure(
        pct=cells.get("pct", values.parse_pct),
        done=cells.get("done", values.parse_quantity),
        funds=cells.get("funds", values.parse_money),
    )
    figure.validate()
    return figure


def progress_from(cells: Cells) -> NewProgress:
    figure = figure_from(cells)
    if figure.empty:
        raise UserError("no progress figure: give a percentage, a quantity done or funds spent")
    return NewProgress(
        code=cells.raw("code") or "", date=cells.get("date", parse_date), figure=figure,
        note=cells.get("note"),
    )


def visit_from(cells: Cells) -> NewVisit:
    return NewVisit(
        code=cells.raw("code") or "",
        group=cells.get("group"),
        date=cells.get("date", parse_date),
        figure=figure_from(cells),
        method=cells.get("method", enum(values.METHOD)),
        visitors=cells.get("visitors"),
        finding=cells.get("finding"),
        suggestion=cells.get("suggestion"),
    )


def group_from(cells: Cells) -> NewGroup:
    return NewGroup(
        name=cells.get("name", values.parse_name),
        level=cells.get("level", enum(values.LEVEL)),
        district=cells.get("district"),
        members=cells.get("members"),
    )


def issue_from(cells: Cells, today: date) -> tuple[NewIssue, str | None, str]:
    """An issue row, the date of the visit it came from (if any), and its status."""
    issue = NewIssue(
        code=cells.raw("code") or "",
        category=cells.get("category", enum(values.CATEGORY)),
        text=cells.get("text"),
        found_on=cells.get("found_on", parse_date),  # None: the visit's date, else today
        severity=cells.get("severity", enum(values.SEVERITY)) or "ordinary",
        group=cells.get("group"),
        department=cells.get("department"),
    )
    visit_date = cells.get("visit_date", parse_date)
    status = cells.get("status", enum(values.ISSUE_STATUS)) or "open"
    return issue, visit_date.isoformat() if visit_date else None, status


def enum(choices: dict[str, list[str]]) -> Callable[[str, str], str]:
    return lambda text, field: values.parse_enum(text, field, choices)


def duplicates(keys: Iterable[tuple[int, str]]) -> list[str]:
    """Lines whose key repeats an earlier line of the same file."""
    seen: dict[str, int] = {}
    problems = []
    for line, key in keys:
        if key in seen:
            problems.append(f"line {line}: {key!r} repeats line {seen[key]}")
        else:
            seen[key] = line
    return problems

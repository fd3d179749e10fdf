"""Rendering of the overdue report and the visit checklists, in every format."""

from __future__ import annotations

import operator
import sys
from pathlib import Path

from minsheng_cli import i18n
from minsheng_cli.render.files import text_file
from minsheng_cli.render.output import (
    cols,
    dump_json,
    machine_value,
    tsv_cell,
    tsv_line,
    write_lines,
    write_rows,
)

OVERDUE_COLUMNS = {
    "projects_overdue": cols("code", "name", "department", "due", "actual_pct:pct",
                             "last_report_date", "forecast_date"),
    "projects_red": cols("code", "name", "department", "expected_pct:pct", "actual_pct:pct",
                         "deviation_pct:pct", "last_report_date"),
    "behind_two_months": cols("code", "name", "department", "light:enum:light",
                              "deviation_pct:pct", "month_ends"),
    "no_progress": cols("code", "name", "department", "start"),
    "issues_overdue": cols("id", "code", "name", "category:enum:category", "text", "department",
                           "status:enum:issue_status", "deadline", "days_overdue:int"),
    "visits_missed": cols("group", "window", "code", "name", "district", "last_visit"),
    "visits_due": cols("group", "window", "code", "name", "district", "last_visit",
                       "days_left:int"),
}
# One flat row per finding for tsv/csv: what each kind carries, under common keys.
FLAT = cols("kind", "code", "name", "department", "group", "window", "id", "detail", "date",
            "days:int")


# The keys a flat row's date is taken from, the first one set; the last one's value when
# none is (missing keys count as None).
DATE_KEYS = ("deadline", "due", "last_visit", "start")
DEVIATED = ("projects_overdue", "projects_red", "behind_two_months")


def flat_rows(report) -> list[dict]:
    return list(iter_flat_rows(report))


def iter_flat_rows(report):
    """flat_rows one at a time: 170,000 findings at 100,000 projects need not be copied
    all at once before they are written."""
    keys = [c.key for c in FLAT]
    for cells in flat_cells(report):
        yield dict(zip(keys, cells, strict=True))


def flat_cells(report):
    """Each finding as the cells of FLAT, section by section, from the sections' rows as
    read (tuples, ``services.reports.Table``): kind, code, name, department, group,
    window, id, then ``detail``, the date (the first of DATE_KEYS set) and the days
    overdue or left."""
    for kind, table in report.tables.items():
        at = {key: i for i, key in enumerate(table.keys)}
        missing = len(table.keys)  # the index of the None each row is padded with
        pick = operator.itemgetter(*(at.get(key, missing) for key in
                                     ("code", "name", "department", "group", "window", "id")))
        dates = [at[key] for key in DATE_KEYS if key in at]
        last_date = at.get(DATE_KEYS[-1], missing)
        days = at.get("days_overdue", at.get("days_left", missing))
        if kind in DEVIATED:
            light, deviation = at.get("light", missing), at.get("deviation_pct", missing)
        elif kind == "issues_overdue":
            category, text = at["category"], at["text"]
        for row in table.rows:
            r = row + (None,)
            for i in dates:
                if r[i]:
                    day = r[i]
                    break
            else:
                day = r[last_date]
            if kind in DEVIATED:
                detail = f"{r[light]} {machine_value(r[deviation])}"
            elif kind == "issues_overdue":
                detail = f"{r[category]}: {r[text]}"
            else:
                detail = ""
            yield (kind, *pick(r), detail, day, r[days])


def write_flat_tsv(report, out) -> None:
    """``write_rows(iter_flat_rows(report), FLAT, "tsv")`` without a dict per finding
    (170,000 findings at 100,000 projects)."""
    tabs = len(FLAT) - 1

    def lines():
        yield "\t".join(c.key for c in FLAT)
        for cells in flat_cells(report):
            yield tsv_line(cells, tabs)

    write_lines(lines(), out)


def write_overdue(report, fmt: str, lang: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        data = {
            "as_of": report.as_of.isoformat(), "count": report.count,
            "month_ends": report.month_ends, "windows": report.windows,
            **{kind: [{c.key: machine_value(r.get(c.key)) for c in OVERDUE_COLUMNS[kind]}
                      for r in table.dicts()] for kind, table in report.tables.items()},
        }
        dump_json(data, out)
        return
    if fmt == "tsv":
        write_flat_tsv(report, out)
        return
    if fmt in ("csv", "jsonl"):
        write_rows(iter_flat_rows(report), FLAT, fmt, lang, out)
        return
    for kind, table in report.tables.items():
        title = f"{i18n.word('kind', kind, lang)} ({len(table.rows)})"
        if not table.rows:
            continue
        write_rows(table.dicts(), OVERDUE_COLUMNS[kind], fmt, lang, out, title=title)
        out.write("\n")


CHECKLIST_COLUMNS = cols(
    "code", "name", "department", "district", "light:enum:light", "deviation_pct:pct",
    "last_visit_any", "last_visit_group", "visited", "visited_on", "open_issues",
    "focus:enum:focus",
)
CHECKLIST_MACHINE = cols(
    "group", "level", "window", "window_start", "window_end", "as_of", "code", "name",
    "department", "district", "light", "status", "expected_pct:pct", "actual_pct:pct",
    "deviation_pct:pct", "funds_pct:pct", "stale", "last_visit_any", "last_visit_group",
    "visited", "visited_on", "open_issue_ids", "open_issues", "focus",
)
BLANKS = {"zh": ["观察进度", "发现问题", "签名"], "en": ["observed progress", "findings",
                                                     "signature"]}


def header_of(c, lang: str) -> str:
    window = c.window
    if lang == "zh":
        return (f"{c.group['name']}（{i18n.word('level', c.group['level'], 'zh')}）走访清单 "
                f"{window.label}：{window.start} 至 {window.end}；数据截至 {c.as_of}")
    return (f"{c.group['name']} ({c.group['level']}) visit checklist {window.label}: "
            f"{window.start} – {window.end}; data as of {c.as_of}")


def machine_rows(lists) -> list[dict]:
    return list(iter_machine_rows(lists))


def iter_machine_rows(lists):
    """machine_rows one at a time (100,000 rows at 100,000 projects)."""
    for c in lists:
        shared = {"group": c.group["name"], "level": c.group["level"],
                  "window": c.window.label, "window_start": c.window.start.isoformat(),
                  "window_end": c.window.end.isoformat(), "as_of": c.as_of.isoformat()}
        for r in c.rows:
            yield {**r, **shared}


def write_checklists_tsv(lists, out) -> None:
    """``write_rows(iter_machine_rows(lists), CHECKLIST_MACHINE, "tsv")`` from the rows'
    tuples (``cells``), without a dict, or a merged copy, of each of 100,000 rows: a
    group's six shared cells are made once per group."""
    keys = [c.key for c in CHECKLIST_MACHINE]
    own = keys[6:]  # after group, level, window, window_start, window_end, as_of
    tabs = len(own) - 1

    def lines():
        yield "\t".join(keys)
        for c in lists:
            pick = operator.itemgetter(*(c.keys.index(key) for key in own))
            cells = (c.group["name"], c.group["level"], c.window.label,
                     c.window.start.isoformat(), c.window.end.isoformat(), c.as_of.isoformat())
            prefix = "".join(tsv_cell(v) + "\t" for v in cells)
            for row in c.cells:
                yield prefix + tsv_line(pick(row), tabs)

    write_lines(lines(), out)


def write_checklists(lists, fmt: str, lang: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        dump_json([{
            "group": c.group["name"], "level": c.group["level"], "window": c.window.label,
            "start": c.window.start.isoformat(), "end": c.window.end.isoformat(),
            "as_of": c.as_of.isoformat(),
            "projects": [{k.key: machine_value(r.get(k.key)) for k in CHECKLIST_MACHINE[6:]}
                         for r in c.rows],
        } for c in lists], out)
        return
    if fmt == "tsv":
        write_checklists_tsv(lists, out)
        return
    if fmt in ("csv", "jsonl"):
        write_rows(iter_machine_rows(lists), CHECKLIST_MACHINE, fmt, lang, out)
        return
    for c in lists:
        write_rows(c.rows, CHECKLIST_COLUMNS, fmt, lang, out, title=header_of(c, lang))
        out.write("\n")


def save_checklists(lists, path: Path, fmt: str, lang: str) -> None:
    """-o FILE: xlsx and html are printable sheets / pages, a section per group."""
    if fmt in ("xlsx", "html"):
        from minsheng_cli.render import printable

        sections = [printable.PrintSection(
            title=c.group["name"], header_lines=[header_of(c, lang)],
            columns=CHECKLIST_COLUMNS, rows=c.rows, blank_columns=BLANKS[lang],
        ) for c in lists]
        if fmt == "xlsx":
            printable.write_xlsx(path, sections, lang)
        else:
            title = "走访清单" if lang == "zh" else "Visit checklist"
            printable.write_html(path, sections, lang, title)
        return
    with text_file(path, fmt) as out:
        write_checklists(lists, fmt, lang, out)


def save_overdue(report, path: Path, fmt: str, lang: str) -> None:
    """-o FILE: an xlsx has a sheet per section (all seven, the empty ones too, so that a
    workbook's shape does not change from week to week)."""
    if fmt != "xlsx":
        with text_file(path, fmt) as out:
            write_overdue(report, fmt, lang, out)
        return
    from minsheng_cli.render import xlsx

    xlsx.write_tables(path, [
        xlsx.Table(i18n.word("kind", kind, lang), OVERDUE_COLUMNS[kind], rows)
        for kind, rows in report.sections.items()
    ], lang)

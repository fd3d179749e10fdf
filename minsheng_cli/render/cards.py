"""Cards: one record with its history (a project for ``show``, an issue for ``issue show``)."""

from __future__ import annotations

import sys

from minsheng_cli import i18n
from minsheng_cli.render.output import (
    cols,
    dump_json,
    machine_value,
    write_record,
    write_rows,
)

PROJECT_FIELDS = cols(
    "code", "year", "item", "name", "content", "department", "partners", "district", "leader",
    "target:num", "unit", "budget:num", "start", "due",
)
STANDING = cols("as_of", "expected_pct:pct", "actual_pct:pct", "deviation_pct:pct",
                "funds_pct:pct", "light:enum:light", "status:enum:status", "last_report_date",
                "stale", "forecast_date", "days_late:int")
PLAN = cols("date", "pct:pct")
PROGRESS = cols("id:int", "date", "pct:pct", "done:num", "funds:num", "source:enum:source",
                "visit_id", "note", "corrects:int", "corrected_by:int", "created_by")
VISITS = cols("id:int", "date", "group", "method:enum:method", "visitors", "observed_pct:pct",
              "finding", "suggestion", "photos", "created_by")
ISSUES = cols("id:int", "category:enum:category", "severity:enum:severity", "text", "department",
              "found_on", "status:enum:issue_status", "deadline", "verdict:enum:verdict")

SECTIONS = {
    "plan": (("计划节点", "Plan points"), PLAN),
    "progress": (("进展", "Progress"), PROGRESS),
    "visits": (("实地查看", "Visits"), VISITS),
    "issues": (("问题", "Issues"), ISSUES),
}


def section_title(titles: tuple[str, str], lang: str) -> str:
    return titles[0] if lang == "zh" else titles[1]


def write_project_card(card, fmt: str, lang: str, out=None) -> None:
    out = out or sys.stdout
    sections = {"plan": card.plan, "progress": card.progress, "visits": card.visits,
                "issues": card.issues}
    if fmt in ("json", "jsonl"):
        data = {c.key: machine_value(card.project.get(c.key)) for c in PROJECT_FIELDS}
        data["groups"] = card.groups
        data["standing"] = {c.key: machine_value(card.standing.get(c.key)) for c in STANDING}
        for name, rows in sections.items():
            columns = SECTIONS[name][1]
            data[name] = [{c.key: machine_value(r.get(c.key)) for c in columns} for r in rows]
        if card.series is not None:
            data["series"] = series_json(card.series)
        dump_json(data, out, fmt=fmt)
        return
    project = {**card.project, "groups": card.groups, **card.standing}
    write_record(project, [*PROJECT_FIELDS, *cols("groups"), *STANDING], fmt, lang, out)
    for name, rows in sections.items():
        titles, columns = SECTIONS[name]
        title = section_title(titles, lang)
        if fmt in ("tsv", "csv"):
            out.write(f"\n# {name}\n")
        elif fmt == "markdown":
            out.write(f"\n### {title}\n\n")
        else:
            out.write(f"\n{title}\n")
        if rows or fmt in ("tsv", "csv"):  # scripts get a section's header even when empty
            write_rows(rows, columns, fmt, lang, out)
        else:
            out.write(("（无）" if lang == "zh" else "(none)") + "\n")
    if fmt == "table" and card.series is not None:
        write_progress_chart(card, lang, out)


CHART_TITLE = ("进度曲线", "Progress over time")


def write_progress_chart(card, lang: str, out) -> None:
    """Under the card, where a terminal leaves the last lines in view: the progress chart,
    coloured by the project's light on a terminal, plain through a pipe."""
    from minsheng_cli.render import charts

    out.write(f"\n{section_title(CHART_TITLE, lang)}\n")
    lines = charts.progress_chart(card.series, charts.terminal_width(), lang,
                                  card.standing.get("light"))
    charts.write_lines(lines, out)


def series_json(series) -> dict:
    """``show -f json``'s ``series``: the corners of the 序时进度 line and the figures that
    count, up to ``as_of`` (a script can draw the chart from them)."""
    return {
        "as_of": series.as_of.isoformat(),
        "expected": [{"date": d.isoformat(), "pct": machine_value(p)}
                     for d, p in series.expected_knots()],
        "actual": [{"date": f.date.isoformat(), "pct": machine_value(f.pct),
                    "source": f.source, "id": f.id} for f in series.figures],
    }


ISSUE_FIELDS = cols(
    "id:int", "code", "project", "category:enum:category", "severity:enum:severity", "text",
    "department", "group", "visit_date", "found_on", "status:enum:issue_status", "deadline",
    "verdict:enum:verdict", "created_by",
)
EVENTS = cols("date", "action:enum:action", "from_status:enum:issue_status",
              "to_status:enum:issue_status", "department", "deadline", "verdict:enum:verdict",
              "note", "created_by", "created_at")


def write_issue_history(history, fmt: str, lang: str, out=None) -> None:
    out = out or sys.stdout
    if fmt in ("json", "jsonl"):
        data = {c.key: machine_value(history.issue.get(c.key)) for c in ISSUE_FIELDS}
        data["events"] = [{c.key: machine_value(e.get(c.key)) for c in EVENTS}
                          for e in history.events]
        dump_json(data, out, fmt=fmt)
        return
    write_record(history.issue, ISSUE_FIELDS, fmt, lang, out)
    title = "处理过程" if lang == "zh" else "History"
    out.write(f"\n### {title}\n\n" if fmt == "markdown" else f"\n{title}\n")
    write_rows(history.events, EVENTS, fmt, lang, out)


def label(key: str, lang: str) -> str:
    return i18n.label(key, lang)

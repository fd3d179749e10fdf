"""The special inspection report (专项视察报告) as a document: the words around the figures of
``services/inspection.py``, in Chinese (the report's language) or English, written as
.docx, .md or .html.

Every number in the text is a field of the report (a count, a deviation row, an issue):
nothing is estimated or typed in here.  The clerk edits the draft in WPS or Word.
"""

from __future__ import annotations

import sys
from pathlib import Path

from minsheng_cli.domain.errors import InvalidValue
from minsheng_cli.render import document as doc
from minsheng_cli.render import files
from minsheng_cli.render.inspection_words import WORDS, period_name, status_counts
from minsheng_cli.render.output import round_number

SUFFIXES = {".docx": "docx", ".md": "markdown", ".markdown": "markdown", ".html": "html",
            ".htm": "html"}
ACCEPTED = "a file ending .docx, .md or .html"


def format_of(path: Path) -> str:
    """The output format from the file's suffix; checked before anything is read."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise InvalidValue("output", str(path), ACCEPTED)
    if not path.parent.is_dir():
        raise InvalidValue("output", str(path), "a path in an existing folder")
    if path.is_dir():
        raise InvalidValue("output", str(path), "a file name, not a folder")
    return kind


def write_report(report, lang: str, path: Path | None) -> None:
    """The report as Markdown on stdout, or to ``path`` in the format of its suffix.  The
    file appears whole or not at all (written beside it, then renamed)."""
    document = build(report, lang)
    if path is None:
        doc.write_markdown(document, sys.stdout)
        return
    kind = format_of(path)
    if kind == "docx":
        from minsheng_cli.render.docx_writer import write_docx

        with files.binary_file(path) as out:
            write_docx(document, out)
        return
    with files.text_file(path, kind) as out:
        (doc.write_html if kind == "html" else doc.write_markdown)(document, out)


# -- the document -------------------------------------------------------------------------------


def build(report, lang: str) -> doc.Document:
    w = WORDS["zh" if lang == "zh" else "en"]
    day = w.date(report.as_of)
    blocks: list[doc.Block] = [doc.Paragraph(w.note(report), "note")]
    blocks += overview(report, w)
    blocks += items(report, w)
    blocks += visits(report, w)
    blocks += issues(report, w)
    blocks += [doc.Heading(w.h_recommendations, 1),
               doc.Paragraph(w.recommendations_placeholder, "placeholder"),
               doc.Paragraph(w.signature_group, "signature"),
               doc.Paragraph(w.signature_date, "signature")]
    period = period_name(report.period, lang)
    return doc.Document(title=w.title.format(period=period),
                        subtitle=w.subtitle.format(date=day), blocks=blocks, lang=w.lang,
                        subject=w.subject.format(period=period, date=day))


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def amount(value: float) -> str:
    """万元 as the register holds them, to two decimals at most."""
    return str(round_number(float(value)))


def scope_text(report, named, w) -> str:
    """"N件M项", with the projects that name no item (件) said apart — and no "0件"."""
    projects = len(report.projects)
    if not named:
        return w.scope_unfiled.format(projects=projects)
    unfiled = projects - sum(len(i.projects) for i in named)
    return w.scope.format(items=len(named), projects=projects) + (
        w.unfiled.format(n=unfiled) if unfiled else "")


def overview(report, w) -> list[doc.Block]:
    s, lights = report.statuses, report.lights
    named = [i for i in report.items if i.item is not None]
    blocks: list[doc.Block] = [
        doc.Heading(w.h_overview, 1),
        doc.Paragraph(w.overview.format(
            date=w.date(report.as_of), scope=scope_text(report, named, w),
            statuses=status_counts(s, w, all_of_them=True), **lights)),
        doc.Paragraph(funds_text(report.funds, w)),
        light_table(report, w),
    ]
    for name in ("projects_overdue", "projects_red", "behind_two_months", "no_progress"):
        rows = report.late.get(name) or []
        if rows:
            listed = w.sep.join(w.project_late(name, r) for r in rows)
            intro = w.late[name].format(n=len(rows), ends=w.both.join(report.month_ends))
            blocks.append(doc.Paragraph(intro + listed + w.stop))
    return blocks


def funds_text(funds, w) -> str:
    if not funds.budgeted:
        return w.funds_none
    text = w.funds_budget.format(n=funds.budgeted, total=amount(funds.budget_total))
    if not funds.reporting:
        return text + w.funds_no_report
    return text + w.funds_spent.format(n=funds.reporting, spent=amount(funds.spent),
                                       budget=amount(funds.reporting_budget),
                                       pct=pct(funds.pct))


def light_table(report, w) -> doc.Table:
    rows = [[i.item or w.no_item, str(len(i.projects)), *(str(i.lights[k]) for k in
             ("done", "green", "yellow", "red")), str(i.statuses["overdue"])]
            for i in report.items]
    rows.append([w.total, str(len(report.projects)), *(str(report.lights[k]) for k in
                 ("done", "green", "yellow", "red")), str(report.statuses["overdue"])])
    return doc.Table(w.light_headers, rows, [False] + [True] * 6,
                     [40, 18, 18, 18, 18, 18, 26], total_row=True)


def items(report, w) -> list[doc.Block]:
    blocks: list[doc.Block] = [doc.Heading(w.h_items, 1)]
    for number, section in enumerate(report.items, start=1):
        blocks.append(doc.Heading(w.item_heading.format(
            no=w.ordinal(number), item=section.item or w.no_item, n=len(section.projects)), 2))
        blocks.append(doc.Paragraph(w.item_summary.format(
            n=len(section.projects), statuses=status_counts(section.statuses, w))))
        blocks.append(doc.Table(
            w.project_headers,
            [[r["code"], r["name"], r["department"] or "", pct(r["expected_pct"]),
              pct(r["actual_pct"]), pct(r["deviation_pct"]), pct(r["funds_pct"]),
              w.word("light", r["light"]), w.word("status", r["status"]),
              r["last_report_date"] or "—"] for r in section.projects],
            [False, False, False, True, True, True, True, False, False, False],
            [18, 33, 15, 12, 12, 12, 12, 9, 15, 18]))
    return blocks


def visits(report, w) -> list[doc.Block]:
    groups = report.coverage
    owed, made = sum(g.owed for g in groups), sum(g.made for g in groups)
    blocks: list[doc.Block] = [
        doc.Heading(w.h_visits, 1),
        doc.Paragraph(w.visits_summary.format(
            start=w.date(report.period.start), date=w.date(report.as_of), groups=len(groups),
            visits=sum(g.visits for g in groups), owed=owed, made=made,
            pct=pct(made * 100 / owed if owed else None))),
    ]
    if groups:
        blocks.append(doc.Table(
            w.coverage_headers,
            [[g.group, w.word("level", g.level), str(g.assigned), str(g.visits),
              str(g.projects_visited), str(g.owed), str(g.made), pct(g.pct),
              w.current(g.current)] for g in groups],
            [False, False, True, True, True, True, True, True, False],
            [38, 10, 12, 12, 14, 16, 16, 14, 24]))
    if report.missed_visits:
        blocks.append(doc.Paragraph(w.missed_intro.format(n=len(report.missed_visits))))
        blocks.append(doc.Table(
            w.missed_headers,
            [[v["group"], v["window"], v["code"], v["name"], v["district"] or "",
              v["last_visit"] or "—"] for v in report.missed_visits],
            [False] * 6, [38, 16, 18, 46, 16, 22]))
    else:
        blocks.append(doc.Paragraph(w.missed_none))
    return blocks


def issues(report, w) -> list[doc.Block]:
    blocks: list[doc.Block] = [doc.Heading(w.h_issues, 1),
                               doc.Paragraph(w.issue_counts(report))]
    blocks.append(doc.Heading(w.h_common, 2))
    if not report.common_issues:
        blocks.append(doc.Paragraph(w.common_none.format(date=w.date(report.as_of),
                                                         n=report.common_min_projects)))
    else:
        blocks.append(doc.Paragraph(w.common_intro.format(n=report.common_min_projects,
                                                          k=len(report.common_issues))))
    for number, row in enumerate(report.common_issues, start=1):
        blocks.append(doc.Heading(w.common_heading.format(
            no=number, category=w.word("category", row["category"]), projects=row["projects"],
            issues=row["issues"]), 3))
        for dept in row["departments"]:
            blocks.append(doc.Paragraph(w.common_department.format(
                department=dept["department"] or w.no_unit, projects=dept["projects"],
                issues=dept["issues"])))
        blocks.append(issue_table(row["issue_rows"], w, category=False))
    blocks.append(doc.Heading(w.h_individual, 2))
    if report.individual_issues:
        blocks.append(doc.Paragraph(w.individual_intro.format(n=len(report.individual_issues))))
        blocks.append(issue_table(report.individual_issues, w, category=True))
    else:
        blocks.append(doc.Paragraph(w.none))
    blocks.append(doc.Heading(w.h_overdue, 2))
    if report.issues_overdue:
        blocks.append(doc.Paragraph(w.overdue_intro.format(date=w.date(report.as_of),
                                                           n=len(report.issues_overdue))))
        blocks.append(overdue_table(report.issues_overdue, w))
    else:
        blocks.append(doc.Paragraph(w.overdue_none.format(date=w.date(report.as_of))))
    return blocks


def issue_table(rows: list[dict], w, *, category: bool) -> doc.Table:
    headers = w.issue_headers if category else [h for i, h in enumerate(w.issue_headers)
                                                if i not in (2, 3)]
    body = []
    for r in rows:
        cells = [str(r["id"]), f"{r['code']} {r['name']}", w.word("category", r["category"]),
                 w.word("severity", r["severity"]), r["text"], r["department"] or w.no_unit,
                 w.word("issue_status", r["status"]), r["deadline"] or "—"]
        body.append(cells if category else cells[:2] + cells[4:])
    widths = [15, 30, 14, 10, 35, 22, 12, 18]
    return doc.Table(headers, body, [True] + [False] * (len(headers) - 1),
                     widths if category else widths[:2] + widths[4:])


def overdue_table(rows: list[dict], w) -> doc.Table:
    body = [[str(r["id"]), f"{r['code']} {r['name']}", w.word("category", r["category"]),
             r["text"], r["department"] or w.no_unit, w.word("issue_status", r["status"]),
             r["deadline"] or "—", str(r["days_overdue"])] for r in rows]
    return doc.Table(w.overdue_headers, body,
                     [True, False, False, False, False, False, False, True],
                     [15, 28, 14, 37, 22, 12, 18, 10])

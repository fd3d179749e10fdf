"""The transfer list (问题清单) handed to the departments, and the line a workflow move prints.

The list is numbered per unit to rectify (整改责任单位): table and markdown show one titled
block per unit, xlsx and html a printable sheet or page per unit with a column left blank
for the unit's reply and a line to sign for it; tsv, csv, json and jsonl carry one flat row
per issue with English keys (the contract scripts rely on).
"""

from __future__ import annotations

import sys
from pathlib import Path

from minsheng_cli.i18n import word
from minsheng_cli.render import printable
from minsheng_cli.render.files import text_file
from minsheng_cli.render.output import Column, write_rows
from minsheng_cli.render.printable import PrintSection
from minsheng_cli.render.printable import labelled as c


def moved_line(moved, lang: str) -> str:
    """What a move prints on stdout: the issue's new status and deadline."""
    if lang == "zh":
        counted = f"（{moved.workdays}个工作日）" if moved.workdays else ""
        deadline = f"，整改时限 {moved.deadline}{counted}" if moved.deadline else ""
        return f"问题 {moved.id}：{word('issue_status', moved.status, lang)}{deadline}"
    counted = f" ({moved.workdays} working days)" if moved.workdays else ""
    deadline = f", deadline {moved.deadline}{counted}" if moved.deadline else ""
    return f"issue {moved.id}: {moved.status}{deadline}"


def list_columns(human: bool) -> list[Column]:
    if human:
        return [
            c("no", "序号", "no.", "int"), c("id", "问题编号", "issue", "int"),
            c("group", "监督小组", "group"), c("visit_date", "走访日期", "visit date"),
            c("project_label", "项目", "project"),
            c("category", "类别", "category", "enum", "category"),
            c("severity", "程度", "severity", "enum", "severity"),
            c("text", "问题描述", "description"), c("transferred_on", "交办日期", "transferred"),
            c("deadline", "整改时限", "deadline"),
            c("status", "状态", "status", "enum", "issue_status"),
            c("time_status", "时限情况", "time left"),
            c("verdict", "复核意见", "verdict", "enum", "verdict"),
        ]
    return [
        c("no", "序号", "no", "int"), c("id", "问题编号", "id", "int"),
        c("department", "整改责任单位", "department"), c("group", "监督小组", "group"),
        c("visit_date", "走访日期", "visit_date"), c("found_on", "发现日期", "found_on"),
        c("code", "编号", "code"), c("project", "项目", "project"),
        c("lead_department", "牵头单位", "lead_department"),
        c("category", "类别", "category", "enum", "category"),
        c("severity", "程度", "severity", "enum", "severity"),
        c("text", "问题描述", "text"), c("transferred_on", "交办日期", "transferred_on"),
        c("deadline", "整改时限", "deadline"),
        c("status", "状态", "status", "enum", "issue_status"),
        c("days_left", "剩余天数", "days_left", "int"),
        c("days_overdue", "逾期天数", "days_overdue", "int"),
        c("verdict", "复核意见", "verdict", "enum", "verdict"),
        c("response", "反馈情况", "response"),
    ]


def human_row(row: dict, lang: str) -> dict:
    zh = lang == "zh"
    if row["days_overdue"]:
        left = f"逾期{row['days_overdue']}天" if zh else f"{row['days_overdue']} days overdue"
    elif row["days_left"] == 0:
        left = "今日到期" if zh else "due today"
    elif row["days_left"] is not None:
        left = f"剩余{row['days_left']}天" if zh else f"{row['days_left']} days left"
    else:
        left = ""
    return {**row, "project_label": f"{row['code']} {row['project']}", "time_status": left}


def unit_name(department: str, lang: str) -> str:
    return department or ("（未指定单位）" if lang == "zh" else "(no unit)")


def list_sections(result, lang: str, blank: bool) -> list[PrintSection]:
    """One printable section per department, numbered from 1."""
    zh = lang == "zh"
    sections = []
    for department, rows in result.departments.items() or [("", [])]:
        unit = unit_name(department, lang)
        counts: dict[str, int] = {}
        for row in rows:
            counts[row["status"]] = counts.get(row["status"], 0) + 1
        spread = ("、" if zh else ", ").join(
            f"{word('issue_status', s, lang)} {n}" for s, n in counts.items())
        sections.append(PrintSection(
            title=f"问题清单（{unit}）" if zh else f"Issue list — {unit}",
            header_lines=[
                f"整改责任单位：{unit}" if zh else f"Unit to rectify: {unit}",
                (f"截至 {result.as_of}，共 {len(rows)} 项" if zh
                 else f"As of {result.as_of}: {len(rows)} issue(s)")
                + (f"（{spread}）" if zh and spread else f" ({spread})" if spread else ""),
            ],
            columns=list_columns(human=True),
            rows=[human_row(r, lang) for r in rows],
            blank_columns=(["整改情况" if zh else "Rectification"] if blank else []),
            footer_lines=["签收人：＿＿＿＿＿＿＿＿　　签收日期：＿＿＿＿＿＿＿＿" if zh
                          else "Received by: ____________    Date: ____________"],
            sheet_name=unit,
        ))
    return sections


def write_transfer_list(result, fmt: str, lang: str, out: Path | None) -> None:
    """The list in ``fmt``, to the file ``out`` or else to stdout."""
    title = (f"问题清单（截至 {result.as_of}）" if lang == "zh"
             else f"Issue list as of {result.as_of}")
    if fmt == "xlsx":
        printable.write_xlsx(out, list_sections(result, lang, blank=True), lang)
        return
    if fmt == "html":
        printable.write_html(out, list_sections(result, lang, blank=True), lang, title)
        return
    if out is not None:
        with text_file(out, fmt) as stream:
            write_list_text(result, fmt, lang, stream, title)
    else:
        write_list_text(result, fmt, lang, sys.stdout, title)


def write_list_text(result, fmt: str, lang: str, stream, title: str) -> None:
    if fmt == "markdown":
        stream.write(f"## {title}\n\n")
    if fmt in ("table", "markdown"):
        for section in list_sections(result, lang, blank=False):
            if section.rows:
                heading = f"{section.title} — {section.header_lines[1]}"
                write_rows(section.rows, section.columns, fmt, lang, stream, title=heading)
                stream.write("\n")
    else:
        write_rows(result.rows, list_columns(human=False), fmt, lang, stream)

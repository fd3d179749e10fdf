"""Printable files: lists handed over on paper — XLSX (a sheet per section) and HTML (a
page per section).

The API is generic so that any list can be printed: a :class:`PrintSection` is a title,
a few header lines, columns, rows, and ``blank_columns`` left empty to be filled in by
hand (观察进度, 发现问题, 签名 …).  The transfer list (问题清单) and the visit checklist
both use it.

Spreadsheets run a cell that starts with ``= + - @``: every text cell is written as a
string (``data_type`` "s", with Excel's quote prefix when it starts so), so that Excel
and WPS show what a user typed and never run it.  openpyxl is imported inside the
functions (start-up time).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from minsheng_cli.render.output import (
    FORMULA_START,
    Column,
    display_width,
    round_number,
    text_value,
)


@dataclass(frozen=True)
class LabelledColumn(Column):
    """A column that carries its own header in both languages."""

    zh: str = ""
    en: str = ""

    def title(self, lang: str) -> str:
        return (self.zh if lang == "zh" else self.en) or super().title(lang)


def labelled(key: str, zh: str, en: str, kind: str = "text", enum: str | None = None) -> Column:
    return LabelledColumn(key, kind, enum, None, zh, en)


@dataclass
class PrintSection:
    """One printed page (HTML) or sheet (XLSX)."""

    title: str
    header_lines: list[str]
    columns: list[Column]
    rows: list[dict]
    blank_columns: list[str] = field(default_factory=list)
    footer_lines: list[str] = field(default_factory=list)
    sheet_name: str | None = None


NUMERIC = ("pct", "num", "int")
MIN_WIDTH, MAX_TEXT_WIDTH, BLANK_WIDTH = 6, 42, 20


def cell_value(column: Column, value, lang: str):
    """What a printed cell holds: numbers stay numbers, dates dates, the rest text."""
    if value is None:
        return None
    if column.kind in NUMERIC and isinstance(value, int | float) and not isinstance(value, bool):
        return round_number(value)
    if column.kind == "date" or (column.kind == "text" and looks_like_date(value)):
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            pass
    return text_value(column, value, lang)


def looks_like_date(value) -> bool:
    return isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"


def shown_text(column: Column, value, lang: str) -> str:
    shown = cell_value(column, value, lang)
    if shown is None:
        return ""
    if column.kind == "pct" and isinstance(shown, int | float):
        return f"{shown:.2f}"
    return shown.isoformat() if isinstance(shown, date) else str(shown)


def column_widths(section: PrintSection, lang: str) -> list[float]:
    """Widths in Excel's units (one Latin digit); a CJK character takes two."""
    widths = []
    for column in section.columns:
        cells = [shown_text(column, row.get(column.key), lang) for row in section.rows]
        longest = max((display_width(line) for text in cells for line in text.split("\n")),
                      default=0)
        title = display_width(column.title(lang))
        cap = MAX_TEXT_WIDTH if column.kind in ("text", "enum") else 16
        widths.append(max(MIN_WIDTH, min(max(longest, title) + 2, max(cap, title + 2))))
    widths += [max(BLANK_WIDTH, display_width(name) + 4) for name in section.blank_columns]
    return widths


# -- XLSX --------------------------------------------------------------------------------------


INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_names(sections: Sequence[PrintSection]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    names: list[str] = []
    for number, section in enumerate(sections, start=1):
        base = (section.sheet_name or section.title).translate(INVALID_SHEET_CHARS)
        base = base.strip().strip("'")[:31] or f"Sheet{number}"
        name, n = base, 2
        while name.casefold() in {x.casefold() for x in names}:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def write_xlsx(path: Path | str, sections: Sequence[PrintSection], lang: str) -> None:
    """One printable sheet per section: title row, header lines, frozen and repeated
    header row, widths for Chinese, wrapped cells, A4 landscape fitted to the width."""
    from openpyxl import Workbook

    book = Workbook()
    if sections:  # a workbook needs one sheet: with no section, the blank default stays
        book.remove(book.active)
    for section, name in zip(sections, sheet_names(sections), strict=True):
        write_sheet(book.create_sheet(name), section, lang)
    book.save(path)


def write_sheet(sheet, section: PrintSection, lang: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    widths = column_widths(section, lang)
    span = len(widths)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    put(sheet, 1, 1, section.title).font = Font(bold=True, size=15)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    merge(sheet, 1, span)
    row = 2
    for line in section.header_lines:
        put(sheet, row, 1, line).alignment = Alignment(horizontal="left", vertical="center")
        merge(sheet, row, span)
        row += 1
    header_row = row
    titles = [c.title(lang) for c in section.columns] + list(section.blank_columns)
    for number, title in enumerate(titles, start=1):
        cell = put(sheet, header_row, number, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for record in section.rows:
        row += 1
        for number, column in enumerate(section.columns, start=1):
            cell = put(sheet, row, number, cell_value(column, record.get(column.key), lang))
            cell.alignment, cell.border = wrap, border
            if column.kind == "pct":
                cell.number_format = "0.00"
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
        for number in range(len(section.columns) + 1, span + 1):
            sheet.cell(row, number).border = border
        if section.blank_columns:
            sheet.row_dimensions[row].height = 36
    row += 1
    for line in section.footer_lines:
        row += 1
        put(sheet, row, 1, line)
        merge(sheet, row, span)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    page_setup(sheet, header_row)


def put(sheet, row: int, column: int, value):
    """Write a cell; text is always a string, never a formula (= + - @ stay text)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = sheet.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return cell


def merge(sheet, row: int, span: int) -> None:
    if span > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)


def page_setup(sheet, header_row: int) -> None:
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "&P / &N"


# -- HTML ----------------------------------------------------------------------------------------

HTML_STYLE = """
@page { size: A4 landscape; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
       "PingFang SC", "SimSun", sans-serif; font-size: 10.5pt; color: #000; margin: 0 1em; }
section { break-after: page; page-break-after: always; }
section:last-child { break-after: auto; page-break-after: auto; }
h1 { font-size: 16pt; text-align: center; margin: 0.6em 0 0.4em; }
p.meta { margin: 0.15em 0; }
table { border-collapse: collapse; width: 100%; margin-top: 0.6em; }
th, td { border: 1px solid #000; padding: 3px 5px; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #ddd; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; }
td.blank { min-width: 7em; height: 2.4em; }
p.footer { margin-top: 1.5em; white-space: pre-wrap; }
p.empty { margin-top: 1em; }
"""


def write_html(path: Path | str, sections: Sequence[PrintSection], lang: str, title: str) -> None:
    """One self-contained HTML file (no external resource), a printed page per section."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        '<head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        f"<style>{HTML_STYLE}</style></head>",
        "<body>",
    ]
    for section in sections:
        parts.extend(html_section(section, lang))
    parts.append("</body></html>")
    Path(path).write_text("\n".join(parts) + "\n", encoding="utf-8")


def html_section(section: PrintSection, lang: str) -> Iterable[str]:
    yield "<section>"
    yield f"<h1>{esc(section.title)}</h1>"
    for line in section.header_lines:
        yield f'<p class="meta">{esc(line)}</p>'
    heads = [c.title(lang) for c in section.columns] + list(section.blank_columns)
    yield "<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in heads) + "</tr></thead>"
    yield "<tbody>"
    for row in section.rows:
        cells = []
        for column in section.columns:
            css = ' class="num"' if column.kind in NUMERIC else ""
            cells.append(f"<td{css}>{esc(shown_text(column, row.get(column.key), lang))}</td>")
        cells += ['<td class="blank"></td>'] * len(section.blank_columns)
        yield "<tr>" + "".join(cells) + "</tr>"
    yield "</tbody></table>"
    if not section.rows:
        yield f'<p class="empty">{"（无）" if lang == "zh" else "(none)"}</p>'
    for line in section.footer_lines:
        yield f'<p class="footer">{esc(line)}</p>'
    yield "</section>"


def esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")

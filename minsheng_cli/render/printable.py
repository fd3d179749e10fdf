"""Printable files: lists handed over on paper — XLSX (a sheet per section) and HTML (a
page per section).

The API is generic so that any list can be printed: a :class:`PrintSection` is a title,
a few header lines, columns, rows, and ``blank_columns`` left empty to be filled in by
hand (观察进度, 发现问题, 签名 …).  The transfer list (问题清单) and the visit checklist
both use it.

The cells and the sheet set-up (typed cells, formulas kept as text, widths for Chinese,
frozen and repeated header, A4 landscape) are render/xlsx.py's, shared with every other
sheet we write; this module adds the title rows, borders and blank columns of a printed
list.  openpyxl is imported inside the functions (start-up time).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from minsheng_cli.render import xlsx
from minsheng_cli.render.files import text_file
from minsheng_cli.render.output import Column, display_width
from minsheng_cli.render.xlsx import NUMERIC, shown_text


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


BLANK_WIDTH = 20


def column_widths(section: PrintSection, lang: str) -> list[float]:
    """The columns' fitted widths, then room to write by hand in the blank columns."""
    widths = xlsx.fitted_widths(section.columns, section.rows, lang)
    return widths + [max(BLANK_WIDTH, display_width(name) + 4)
                     for name in section.blank_columns]


# -- XLSX --------------------------------------------------------------------------------------


def sheet_names(sections: Sequence[PrintSection]) -> list[str]:
    return xlsx.sheet_names([s.sheet_name or s.title for s in sections])


def write_xlsx(path: Path | str, sections: Sequence[PrintSection], lang: str) -> None:
    """One printable sheet per section: title row, header lines, then the table with
    render/xlsx.py's cells and set-up (bordered, with room to write by hand)."""
    book = xlsx.new_book([s.sheet_name or s.title for s in sections])
    # No sections (no group chosen): the one blank sheet a workbook must have.
    for sheet, section in zip(book.worksheets[:len(sections)], sections, strict=True):
        write_sheet(sheet, section, lang)
    xlsx.save(book, path)


def write_sheet(sheet, section: PrintSection, lang: str) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    widths = column_widths(section, lang)
    span = len(widths)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    xlsx.put(sheet, 1, 1, section.title).font = Font(bold=True, size=15)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    merge(sheet, 1, span)
    row = 2
    for line in section.header_lines:
        xlsx.put(sheet, row, 1, line).alignment = Alignment(horizontal="left",
                                                             vertical="center")
        merge(sheet, row, span)
        row += 1
    header_row = row
    titles = [c.title(lang) for c in section.columns] + list(section.blank_columns)
    xlsx.put_header(sheet, header_row, titles, border)
    styles: dict = {}
    for record in section.rows:
        row += 1
        xlsx.put_row(sheet, row, section.columns, record, lang, border, styles)
        for number in range(len(section.columns) + 1, span + 1):
            sheet.cell(row, number).border = border
        if section.blank_columns:
            sheet.row_dimensions[row].height = 36
    last_row = row
    row += 1
    for line in section.footer_lines:
        row += 1
        xlsx.put(sheet, row, 1, line)
        merge(sheet, row, span)
    xlsx.set_up(sheet, header_row, widths, last_row)


def merge(sheet, row: int, span: int) -> None:
    if span > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=span)


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
    with text_file(path, "html") as out:
        out.write("\n".join(parts) + "\n")


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

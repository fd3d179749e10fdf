"""XLSX for people (Excel, WPS, LibreOffice): typed cells and the one sheet set-up every
sheet we write shares.

Cells: dates are date cells (yyyy-mm-dd), numbers are numbers (percentages ``0.0``),
enumerations are words in the user's language, and text is always a string — a cell that
starts with ``= + - @`` is written with Excel's quote prefix, so a spreadsheet shows what a
user typed and never runs it.  The set-up: column widths that fit Chinese (a CJK character
takes two units), a frozen and repeated header row, an autofilter on it, A4 landscape
fitted to the page width, page numbers in the footer.

:func:`write_tables` writes plain sheets (header in row 1) for any listing;
render/printable.py lays out printed lists (title rows, blank columns) with the same
cells and set-up.  openpyxl is imported inside the functions (start-up time).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from minsheng_cli.domain.errors import OutputError
from minsheng_cli.render.files import binary_file, cannot_write
from minsheng_cli.render.output import (
    FORMULA_START,
    Column,
    display_width,
    round_number,
    text_value,
)

NUMERIC = ("pct", "num", "int")
MIN_WIDTH, MAX_TEXT_WIDTH, MAX_VALUE_WIDTH = 6, 42, 16
DATE_FORMAT, PCT_FORMAT = "yyyy-mm-dd", "0.0"
HEADER_FILL = "DDDDDD"


@dataclass(frozen=True)
class Table:
    """One plain sheet: its name, columns and rows."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[dict]


def cell_value(column: Column, value, lang: str):
    """What a cell holds: numbers stay numbers, dates dates, the rest text."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and column.kind != "enum":
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
    """The cell as a spreadsheet shows it (what its width must hold)."""
    shown = cell_value(column, value, lang)
    if shown is None:
        return ""
    if column.kind == "pct" and isinstance(shown, int | float):
        return f"{shown:.2f}"
    return shown.isoformat() if isinstance(shown, date) else str(shown)


def number_format(column: Column, value) -> str | None:
    if isinstance(value, date):
        return DATE_FORMAT
    if column.kind == "pct" and isinstance(value, int | float):
        return PCT_FORMAT
    return None


def fitted_widths(columns: Sequence[Column], rows: Sequence[dict], lang: str) -> list[float]:
    """Widths in Excel's units (one Latin digit): the longest line of a column's cells or
    its title, a CJK character counting two, capped so that long text wraps instead."""
    widths = []
    for column in columns:
        longest = max((display_width(line)
                       for row in rows
                       for line in shown_text(column, row.get(column.key), lang).split("\n")),
                      default=0)
        title = display_width(column.title(lang))
        cap = MAX_TEXT_WIDTH if column.kind in ("text", "enum") else MAX_VALUE_WIDTH
        widths.append(max(MIN_WIDTH, min(max(longest, title) + 2, max(cap, title + 2))))
    return widths


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


def put_header(sheet, row: int, titles: Sequence[str], border=None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, fill = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, title in enumerate(titles, start=1):
        cell = put(sheet, row, number, title)
        cell.font, cell.fill, cell.alignment = bold, fill, centred
        if border is not None:
            cell.border = border


def put_row(sheet, row: int, columns: Sequence[Column], record: dict, lang: str,
            border=None, styles: dict | None = None) -> None:
    """One record's cells, typed, wrapped and aligned to the top (a long text wraps).

    ``styles`` keeps each column's finished style to copy onto the next rows: setting
    alignment, border and number format cell by cell costs more than writing the file."""
    from copy import copy

    from openpyxl.styles import Alignment

    styles = {} if styles is None else styles
    for number, column in enumerate(columns, start=1):
        cell = put(sheet, row, number, cell_value(column, record.get(column.key), lang))
        shown = number_format(column, cell.value)
        style = styles.get((number, shown))
        if style is not None:
            cell._style = copy(style)  # openpyxl's way to copy a style (its docs)
            continue
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if border is not None:
            cell.border = border
        if shown:
            cell.number_format = shown
        styles[(number, shown)] = copy(cell._style)


def set_up(sheet, header_row: int, widths: Sequence[float], last_row: int) -> None:
    """Widths, the header row frozen, filtered and printed on every page, A4 landscape
    fitted to the page width."""
    from openpyxl.utils import get_column_letter

    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    if widths:
        sheet.auto_filter.ref = (f"A{header_row}:{get_column_letter(len(widths))}"
                                 f"{max(last_row, header_row)}")
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


INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_names(wanted: Sequence[str]) -> list[str]:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    names: list[str] = []
    for number, given in enumerate(wanted, start=1):
        base = given.translate(INVALID_SHEET_CHARS).strip().strip("'")[:31] or f"Sheet{number}"
        name, n = base, 2
        while name.casefold() in {x.casefold() for x in names}:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        names.append(name)
    return names


def new_book(names: Sequence[str]):
    """A workbook with one empty sheet per name (a workbook needs one sheet: with no name,
    the blank default stays)."""
    from openpyxl import Workbook

    book = Workbook()
    if names:
        book.remove(book.active)
    for name in sheet_names(names):
        book.create_sheet(name)
    return book


def save(book, path: Path | str) -> None:
    """The workbook zipped in memory, then written in one go: zipped straight into the
    file, a disk that filled up failed the save and then again the ZipFile left behind,
    when Python collected it ("Exception ignored … OSError" after the one-line error)."""
    from io import BytesIO

    zipped = BytesIO()
    try:
        book.save(zipped)
    except Exception as error:  # noqa: BLE001 — only lxml's failed writes are ours
        raise temporary_full(Path(path), error) from error
    with binary_file(path) as out:
        out.write(zipped.getbuffer())


def temporary_full(path: Path, error: Exception) -> Exception:
    """openpyxl writes each sheet through lxml into a temporary file first; when the
    temporary folder's disk is full, lxml raises SerialisationError("IO_…"), not an
    OSError.  That is the output failing (exit 3); anything else is a bug, raised as
    it is."""
    if type(error).__name__ == "SerialisationError" and str(error).startswith("IO_"):
        return OutputError(f"output: cannot write {str(path)!r} (the temporary folder "
                           f"{tempfile.gettempdir()!r} failed: {error})")
    if isinstance(error, OSError):
        return cannot_write(path, error)
    return error


def write_tables(path: Path | str, tables: Sequence[Table], lang: str) -> None:
    """One plain sheet per table: the header in row 1, a row per record."""
    book = new_book([t.name for t in tables])
    for sheet, table in zip(book.worksheets, tables, strict=True):
        put_header(sheet, 1, [c.title(lang) for c in table.columns])
        styles: dict = {}
        for number, record in enumerate(table.rows, start=2):
            put_row(sheet, number, table.columns, record, lang, styles=styles)
        set_up(sheet, 1, fitted_widths(table.columns, table.rows, lang), len(table.rows) + 1)
    save(book, path)

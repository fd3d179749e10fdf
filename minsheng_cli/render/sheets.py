"""Reading spreadsheets as they arrive in China: CSV in UTF-8 (with or without BOM) or
GB18030 (what WPS and Excel save), and XLSX.  Rows keep their line numbers so that an
import error can name the line a clerk sees in the spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

from minsheng_cli.domain.errors import UserError
from minsheng_cli.domain.imports import Sheet, SheetRow

ENCODINGS = ("utf-8-sig", "gb18030")


def read_sheet(path: Path) -> Sheet:
    if not path.is_file():
        raise UserError(f"file: {str(path)!r} does not exist or is not a file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return read_csv(path)
    raise UserError(f"file: {path.name!r} is not a spreadsheet we read; expected .csv or .xlsx")


def decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" is UTF-16
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{name}: cannot read the text; save it as CSV UTF-8 or GB18030 (GBK)")


def read_csv(path: Path) -> Sheet:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UserError(f"file: cannot read {str(path)!r} ({error.strerror})") from error
    text = decode(raw, path.name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        # Numbered as a spreadsheet numbers its rows (= the line, unless a cell spans lines).
        rows = list(enumerate(reader, start=1))
    except csv.Error as error:
        raise UserError(f"{path.name}: line {reader.line_num}: {error}") from error
    return sheet_of(path.name, rows)


def sniff_delimiter(text: str) -> str:
    """Comma or tab: whichever finds the header row (the first row with two cells filled,
    as :func:`sheet_of` does) soonest, and if both do, the wider one.  Counting the
    characters misreads a comma file whose text cells hold tabs (pasted from Word), or a
    tab file full of "1,110"."""
    def header(delimiter: str) -> tuple[int, int]:
        rows = csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter)
        try:
            for line, cells in enumerate(rows):
                filled = sum(bool(c.strip()) for c in cells)
                if filled >= 2:
                    return line, -filled
        except csv.Error:  # e.g. a quoted cell cut off by the sample's end
            pass
        return len(text), 0

    return min((",", "\t"), key=header)


def sheet_of(name: str, rows: list[tuple[int, list[str]]]) -> Sheet:
    """Header and data rows, skipping the title rows above the header.

    Lists often start with a title (``2021年重大民生实事项目清单``) or a note in one cell;
    the header is the first row with at least two cells filled.
    """
    found = header_line_of([cells for _, cells in rows])
    if found is None:
        raise UserError(f"{name}: no header row found (a row naming at least two columns)")
    header_line, header = rows[found - 1]  # (its line number in the file, its cells)
    names = [h.strip() for h in header]
    data = []
    for line, cells in rows:
        if line <= header_line or not any(c.strip() for c in cells):
            continue
        if len(cells) > len(names) and any(c.strip() for c in cells[len(names):]):
            raise UserError(f"{name}: line {line} has {len(cells)} cells, the header {len(names)}")
        data.append(SheetRow(line, {n: v for n, v in zip(names, cells, strict=False) if n}))
    return Sheet(names, data)


def read_xlsx(path: Path) -> Sheet:
    """The workbook's active sheet (the one it was saved on; named in messages when there
    are several), with a cell merged down a block (所属事项 over its projects' rows) read
    in every row of the block, and a formula that has no stored value refused rather
    than read as blank."""
    from openpyxl import load_workbook

    merged, unvalued_refs = sheet_features(path)
    try:  # read_only (streamed, 40 % faster) unless merged cells must be known
        book = load_workbook(path, data_only=True, read_only=not merged)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UserError(f"{path.name}: not a readable .xlsx file ({error})") from error
    try:
        # the active sheet, unless it is a chart sheet (no cells): then the first one
        active = book.active
        sheet = active if hasattr(active, "iter_rows") else book.worksheets[0]
        name = (path.name if len(book.worksheets) == 1
                else f"{path.name} (sheet {sheet.title!r})")
        rows, empty = [], set()
        for line, row in enumerate(sheet.iter_rows(min_row=1), start=1):
            rows.append([cell_text(cell) for cell in row])
            empty.update((line, col) for col, cell in enumerate(row, start=1)
                         if cell.value is None)
        blocks = ([r for r in sheet.merged_cells.ranges if r.max_row > r.min_row]
                  if merged else [])
        title = sheet.title
    finally:
        book.close()
    fill_down(rows, blocks)
    unvalued = (formulas_without_values(path, title, rows, empty, unvalued_refs)
                if unvalued_refs else [])
    if unvalued:
        line, column, formula = unvalued[0]
        raise UserError(f"{name}: {len(unvalued)} formula cell(s) without a stored value "
                        f"(first: line {line}, column {column}: {formula}); open the file "
                        "in Excel or WPS and save it, so that the values are stored")
    return sheet_of(name, list(enumerate(rows, start=1)))


MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell[\s/>]")
# A formula cell with no usable stored value: no <v>, or an empty one in a cell that is
# not text (t="str").  A program that never computed the file writes these (openpyxl:
# <c r="C2"><f>100+200</f><v></v></c>); Excel and WPS store a value for every formula,
# the empty text of =IF(…,"",…) as t="str" with <v></v>.
UNVALUED_FORMULA = re.compile(
    rb'<(?:\w+:)?c\b(?![^>]*\bt="str")[^>]*\br="([A-Z]+[0-9]+)"[^>]*>\s*'
    rb'(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)\s*'
    rb'(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>')


def sheet_features(path: Path) -> tuple[bool, set[str]]:
    """Whether any worksheet of the file has merged cells, and the cells (A1 refs) of
    formulas without a stored value: read from the sheets' XML, elements with or without
    a prefix (x:f), so that a plain list takes the fast path."""
    import zipfile

    merged, unvalued = False, set()
    try:
        with zipfile.ZipFile(path) as archive:
            for entry in archive.namelist():
                if entry.startswith("xl/worksheets/") and entry.endswith(".xml"):
                    xml = archive.read(entry)
                    merged = merged or MERGE_CELL.search(xml) is not None
                    unvalued.update(ref.decode() for ref in UNVALUED_FORMULA.findall(xml))
    except (OSError, zipfile.BadZipFile):
        return True, set()  # let openpyxl say what is wrong with it
    return merged, unvalued


def header_line_of(rows: list[list[str]]) -> int | None:
    """The header row's number (1-based): the first with at least two cells filled."""
    return next((n for n, cells in enumerate(rows, start=1)
                 if sum(bool(c.strip()) for c in cells) >= 2), None)


def fill_down(rows: list[list[str]], blocks) -> None:
    """Each merged block below the header row gives its value to every row it spans;
    title rows merged across the top are left as they are."""
    header = header_line_of(rows) or len(rows) + 1
    for block in blocks:
        if block.min_row <= header:
            continue
        for col in range(block.min_col, block.max_col + 1):
            top = rows[block.min_row - 1][col - 1]
            for line in range(block.min_row + 1, min(block.max_row, len(rows)) + 1):
                cells = rows[line - 1]
                if col <= len(cells):
                    cells[col - 1] = top


def formulas_without_values(
    path: Path, title: str, rows: list[list[str]], empty: set[tuple[int, int]],
    refs: set[str],
) -> list[tuple]:
    """(line, column header or letter, formula) of each cell that holds a formula but no
    stored value at all (``empty``: a file written by a program, never opened; a formula
    whose value is the empty text, =IF(…,"",…), has one)."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    line = header_line_of(rows)
    header = rows[line - 1] if line is not None else []
    book = load_workbook(path, read_only=True, data_only=False)
    try:
        found = []
        for line, row in enumerate(book[title].iter_rows(min_row=1), start=1):
            for col, cell in enumerate(row, start=1):
                value = cell.value
                if (isinstance(value, str) and value.startswith("=") and (line, col) in empty
                        and f"{get_column_letter(col)}{line}" in refs):
                    named = header[col - 1].strip() if col <= len(header) else ""
                    found.append((line, named or get_column_letter(col), value))
        return found
    finally:
        book.close()


def cell_text(cell) -> str:
    """A cell as the text a clerk sees: dates ISO, numbers without ``.0`` or exponent,
    and a number formatted as a percentage as that percentage (0.565 shown 56.5% → 56.5%)."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if "%" in (cell.number_format or ""):
            return plain_number(number * 100) + "%"
        return plain_number(number)
    return str(value)


def plain_number(number: Decimal) -> str:
    """``2500.50`` → ``2500.5``, ``1E+2`` → ``100``: what the parsers of values accept."""
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text

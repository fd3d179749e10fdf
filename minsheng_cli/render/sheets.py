"""Reading spreadsheets as they arrive in China: CSV in UTF-8 (with or without BOM) or
GB18030 (what WPS and Excel save), and XLSX.  Rows keep their line numbers so that an
import error can name the line a clerk sees in the spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
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
    filled = [(n, cells) for n, cells in rows if sum(bool(c.strip()) for c in cells) >= 2]
    if not filled:
        raise UserError(f"{name}: no header row found (a row naming at least two columns)")
    header_line, header = filled[0]
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
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UserError(f"{path.name}: not a readable .xlsx file ({error})") from error
    try:
        rows = [
            (number, [cell_text(cell) for cell in row])
            for number, row in enumerate(book.worksheets[0].iter_rows(min_row=1), start=1)
        ]
    finally:
        book.close()
    return sheet_of(path.name, rows)


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

"""Reading spreadsheets as they arrive in China: CSV in UTF-8 (with or without BOM) or
GB18030 (what WPS and Excel save), and XLSX.  Rows keep their line numbers so that an
import error can name the line a clerk sees in the spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
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
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{name}: cannot read the text; save it as CSV UTF-8 or GB18030 (GBK)")


def read_csv(path: Path) -> Sheet:
    text = decode(path.read_bytes(), path.name)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise UserError(f"{path.name}: the file is empty")
        rows = []
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header) and any(c.strip() for c in record[len(header):]):
                raise UserError(
                    f"{path.name}: line {line} has {len(record)} cells, the header {len(header)}"
                )
            rows.append(SheetRow(line, dict(zip(header, record, strict=False))))
    except csv.Error as error:
        raise UserError(f"{path.name}: line {reader.line_num}: {error}") from error
    return Sheet([h.strip() for h in header], [relabel(r, header) for r in rows])


def relabel(row: SheetRow, header: list[str]) -> SheetRow:
    return SheetRow(row.line, {h.strip(): v for h, v in row.cells.items()})


def read_xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UserError(f"{path.name}: not a readable .xlsx file ({error})") from error
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UserError(f"{path.name}: the first sheet is empty")
        names = [cell_text(h).strip() for h in header]
        data = []
        for number, values in enumerate(rows, start=2):
            cells = {n: cell_text(v) for n, v in zip(names, values, strict=False) if n}
            if any(v.strip() for v in cells.values()):
                data.append(SheetRow(number, cells))
    finally:
        book.close()
    return Sheet(names, data)


def cell_text(value) -> str:
    """A cell as the text a clerk sees: dates ISO, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

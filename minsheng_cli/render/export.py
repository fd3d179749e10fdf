"""The files of an export (for archives): one UTF-8 file per table, JSON or CSV, and a
``manifest.json`` beside them.

Rows are written as they are read, so an export of a large register never holds a table
in memory.  Numbers stay exact, a blob becomes hex, and a CSV text cell that starts with
``= + - @`` gets Excel's quote prefix so that a spreadsheet shows it and never runs it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from minsheng_cli.render.output import neutralize_formula

CSV_NOTE = "text cells starting with = + - @ are prefixed with ' (formulas)"


def write_export(folder: Path, snapshot, fmt: str) -> None:
    """Every table of ``snapshot`` (services.audit.export) into ``folder``, then the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    write = write_table_json if fmt == "json" else write_table_csv
    for table in snapshot.tables():
        write(folder / f"{table.name}.{fmt}", table.columns, table.rows)
    manifest = dict(snapshot.manifest)
    if fmt == "csv":
        manifest["note"] = CSV_NOTE
    write_json_file(folder / "manifest.json", manifest)


def archive_cell(value) -> str:
    """A CSV cell of an export: exact numbers, text safe from spreadsheet formulas."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str):
        return neutralize_formula(value)
    return str(value)


def write_table_csv(path: Path, columns: list[str], rows: Iterable[tuple]) -> int:
    """One table as UTF-8 CSV with a header line; returns the number of rows."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([archive_cell(v) for v in row])
            count += 1
    return count


def write_table_json(path: Path, columns: list[str], rows: Iterable[tuple]) -> int:
    """One table as a UTF-8 JSON array of objects, one object a line; returns the count."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("[")
        for row in rows:
            record = {c: (v.hex() if isinstance(v, bytes) else v) for c, v in zip(columns, row,
                                                                                strict=True)}
            out.write(("\n" if count == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
            count += 1
        out.write("\n]\n")
    return count


def write_json_file(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, indent=2)
        out.write("\n")

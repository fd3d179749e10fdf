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

from minsheng_cli.render.files import cannot_write, move_into, staging_in
from minsheng_cli.render.output import neutralize_formula

CSV_NOTE = "text cells starting with = + - @ are prefixed with ' (formulas)"


def write_export(folder: Path, snapshot, fmt: str) -> None:
    """Every table of ``snapshot`` (services.audit.export) into ``folder``, then the manifest.

    The files are written into a staging folder inside ``folder`` and moved into place
    only when all of them are whole, the manifest last: a disk that fills up half way
    leaves no export (and an earlier one, under --force, as it was), never some tables
    and a cut one."""
    with staging_in(folder, ".minsheng-export-") as staging:
        write = write_table_json if fmt == "json" else write_table_csv
        names = []
        for table in snapshot.tables():
            name = f"{table.name}.{fmt}"
            try:
                write(staging / name, table.columns, table.rows)
            except OSError as error:
                raise cannot_write(folder / name, error) from error
            names.append(name)
        manifest = dict(snapshot.manifest)
        if fmt == "csv":
            manifest["note"] = CSV_NOTE
        try:
            write_json_file(staging / "manifest.json", manifest)
        except OSError as error:
            raise cannot_write(folder / "manifest.json", error) from error
        move_into(staging, folder, [*names, "manifest.json"])


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

"""The one output sink: rows and their columns → table, tsv, csv, json, jsonl or markdown.

Machine formats (tsv, csv, json, jsonl) carry English keys and enumeration codes, numbers
as numbers and dates ISO — the contract scripts rely on.  Human formats (table, markdown)
carry labels and words in the user's language.  Rich and tabulate are imported only when
those formats are asked for (they cost start-up time).
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from minsheng_cli import i18n

FORMATS = ("table", "tsv", "csv", "json", "jsonl", "markdown")
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    """One column: the row key, how to show its value, and (optionally) its enumeration."""

    key: str
    kind: str = "text"  # text | pct | num | int | date | enum
    enum: str | None = None
    label: str | None = None

    def title(self, lang: str) -> str:
        return i18n.label(self.label or self.key, lang)


def col(spec: str) -> Column:
    """``"code"``, ``"expected_pct:pct"``, ``"light:enum:light"`` → Column.

    ``"name=group_name"`` keeps the key ``name`` but takes the label of ``group_name``.
    """
    parts = spec.split(":")
    key, _, label = parts[0].partition("=")
    return Column(key, parts[1] if len(parts) > 1 else "text", parts[2] if len(parts) > 2
                  else None, label or None)


def cols(*specs: str) -> list[Column]:
    return [col(s) for s in specs]


def round_number(value):
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        rounded = round(value, 2)
        return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded
    return value


def machine_value(value):
    return round_number(value)


def text_value(column: Column, value, lang: str) -> str:
    """A cell as text for people: enumerations translated, numbers to two decimals."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        words = [text_value(column, v, lang) for v in value]
        return "、".join(words) if lang == "zh" else ", ".join(words)
    if column.kind == "enum":
        return i18n.word(column.enum or column.key, value, lang)
    if column.kind == "pct" and isinstance(value, int | float):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, float):
        value = round_number(value)
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) if lang == "zh" else ", ".join(map(str, value))
    return str(value)


def plain_value(value) -> str:
    """A cell for tsv/csv: codes as they are, numbers rounded, lists joined with ';'."""
    value = machine_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return str(value)


def tsv_cell(value) -> str:
    """plain_value + cell_tsv, with the common cases (text, whole numbers) first: a report
    of 100,000 rows formats 1.5 million cells (docs/performance.md)."""
    kind = type(value)
    if kind is str:
        return cell_tsv(value) if "\t" in value or "\n" in value or "\r" in value else value
    if value is None:
        return ""
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is list:  # plain_value's lists: items as they are, joined with ';'
        return cell_tsv(";".join([str(v) for v in value]))
    if kind is float and math.isfinite(value):  # round_number, inlined
        rounded = round(value, 2)
        return str(int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded)
    return cell_tsv(plain_value(value))


def neutralize_formula(text: str) -> str:
    """Spreadsheets run a cell that starts with = + - @: make it text (CSV injection)."""
    if text.startswith(FORMULA_START):
        return "'" + text
    return text


def write_rows(
    rows: Iterable[dict],  # a Sequence for table and markdown; read once otherwise
    columns: Sequence[Column],
    fmt: str,
    lang: str,
    out: TextIO | None = None,
    *,
    title: str | None = None,
    color: bool | None = None,
) -> None:
    out = out or sys.stdout
    if fmt == "json":
        json.dump([{c.key: machine_value(r.get(c.key)) for c in columns} for r in rows], out,
                  ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps({c.key: machine_value(r.get(c.key)) for c in columns},
                                 ensure_ascii=False) + "\n")
    elif fmt == "tsv":
        write_tsv(rows, [c.key for c in columns], out)
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        for r in rows:
            writer.writerow([csv_cell(c, r.get(c.key)) for c in columns])
    elif fmt == "markdown":
        write_markdown(rows, columns, lang, out, title=title)
    else:
        write_table(rows, columns, lang, out, title=title, color=color)


def write_tsv(rows: Iterable[dict], keys: list[str], out: TextIO) -> None:
    """Header and rows, written 64 lines at a time: one write per row cost 0.6 s for
    100,000 rows.  (One write of everything at the end hid a closed pipe: `minsheng log |
    head -1` then exited 0 instead of 141, tests/fixes/test_broken_pipe.py.)"""
    tabs = len(keys) - 1

    def lines():
        yield "\t".join(keys)
        for r in rows:
            yield tsv_line([*map(r.get, keys)], tabs)

    write_lines(lines(), out)


# A float written as f"{v:.2f}" without its trailing zeros and point is the text of
# round_number(v) when 0 < |v| < 1e12 (both round the exact binary value to two places, and
# repr of a number of at most 14 digits is those digits): checked on 600,000 random
# floats, and by tests/reports/test_deviation.py.  Zero, -0.01..0 ("-0.00" would stay "-0")
# and the rest go through tsv_cell.
def tsv_line(cells, tabs: int) -> str:
    """One TSV line: ``tsv_cell`` of each cell, with the common cells (text, floats,
    booleans, lists) made inline — a report of 100,000 rows has over a million cells, and a call
    each cost 0.5 s of the checklist's (docs/performance.md).  Text is checked for tabs
    and line breaks once per line rather than per cell."""
    return checked_line("\t".join([
        v if v.__class__ is str else "" if v is None
        else f"{v:.2f}".rstrip("0").rstrip(".")
        if v.__class__ is float and (0 < v < 1e12 or -1e12 < v < -0.01)
        else ("true" if v else "false") if v.__class__ is bool
        else ";".join([str(item) for item in v]) if v.__class__ is list
        else tsv_cell(v) for v in cells]), cells, tabs)


def checked_line(line: str, cells, tabs: int) -> str:
    """A TSV line made fast (text cells as they are), or made again cell by cell when a
    cell held a tab, newline or return."""
    if line.count("\t") != tabs or "\n" in line or "\r" in line:
        return "\t".join([tsv_cell(v) for v in cells])
    return line


def write_lines(lines: Iterable[str], out: TextIO) -> None:
    """Lines written 64 at a time (see ``write_tsv`` for why not one or all)."""
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= 64:
            out.write("\n".join(batch) + "\n")
            batch.clear()
    if batch:
        out.write("\n".join(batch) + "\n")


STREAMED_FORMATS = ("tsv", "csv", "jsonl")


def write_tuples(rows: Iterable[tuple], columns: Sequence[Column], fmt: str,
                 out: TextIO | None = None) -> None:
    """``write_rows`` for rows read as tuples in the order of ``columns`` and written as
    they come (one of STREAMED_FORMATS): the same bytes, no dict per row."""
    out = out or sys.stdout
    keys = [c.key for c in columns]
    if fmt == "tsv":
        write_tsv_tuples(rows, keys, out)
    elif fmt in ("csv", "jsonl"):
        write_rows((dict(zip(keys, row, strict=True)) for row in rows), columns, fmt, "en", out)
    else:
        raise ValueError(f"{fmt} is not one of {STREAMED_FORMATS}")


def write_tsv_tuples(rows: Iterable[tuple], keys: list[str], out: TextIO) -> None:
    """``write_tsv`` for tuples (see there for why 64 lines a write)."""
    tabs = len(keys) - 1

    def lines():
        yield "\t".join(keys)
        for r in rows:
            yield tsv_line(r, tabs)

    write_lines(lines(), out)


def cell_tsv(text: str) -> str:
    return text.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def csv_cell(column: Column, value) -> str:
    text = plain_value(value)
    if column.kind == "text" and isinstance(value, str):
        return neutralize_formula(text)
    return text


def write_markdown(rows, columns, lang, out, *, title=None) -> None:
    from tabulate import tabulate

    if title:
        out.write(f"### {title}\n\n")
    body = [[md_cell(text_value(c, r.get(c.key), lang)) for c in columns] for r in rows]
    align = ["right" if c.kind in ("pct", "num", "int") else "left" for c in columns]
    out.write(
        tabulate(body, headers=[c.title(lang) for c in columns], tablefmt="pipe",
                 disable_numparse=True, colalign=align)
        + "\n"
    )


def md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")


# Short values (codes, dates) that read badly when folded; long text folds instead.
SHORT_KEYS = {
    "code", "id", "date", "due", "start", "deadline", "last_report_date", "forecast_date",
    "found_on", "visit_date", "visited_on", "last_visit", "last_visit_any", "last_visit_group",
    "window",
}

PIPED_WIDTH = 100_000

LIGHT_STYLES = {"green": "green", "yellow": "yellow", "red": "bold red", "done": "blue",
                "overdue": "bold red", "seriously_behind": "red", "behind": "yellow"}


# Text columns fold to fit a terminal, but not below this many cells (a CJK character
# takes 2): rich alone would squeeze a name to nothing, or cut a code, to make room.
TEXT_MIN_WIDTH = 10


def folds(column: Column) -> bool:
    """Long text folds; codes, dates, numbers and words of an enumeration never do."""
    return column.kind == "text" and column.key not in SHORT_KEYS


def cells_wide(text: str) -> int:
    from rich.cells import cell_len

    return max((cell_len(line) for line in text.splitlines()), default=0)


def header_least(header: str) -> int:
    """A header folds between its words (and before a bracket: 序时进度 / (%)), but a word
    of it is not cut unless it is longer than TEXT_MIN_WIDTH."""
    words = re.split(r"\s+|(?=[(（])", header)
    return min(max((cells_wide(w) for w in words), default=0), TEXT_MIN_WIDTH)


def column_widths(columns, headers, body, room: int) -> list[int]:
    """Each column's width in cells: its natural width when the table fits in ``room``;
    else the widest columns give way first, but a value that must not fold keeps its full
    width (its header may fold) and folding text keeps up to TEXT_MIN_WIDTH."""
    natural, least = [], []
    for i, c in enumerate(columns):
        values = max((cells_wide(cells[i]) for cells in body), default=0)
        natural.append(max(values, cells_wide(headers[i]), 1))
        least.append(max(min(natural[i], TEXT_MIN_WIDTH) if folds(c) else values,
                         header_least(headers[i]), 1))

    def fitted(level: int) -> list[int]:
        return [max(lo, min(hi, level)) for hi, lo in zip(natural, least, strict=True)]

    low, high = 0, max(natural, default=0)  # the highest level at which the table fits
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if table_width(fitted(mid)) <= room else (low, mid - 1)
    return fitted(low)


def table_width(widths: Sequence[int]) -> int:
    """The width of a table with these column widths: padding 1 each side, and one border
    between and around the columns."""
    return sum(w + 2 for w in widths) + len(widths) + 1


def write_table(rows, columns, lang, out, *, title=None, color=None) -> None:
    from rich.table import Table
    from rich.text import Text

    is_terminal = out.isatty() if hasattr(out, "isatty") else False
    # Piped, there is no screen to fit: rich would fold every cell to 80 columns, so the
    # table takes its natural width instead (nothing cut, nothing folded).
    console = sink_console(out, color=is_terminal if color is None else color,
                           width=None if is_terminal else PIPED_WIDTH)
    headers = [c.title(lang) for c in columns]
    body = [[text_value(c, r.get(c.key), lang) for c in columns] for r in rows]
    widths = column_widths(columns, headers, body, console.width)
    # Rather than cut a code or squeeze a column to nothing, be wider than the terminal.
    console.width = max(console.width, table_width(widths))
    table = Table(title=title, show_lines=False, header_style="bold")
    for c, header, width in zip(columns, headers, widths, strict=True):
        table.add_column(header, overflow="fold", width=width,
                         justify="right" if c.kind in ("pct", "num", "int") else "left")
    for r, cells in zip(rows, body, strict=True):
        table.add_row(*(Text(text, style=light_style(c, r))
                        for c, text in zip(columns, cells, strict=True)))
    console.print(table)


def light_style(column: Column, row: dict) -> str:
    if column.enum in ("light", "status"):
        return LIGHT_STYLES.get(row.get(column.key)) or ""
    return ""


def sink_console(out, *, color: bool, width: int | None):
    """A rich console on ``out`` that lets a closed pipe reach the CLI's entry point (which
    exits 141) instead of exiting 1 itself."""
    from rich.console import Console

    class SinkConsole(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return SinkConsole(file=out, no_color=not color, highlight=False, soft_wrap=False,
                       width=width)


def write_record(record: dict, fields: Iterable[Column], fmt: str, lang: str, out=None) -> None:
    """One record (a project card's header, an issue): key/value lines or a JSON object."""
    out = out or sys.stdout
    fields = list(fields)
    if fmt in ("json", "jsonl"):
        json.dump({c.key: machine_value(record.get(c.key)) for c in fields}, out,
                  ensure_ascii=False, indent=2 if fmt == "json" else None)
        out.write("\n")
        return
    pairs = [{"key": c.title(lang), "value": text_value(c, record.get(c.key), lang)}
             for c in fields]
    if fmt in ("tsv", "csv"):
        write_rows(
            [{"key": c.key, "value": plain_value(record.get(c.key))} for c in fields],
            cols("key", "value"), fmt, lang, out,
        )
    elif fmt == "markdown":
        for p in pairs:
            out.write(f"- **{p['key']}**: {md_cell(p['value'])}\n")
        out.write("\n")
    else:
        width = max((display_width(p["key"]) for p in pairs), default=0)
        for p in pairs:
            pad = " " * (width - display_width(p["key"]))
            out.write(f"{p['key']}{pad}  {p['value']}\n")


def display_width(text: str) -> int:
    from wcwidth import wcswidth

    width = wcswidth(text)
    return width if width >= 0 else len(text)


def dump_json(data, out=None, *, fmt: str = "json") -> None:
    """One JSON document: indented for ``json``, on one line for ``jsonl``."""
    out = out or sys.stdout
    json.dump(data, out, ensure_ascii=False, indent=None if fmt == "jsonl" else 2, default=str)
    out.write("\n")

"""Reading the register for shell completion: read-only, fast on a large register, and
leaving no trace.

Completion runs on every Tab, so each query is an indexed prefix lookup with a LIMIT: a
range ``col >= prefix AND col < prefix + U+10FFFF`` under the BINARY collation walks the
column's index, where ``LIKE 'P00012%'`` would scan the table (LIKE is case-insensitive,
so it cannot use a BINARY index).  Distinct values (departments, districts, items) are
stepped through with one ``min(col) > last`` lookup per value, so a register of 100,000
projects with ten departments costs ten index probes, not a scan.

When more values match than are shown, the first and the last matching value (in the
order the shell sorts them) are always among those returned: the shell inserts the common
prefix of what it is given, and that prefix must be the true one, not one made up by the
cut.

The file is opened with ``mode=ro`` only when its write-ahead log is already there;
otherwise ``immutable=1``, because a read-only WAL connection would create the ``-wal`` and
``-shm`` files beside a register that nobody else has open.  No migration runs here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

# The largest code point: every string that starts with the prefix sorts below prefix + TOP.
TOP = "\U0010ffff"
# An integer id has at most 19 digits (SQLite's rowid is a signed 64-bit integer).
MAX_ID_DIGITS = 19
# Columns whose distinct values are offered, with the index that makes them cheap.
VALUE_COLUMNS = {"department": "projects", "district": "projects", "item": "projects"}


def open_read_only(path: Path) -> sqlite3.Connection:
    """Open the register for reading without creating or changing any file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(path)
    wal = Path(f"{path}-wal")
    shm = Path(f"{path}-shm")
    # A WAL with content and its index in place: read through them, as a reader must.
    live = wal.is_file() and wal.stat().st_size > 0 and shm.is_file()
    mode = "mode=ro" if live else "immutable=1"
    uri = f"file:{quote(str(path.absolute()))}?{mode}"
    db = sqlite3.connect(uri, uri=True, timeout=0.5)
    db.execute("PRAGMA query_only = ON")
    return db


def _by_prefix(db: sqlite3.Connection, table: str, key: str, shown: str, prefix: str,
               limit: int) -> list[tuple[str, str]]:
    """(key, shown) of the rows whose ``key`` starts with ``prefix``, by key: a range on the
    key's unique index (LIKE would scan).  Past ``limit`` the last match is kept, so that
    the common prefix the shell fills in is the real one."""
    where = f"FROM {table} WHERE {key} >= :lo AND {key} < :hi"
    bounds = {"lo": prefix, "hi": prefix + TOP}
    rows = db.execute(f"SELECT {key}, {shown} {where} ORDER BY {key} LIMIT :limit + 1",
                      {**bounds, "limit": limit}).fetchall()
    if len(rows) <= limit:
        return rows
    last = db.execute(f"SELECT {key}, {shown} {where} ORDER BY {key} DESC LIMIT 1",
                      bounds).fetchone()
    return rows[: limit - 1] + [last]


def project_codes(db: sqlite3.Connection, prefix: str, limit: int) -> list[tuple[str, str]]:
    """(code, name) of projects whose code starts with ``prefix``, by code."""
    return _by_prefix(db, "projects", "code", "name", prefix, limit)


def group_names(db: sqlite3.Connection, prefix: str, limit: int) -> list[tuple[str, str]]:
    """(name, level) of supervision groups whose name starts with ``prefix``."""
    return _by_prefix(db, "supervision_groups", "name", "level", prefix, limit)


def distinct_values(db: sqlite3.Connection, column: str, prefix: str, limit: int) -> list[str]:
    """Distinct values of a project column that start with ``prefix``, by value.

    One indexed ``min()`` per value: a DISTINCT would read every row of a common value.
    ``item`` is indexed behind ``year``, so it is stepped through year by year.
    """
    table = VALUE_COLUMNS[column]  # a KeyError for anything else: no SQL from outside
    scopes: list[tuple[str, dict]] = [("1", {})]
    if column == "item":
        scopes = [("year = :year", {"year": y}) for y in _steps(db, table, "year", "", None)]
    found: set[str] = set()
    for where, extra in scopes:
        found.update(_steps(db, table, column, prefix, limit + 1, where, extra))
    ordered = sorted(found)  # code point order, as SQLite's BINARY order of UTF-8
    if len(ordered) <= limit:
        return ordered
    lasts = [_last_value(db, table, column, prefix, where, extra) for where, extra in scopes]
    return ordered[: limit - 1] + [max(v for v in lasts if v is not None)]


def _steps(db, table, column, prefix, limit, where="1", extra=None) -> list:
    """Distinct non-null values of ``column`` (from ``prefix``), one index probe each."""
    found: list = []
    last = prefix if prefix else None
    op = ">="
    while limit is None or len(found) < limit:
        if last is None:
            sql = f"SELECT min({column}) FROM {table} WHERE {where} AND {column} IS NOT NULL"
        else:
            sql = f"SELECT min({column}) FROM {table} WHERE {where} AND {column} {op} :last"
        value = db.execute(sql, {**(extra or {}), "last": last}).fetchone()[0]
        if value is None or (prefix and not str(value).startswith(prefix)):
            break
        found.append(value)
        last, op = value, ">"
    return found


def _last_value(db, table, column, prefix, where, extra) -> str | None:
    sql = (f"SELECT max({column}) FROM {table} WHERE {where} AND {column} >= :lo "
           f"AND {column} < :hi")
    return db.execute(sql, {**extra, "lo": prefix, "hi": prefix + TOP}).fetchone()[0]


def issue_ids(
    db: sqlite3.Connection, prefix: str, statuses: tuple[str, ...] | None, limit: int
) -> list[tuple[int, str, str, str]]:
    """(id, project code, status, text) of issues whose id starts with the digits
    ``prefix`` (and whose status is one of ``statuses``), the newest first.

    The ids that start with "12" are 12, 120–129, 1200–1299 …: one rowid range per length.
    """
    if prefix and not (prefix.isascii() and prefix.isdigit() and prefix[0] != "0"):
        return []
    params = {f"s{i}": s for i, s in enumerate(statuses or ())}
    status_sql = _status_filter(db, params)
    biggest = db.execute("SELECT max(id) FROM issues").fetchone()[0] or 0
    ranges = _id_ranges(prefix, biggest)
    select = f"SELECT id FROM issues WHERE id BETWEEN :lo AND :hi{status_sql}"
    ids: list[int] = []
    for lo, hi in reversed(ranges):  # the longest ids are the newest
        if len(ids) > limit:
            break
        ids += [r[0] for r in db.execute(f"{select} ORDER BY id DESC LIMIT :limit",
                                         {**params, "lo": lo, "hi": hi,
                                          "limit": limit + 1 - len(ids)})]
    if len(ids) > limit:
        # The ids that sort first and last as text, so that the shell's common prefix is true.
        ends = []
        for lo, hi in ranges:
            ends += [r[0] for r in db.execute(
                f"SELECT * FROM ({select} ORDER BY id LIMIT 1) UNION ALL "
                f"SELECT * FROM ({select} ORDER BY id DESC LIMIT 1)",
                {**params, "lo": lo, "hi": hi})]
        first, last = min(ends, key=str), max(ends, key=str)
        ids = [first, *[i for i in ids if i not in (first, last)][: limit - 2], last]
    marks = ", ".join("?" * len(ids))
    rows = db.execute(f"SELECT id, project_code, status, text FROM issues WHERE id IN ({marks})",
                      ids).fetchall()
    return sorted(rows, key=lambda r: -r[0])


# Fewer issues than this in the wanted statuses: find them through the status index;
# more: walk the ids newest first and skip the others, which soon finds enough.
SPARSE_STATUS = 2000


def _status_filter(db: sqlite3.Connection, params: dict) -> str:
    if not params:
        return ""
    wanted = ", ".join(f":{name}" for name in params)
    few = db.execute(f"SELECT count(*) FROM (SELECT 1 FROM issues WHERE status IN ({wanted}) "
                     f"LIMIT {SPARSE_STATUS})", params).fetchone()[0] < SPARSE_STATUS
    # A unary + keeps SQLite from choosing the status index.
    return f" AND {'' if few else '+'}status IN ({wanted})"


def _id_ranges(prefix: str, biggest: int) -> list[tuple[int, int]]:
    """The id ranges [lo, hi] whose ids start with ``prefix``, shortest first, up to
    ``biggest``."""
    # No prefix: one range per length, 1–9, 10–99 …, so that within a range the order of
    # the numbers is the order of the text.
    starts = [int(prefix)] if prefix else range(1, 10)
    ranges = []
    for extra in range(MAX_ID_DIGITS - len(prefix) + 1):
        lo, hi = starts[0] * 10**extra, (starts[-1] + 1) * 10**extra - 1
        if lo > biggest:
            break
        ranges.append((lo, min(hi, biggest)))
    return ranges

"""Use cases that supervise the supervision and keep the register trustworthy:
common issues (共性问题), duplicate visits (重复监督), the audit history, verify, backup,
export and the settings (``config``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from minsheng_cli.domain import settings as domain_settings
from minsheng_cli.domain import workflow
from minsheng_cli.domain.errors import Conflict, InvalidValue
from minsheng_cli.domain.periods import Period
from minsheng_cli.services import Register
from minsheng_cli.services import register as uses
from minsheng_cli.store import queries_issues
from minsheng_cli.store import register as store
from minsheng_cli.store import verify as checks
from minsheng_cli.store.audit import ROW_KEYS, WriteContext

# -- common issues and duplicate visits ------------------------------------------------------


def common_issues(
    reg: Register, min_projects: int, as_of: date | None = None,
    codes: Collection[str] | None = None,
) -> list[dict]:
    """Categories (and category × department) whose open issues span ``min_projects``:
    open now, or open at the end of ``as_of`` (a report on that date); of the projects of
    ``codes`` only, when given."""
    if min_projects < 1:
        raise InvalidValue("min-projects", min_projects, "a whole number of projects, 1 or more")
    return queries_issues.common_issues(reg.db, workflow.OPEN_STATUSES, min_projects,
                                        as_of.isoformat() if as_of else None,
                                        None if codes is None else list(codes))


@dataclass(frozen=True)
class Overlaps:
    within_days: int
    pairs: list[dict]


def overlaps(reg: Register, period: Period | None) -> Overlaps:
    """Visits by two groups to one project within ``overlap_days`` (the later in period)."""
    within = int(uses.settings(reg)["overlap_days"])
    if within == 0:
        return Overlaps(0, [])
    bounds = (period.start.isoformat(), period.end.isoformat()) if period else ()
    return Overlaps(within, queries_issues.overlapping_visits(reg.db, within, *bounds))


# -- the audit history and verify --------------------------------------------------------------


def log(
    reg: Register,
    *,
    code: str | None = None,
    issue_id: int | None = None,
    since: date | None = None,
    table: str | None = None,
) -> list[dict]:
    if table is not None and table not in ROW_KEYS:
        raise InvalidValue("table", table, " | ".join(ROW_KEYS))
    events = queries_issues.audit_events(
        reg.db, code=code, issue_id=issue_id, since=since.isoformat() if since else None,
        table=table,
    )
    if not events:
        # A code or id the register never held is a typo, not an empty history.  (One whose
        # row was deleted behind the program's back still has its events, and shows them.)
        if code is not None:
            uses.require_project(reg, code)
        if issue_id is not None:
            from minsheng_cli.services.workflow import require_issue

            require_issue(reg, issue_id)
    return events


def verify(reg: Register) -> checks.Verification:
    return checks.verify(reg.db)


# -- copies ----------------------------------------------------------------------------------


def backup(reg: Register, target: Path, *, force: bool = False) -> dict:
    """SQLite's online backup of the register to ``target``; never over a file unless forced."""
    if not target.parent.is_dir():
        raise InvalidValue("file", str(target), "a path in an existing folder")
    if target.exists() or target.is_symlink():
        if target.resolve() == Path(reg.path).resolve():
            raise InvalidValue("file", str(target), "a file other than the register itself")
        if not force:
            raise Conflict(f"{target} already exists; choose another name or add --force")
        if target.is_dir():
            raise InvalidValue("file", str(target), "a file name, not a folder")
    return checks.backup(reg.db, target)


@dataclass(frozen=True)
class TableDump:
    name: str
    columns: list[str]
    rows: Iterator[tuple]


@dataclass(frozen=True)
class RegisterDump:
    """Every table of the register as one snapshot, with a manifest to archive beside it."""

    manifest: dict
    names: list[str]
    reg: Register

    def tables(self) -> Iterator[TableDump]:
        """Each table in name order, its rows streamed from the snapshot (not held in memory)."""
        for name in self.names:
            columns, rows = checks.table_rows(self.reg.db, name)
            yield TableDump(name, columns, rows)


@contextmanager
def export(
    reg: Register, folder: Path, fmt: str, *, force: bool, exported_at: str
) -> Iterator[RegisterDump]:
    """Every table for an export to ``folder`` as ``fmt`` files, read in one read
    transaction (clerks may keep writing meanwhile): the caller writes the files inside
    the ``with``.  An earlier export in the folder is refused unless ``force``.
    """
    with checks.snapshot(reg.db):
        names = checks.table_names(reg.db)
        manifest = {
            "register": str(reg.path), "exported_at": exported_at,
            "schema": uses.info(reg)["schema"], "tables": checks.table_counts(reg.db, names),
            "audit_head": checks.audit_head(reg.db), "format": fmt,
        }
        check_export_folder(folder, names, fmt, force)
        yield RegisterDump(manifest, names, reg)


def check_export_folder(folder: Path, names: list[str], suffix: str, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise InvalidValue("output", str(folder), "a folder (it is a file)")
    files = [f"{n}.{suffix}" for n in names] + ["manifest.json"]
    clashes = [f for f in files if (folder / f).exists()]
    if clashes and not force:
        raise Conflict(f"{folder} already holds an export ({clashes[0]}); "
                       "choose another folder or add --force")


# -- settings ----------------------------------------------------------------------------------


def config(reg: Register) -> list[dict]:
    """Every setting: its value, default, description, and who set it when."""
    stored = {r["key"]: r for r in queries_issues.settings_rows(reg.db)}
    rows = []
    for key, setting in domain_settings.SETTINGS.items():
        row = stored.get(key, {})
        rows.append({
            "key": key, "value": row.get("value", setting.default), "default": setting.default,
            "description": setting.description, "updated_at": row.get("updated_at"),
            "updated_by": row.get("updated_by"),
        })
    return rows


@dataclass(frozen=True)
class SettingChanged:
    key: str
    old: str
    new: str
    written: bool


def set_config(reg: Register, ctx: WriteContext, key: str, value: str) -> SettingChanged:
    """Set one setting, checked alone and against the others; logged like every write."""
    new = domain_settings.check_setting(key, value)
    with reg.write():
        stored = store.read_settings(reg.db)
        old = domain_settings.effective(stored)[key]
        domain_settings.check_thresholds(domain_settings.effective({**stored, key: new}),
                                         changed=key)
        if stored.get(key) == new:
            return SettingChanged(key, old, new, False)
        store.write_setting(reg.db, ctx, key, new)
    return SettingChanged(key, old, new, True)

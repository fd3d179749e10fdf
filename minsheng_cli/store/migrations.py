"""The register's schema, as a sequence of migrations.

Each migration is named ``mNNN_verb_noun`` and is never edited once shipped: a change to
the schema is a new migration (the steps are in ``store/schema_history.py``).  They run
through ``sqlite_utils.Migrations`` (one ``BEGIN IMMEDIATE`` transaction per step, see
:func:`apply`) before foreign keys are enforced.  ``tests/store/test_schema.py`` pins the
exact schema a blank register ends up with.

Storage model: ``projects`` (项, keyed by code) carry the year's list; ``plan_points``
(节点计划), ``progress`` (进展, from departments' reports and from visits), ``visits``
(实地查看) and ``issues`` (问题) hang off a project; ``supervision_groups`` (监督评估小组)
are assigned projects through ``assignments``.  ``issue_events`` is the history of an
issue's workflow.  ``audit_log`` is append-only and hash-chained: every write to any
other table appends the row's new content there (see ``store/audit.py``).

Only the ``issues`` row (its status, deadline, verdict) and ``settings`` are ever updated;
everything else is insert-only, and corrections are new rows (``progress.corrects``
points at the figure a new row corrects or voids).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from minsheng_cli.store import schema_history as history

MIGRATION_SET = "minsheng"
STEPS: list[Callable] = [
    history.m001_create_register,
    history.m002_create_reading_views,
    history.m003_add_corrections_and_audit_sequence,
    history.m004_add_visit_coverage_index,
    history.m005_rebuild_reading_views,
    history.m006_add_report_covering_indexes,
]
NAMES = [step.__name__ for step in STEPS]


def applied_names(db: sqlite3.Connection) -> list[str]:
    """Names of the migrations this register has had, oldest first (no sqlite-utils import)."""
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not exists:
        return []
    rows = db.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", [MIGRATION_SET]
    )
    return [row[0] for row in rows]


def pending_names(db: sqlite3.Connection) -> list[str]:
    done = set(applied_names(db))
    return [name for name in NAMES if name not in done]


def apply(db: sqlite3.Connection, stop_before: str | None = None) -> list[str]:
    """Apply pending migrations, one transaction per step; return the names applied.

    Foreign keys are switched off while the schema changes (SQLite ignores the pragma
    inside a transaction, and table rebuilds must not cascade) and back on after.

    Each step runs in its own ``BEGIN IMMEDIATE`` transaction, and what is pending is read
    again once the write lock is held: clerks who run ``init`` or any command on a new or
    older register at the same moment wait for each other instead of failing with
    "locked" or "table already exists", and a process killed half-way leaves the schema at
    a step boundary.  ``stop_before`` leaves that step and the later ones pending (tests
    use it to build an older register).
    """
    if not pending_names(db):  # current: no write lock, so `init` goes on beside a writer
        return []
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in STEPS:
        migrations()(step)
    applied: list[str] = []
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        while step_name := apply_next_step(db, Database(db), migrations, stop_before):
            applied.append(step_name)
    finally:
        db.execute("PRAGMA foreign_keys = ON")
    return applied


def apply_next_step(db: sqlite3.Connection, database, migrations, stop_before) -> str | None:
    """Apply the first pending step in its own write transaction; None when none is left."""
    db.execute("BEGIN IMMEDIATE")
    try:
        pending = pending_names(db)
        if not pending or pending[0] == stop_before:
            db.execute("COMMIT")
            return None
        step = pending[0]
        following = NAMES[NAMES.index(step) + 1 :]
        # sqlite-utils applies every pending step; stopping before the next one keeps the
        # transaction to this step (inside our transaction its atomic() is a savepoint).
        migrations.apply(database, stop_before=following[0] if following else None)
        db.execute("COMMIT")
        return step
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise

"""The register's schema, as a sequence of migrations.

Each migration is named ``mNNN_verb_noun`` and is never edited once shipped: a change to
the schema is a new migration.  They run through ``sqlite_utils.Migrations`` (one
``BEGIN IMMEDIATE`` transaction per step, see :func:`apply`) before foreign keys are
enforced.  ``tests/store/test_schema.py`` pins the exact schema a blank register ends
up with.

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

MIGRATION_SET = "minsheng"

CATEGORIES = ("schedule", "quality", "funding", "feedback", "factors", "safety", "other")
ISSUE_STATUSES = ("open", "transferred", "responded", "closed", "withdrawn")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


STAMP = "created_at TEXT NOT NULL, created_by TEXT NOT NULL"


def m001_create_register(db) -> None:
    """The register as issue #2 describes it: the year's list and what supervision sees."""
    statements = [
        f"""CREATE TABLE projects (
            code TEXT PRIMARY KEY,
            year INTEGER NOT NULL,
            item TEXT,
            name TEXT NOT NULL,
            content TEXT,
            department TEXT,
            partners TEXT,
            district TEXT,
            leader TEXT,
            target REAL CHECK (target IS NULL OR target > 0),
            unit TEXT,
            budget REAL CHECK (budget IS NULL OR budget >= 0),
            start TEXT NOT NULL,
            due TEXT NOT NULL,
            {STAMP},
            CHECK (start <= due),
            CHECK (unit IS NULL OR target IS NOT NULL)
        )""",
        "CREATE INDEX projects_year_item ON projects (year, item)",
        "CREATE INDEX projects_department ON projects (department)",
        "CREATE INDEX projects_district ON projects (district)",
        f"""CREATE TABLE plan_points (
            id INTEGER PRIMARY KEY,
            project_code TEXT NOT NULL REFERENCES projects (code),
            date TEXT NOT NULL,
            pct REAL NOT NULL CHECK (pct >= 0 AND pct <= 100),
            {STAMP}
        )""",
        "CREATE INDEX plan_points_project ON plan_points (project_code, date)",
        f"""CREATE TABLE supervision_groups (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            level TEXT NOT NULL CHECK (level IN ('grassroots', 'municipal')),
            cadence TEXT NOT NULL CHECK (cadence IN ('monthly', 'quarterly')),
            district TEXT,
            members TEXT,
            {STAMP}
        )""",
        f"""CREATE TABLE assignments (
            group_id INTEGER NOT NULL REFERENCES supervision_groups (id),
            project_code TEXT NOT NULL REFERENCES projects (code),
            {STAMP},
            PRIMARY KEY (group_id, project_code)
        )""",
        "CREATE INDEX assignments_project ON assignments (project_code)",
        f"""CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            project_code TEXT NOT NULL REFERENCES projects (code),
            group_id INTEGER NOT NULL REFERENCES supervision_groups (id),
            date TEXT NOT NULL,
            method TEXT CHECK (method IS NULL OR method IN
                ('site', 'briefing', 'forum', 'unannounced')),
            visitors TEXT,
            finding TEXT,
            suggestion TEXT,
            {STAMP}
        )""",
        "CREATE INDEX visits_project_date ON visits (project_code, date)",
        "CREATE INDEX visits_group_date ON visits (group_id, date)",
        f"""CREATE TABLE visit_photos (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits (id),
            path TEXT NOT NULL,
            {STAMP}
        )""",
        "CREATE INDEX visit_photos_visit ON visit_photos (visit_id)",
        f"""CREATE TABLE progress (
            id INTEGER PRIMARY KEY,
            project_code TEXT NOT NULL REFERENCES projects (code),
            date TEXT NOT NULL,
            pct REAL CHECK (pct IS NULL OR pct >= 0),
            done REAL CHECK (done IS NULL OR done >= 0),
            funds REAL CHECK (funds IS NULL OR funds >= 0),
            source TEXT NOT NULL CHECK (source IN ('report', 'visit')),
            visit_id INTEGER REFERENCES visits (id),
            note TEXT,
            {STAMP},
            CHECK (done IS NULL OR pct IS NOT NULL)
        )""",
        "CREATE INDEX progress_project_date ON progress (project_code, date, id)",
        f"""CREATE TABLE issues (
            id INTEGER PRIMARY KEY,
            project_code TEXT NOT NULL REFERENCES projects (code),
            visit_id INTEGER REFERENCES visits (id),
            group_id INTEGER REFERENCES supervision_groups (id),
            category TEXT NOT NULL CHECK (category IN {_in(CATEGORIES)}),
            severity TEXT NOT NULL CHECK (severity IN ('ordinary', 'major')),
            text TEXT NOT NULL,
            department TEXT,
            found_on TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN {_in(ISSUE_STATUSES)}),
            deadline TEXT,
            verdict TEXT CHECK (verdict IS NULL OR verdict IN
                ('satisfied', 'basic', 'unsatisfied')),
            {STAMP}
        )""",
        "CREATE INDEX issues_project ON issues (project_code)",
        "CREATE INDEX issues_status ON issues (status, deadline)",
        f"""CREATE TABLE issue_events (
            id INTEGER PRIMARY KEY,
            issue_id INTEGER NOT NULL REFERENCES issues (id),
            action TEXT NOT NULL,
            date TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            department TEXT,
            deadline TEXT,
            verdict TEXT,
            note TEXT,
            {STAMP}
        )""",
        "CREATE INDEX issue_events_issue ON issue_events (issue_id, id)",
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        )""",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            command TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            action TEXT NOT NULL,
            content TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""",
        "CREATE INDEX audit_log_row ON audit_log (table_name, row_key, id)",
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    ]
    for statement in statements:
        db.execute(statement)


def m002_create_reading_views(db) -> None:
    """Views that make the register readable without the program (Datasette, sqlite3):
    the latest figure per project, open issues with project names, visits with group names.
    Added after m001 shipped, so registers made by 0.1.0 gain them on upgrade."""
    statements = [
        """CREATE VIEW latest_progress AS
           SELECT p.code, p.name, p.item, p.department, p.district, p.target, p.unit,
                  p.budget, p.start, p.due, f.date AS figure_date, f.pct, f.done, f.funds,
                  f.source
           FROM projects p LEFT JOIN (
               SELECT project_code, date, pct, done, funds, source,
                      ROW_NUMBER() OVER (PARTITION BY project_code ORDER BY date DESC, id DESC)
                        AS rn
               FROM progress WHERE pct IS NOT NULL) f
             ON f.project_code = p.code AND f.rn = 1""",
        """CREATE VIEW open_issues AS
           SELECT i.id, i.project_code AS code, p.name AS project, p.item, i.category,
                  i.severity, i.text, COALESCE(i.department, p.department) AS department,
                  i.found_on, i.status, i.deadline, g.name AS group_name, i.created_by
           FROM issues i JOIN projects p ON p.code = i.project_code
           LEFT JOIN supervision_groups g ON g.id = i.group_id
           WHERE i.status IN ('open', 'transferred', 'responded')""",
        """CREATE VIEW visits_named AS
           SELECT v.id, v.date, v.project_code AS code, p.name AS project, g.name AS group_name,
                  g.level, v.method, v.visitors, v.finding, v.suggestion, v.created_by
           FROM visits v JOIN projects p ON p.code = v.project_code
           JOIN supervision_groups g ON g.id = v.group_id""",
    ]
    for statement in statements:
        db.execute(statement)


AUDIT_LOG_COLUMNS = "id, at, actor, command, table_name, row_key, action, content, prev_hash, hash"


def m003_add_corrections_and_audit_sequence(db) -> None:
    """Corrections and a log whose end can be checked.

    ``progress.corrects`` lets a wrong figure be corrected (or voided) by a new row that
    points at it, since nothing is ever deleted.  ``audit_log`` is rebuilt with
    AUTOINCREMENT so that ``sqlite_sequence`` remembers the last event ever written:
    ``verify`` can then tell when the newest events were removed, which the hash chain
    alone cannot.
    """
    statements = [
        "ALTER TABLE progress ADD COLUMN corrects INTEGER REFERENCES progress (id)",
        "CREATE INDEX progress_corrects ON progress (corrects) WHERE corrects IS NOT NULL",
        """CREATE TABLE audit_log_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            command TEXT NOT NULL,
            table_name TEXT NOT NULL,
            row_key TEXT NOT NULL,
            action TEXT NOT NULL,
            content TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""",
        f"INSERT INTO audit_log_new ({AUDIT_LOG_COLUMNS}) "
        f"SELECT {AUDIT_LOG_COLUMNS} FROM audit_log ORDER BY id",
        "DROP TRIGGER audit_log_no_update",
        "DROP TRIGGER audit_log_no_delete",
        "DROP TABLE audit_log",
        "ALTER TABLE audit_log_new RENAME TO audit_log",
        "CREATE INDEX audit_log_row ON audit_log (table_name, row_key, id)",
        """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
        # a corrected figure no longer counts as the latest
        "DROP VIEW latest_progress",
        """CREATE VIEW latest_progress AS
           SELECT p.code, p.name, p.item, p.department, p.district, p.target, p.unit,
                  p.budget, p.start, p.due, f.date AS figure_date, f.pct, f.done, f.funds,
                  f.source
           FROM projects p LEFT JOIN (
               SELECT project_code, date, pct, done, funds, source,
                      ROW_NUMBER() OVER (PARTITION BY project_code ORDER BY date DESC, id DESC)
                        AS rn
               FROM progress pr WHERE pct IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.corrects = pr.id)) f
             ON f.project_code = p.code AND f.rn = 1""",
    ]
    for statement in statements:
        db.execute(statement)


def m004_add_visit_coverage_index(db) -> None:
    """Visits owed (overdue, checklist) ask "did this group visit this project in this
    window?" once per assignment; with only (group_id, date) SQLite read every visit of the
    group for each project (about 1 s a window at 100,000 projects, docs/performance.md)."""
    db.execute("CREATE INDEX visits_group_project_date ON visits (group_id, project_code, date)")


def m005_add_report_covering_indexes(db) -> None:
    """Every report finds each project's latest figures and each issue's state as of a
    date by short index walks; with the values in the index those walks no longer read a
    table row per entry (at 100,000 projects: 0.9 → 0.4 s for the figures, 0.9 → 0.3 s for
    the issues as of a date, docs/performance.md).  The figures index has the old one's
    columns first, so it replaces it."""
    db.execute("CREATE INDEX progress_figures ON progress (project_code, date, id, pct, funds)")
    db.execute("DROP INDEX progress_project_date")
    db.execute("CREATE INDEX issue_events_as_of ON issue_events"
               " (issue_id, date, id, action, to_status, deadline, department)")


STEPS: list[Callable] = [
    m001_create_register,
    m002_create_reading_views,
    m003_add_corrections_and_audit_sequence,
    m004_add_visit_coverage_index,
    m005_add_report_covering_indexes,
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

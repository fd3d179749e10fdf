"""The schema's history: every migration step, ``mNNN_verb_noun``, as it was shipped.

A step is never edited once shipped (a register in the field has run it): a change to the
schema is a new step at the end, listed in ``migrations.STEPS``.  So the DDL here is a
frozen record, repeated on purpose where a later step rebuilds a table or a view.
The runner (one ``BEGIN IMMEDIATE`` transaction per step) is ``store/migrations.py``.
"""

from __future__ import annotations

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


# The Chinese words of the codes, as the reading views show them beside the codes.  Copied
# here, not imported from domain/values.py: a shipped migration must not change when the
# program's labels do (tests/web/test_views.py checks they still agree).
LABELS_M005 = {
    "category": {"schedule": "序时进度", "quality": "建设质量", "funding": "资金保障",
                 "feedback": "群众反映", "factors": "要素保障", "safety": "安全",
                 "other": "其他"},
    "severity": {"ordinary": "一般", "major": "重大"},
    "status": {"open": "待转办", "transferred": "已转办", "responded": "已反馈",
               "closed": "已销号", "withdrawn": "已撤回"},
    "level": {"grassroots": "基层", "municipal": "市级"},
    "method": {"site": "实地查看", "briefing": "听取汇报", "forum": "座谈",
               "unannounced": "暗访"},
    "source": {"report": "部门报送", "visit": "实地查看"},
}


def _label(kind: str, column: str) -> str:
    whens = " ".join(f"WHEN '{code}' THEN '{word}'" for code, word in LABELS_M005[kind].items())
    return f"CASE {column} {whens} END AS {kind}_zh"


def m005_rebuild_reading_views(db) -> None:
    """The reading views again, for Datasette and sqlite3 users who read Chinese.

    ``latest_progress`` took its ``funds`` from the latest *progress* figure, so a visit that
    recorded only the money spent (``add-visit --funds``), or a report after it without
    funds, hid the latest sum the reports count (DESIGN.md: funds progress is the latest
    money spent).  It now takes the latest funds figure on its own, found by index seeks as
    the reports do (numbering every figure made a page of the view slow at 100,000
    projects).  The views also gain the Chinese word beside each code (``category_zh`` …)
    and ``latest_progress`` its ``year``, ``funds_date`` and ``funds_pct``; every new column
    comes after the old ones, so readers of the old columns find them where they were."""
    latest = """(SELECT id FROM progress
                  WHERE project_code = p.code AND {column} IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.corrects = progress.id)
                  ORDER BY date DESC, id DESC LIMIT 1)"""
    statements = [
        "DROP VIEW latest_progress",
        f"""CREATE VIEW latest_progress AS
           SELECT p.code, p.name, p.item, p.department, p.district, p.target, p.unit,
                  p.budget, p.start, p.due, f.date AS figure_date, f.pct, f.done, m.funds,
                  f.source, p.year, m.date AS funds_date,
                  CASE WHEN p.budget > 0 AND m.funds IS NOT NULL
                       THEN m.funds * 100.0 / p.budget END AS funds_pct,
                  {_label("source", "f.source")}
           FROM projects p
           LEFT JOIN progress f ON f.id = {latest.format(column="pct")}
           LEFT JOIN progress m ON m.id = {latest.format(column="funds")}""",
        "DROP VIEW open_issues",
        f"""CREATE VIEW open_issues AS
           SELECT i.id, i.project_code AS code, p.name AS project, p.item, i.category,
                  i.severity, i.text, COALESCE(i.department, p.department) AS department,
                  i.found_on, i.status, i.deadline, g.name AS group_name, i.created_by,
                  {_label("category", "i.category")},
                  {_label("severity", "i.severity")},
                  {_label("status", "i.status")}
           FROM issues i JOIN projects p ON p.code = i.project_code
           LEFT JOIN supervision_groups g ON g.id = i.group_id
           WHERE i.status IN ('open', 'transferred', 'responded')""",
        "DROP VIEW visits_named",
        f"""CREATE VIEW visits_named AS
           SELECT v.id, v.date, v.project_code AS code, p.name AS project, g.name AS group_name,
                  g.level, v.method, v.visitors, v.finding, v.suggestion, v.created_by,
                  {_label("level", "g.level")},
                  {_label("method", "v.method")}
           FROM visits v JOIN projects p ON p.code = v.project_code
           JOIN supervision_groups g ON g.id = v.group_id""",
    ]
    for statement in statements:
        db.execute(statement)

def m006_add_report_covering_indexes(db) -> None:
    """Every report finds each project's latest figures and each issue's state as of a
    date by short index walks; with the values in the index those walks no longer read a
    table row per entry (at 100,000 projects: 0.9 → 0.4 s for the figures, 0.9 → 0.3 s for
    the issues as of a date, docs/performance.md).  The figures index has the old one's
    columns first, so it replaces it."""
    db.execute("CREATE INDEX progress_figures ON progress (project_code, date, id, pct, funds)")
    db.execute("DROP INDEX progress_project_date")
    db.execute("CREATE INDEX issue_events_as_of ON issue_events"
               " (issue_id, date, id, action, to_status, deadline, department)")

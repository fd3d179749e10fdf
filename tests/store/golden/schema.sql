-- index assignments_project on assignments
CREATE INDEX assignments_project ON assignments (project_code);

-- index audit_log_row on audit_log
CREATE INDEX audit_log_row ON audit_log (table_name, row_key, id);

-- index idx__sqlite_migrations_migration_set_name on _sqlite_migrations
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");

-- index issue_events_as_of on issue_events
CREATE INDEX issue_events_as_of ON issue_events (issue_id, date, id, action, to_status, deadline, department);

-- index issue_events_issue on issue_events
CREATE INDEX issue_events_issue ON issue_events (issue_id, id);

-- index issues_project on issues
CREATE INDEX issues_project ON issues (project_code);

-- index issues_status on issues
CREATE INDEX issues_status ON issues (status, deadline);

-- index plan_points_project on plan_points
CREATE INDEX plan_points_project ON plan_points (project_code, date);

-- index progress_corrects on progress
CREATE INDEX progress_corrects ON progress (corrects) WHERE corrects IS NOT NULL;

-- index progress_figures on progress
CREATE INDEX progress_figures ON progress (project_code, date, id, pct, funds);

-- index projects_department on projects
CREATE INDEX projects_department ON projects (department);

-- index projects_district on projects
CREATE INDEX projects_district ON projects (district);

-- index projects_year_item on projects
CREATE INDEX projects_year_item ON projects (year, item);

-- index sqlite_autoindex_assignments_1 on assignments
-- (created by SQLite for a key)

-- index sqlite_autoindex_projects_1 on projects
-- (created by SQLite for a key)

-- index sqlite_autoindex_settings_1 on settings
-- (created by SQLite for a key)

-- index sqlite_autoindex_supervision_groups_1 on supervision_groups
-- (created by SQLite for a key)

-- index visit_photos_visit on visit_photos
CREATE INDEX visit_photos_visit ON visit_photos (visit_id);

-- index visits_group_date on visits
CREATE INDEX visits_group_date ON visits (group_id, date);

-- index visits_group_project_date on visits
CREATE INDEX visits_group_project_date ON visits (group_id, project_code, date);

-- index visits_project_date on visits
CREATE INDEX visits_project_date ON visits (project_code, date);

-- table _sqlite_migrations on _sqlite_migrations
CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);

-- table assignments on assignments
CREATE TABLE assignments (
            group_id INTEGER NOT NULL REFERENCES supervision_groups (id),
            project_code TEXT NOT NULL REFERENCES projects (code),
            created_at TEXT NOT NULL, created_by TEXT NOT NULL,
            PRIMARY KEY (group_id, project_code)
        );

-- table audit_log on audit_log
CREATE TABLE "audit_log" (
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
        );

-- table issue_events on issue_events
CREATE TABLE issue_events (
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
            created_at TEXT NOT NULL, created_by TEXT NOT NULL
        );

-- table issues on issues
CREATE TABLE issues (
            id INTEGER PRIMARY KEY,
            project_code TEXT NOT NULL REFERENCES projects (code),
            visit_id INTEGER REFERENCES visits (id),
            group_id INTEGER REFERENCES supervision_groups (id),
            category TEXT NOT NULL CHECK (category IN ('schedule', 'quality', 'funding', 'feedback', 'factors', 'safety', 'other')),
            severity TEXT NOT NULL CHECK (severity IN ('ordinary', 'major')),
            text TEXT NOT NULL,
            department TEXT,
            found_on TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'transferred', 'responded', 'closed', 'withdrawn')),
            deadline TEXT,
            verdict TEXT CHECK (verdict IS NULL OR verdict IN
                ('satisfied', 'basic', 'unsatisfied')),
            created_at TEXT NOT NULL, created_by TEXT NOT NULL
        );

-- table plan_points on plan_points
CREATE TABLE plan_points (
            id INTEGER PRIMARY KEY,
            project_code TEXT NOT NULL REFERENCES projects (code),
            date TEXT NOT NULL,
            pct REAL NOT NULL CHECK (pct >= 0 AND pct <= 100),
            created_at TEXT NOT NULL, created_by TEXT NOT NULL
        );

-- table progress on progress
CREATE TABLE progress (
            id INTEGER PRIMARY KEY,
            project_code TEXT NOT NULL REFERENCES projects (code),
            date TEXT NOT NULL,
            pct REAL CHECK (pct IS NULL OR pct >= 0),
            done REAL CHECK (done IS NULL OR done >= 0),
            funds REAL CHECK (funds IS NULL OR funds >= 0),
            source TEXT NOT NULL CHECK (source IN ('report', 'visit')),
            visit_id INTEGER REFERENCES visits (id),
            note TEXT,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL, corrects INTEGER REFERENCES progress (id),
            CHECK (done IS NULL OR pct IS NOT NULL)
        );

-- table projects on projects
CREATE TABLE projects (
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
            created_at TEXT NOT NULL, created_by TEXT NOT NULL,
            CHECK (start <= due),
            CHECK (unit IS NULL OR target IS NOT NULL)
        );

-- table settings on settings
CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT NOT NULL
        );

-- table sqlite_sequence on sqlite_sequence
CREATE TABLE sqlite_sequence(name,seq);

-- table supervision_groups on supervision_groups
CREATE TABLE supervision_groups (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            level TEXT NOT NULL CHECK (level IN ('grassroots', 'municipal')),
            cadence TEXT NOT NULL CHECK (cadence IN ('monthly', 'quarterly')),
            district TEXT,
            members TEXT,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL
        );

-- table visit_photos on visit_photos
CREATE TABLE visit_photos (
            id INTEGER PRIMARY KEY,
            visit_id INTEGER NOT NULL REFERENCES visits (id),
            path TEXT NOT NULL,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL
        );

-- table visits on visits
CREATE TABLE visits (
            id INTEGER PRIMARY KEY,
            project_code TEXT NOT NULL REFERENCES projects (code),
            group_id INTEGER NOT NULL REFERENCES supervision_groups (id),
            date TEXT NOT NULL,
            method TEXT CHECK (method IS NULL OR method IN
                ('site', 'briefing', 'forum', 'unannounced')),
            visitors TEXT,
            finding TEXT,
            suggestion TEXT,
            created_at TEXT NOT NULL, created_by TEXT NOT NULL
        );

-- trigger audit_log_no_delete on audit_log
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- trigger audit_log_no_update on audit_log
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- view latest_progress on latest_progress
CREATE VIEW latest_progress AS
           SELECT p.code, p.name, p.item, p.department, p.district, p.target, p.unit,
                  p.budget, p.start, p.due, f.date AS figure_date, f.pct, f.done, m.funds,
                  f.source, p.year, m.date AS funds_date,
                  CASE WHEN p.budget > 0 AND m.funds IS NOT NULL
                       THEN m.funds * 100.0 / p.budget END AS funds_pct,
                  CASE f.source WHEN 'report' THEN '部门报送' WHEN 'visit' THEN '实地查看' END AS source_zh
           FROM projects p
           LEFT JOIN progress f ON f.id = (SELECT id FROM progress
                  WHERE project_code = p.code AND pct IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.corrects = progress.id)
                  ORDER BY date DESC, id DESC LIMIT 1)
           LEFT JOIN progress m ON m.id = (SELECT id FROM progress
                  WHERE project_code = p.code AND funds IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM progress c WHERE c.corrects = progress.id)
                  ORDER BY date DESC, id DESC LIMIT 1);

-- view open_issues on open_issues
CREATE VIEW open_issues AS
           SELECT i.id, i.project_code AS code, p.name AS project, p.item, i.category,
                  i.severity, i.text, COALESCE(i.department, p.department) AS department,
                  i.found_on, i.status, i.deadline, g.name AS group_name, i.created_by,
                  CASE i.category WHEN 'schedule' THEN '序时进度' WHEN 'quality' THEN '建设质量' WHEN 'funding' THEN '资金保障' WHEN 'feedback' THEN '群众反映' WHEN 'factors' THEN '要素保障' WHEN 'safety' THEN '安全' WHEN 'other' THEN '其他' END AS category_zh,
                  CASE i.severity WHEN 'ordinary' THEN '一般' WHEN 'major' THEN '重大' END AS severity_zh,
                  CASE i.status WHEN 'open' THEN '待转办' WHEN 'transferred' THEN '已转办' WHEN 'responded' THEN '已反馈' WHEN 'closed' THEN '已销号' WHEN 'withdrawn' THEN '已撤回' END AS status_zh
           FROM issues i JOIN projects p ON p.code = i.project_code
           LEFT JOIN supervision_groups g ON g.id = i.group_id
           WHERE i.status IN ('open', 'transferred', 'responded');

-- view visits_named on visits_named
CREATE VIEW visits_named AS
           SELECT v.id, v.date, v.project_code AS code, p.name AS project, g.name AS group_name,
                  g.level, v.method, v.visitors, v.finding, v.suggestion, v.created_by,
                  CASE g.level WHEN 'grassroots' THEN '基层' WHEN 'municipal' THEN '市级' END AS level_zh,
                  CASE v.method WHEN 'site' THEN '实地查看' WHEN 'briefing' THEN '听取汇报' WHEN 'forum' THEN '座谈' WHEN 'unannounced' THEN '暗访' END AS method_zh
           FROM visits v JOIN projects p ON p.code = v.project_code
           JOIN supervision_groups g ON g.id = v.group_id;

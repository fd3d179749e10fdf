"""Small helpers for the workflow tests: the shared runner with a day and a user per call,
and a register built through the CLI the way a clerk would type it."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

from tests.factories import Cli


class Run(Cli):
    """``run("issues", "-f", "json", today="2021-10-12")`` runs one command, checks its exit;
    the shared test runner with a day and a user per call."""

    def __call__(self, *args: str, code: int = 0, today: str | None = None,
                 user: str | None = None, env: dict | None = None):
        extra = dict(env or {})
        if today:
            extra["MINSHENG_TODAY"] = today
        if user:
            extra["MINSHENG_USER"] = user
        return super().__call__(*args, code=code, env=extra)

    def json(self, *args: str, **kw):
        return json.loads(self(*args, "-f", "json", **kw).stdout)

    def tsv(self, *args: str, **kw) -> list[dict]:
        return list(csv.DictReader(io.StringIO(self(*args, **kw).stdout), delimiter="\t"))

    def new_id(self, *args: str, **kw) -> int:
        return int(self(*args, **kw).stdout.strip())

    def sql(self) -> sqlite3.Connection:
        """A plain sqlite3 connection, as someone with the sqlite3 tool would have."""
        return sqlite3.connect(self.db, isolation_level=None)

    def count(self, table: str) -> int:
        with self.sql() as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def dump(self) -> list:
        """Everything the register holds, to show that a refused command changed nothing."""
        db = self.sql()
        try:
            names = [r[0] for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return [(n, db.execute(f'SELECT * FROM "{n}"').fetchall()) for n in names]
        finally:
            db.close()


def three_departments(run: Run) -> Run:
    """Four 2021 projects (two lead units), two groups assigned, no issue yet."""
    run("init")
    for code, name, department in (
        ("P1", "新建中小学", "市教育局"),
        ("P2", "老旧小区改造", "市住建局"),
        ("P3", "既有住宅加装电梯", "市住建局"),
        ("P4", "背街小巷整治", "市城管局"),
    ):
        run("add-project", code, name, "--department", department, "--year", "2021",
            today="2021-01-05")
    run("add-group", "东城区人大监督小组", "--level", "grassroots", today="2021-01-05")
    run("add-group", "市人大财经委监督组", "--level", "municipal", today="2021-01-05")
    run("assign", "东城区人大监督小组", "--all", today="2021-01-05")
    run("assign", "市人大财经委监督组", "--all", today="2021-01-05")
    return run


def flag(run: Run, code: str, category: str, text: str, day: str, *extra: str) -> int:
    return run.new_id("flag", code, "--category", category, "--text", text, "--date", day,
                      *extra, today=day)

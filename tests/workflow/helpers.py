"""Small helpers for the workflow tests: a runner with a fixed day and user, and a register
built through the CLI the way a clerk would type it.

Kept here (not in tests/conftest.py) so that these tests stand on their own.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from minsheng_cli.cli import app

TODAY = "2021-06-16"
ENV = {
    "MINSHENG_TODAY": TODAY,
    "MINSHENG_USER": "tester",
    "COLUMNS": "120",
    "NO_COLOR": "1",
    "MINSHENG_LANG": "en",
    "MINSHENG_BUSY_TIMEOUT": None,
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANG": None,
}


class Run:
    """``run("issues", "-f", "json", today="2021-10-12")`` runs one command, checks its exit."""

    def __init__(self, db: Path, lang: str = "en"):
        self.db = Path(db)
        self.env = {**ENV, "MINSHENG_DB": str(self.db), "MINSHENG_LANG": lang}
        self.runner = CliRunner()

    def __call__(
        self, *args: str, code: int = 0, today: str | None = None, user: str | None = None
    ):
        env = dict(self.env)
        if today:
            env["MINSHENG_TODAY"] = today
        if user:
            env["MINSHENG_USER"] = user
        result = self.runner.invoke(app, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == code, (
            f"{args}: exit {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

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

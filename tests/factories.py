"""Small factories for CLI tests: a runner with a fixed day and user, and registers in
known states built through the CLI itself (what a clerk would type).

``Cli`` runs ``minsheng_cli.cli.app`` with ``CliRunner(catch_exceptions=False)`` and an
environment that does not depend on the machine: today is 2021-06-16, the user is
``tester``, 120 columns, no colour, the register in a temporary folder.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import sqlite3
from pathlib import Path
from unittest import mock

import typer
from typer.testing import CliRunner

from minsheng_cli.cli import app

TODAY = "2021-06-16"

BASE_ENV = {
    "MINSHENG_TODAY": TODAY,
    "MINSHENG_USER": "tester",
    "COLUMNS": "120",
    "NO_COLOR": "1",
    "MINSHENG_LANG": "en",
    # Nothing from the machine running the tests leaks in.
    "MINSHENG_BUSY_TIMEOUT": None,
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANG": None,
}


@functools.cache
def click_command():
    """The click command tree, built once: Typer rebuilds it on every ``invoke`` (~50 ms)."""
    return typer.main.get_command(app)


class Runner(CliRunner):
    """A CliRunner that reuses the command tree; otherwise Typer's own."""

    def invoke(self, cli, *args, **kwargs):
        with mock.patch("typer.testing._get_command", lambda _: click_command()):
            return super().invoke(cli, *args, **kwargs)


class Cli:
    """``cli("projects", "-f", "json")`` runs one command and checks its exit code."""

    def __init__(self, db: Path, lang: str = "en"):
        self.db = Path(db)
        self.env = {**BASE_ENV, "MINSHENG_DB": str(self.db), "MINSHENG_LANG": lang}
        self.runner = Runner()

    def run(self, *args: str, env: dict | None = None):
        """Run without checking the exit code."""
        return self.runner.invoke(
            app, list(args), env={**self.env, **(env or {})}, catch_exceptions=False
        )

    def __call__(self, *args: str, code: int = 0, env: dict | None = None):
        result = self.run(*args, env=env)
        assert result.exit_code == code, (
            f"{args}: exit {result.exit_code}, expected {code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def json(self, *args: str, env: dict | None = None):
        return json.loads(self(*args, "-f", "json", env=env).stdout)

    def tsv(self, *args: str, env: dict | None = None) -> list[dict]:
        """The default (piped) output parsed by its header line."""
        text = self(*args, env=env).stdout
        return list(csv.DictReader(io.StringIO(text), delimiter="\t"))

    def new_id(self, *args: str) -> int:
        """A command that prints the new record's id on stdout."""
        return int(self(*args).stdout.strip())


# -- registers in known states ---------------------------------------------------------------

SCHOOL = "A1"  # a quantity target: 10 所
HOTLINE = "P2"  # no target: progress is a percentage
GRASSROOTS = "东城区人大监督小组"
MUNICIPAL = "市人大财经委监督组"


def add_school(cli: Cli, code: str = SCHOOL, **extra: str) -> None:
    options = {
        "--item": "教育提升", "--department": "市教育局", "--partners": "市财政局",
        "--district": "东城区", "--leader": "王某某", "--target": "10", "--unit": "所",
        "--budget": "1000", "--start": "2021-01-01", "--due": "2021-12-31",
        "--content": "新建、改扩建中小学10所", **extra,
    }
    cli("add-project", code, "新建改扩建中小学", *flatten(options))


def add_hotline(cli: Cli, code: str = HOTLINE) -> None:
    cli("add-project", code, "12345热线归并优化", "--item", "便民服务",
        "--department", "市政务服务数据管理局", "--district", "西城区", "--year", "2021",
        # carried over from the year before: a visit dated 2020 is legitimate for it
        "--start", "2020-10-01")


def add_groups(cli: Cli) -> None:
    cli("add-group", GRASSROOTS, "--level", "基层", "--district", "东城区",
        "--members", "张某、刘某")
    cli("add-group", MUNICIPAL, "--level", "municipal", "--members", "许某、韩某")


def two_projects(cli: Cli) -> Cli:
    """Two projects, one with a target and one without."""
    add_school(cli)
    add_hotline(cli)
    return cli


def standard_register(cli: Cli) -> Cli:
    """Two projects, two groups, the grassroots group assigned to its district's project
    and the municipal one to all, one visit (id 1) and one issue (id 1)."""
    two_projects(cli)
    add_groups(cli)
    cli("assign", GRASSROOTS, "--district", "东城区")
    cli("assign", MUNICIPAL, "--all")
    cli("add-visit", SCHOOL, "-g", GRASSROOTS, "--date", "2021-06-01", "--done", "4",
        "--funds", "300", "--visitors", "张某", "--method", "实地查看", "--finding", "外墙渗水")
    cli("flag", SCHOOL, "--category", "质量", "--text", "外墙渗水", "--visit", "1")
    return cli


def flatten(options: dict[str, str]) -> list[str]:
    return [part for pair in options.items() for part in pair]


# -- reading the register behind the program's back -----------------------------------------


def dump_register(db: Path) -> dict[str, list[tuple]]:
    """Every table's rows (and the schema), to compare a register before and after."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        dump = {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
        dump["sqlite_master"] = con.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        con.close()
    return dump


def count(db: Path, table: str) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], formats: dict[str, str] | None = None):
    """An .xlsx with ``rows`` on its first sheet; ``formats`` sets cells' number formats."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book.save(path)
    return path


def audit_chain_length(db: Path) -> int:
    """Recompute the audit log's hash chain from genesis; return its length.

    Independent of ``store/audit.py``: sha256 of the previous hash, a newline and the
    event's fields as compact JSON (UTF-8 as is).
    """
    import hashlib

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        log = con.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    finally:
        con.close()
    prev = "0" * 64
    for event in log:
        fields = [event["at"], event["actor"], event["command"], event["table_name"],
                  event["row_key"], event["action"], event["content"]]
        payload = prev + "\n" + json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        assert (event["prev_hash"], event["hash"]) == (prev, digest), f"event {event['id']}"
        prev = digest
    return len(log)

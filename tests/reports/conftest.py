"""Fixtures for the report tests: a fresh register and a CLI runner with a fixed day."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from minsheng_cli.cli import app

ENV = {"MINSHENG_TODAY": "2021-06-16", "MINSHENG_USER": "tester", "COLUMNS": "120",
       "NO_COLOR": "1", "MINSHENG_LANG": "en"}


class Cli:
    def __init__(self, db):
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0, env: dict | None = None):
        result = self.runner.invoke(
            app, ["--db", str(self.db), *args], env={**ENV, **(env or {})},
            catch_exceptions=False,
        )
        assert result.exit_code == code, (args, result.exit_code, result.output)
        return result

    def json(self, *args: str, env: dict | None = None):
        return json.loads(self(*args, "-f", "json", env=env).stdout)


@pytest.fixture
def cli(tmp_path):
    run = Cli(tmp_path / "register.db")
    run("init")
    return run


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    run = Cli(tmp_path_factory.mktemp("sample") / "sample.db")
    run("init", "--sample")
    return run

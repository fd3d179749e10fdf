"""Fixtures shared by the CLI and store tests (the factories live in tests/factories.py)."""

from __future__ import annotations

import pytest

from tests.factories import Cli, standard_register, two_projects


@pytest.fixture
def blank(tmp_path) -> Cli:
    """A runner pointed at a register file that does not exist yet."""
    return Cli(tmp_path / "register.db")


@pytest.fixture
def cli(blank) -> Cli:
    """An empty, initialised register (English labels)."""
    blank("init")
    return blank


@pytest.fixture
def zh(cli) -> Cli:
    """The same register with Chinese labels."""
    return Cli(cli.db, lang="zh")


@pytest.fixture
def projects2(cli) -> Cli:
    """Two projects: A1 with a target of 10 所, P2 without a target."""
    return two_projects(cli)


@pytest.fixture
def standard(cli) -> Cli:
    """Two projects, two groups with assignments, visit 1 and issue 1 (see factories)."""
    return standard_register(cli)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Cli:
    """The bundled sample register as of 2021-06-16 (read-only use, shared by a module)."""
    run = Cli(tmp_path_factory.mktemp("sample") / "sample.db")
    run("init", "--sample")
    return run

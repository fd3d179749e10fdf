"""Fixtures of the workflow tests (self-contained: see helpers.py)."""

from __future__ import annotations

import shutil

import pytest

from tests.workflow.helpers import Run, three_departments


@pytest.fixture
def run(tmp_path) -> Run:
    """A runner pointed at a register that does not exist yet."""
    return Run(tmp_path / "register.db")


@pytest.fixture(scope="session")
def units_template(tmp_path_factory) -> Run:
    return three_departments(Run(tmp_path_factory.mktemp("units") / "units.db"))


@pytest.fixture
def units(units_template, tmp_path) -> Run:
    """Four projects under three lead units, two groups, no issue (a fresh copy each test)."""
    copy = tmp_path / "register.db"
    shutil.copyfile(units_template.db, copy)
    return Run(copy)


@pytest.fixture(scope="module")
def sample(sample) -> Run:
    """The root ``sample`` register, run through ``Run`` (read-only use within a module)."""
    return Run(sample.db)

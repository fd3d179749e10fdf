"""Candidates for shell completion, read from the register without changing it.

Each function opens the register read-only (no migration, no file created), asks one
store query and closes it.  Errors are the caller's: the completion callbacks in
``cli/completion.py`` turn any of them into "no candidates", never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from minsheng_cli.domain.workflow import MOVES
from minsheng_cli.store import completion as store

LIMIT = 50


def _read(path: Path, query: Callable):
    db = store.open_read_only(path)
    try:
        return query(db)
    finally:
        db.close()


def project_codes(path: Path, prefix: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """(code, name) of the projects whose code starts with ``prefix``."""
    return _read(path, lambda db: store.project_codes(db, prefix, limit))


def group_names(path: Path, prefix: str, limit: int = LIMIT) -> list[tuple[str, str]]:
    """(name, level) of the supervision groups whose name starts with ``prefix``."""
    return _read(path, lambda db: store.group_names(db, prefix, limit))


def project_values(path: Path, column: str, prefix: str, limit: int = LIMIT) -> list[str]:
    """Distinct departments, districts or items of the projects, from ``prefix``."""
    return _read(path, lambda db: store.distinct_values(db, column, prefix, limit))


def issue_ids(path: Path, prefix: str, move: str | None = None,
              limit: int = LIMIT) -> list[tuple[int, str, str, str]]:
    """(id, code, status, text) of the issues whose id starts with ``prefix``; with a
    ``move`` (transfer, close …), only the issues that move is allowed from."""
    statuses = MOVES[move].sources if move in MOVES else None
    return _read(path, lambda db: store.issue_ids(db, prefix, statuses, limit))

"""A register on a read-only disk (a CD, a read-only share, a mounted backup) is read; writes
are refused as read-only.  SQLite cannot make the WAL's shared-memory file there, so the
register opens as an unchanging file (``immutable``), unless its WAL still holds writes.

Root ignores a folder's permissions, so the real case (a read-only mount) needs root to set
up and is simulated here: the first, ordinary open fails as SQLite's does on such a disk.
"""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from minsheng_cli.domain.errors import RegisterError
from minsheng_cli.store import db as store_db


@pytest.fixture
def on_a_read_only_disk(sample, monkeypatch):
    ordinary = store_db.opened

    def opened(target, *, threads, uri=False):
        if not uri:
            raise sqlite3.OperationalError("unable to open database file")
        return ordinary(target, threads=threads, uri=uri)

    monkeypatch.setattr(store_db, "opened", opened)
    monkeypatch.setattr(store_db, "on_read_only_disk", lambda path: True)
    return sample


def test_a_register_on_a_read_only_disk_is_read(on_a_read_only_disk):
    sample = on_a_read_only_disk
    rows = sample.json("deviation", "--as-of", "2021-06-16")
    assert len(rows) == 27
    assert sample.json("verify")["ok"] is True


def test_a_write_there_is_refused_as_read_only(on_a_read_only_disk):
    result = on_a_read_only_disk("progress", "MS2021-01", "--pct", "50", code=3)
    assert "is read-only" in result.stderr


def test_writes_waiting_in_its_wal_are_not_read_past(on_a_read_only_disk, monkeypatch):
    monkeypatch.setattr(store_db, "wal_pending", lambda path: True)
    with pytest.raises(RegisterError) as refused:
        store_db.connect(on_a_read_only_disk.db)
    assert "writes still in its -wal file" in str(refused.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user whom a folder's permissions bind")
def test_a_read_only_folder_for_real(tmp_path, sample):
    folder = tmp_path / "ro"
    folder.mkdir()
    copy = folder / "r.db"
    with sqlite3.connect(sample.db) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # one self-contained file, its WAL folded in
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert len(store_db.connect(copy).execute("SELECT * FROM projects").fetchall()) == 27
    finally:
        folder.chmod(stat.S_IRWXU)

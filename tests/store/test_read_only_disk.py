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
from pathlib import Path

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


@pytest.mark.parametrize("suffix", ["-wal", "-journal"])
def test_writes_waiting_beside_it_are_not_read_past(on_a_read_only_disk, monkeypatch, tmp_path,
                                                     suffix):
    copy = tmp_path / "r.db"
    copy.write_bytes(on_a_read_only_disk.db.read_bytes())
    Path(f"{copy}{suffix}").write_bytes(b"pages")  # a WAL, or a hot journal of a cut write
    with pytest.raises(RegisterError) as refused:
        store_db.connect(copy)
    assert "writes still in its -wal or -journal file" in str(refused.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs a user whom a folder's permissions bind")
def test_a_folder_one_may_not_write_is_not_a_read_only_disk(tmp_path, sample):
    # others may write the register there: an immutable read would take no locks
    folder = tmp_path / "ro"
    folder.mkdir()
    copy = folder / "r.db"
    copy.write_bytes(sample.db.read_bytes())
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert not store_db.on_read_only_disk(copy)
    finally:
        folder.chmod(stat.S_IRWXU)


def test_a_writable_disk_is_not_read_only(sample):
    assert not store_db.on_read_only_disk(sample.db)

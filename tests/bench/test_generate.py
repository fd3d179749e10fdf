"""bench/generate.py: the benchmark register is the program's own, chained and reproducible.

The generator writes around the program (its own walk of the year, a forked writer, the
log loaded without its AUTOINCREMENT declaration and the indexes built at the end), so
these tests hold it to what ``minsheng init`` and ``store.audit`` would have produced.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from minsheng_cli.services import create_register
from minsheng_cli.store.audit import canonical

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import loader  # noqa: E402

# The head of the log for 300 projects, seed 7: the same before and after the generator
# was made faster (bench/generate.py at 87194bb gave this hash).
HEAD_300_SEED_7 = (8991, "6f32e8a7356701d2b7d47a1938ec43d0e15a460567012720e9a67122672c9bc6")


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "g300.db"
    subprocess.run([sys.executable, str(BENCH / "generate.py"), str(path), "--projects", "300",
                    "--seed", "7", "--check"], check=True, capture_output=True)
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_same_register_for_the_same_seed(generated):
    assert rows(generated, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1") == [
        HEAD_300_SEED_7]
    assert rows(generated, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'") == [
        (HEAD_300_SEED_7[0],)]


def test_verify_passes(generated):
    result = subprocess.run([sys.executable, "-m", "minsheng_cli", "--db", str(generated),
                             "verify"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("verify: ok — 8991 audit events")


def test_schema_is_the_one_init_makes(generated, tmp_path):
    blank = tmp_path / "blank.db"
    create_register(blank).close()
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
    assert rows(generated, schema) == rows(blank, schema)
    migrations = "SELECT id, migration_set, name FROM _sqlite_migrations ORDER BY id"
    assert rows(generated, migrations) == rows(blank, migrations)
    assert rows(generated, "PRAGMA integrity_check") == [("ok",)]
    assert rows(generated, "PRAGMA journal_mode") == [("wal",)]


@pytest.mark.parametrize("row", [
    (1, "P000001", None, 12.5, 0.1 + 0.2, 3, "引号\"、反斜杠\\、换行\n、制表\t", "\x01"),
    (2, "", -7, 1e-07, 1e22, 0, "", None),
    (3, "𠀀 emoji 😀", 10**20, 100.0, -0.0, -1, "</script>", "\u2028"),
])
def test_compiled_content_is_store_audit_canonical(row):
    columns = ("id", "code", "n", "pct", "funds", "k", "text", "note")
    content = dict(zip(columns, row, strict=True))
    assert loader.compile_canonical(columns)(row) == canonical(content)
    assert json.loads(canonical(content))["text"] == row[6]


def test_compiled_content_refuses_a_type_it_does_not_write():
    with pytest.raises(TypeError):
        loader.compile_canonical(("flag",))((True,))


def test_a_failing_build_stops_the_writer_too(tmp_path):
    # year 1 starts its timeline in December of year 0, which does not exist: the main
    # process fails after the writer was forked, and must not wait for it forever.
    result = subprocess.run([sys.executable, str(BENCH / "generate.py"),
                             str(tmp_path / "y1.db"), "--projects", "10", "--year", "1"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "year 0 is out of range" in result.stderr


def stat(pid: int) -> list[str] | None:
    """A process's fields after its name in /proc/PID/stat (state, parent…); None once gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None


def children(pid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir()
            if p.name.isdigit() and (fields := stat(int(p.name))) and fields[1] == str(pid)]


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="finds the writer in /proc")
def test_a_killed_generator_leaves_no_writer_behind(tmp_path):
    # SIGKILL skips every exit handler: the forked writer must see the end of the pipe
    # (it had its own copy of the sending end, and waited for ever)
    main = subprocess.Popen([sys.executable, str(BENCH / "generate.py"), str(tmp_path / "k.db"),
                             "--projects", "20000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not (found := children(main.pid)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert found, "the writer was not forked"
    main.kill()
    main.wait()
    deadline = time.monotonic() + 20
    while any((stat(pid) or ["Z"])[0] != "Z" for pid in found) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all((stat(pid) or ["Z"])[0] == "Z" for pid in found)  # ended (maybe not reaped)

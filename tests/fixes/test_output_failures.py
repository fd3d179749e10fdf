"""Output that cannot be written: a full disk under stdout or under ``-o FILE`` is one line
on stderr and exit 3 (never a traceback, never exit 0 with the report lost), and ``-o``
into a named pipe or through a link writes into it instead of putting a plain file in its
place.

/dev/full answers every write with ENOSPC, as a full disk does; RLIMIT_FSIZE cuts a file
off as a disk that fills up does, without root and without /dev/full.  No test here gives
a device to ``-o``: run as root, a regression would replace the machine's /dev/null.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.factories import BASE_ENV

ROOT = Path(__file__).parents[2]
FULL = Path("/dev/full")

needs_dev_full = pytest.mark.skipif(
    not (FULL.exists() and stat.S_ISCHR(FULL.stat().st_mode)), reason="no /dev/full here")


def environment(db: Path) -> dict:
    env = {**os.environ, **BASE_ENV, "MINSHENG_DB": str(db)}
    return {k: v for k, v in env.items() if v is not None}


def run(db: Path, *args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "minsheng_cli", *args], stdout=stdout,
                          stderr=subprocess.PIPE, env=environment(db), cwd=ROOT, text=True,
                          timeout=120)


def audit_head(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]


@needs_dev_full
@pytest.mark.parametrize("args", [
    ["deviation", "-f", "tsv"],  # streamed, 64 lines a write
    ["deviation", "-f", "json"],
    ["overdue"],  # small: fails only at the last flush
    ["projects"],
    ["log"],
    ["summary", "-f", "json"],
])
def test_a_full_disk_under_stdout_is_one_line_and_exit_3(sample, args):
    with FULL.open("w") as full:
        done = run(sample.db, *args, stdout=full)
    assert done.returncode == 3, done.stderr
    assert "minsheng: output: cannot write to stdout (No space left on device)" in done.stderr
    for noise in ("Traceback", "Exception ignored", "OSError"):
        assert noise not in done.stderr


@needs_dev_full
def test_a_write_whose_answer_cannot_be_printed_says_it_was_recorded(tmp_path, sample):
    db = tmp_path / "copy.db"
    db.write_bytes(sample.db.read_bytes())
    before = audit_head(db)
    with FULL.open("w") as full:
        done = run(db, "add-visit", "MS2021-01", "--group", "东城区人大监督小组",
                   "--date", "2021-06-12", "--pct", "31", stdout=full)
    assert done.returncode == 3, done.stderr
    assert "what the command recorded is kept" in done.stderr
    assert audit_head(db) > before  # the visit stands: typing it again would double it


@needs_dev_full
@pytest.mark.parametrize("args", [["overdue", "--exit-code"], ["projects"], ["log"]])
def test_stdout_and_stderr_on_a_full_disk_is_exit_3_not_1(sample, args):
    # `cmd >> log 2>&1` on a full disk: 1 would read as "found something late"
    with FULL.open("w") as full:
        done = subprocess.run([sys.executable, "-m", "minsheng_cli", *args], stdout=full,
                              stderr=full, env=environment(sample.db), cwd=ROOT, timeout=120)
    assert done.returncode == 3


@needs_dev_full
def test_a_failing_stderr_does_not_cost_the_data_on_stdout(tmp_path, sample):
    out = tmp_path / "deviation.tsv"
    with out.open("w") as stream, FULL.open("w") as full:
        done = subprocess.run([sys.executable, "-m", "minsheng_cli", "deviation", "-f", "tsv"],
                              stdout=stream, stderr=full, env=environment(sample.db), cwd=ROOT,
                              timeout=120)
    assert done.returncode == 0
    expected = run(sample.db, "deviation", "-f", "tsv").stdout
    assert out.read_text() == expected and expected.count("\n") > 20


@needs_dev_full
def test_a_write_whose_messages_cannot_be_shown_still_prints_its_id(tmp_path, sample):
    db = tmp_path / "copy.db"
    db.write_bytes(sample.db.read_bytes())
    with FULL.open("w") as full:
        done = subprocess.run([sys.executable, "-m", "minsheng_cli", "add-visit", "MS2021-01",
                               "--group", "东城区人大监督小组", "--date", "2021-06-12",
                               "--pct", "31"], stdout=subprocess.PIPE, stderr=full,
                              env=environment(db), cwd=ROOT, text=True, timeout=120)
    assert done.returncode == 0
    assert done.stdout.strip().isdigit()  # the new visit's id: a script will not add it again


@needs_dev_full
def test_version_on_a_full_disk_is_exit_3(sample):
    with FULL.open("w") as full:
        done = run(sample.db, "--version", stdout=full)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr


def test_output_into_a_named_pipe_reaches_its_reader(tmp_path, sample):
    fifo = tmp_path / "report.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    # a daemon: should the program replace the pipe (the bug), the reader, blocked on
    # the old one, must not hold the test run open
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        done = run(sample.db, "deviation", "-f", "csv", "-o", str(fifo))
    finally:
        reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and got[0].decode("utf-8-sig").startswith("code,name,item,")
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]  # no temporary left


def test_a_regular_file_is_still_replaced_whole(tmp_path, sample):
    out = tmp_path / "deviation.csv"
    out.write_text("old\n")
    done = run(sample.db, "deviation", "-f", "csv", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("code,name,item,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deviation.csv"]


def test_output_through_a_link_replaces_the_file_it_names_and_keeps_the_link(tmp_path, sample):
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text("old\n")
    link.symlink_to("real.csv")
    done = run(sample.db, "deviation", "-f", "csv", "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8-sig").startswith("code,name,item,")


def test_output_through_a_link_into_proc_writes_into_this_process_stream(tmp_path, sample):
    # /dev/stdout is such a link (→ /proc/self/fd/1); replacing it broke the machine
    stream = tmp_path / "so"
    stream.symlink_to("/proc/self/fd/1")
    captured = tmp_path / "captured.tsv"
    with captured.open("w") as out:
        done = run(sample.db, "deviation", "-f", "tsv", "-o", str(stream), stdout=out)
    assert done.returncode == 0, done.stderr
    assert stream.is_symlink()
    assert captured.read_text().startswith("code\tname\titem\t")


def limited_file_size(limit: int):
    """For the child: files may grow to ``limit`` bytes, as on a disk that fills up — a
    write across it is cut short, the next fails (EFBIG; Python ignores SIGXFSZ)."""
    import resource

    def limit_it() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_it


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE behaviour is Linux's")
@pytest.mark.parametrize("args", [["log"], ["log", "-f", "table"], ["log", "-f", "markdown"],
                                  ["log", "-f", "json"]])
def test_a_disk_filling_up_mid_report_is_exit_3_not_a_cut_report(tmp_path, sample, args):
    # above SQLite's 32 KB shared-memory file, which a read makes; the sample's log is
    # 176 KB and more
    limit = 40_000
    out = tmp_path / "report.txt"
    with out.open("w") as stream:
        done = subprocess.run([sys.executable, "-m", "minsheng_cli", *args], stdout=stream,
                              stderr=subprocess.PIPE, env=environment(sample.db), cwd=ROOT,
                              text=True, timeout=120, preexec_fn=limited_file_size(limit))
    assert out.stat().st_size == limit  # the report is longer: it was cut
    assert done.returncode == 3, done.stderr
    assert "minsheng: output: cannot write to stdout (File too large)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE behaviour is Linux's")
@pytest.mark.parametrize(("args", "name"), [(["log"], "log.xlsx"), (["report"], "报告.docx")])
def test_a_zipped_file_on_a_filling_disk_is_one_line_and_nothing_left(tmp_path, sample,
                                                                       args, name):
    out = tmp_path / name  # 49 KB and more: over the limit
    done = subprocess.run([sys.executable, "-m", "minsheng_cli", *args, "-o", str(out)],
                          capture_output=True, env=environment(sample.db), cwd=ROOT,
                          text=True, timeout=120, preexec_fn=limited_file_size(40_000))
    assert done.returncode == 3, done.stderr
    # the limit also stops openpyxl's temporary sheet files: either is named
    [line] = [x for x in done.stderr.splitlines() if x.startswith("minsheng: output:")]
    assert line.startswith(f"minsheng: output: cannot write '{out}' (")
    assert "File too large" in line or "IO_EFBIG" in line
    for noise in ("Traceback", "Exception ignored"):
        assert noise not in done.stderr
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temporary


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE behaviour is Linux's")
def test_an_export_on_a_filling_disk_leaves_no_tables_and_names_the_file(tmp_path, sample):
    folder = tmp_path / "export"
    done = subprocess.run([sys.executable, "-m", "minsheng_cli", "export", "-o", str(folder)],
                          capture_output=True, env=environment(sample.db), cwd=ROOT,
                          text=True, timeout=120, preexec_fn=limited_file_size(40_000))
    assert done.returncode == 3, done.stderr
    # the audit log's file is the one over the limit; not "stdout"
    assert f"minsheng: output: cannot write '{folder / 'audit_log.json'}'" in done.stderr
    assert list(folder.iterdir()) == []  # no half export, no staging folder


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE behaviour is Linux's")
def test_a_backup_on_a_filling_disk_names_the_copy_not_the_register(tmp_path, sample):
    target = tmp_path / "copy.db"  # the sample is 450 KB and more
    done = subprocess.run([sys.executable, "-m", "minsheng_cli", "backup", str(target)],
                          capture_output=True, env=environment(sample.db), cwd=ROOT,
                          text=True, timeout=120, preexec_fn=limited_file_size(40_000))
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(f"minsheng: backup: cannot write '{target}' ("), done.stderr
    assert "register" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # no half copy


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE behaviour is Linux's")
@pytest.mark.parametrize("name", ["log.csv", "log.json", "log.md"])
def test_an_output_file_on_a_filling_disk_is_one_line_and_nothing_left(tmp_path, sample, name):
    out = tmp_path / name
    done = subprocess.run([sys.executable, "-m", "minsheng_cli", "log", "-o", str(out)],
                          capture_output=True, env=environment(sample.db), cwd=ROOT,
                          text=True, timeout=120, preexec_fn=limited_file_size(40_000))
    assert done.returncode == 3, done.stderr
    assert done.stderr == f"minsheng: output: cannot write '{out}' (File too large)\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc here")
@pytest.mark.parametrize("stream", ["/proc/self/fd/1", "/dev/fd/1"])
def test_every_spelling_of_stdout_is_written_into_and_appended_to(tmp_path, sample, stream):
    # (not /dev/stdout itself: a regression would replace the machine's, run as root;
    # these two cannot be replaced, a regression fails)
    log = tmp_path / "log.csv"
    log.write_text("earlier line\n")
    with log.open("a") as out:  # `>> log.csv`
        done = run(sample.db, "deviation", "-f", "csv", "-o", stream, stdout=out)
    assert done.returncode == 0, done.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier line\n") and "code,name,item," in text


def closed_stdout() -> None:  # `minsheng … >&-`
    os.close(1)


@pytest.mark.parametrize("args", [["projects"], ["--version"]])
def test_a_closed_stdout_is_one_line_and_exit_3(sample, args):
    done = subprocess.run([sys.executable, "-m", "minsheng_cli", *args], stdout=None,
                          stderr=subprocess.PIPE, env=environment(sample.db), cwd=ROOT,
                          text=True, timeout=120, preexec_fn=closed_stdout)
    assert done.returncode == 3, done.stderr
    assert done.stderr.endswith("minsheng: output: cannot write to stdout (stdout is closed)\n")
    assert "Traceback" not in done.stderr


def test_a_closed_stdout_does_not_stop_output_to_a_file(tmp_path, sample):
    out = tmp_path / "projects.csv"
    done = subprocess.run([sys.executable, "-m", "minsheng_cli", "projects", "-o", str(out)],
                          stderr=subprocess.PIPE, env=environment(sample.db), cwd=ROOT,
                          text=True, timeout=120, preexec_fn=closed_stdout)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("code,")


def test_an_encoding_that_cannot_write_chinese_is_one_line_and_exit_3(sample):
    env = {**environment(sample.db), "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "minsheng_cli", "projects"],
                          capture_output=True, env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 3
    said = done.stderr.decode("ascii", "backslashreplace")
    assert "minsheng: output: stdout's encoding ascii cannot write" in said
    assert "Traceback" not in said

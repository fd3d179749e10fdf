"""``minsheng browse``: Datasette on the register, over HTTP on localhost, read-only."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from minsheng_cli.cli import web
from tests.factories import BASE_ENV, Cli
from tests.web.test_metadata import PARAMS, run_query


def test_without_datasette_it_says_what_to_install(cli, monkeypatch):
    monkeypatch.setattr(web, "datasette_program", lambda: None)
    result = cli("browse", code=2)
    assert result.stderr == "minsheng: Datasette is not installed: pip install 'minsheng[web]'\n"


def test_a_missing_register_is_a_register_failure(blank):
    result = blank("browse", code=3)
    assert "no register at" in result.stderr and not blank.db.exists()


def test_the_metadata_is_keyed_by_the_register_file_name(sample, tmp_path):
    copy = Cli(shutil.copy(sample.db, tmp_path / "2021台账.db"))
    metadata = json.loads(copy("browse", "--print-metadata",
                               env={"MINSHENG_TODAY": None}).stdout)
    assert list(metadata["databases"]) == ["2021台账"]
    shipped = json.loads(web.metadata_file().read_text(encoding="utf-8"))
    assert metadata["databases"]["2021台账"] == shipped["databases"]["register"]


@pytest.mark.parametrize("args, env", [(("--as-of", "2021-05-31"), {}),
                                       ((), {"MINSHENG_TODAY": "2021-05-31"})])
def test_a_fixed_day_is_the_canned_queries_today(sample, args, env):
    """Like every report, browse takes "today" from --as-of or MINSHENG_TODAY when set: an
    empty as_of then gives the rows of that day, not of the clock's."""
    metadata = json.loads(sample("browse", "--print-metadata", *args, env=env).stdout)
    queries = metadata["databases"][sample.db.stem]["queries"]
    for query in queries.values():
        assert web.CLOCK_TODAY not in query["sql"] and "今天" not in query["description"]
        params = {name: PARAMS[name] for name in query.get("params", [])}
        if "as_of" in params:
            empty = run_query(sample.db, query["sql"], {**params, "as_of": ""})
            assert empty == run_query(sample.db, query["sql"], {**params,
                                                                "as_of": "2021-05-31"})
    behind = queries["behind_schedule"]
    assert run_query(sample.db, behind["sql"], {"as_of": ""})  # the sample lags in May


def test_the_datasette_command_binds_localhost_and_passes_options_after_the_dashes():
    command = web.datasette_command(["datasette"], Path("/r/x.db"), Path("/t/m.json"), 9000,
                                    immutable=False, open_browser=True, extra=["--cors"])
    assert command == ["datasette", "serve", "/r/x.db", "--metadata", "/t/m.json",
                       "--host", "127.0.0.1", "--port", "9000",
                       "--setting", "sql_time_limit_ms", "20000", "--open", "--cors"]
    command = web.datasette_command(["datasette"], Path("/r/x.db"), Path("/t/m.json"), 9000,
                                    immutable=True, open_browser=False, extra=[])
    assert command[:3] == ["datasette", "serve", "--immutable"]


FAKE = """import json, sys
args = sys.argv[1:]
metadata = json.load(open(args[args.index('--metadata') + 1], encoding='utf-8'))
json.dump({'args': args, 'databases': list(metadata['databases'])}, open(sys.argv[0], 'w'))
sys.exit(int(__import__('os').environ.get('FAKE_EXIT', '0')))"""


def fake_datasette(monkeypatch, tmp_path) -> Path:
    """A stand-in that records how it was called (argv[0] of `python -c` is '-c' …)."""
    out = tmp_path / "called.json"
    script = FAKE.replace("sys.argv[0]", repr(str(out)))
    monkeypatch.setattr(web, "datasette_program", lambda: [sys.executable, "-c", script])
    return out


def test_browse_runs_datasette_on_the_register_with_its_metadata(projects2, monkeypatch,
                                                                 tmp_path):
    out = fake_datasette(monkeypatch, tmp_path)
    result = projects2("browse", "--port", "9001", "--", "--cors")
    called = json.loads(out.read_text())
    assert called["databases"] == ["register"]
    args = called["args"]
    assert args[:2] == ["serve", str(projects2.db.resolve())]
    assert args[args.index("--port") + 1] == "9001" and args[-1] == "--cors"
    assert "http://127.0.0.1:9001/" in result.stderr


def test_a_datasette_that_fails_is_exit_2_not_1(projects2, monkeypatch, tmp_path):
    fake_datasette(monkeypatch, tmp_path)
    result = projects2("browse", code=2, env={"FAKE_EXIT": "1"})
    assert result.stderr.endswith("datasette stopped with exit code 1 (its message is above)\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"browse exited {process.returncode}: "
                                 f"{process.stderr.read().decode()}")
        try:
            fetch(f"{base}/-/versions.json")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("Datasette did not answer in time")


def same_rows(a: list[dict], b: list[dict]) -> bool:
    """The same rows in any order (the metadata sorts some views newest first)."""
    def key(row):
        return json.dumps(row, ensure_ascii=False, sort_keys=True)

    return sorted(a, key=key) == sorted(b, key=key)


SLEEPER = """import os, sys, time
open(sys.argv[1], 'w').write(str(os.getpid()))
time.sleep(60)"""


def test_a_terminated_browse_stops_its_server(projects2, tmp_path):
    """kill (SIGTERM) on `minsheng browse` alone must not leave the server running."""
    pid_file = tmp_path / "server.pid"
    program = [sys.executable, "-c", SLEEPER, str(pid_file)]
    run = ("import sys; from minsheng_cli.cli import web, main; "
           f"web.datasette_program = lambda: {program!r}; "
           "sys.argv = ['minsheng', 'browse']; main()")
    env = {**os.environ, **{k: v for k, v in projects2.env.items() if v is not None}}
    process = subprocess.Popen([sys.executable, "-c", run], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    server = int(pid_file.read_text())
    process.terminate()
    assert process.wait(timeout=20) == 0
    process.stderr.close()
    with pytest.raises(ProcessLookupError):  # gone (reaped by browse), not left running
        for _ in range(100):
            os.kill(server, 0)
            time.sleep(0.05)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_browse_serves_the_views_and_canned_queries_read_only(sample, tmp_path):
    pytest.importorskip("datasette")
    db = Path(shutil.copy(sample.db, tmp_path / "sample.db"))
    before = digest(db)
    port = free_port()
    env = {**os.environ, **{k: v for k, v in BASE_ENV.items() if v is not None}}
    process = subprocess.Popen(
        [sys.executable, "-m", "minsheng_cli", "--db", str(db), "browse", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        database = fetch(f"{base}/sample.json")
        assert {"latest_progress", "open_issues", "visits_named"} <= {
            v["name"] for v in database["views"]}
        for view in ("latest_progress", "open_issues", "visits_named"):
            served = fetch(f"{base}/sample/{view}.json?_shape=array&_size=max")
            assert same_rows(served, run_query(db, f"SELECT * FROM {view}", {})), view
        queries = web.metadata_for(db)["databases"]["sample"]["queries"]
        for name, query in queries.items():
            params = {p: PARAMS[p] for p in query.get("params", [])}
            url = f"{base}/sample/{name}.json?_shape=array&" + urllib.parse.urlencode(params)
            served = fetch(url)
            assert served and served == run_query(db, query["sql"], params), name
        page = urllib.request.urlopen(f"{base}/sample/behind_schedule", timeout=10).read()
        assert "滞后项目".encode() in page
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as a person stops it
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
        process.stdout.close()
        process.stderr.close()
    assert code == 0
    assert digest(db) == before

"""Benchmark minsheng as whole processes, against baselines measured in the same run.

    python bench/run.py [--projects 1000 10000 100000] [--repeat 3] [--timeout 60]

For each size, a register built by bench/generate.py (cached in ``$TMPDIR/minsheng-bench``
by year, size, seed and a fingerprint of the generator and the schema) is timed with:

- reports ``deviation``, ``overdue``, ``checklist``, ``summary`` (as of ``--as-of``, also
  set as MINSHENG_TODAY; TSV — summary has only text/markdown/json, so text — to
  /dev/null) against a full read by the ``sqlite3`` CLI of the largest table the reports
  read (``progress`` in a generated register): the verdict; and, as issue #5 words its
  baseline, of the file's largest table (``audit_log`` there, which no report reads),
  shown beside it;
- ``add-visit`` (one visit into a copy of the register) against a bare Python insert of
  one row in one transaction, and against bare Python start-up (``python -c pass``);

and once per run: ``--help`` and ``--version`` against Python start-up, and ``import
projects`` of a 10,000-row CSV into a fresh empty register against a bare Python
csv + executemany of the same rows.  The reports and their scans run in rounds (each
once a round), so that the machine's slow and fast phases fall on both.  Each figure is
the median of up to ``--repeat`` runs
(one run only when it takes longer than ``--slow``; killed after ``--timeout``); memory is
each process's own peak RSS.  Targets (issue #5 item 3, stated for 100,000 projects and
marked at every size): reports within 1.5x the full scan and under 300 MB; add-visit
within 250 ms of Python start-up; --help/--version within 150 ms of it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from measure import Result, measure

HERE = Path(__file__).resolve().parent
PY = sys.executable
REPORTS = ("deviation", "overdue", "checklist", "summary")
TABLES = ("projects", "plan_points", "supervision_groups", "assignments", "progress", "visits",
          "visit_photos", "issues", "issue_events")  # the audit log is read by no report
ALL_TABLES = (*TABLES, "audit_log")
REPORT_RATIO, REPORT_MB, VISIT_DELTA, HELP_DELTA = 1.5, 300.0, 0.250, 0.150

BARE_INSERT = """import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO visits (project_code, group_id, date, method, created_at, created_by)"
           " VALUES (?, (SELECT id FROM supervision_groups WHERE name = ?), ?, 'site',"
           " '2021-06-16T10:00:00+08:00', 'bench')", sys.argv[2:5])
db.execute("COMMIT")
"""
BARE_IMPORT = """import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
with open(sys.argv[2], encoding="utf-8", newline="") as f:
    rows = [tuple(v or None for v in r) for r in list(csv.reader(f))[1:]]
db.execute("BEGIN IMMEDIATE")
db.executemany("INSERT INTO projects (code, item, name, content, department, partners,"
               " district, leader, target, unit, budget, start, due, year, created_at,"
               " created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'now', 'bench')",
               rows)
db.execute("COMMIT")
"""
SCAN_PY = """import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(f"SELECT * FROM {sys.argv[2]}"):
    pass
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (median)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a run "
                        "is killed (reported as > timeout)")
    parser.add_argument("--slow", type=float, default=15.0, help="a run longer than this "
                        "is not repeated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--as-of", default=None, help="default: YEAR-06-16")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--cache", type=Path,
                        default=Path(tempfile.gettempdir()) / "minsheng-bench")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--live", action="store_true",
                        help="time the working tree as it changes (default: a snapshot of "
                        "minsheng_cli taken at the start)")
    parser.add_argument("--prune", action="store_true",
                        help="delete cached registers of older generator/schema versions")
    return parser.parse_args(argv)


# -- the machine and the registers ----------------------------------------------------------


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    cli = shutil.which("sqlite3")
    cli_version = subprocess.run([cli, "--version"], capture_output=True,
                                 text=True).stdout.split()[0] if cli else None
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpus": len(os.sched_getaffinity(0)), "cpu_model": model,
        "memory_gib": round(int(meminfo[1]) / 2**20, 1),
        "python": platform.python_version(), "sqlite_module": sqlite3.sqlite_version,
        "sqlite3_cli": cli_version, "platform": platform.platform(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }


def source_fingerprint(package: Path) -> str:
    """Which code was measured: a hash of the program's sources."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def fingerprint() -> str:
    """Generator sources and schema: a cached register is reused only when both match."""
    names = subprocess.run(
        [PY, "-c", "from minsheng_cli.store import migrations; print('|'.join(migrations.NAMES))"],
        capture_output=True, text=True, check=True).stdout.strip()  # the snapshot's
    digest = hashlib.sha256(names.encode())
    for name in ("generate.py", "loader.py", "vocab.py", "writer.py"):
        digest.update((HERE / name).read_bytes())
    return digest.hexdigest()[:10]


def take_snapshot(work: Path) -> Path:
    """Copy the program's sources and put the copy first on PYTHONPATH for every child.

    Others edit minsheng_cli/ while a run takes minutes; a snapshot makes every figure of
    one run come from one version of the code (named by ``minsheng_sources``).
    """
    import minsheng_cli

    source = Path(minsheng_cli.__file__).parent
    target = work / "snapshot"
    shutil.copytree(source, target / "minsheng_cli",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(target), os.environ.get("PYTHONPATH", "")) if p)
    return target / "minsheng_cli"


def cached_register(n: int, args: argparse.Namespace) -> Path:
    args.cache.mkdir(parents=True, exist_ok=True)
    stem = f"register-y{args.year}-n{n}-s{args.seed}"
    path = args.cache / f"{stem}-{fingerprint()}.db"
    if path.exists():
        return path
    stale = [p for p in args.cache.glob(f"{stem}-*.db*") if not p.name.startswith(path.name)]
    if stale and args.prune:  # not by default: someone may be timing an older register
        for old in stale:
            old.unlink()
    elif stale:
        print(f"  (older registers for this size are kept in {args.cache}; --prune deletes)")
    partial = path.with_name(f"{path.name}.partial")
    started = time.perf_counter()
    subprocess.run([PY, str(HERE / "generate.py"), str(partial), "--projects", str(n),
                    "--year", str(args.year), "--seed", str(args.seed), "--force"],
                   check=True, stdout=subprocess.DEVNULL)
    os.replace(partial, path)
    print(f"  generated {path.name}: {time.perf_counter() - started:.1f} s, "
          f"{path.stat().st_size / 2**20:,.0f} MiB", flush=True)
    return path


def warm(path: Path) -> None:
    """Read the file once so that every command and baseline finds it in the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def largest_table(path: Path, tables: tuple[str, ...] = TABLES) -> tuple[str, int]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    db.close()
    table = max(counts, key=counts.get)
    return table, counts[table]


# -- what is timed ---------------------------------------------------------------------------


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINSHENG_")}
    env.update(MINSHENG_TODAY=args.as_of, MINSHENG_USER="bench", MINSHENG_LANG="en",
               COLUMNS="120", NO_COLOR="1")
    return env


def minsheng() -> list[str]:
    found = shutil.which("minsheng")
    return [found] if found else [PY, "-m", "minsheng_cli"]


def report_commands(db: Path, as_of: date) -> dict[str, list[str]]:
    base = [*minsheng(), "--db", str(db)]
    week = as_of.isocalendar()
    return {
        "deviation": [*base, "deviation", "--as-of", as_of.isoformat(), "-f", "tsv"],
        "overdue": [*base, "overdue", "--as-of", as_of.isoformat(), "-f", "tsv"],
        "checklist": [*base, "checklist", "--period", as_of.strftime("%Y-%m"), "-f", "tsv"],
        "summary": [*base, "summary", "--period", f"{week.year}-W{week.week:02d}"],
    }


def scan_command(db: Path, table: str) -> list[str]:
    cli = shutil.which("sqlite3")
    if cli:
        return [cli, str(db), f"SELECT * FROM {table}"]
    return [PY, "-c", SCAN_PY, str(db), table]


def visit_target(n: int) -> tuple[str, str]:
    """A project in the middle of the register and the group it is assigned to."""
    k = n // 2 + 1
    return f"P{k:06d}", f"G{(k - 1) // 50 + 1:04d}"


def write_import_csv(path: Path, rows: int, year: int) -> None:
    import csv

    import vocab

    header = ["项目编号", "所属事项", "项目名称", "建设内容", "牵头单位", "配合单位", "区县",
              "分管领导", "目标数量", "单位", "计划投资(万元)", "开始日期", "完成时限", "年度"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        for i in range(rows):
            item, department, templates = vocab.ITEMS[i % len(vocab.ITEMS)]
            name, unit, (low, high), _ = templates[i % len(templates)]
            district = vocab.DISTRICTS[i % len(vocab.DISTRICTS)]
            target = str(int(low + (high - low) * ((i * 37) % 100) / 100)) if unit else ""
            out.writerow([f"I{i + 1:06d}", item, district + name, f"{district}{name}",
                          department, vocab.PARTNERS[i % len(vocab.PARTNERS)], district,
                          vocab.LEADERS[i % len(vocab.LEADERS)], target,
                          unit if unit else "", str(100 * (i % 900 + 1)) if i % 5 else "",
                          f"{year}-01-01", f"{year}-12-31", str(year)])


# -- one size, and the once-per-run commands ---------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.rows: list[dict] = []
        self.work = Path(tempfile.mkdtemp(prefix="minsheng-bench-"))

    @property
    def env(self) -> dict[str, str]:
        return environment(self.args)  # after the snapshot has set PYTHONPATH

    def time(self, argv: list[str], *, setup=None, repeat: int | None = None) -> Result:
        a = self.args
        return measure(argv, self.env, repeat=repeat or a.repeat, timeout=a.timeout,
                       slow=a.slow, setup=setup)

    def record(self, n: int | None, name: str, result: Result, **judged) -> dict:
        row = {"projects": n, "command": name, "runs": result.runs, "status": result.status,
               "wall_s": result.wall, "cpu_s": result.cpu, "peak_mb": result.rss_mb,
               **judged}
        if not result.ok and result.samples[-1].stderr_tail:
            row["error"] = result.samples[-1].stderr_tail
        self.rows.append(row)
        return row

    def startup(self, n: int | None) -> Result:
        result = self.time([PY, "-c", "pass"], repeat=max(5, self.args.repeat))
        self.record(n, "baseline: python -c pass", result)
        return result

    def size(self, n: int) -> None:
        print(f"\n{n:,} projects", flush=True)
        db = cached_register(n, self.args)
        warm(db)
        table, count = largest_table(db)
        whole_table, whole_count = largest_table(db, ALL_TABLES)
        startup = self.startup(n)
        commands = {"scan": scan_command(db, table), "whole": scan_command(db, whole_table),
                    **report_commands(db, date.fromisoformat(self.args.as_of))}
        if whole_table == table:
            del commands["whole"]
        print("  " + ", ".join(REPORTS) + ", with the scans, in rounds", flush=True)
        found = self.rounds(commands)
        scan = found["scan"]
        whole = found.get("whole", scan)
        self.record(n, f"baseline: sqlite3 SELECT * FROM {table} ({count:,} rows)", scan)
        if whole_table != table:
            self.record(n, f"baseline: sqlite3 SELECT * FROM {whole_table} ({whole_count:,} "
                        "rows, the file's largest)", whole)
        for name in REPORTS:
            result = found[name]
            self.record(n, name, result, baseline="scan", baseline_s=scan.wall,
                        ratio=result.wall / scan.wall, **judge_report(result, scan),
                        largest_table=whole_table, largest_s=whole.wall,
                        largest_ratio=result.wall / whole.wall,
                        largest_verdict=judge_report(result, whole)["verdict"])
        self.visit(n, db, startup)

    def rounds(self, commands: dict[str, list[str]]) -> dict[str, Result]:
        """Each command once a round, ``--repeat`` rounds: the baselines and the reports
        alternate, so that a slow or a fast phase of the machine falls on both (a scan
        timed five times before the reports once took 1.46 s where it takes 1.0 s)."""
        a = self.args
        results = {name: Result() for name in commands}
        for _ in range(a.repeat):
            for name, argv in commands.items():
                result = results[name]
                if result.samples and (not result.ok or result.samples[-1].wall > a.slow):
                    continue  # failed, killed or slow: that run is its figure
                result.samples += measure(argv, self.env, repeat=1, timeout=a.timeout,
                                          slow=a.slow).samples
        return results

    def visit(self, n: int, db: Path, startup: Result) -> None:
        copy = self.work / f"visit-{n}.db"
        shutil.copyfile(db, copy)
        code, group = visit_target(n)
        bare = self.time([PY, "-c", BARE_INSERT, str(copy), code, group, "2021-06-15"])
        self.record(n, "baseline: bare python insert", bare)
        argv = [*minsheng(), "--db", str(copy), "add-visit", code, "--group", group,
                "--date", self.args.as_of[:8] + "15", "--pct", "42", "--method", "site",
                "--visitors", "张某、李某", "--finding", "现场进度与部门报送情况基本一致"]
        result = self.time(argv)
        delta = result.wall - startup.wall
        self.record(n, "add-visit", result, baseline="bare insert", baseline_s=bare.wall,
                    ratio=result.wall / bare.wall, startup_s=startup.wall, delta_s=delta,
                    target=f"≤ {VISIT_DELTA * 1000:.0f} ms over start-up",
                    verdict=verdict(result.ok and delta <= VISIT_DELTA, result))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)

    def once(self) -> None:
        print("\nonce per run: --help, --version, import projects", flush=True)
        startup = self.startup(None)
        for flag in ("--help", "--version"):
            result = self.time([*minsheng(), flag])
            delta = result.wall - startup.wall
            self.record(None, f"minsheng {flag}", result, baseline="start-up",
                        baseline_s=startup.wall, ratio=result.wall / startup.wall,
                        delta_s=delta, target=f"≤ {HELP_DELTA * 1000:.0f} ms over start-up",
                        verdict=verdict(result.ok and delta <= HELP_DELTA, result))
        self.imports()

    def imports(self) -> None:
        rows = self.args.import_rows
        sheet, fresh = self.work / "projects.csv", self.work / "fresh.db"
        write_import_csv(sheet, rows, self.args.year)

        def empty_register() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{fresh}{suffix}").unlink(missing_ok=True)
            subprocess.run([*minsheng(), "--db", str(fresh), "init"], env=self.env,
                           check=True, capture_output=True)

        bare = self.time([PY, "-c", BARE_IMPORT, str(fresh), str(sheet)], setup=empty_register)
        self.record(None, f"baseline: bare python csv + executemany ({rows:,} rows)", bare)
        result = self.time([*minsheng(), "--db", str(fresh), "import", "projects", str(sheet)],
                           setup=empty_register)
        self.record(None, f"import projects ({rows:,} rows)", result, baseline="bare import",
                    baseline_s=bare.wall, ratio=result.wall / bare.wall,
                    target="(none in issue #5)", verdict="—" if result.ok else result.status)


def judge_report(result: Result, scan: Result) -> dict:
    ratio = result.wall / scan.wall
    met = result.ok and ratio <= REPORT_RATIO and result.rss_mb < REPORT_MB
    return {"target": f"≤ {REPORT_RATIO}× scan, < {REPORT_MB:.0f} MB",
            "verdict": verdict(met, result)}


def verdict(met: bool, result: Result) -> str:
    if not result.ok:
        return f"missed ({result.status})"
    return "met" if met else "missed"


# -- output ------------------------------------------------------------------------------------


def seconds(row: dict, timeout: float) -> str:
    if row["status"] == "timeout":
        return f"> {timeout:.0f}"
    return f"{row['wall_s']:.3f}"


def print_table(rows: list[dict], timeout: float) -> None:
    print("\n| projects | command | runs | median s | CPU s | peak MB | baseline s | ratio "
          "| Δ start-up ms | target | verdict |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for r in rows:
        n = f"{r['projects']:,}" if r["projects"] else "—"
        killed = r["status"] == "timeout"
        cpu, peak = ("—", "—") if killed else (f"{r['cpu_s']:.2f}", f"{r['peak_mb']:.0f}")
        base = f"{r['baseline_s']:.3f}" if "baseline_s" in r else ""
        ratio = ""
        if "ratio" in r:
            ratio = f"> {r['ratio']:.0f}" if killed else f"{r['ratio']:.2f}"
        delta = f"{r['delta_s'] * 1000:.0f}" if "delta_s" in r else ""
        print(f"| {n} | {r['command']} | {r['runs']} | {seconds(r, timeout)} | {cpu} | {peak} "
              f"| {base} | {ratio} | {delta} | {r.get('target', '')} | {r.get('verdict', '')} |")
    for r in rows:
        if "error" in r:
            print(f"\n{r['command']} at {r['projects']}: {r['error']}")


def print_largest(rows: list[dict], timeout: float) -> None:
    """The reports against both scans: the largest table they read (the verdict above) and
    the file's largest table, as issue #5 words the baseline."""
    reports = [r for r in rows if "largest_ratio" in r]
    if not reports:
        return
    print("\n| projects | report | median s | ratio to the reports' largest table | verdict "
          "| ratio to the file's largest table | verdict |")
    print("|---:|---|---:|---:|---|---:|---|")
    for r in reports:
        killed = "> " if r["status"] == "timeout" else ""
        print(f"| {r['projects']:,} | {r['command']} | {seconds(r, timeout)} "
              f"| {killed}{r['ratio']:.2f} | {r['verdict']} | {killed}{r['largest_ratio']:.2f} "
              f"({r['largest_table']}, {r['largest_s']:.3f} s) | {r['largest_verdict']} |")


def growth(small: dict, large: dict, startup: float) -> str:
    """How much longer the larger register takes; net of Python start-up when that is
    not most of the smaller run (a 10x larger register should take about 10x)."""
    mark = "> " if large["status"] == "timeout" else ""
    text = f"{mark}×{large['wall_s'] / small['wall_s']:.1f}"
    net_small = small["wall_s"] - startup
    if net_small >= 0.05:
        text += f" (net {mark}×{(large['wall_s'] - startup) / net_small:.1f})"
    return text


def print_scaling(rows: list[dict], sizes: list[int], timeout: float) -> None:
    """Medians per size, and the growth from each size to the next."""
    startup = {r["projects"]: r["wall_s"] for r in rows
               if r["command"] == "baseline: python -c pass" and r["projects"]}
    names = [r["command"].split(" (")[0] for r in rows if r["projects"] == sizes[0]]
    steps = [f"{a:,} → {b:,}" for a, b in zip(sizes, sizes[1:], strict=False)]
    print("\n| command | " + " | ".join(f"{n:,}" for n in sizes) + " | "
          + " | ".join(steps) + " |")
    print("|---|" + "---:|" * (len(sizes) + len(steps)))
    for name in names:
        if name == "baseline: python -c pass":
            continue
        found = {r["projects"]: r for r in rows
                 if r["command"].split(" (")[0] == name and r["projects"]}
        cells = [seconds(found[n], timeout) if n in found else "" for n in sizes]
        cells += [growth(found[a], found[b], startup.get(a, 0.0))
                  if a in found and b in found else ""
                  for a, b in zip(sizes, sizes[1:], strict=False)]
        print(f"| {name} | " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.as_of = args.as_of or f"{args.year}-06-16"
    started = time.perf_counter()
    args.cache = args.cache.resolve()
    args.json = args.json.resolve() if args.json else None
    bench = Bench(args)
    os.chdir(bench.work)  # no stray minsheng_cli/ in the current folder shadows the snapshot
    if args.live:
        import minsheng_cli

        package = Path(minsheng_cli.__file__).parent
    else:
        package = take_snapshot(bench.work)
    info = machine()
    info["minsheng_sources"] = source_fingerprint(package)
    info["snapshot"] = not args.live
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    try:
        for n in sorted(args.projects):
            bench.size(n)
        bench.once()
    finally:
        shutil.rmtree(bench.work, ignore_errors=True)
    info["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    info["bench_s"] = round(time.perf_counter() - started, 1)
    print_table(bench.rows, args.timeout)
    print_largest(bench.rows, args.timeout)
    print_scaling(bench.rows, sorted(args.projects), args.timeout)
    print(f"\nload average at start {info['loadavg_start']}, at end {info['loadavg_end']}; "
          f"bench took {info['bench_s']} s")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "args": vars(args) | {
            "cache": str(args.cache), "json": str(args.json)}, "rows": bench.rows},
            ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

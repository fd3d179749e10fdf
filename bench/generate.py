"""Build a realistic benchmark register: ``python bench/generate.py PATH [--projects N]``.

A year (default 2021) of a city's livelihood projects as the program would have recorded
them, for timing the reports at scale (bench/run.py):

- N projects (P000001…) over ten items (件), imported by item in early January; a third
  with a target quantity, about 60 % with a planned investment; most run the whole year,
  some start in spring or are due at mid-year or in the autumn;
- groups of 50 projects (G0001…), alternately grassroots (monthly, one district, its
  projects in that district) and municipal (quarterly), each assigned its 50;
- quarterly plan points (节点计划) on about a tenth of the projects;
- about 10 progress figures per project: month-end reports imported by the departments
  plus figures observed on visits — cumulative, percentages, or quantities done where the
  project has a target (pct = done * 100 / target, as the program stores it), money spent
  where it has a budget; the projects run ahead, on track, behind or far behind;
- 5 visits per project (a few by another group, some with photos) and 2 issues flagged on
  them, moved through transfer, response, close (some reopened, some withdrawn) with
  deadlines in Chinese working days, each move an ``issue_events`` row.

The schema is the program's own (``services.create_register``); bench/loader.py writes the
rows in time order with an audit event for each, so ``minsheng verify`` passes.  The same
seed gives the same register.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import sys
import time
from bisect import bisect
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import accumulate
from operator import attrgetter, itemgetter
from pathlib import Path

from minsheng_cli.domain.workdays import add_workdays
from minsheng_cli.services import create_register

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loader  # noqa: E402
import vocab  # noqa: E402
from loader import ISSUE_UPDATE, Timeline  # noqa: E402

GROUP_SIZE = 50
VISITS, ISSUES = 5, 2
OFFICE = "王某"  # the congress office's clerk: imports, assignments, issue moves
HOUR = 3600


@dataclass
class Group:
    seq: int
    name: str
    district: str | None
    members: list[str]


@dataclass
class Project:
    code: str
    item_no: int
    department: str
    target: float | None
    whole: bool
    budget: float | None
    start: int  # ordinal days
    due: int
    knots: list[tuple[int, float]]  # the expected-progress curve, (day, pct)
    pace: float  # actual / expected progress
    funds_pace: float


@dataclass
class Visit:
    seq: int
    day: int
    second: int
    group: Group
    actor: str


@cache
def iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


@cache
def deadline(day: int, workdays: int) -> str:
    return add_workdays(date.fromordinal(day), workdays)[0].isoformat()


class Weighted:
    """Choices with weights, drawn by bisecting the cumulative weights (``random.choices``
    without its per-call set-up)."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def month_end(year: int, month: int) -> int:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next.toordinal() - 1


def curve(knots: list[tuple[int, float]], day: int) -> float:
    """Piecewise-linear through the knots: 序时进度 as DESIGN.md §2 defines it."""
    if day <= knots[0][0]:
        return 0.0
    for (d0, p0), (d1, p1) in zip(knots, knots[1:], strict=False):
        if day <= d1:
            return p0 + (p1 - p0) * (day - d0) / (d1 - d0)
    return 100.0


BY_MOMENT, BY_DAY = attrgetter("day", "second"), itemgetter(0)  # sort keys, in C
METHODS = Weighted({"site": 60, "unannounced": 15, "briefing": 15, "forum": 10})
CATEGORIES = Weighted(vocab.CATEGORY_WEIGHTS)
VERDICTS = Weighted({"satisfied": 80, "basic": 15, "unsatisfied": 5})
# The moves an issue has had by the year's end, by how it ends.
PATHS = {
    "open": [],
    "transferred": ["transfer"],
    "responded": ["transfer", "respond"],
    "closed": ["transfer", "respond", "close"],
    "reopened": ["transfer", "respond", "reopen", "respond", "close"],
    "withdrawn": ["withdraw"],
    "withdrawn_later": ["transfer", "withdraw"],
}
ENDINGS = Weighted({"open": 15, "transferred": 25, "responded": 15, "closed": 34,
                    "reopened": 4, "withdrawn": 3, "withdrawn_later": 4})
GAPS = {"transfer": (0, 4), "respond": (2, 20), "close": (1, 10), "reopen": (1, 5),
        "withdraw": (1, 10)}
MOVED_TO = {"transfer": "transferred", "respond": "responded", "close": "closed",
            "reopen": "transferred", "withdraw": "withdrawn"}
FINDINGS, SUGGESTIONS, NOTES = vocab.FINDINGS, vocab.SUGGESTIONS, vocab.NOTES
MOVE_NOTES = {"respond": vocab.RESPONSES, "withdraw": vocab.WITHDRAW_REASONS}


class Generator:
    """One register's worth of writes, drawn from one ``random.Random(seed)``."""

    def __init__(self, projects: int, year: int, seed: int):
        self.rng = random.Random(seed)
        self.n, self.year = projects, year
        self.first = date(year, 1, 1).toordinal()
        self.last = date(year, 12, 31).toordinal()
        self.month_ends = [month_end(year, m) for m in range(1, 13)]
        self.timeline = Timeline(date(year - 1, 12, 1))
        self.add = self.timeline.add  # (day, second, kind, command, actor, values) → seq
        self.clerks = [f"{vocab.SURNAMES[(7 * k + 3) % len(vocab.SURNAMES)]}某"
                       for k in range(len(vocab.ITEMS))]
        y = year
        self.starts = Weighted({date(y, 1, 1).toordinal(): 85, date(y, 3, 1).toordinal(): 10,
                                date(y, 4, 1).toordinal(): 5})
        self.dues = Weighted({date(y, 12, 31).toordinal(): 75, date(y, 6, 30).toordinal(): 10,
                              date(y, 9, 30).toordinal(): 10, date(y, 11, 30).toordinal(): 5})

    def between(self, low: int, high: int) -> int:
        """A whole number from low to high inclusive (``randint`` at a fraction of the cost)."""
        return low + int(self.rng.random() * (high - low + 1))

    def sample(self, population: list, k: int) -> list:
        """``random.sample`` for the small lists here, the same draws and result: its
        branch for a population of at most 21 and k at most 5 (CPython 3.11), without its
        checks (700,000 calls at 100,000 projects)."""
        n = len(population)
        if n > 21 or not 0 <= k <= 5:
            return self.rng.sample(population, k)
        below, pool, result = self.rng._randbelow, list(population), []
        for i in range(k):
            j = below(n - i)
            result.append(pool[j])
            pool[j] = pool[n - i - 1]
        return result

    def build(self) -> Timeline:
        groups = [self.group(g) for g in range(math.ceil(self.n / GROUP_SIZE))]
        for i in range(self.n):
            group_no = i // GROUP_SIZE
            project = self.project(i, groups[group_no])
            self.add(self.first + 10, 9 * HOUR + 5 * group_no, "assignments", "assign", OFFICE,
                     (groups[group_no].seq, project.code))
            visits = [self.visit(project, groups[group_no], groups) for _ in range(VISITS)]
            visits.sort(key=BY_MOMENT)
            self.progress(project, visits)
            for visit in self.sample(visits, ISSUES):
                self.issue(project, visit)
        return self.timeline

    # -- the year's list ----------------------------------------------------------------------

    def group(self, g: int) -> Group:
        rng = self.rng
        grassroots = g % 2 == 0
        district = vocab.DISTRICTS[(g // 2) % len(vocab.DISTRICTS)] if grassroots else None
        members = [f"{s}某" for s in rng.sample(vocab.SURNAMES, self.between(3, 5))]
        name = f"G{g + 1:04d}"
        level, cadence = ("grassroots", "monthly") if grassroots else ("municipal", "quarterly")
        seq = self.add(self.first + 7, 10 * HOUR, "supervision_groups", "import groups", OFFICE,
                       (name, level, cadence, district, "、".join(members)))
        return Group(seq, name, district, members)

    def project(self, i: int, group: Group) -> Project:
        rng = self.rng
        item_no = self.between(0, len(vocab.ITEMS) - 1)
        item, department, templates = vocab.ITEMS[item_no]
        name, unit, (low, high), whole = rng.choice(templates)
        district = group.district or rng.choice([*vocab.DISTRICTS, *[vocab.CITYWIDE] * 4])
        place = "" if district == vocab.CITYWIDE else district
        target = None
        if unit is not None and rng.random() < 0.4:
            target = float(self.between(int(low), int(high)))
        budget = float(self.between(20, 9000) * 10) if rng.random() < 0.6 else None
        start = self.starts.draw(rng)
        due = max(self.dues.draw(rng), start)
        goal = f"，目标{target:g}{unit}" if target else "，年内完成"
        code = f"P{i + 1:06d}"
        self.add(self.first + 5, 9 * HOUR + 300 * item_no, "projects", "import projects",
                 OFFICE, (code, self.year, item, place + name, place + name + goal, department,
                          "、".join(self.sample(vocab.PARTNERS, self.between(1, 3))), district,
                          vocab.LEADERS[item_no % len(vocab.LEADERS)], target,
                          unit if target else None, budget, iso(start), iso(due)))
        knots = [(start - 1, 0.0), *self.plan(code, start, due), (due, 100.0)]
        return Project(code, item_no, department, target, whole, budget, start, due, knots,
                       self.pace(), rng.uniform(0.5, 1.1))

    def pace(self) -> float:
        """How the project runs against 序时进度: 0 for one that never reports."""
        r, uniform = self.rng.random(), self.rng.uniform
        if r < 0.02:
            return 0.0
        if r < 0.40:
            return uniform(1.05, 1.35)
        if r < 0.75:
            return uniform(0.93, 1.05)
        if r < 0.90:
            return uniform(0.6, 0.88)
        return uniform(0.15, 0.6)

    def plan(self, code: str, start: int, due: int) -> list[tuple[int, float]]:
        """Quarterly plan points (and 100 % on the due date) for about a tenth."""
        if self.rng.random() >= 0.1:
            return []
        shape = self.rng.choice([(20.0, 50.0, 80.0), (10.0, 30.0, 70.0), (25.0, 50.0, 75.0)])
        points = [(self.month_ends[3 * q + 2], pct) for q, pct in enumerate(shape)]
        points = [(d, pct) for d, pct in points if start <= d < due]
        for d, pct in [*points, (due, 100.0)]:
            self.add(self.first + 14, 10 * HOUR, "plan_points", "import plans", OFFICE,
                     (code, iso(d), pct))
        return points

    # -- visits and figures ---------------------------------------------------------------------

    def visit(self, project: Project, own: Group, groups: list[Group]) -> Visit:
        # ``between`` and ``choice`` inline (the same draws): 500,000 calls at 100,000
        rng, random, below = self.rng, self.rng.random, self.rng._randbelow
        group = own if random() < 0.85 else groups[int(random() * len(groups))]
        low = max(project.start, self.first + 9)
        day = low + int(random() * (self.last - 3 - low + 1))
        second = 15 * HOUR + int(random() * (5 * HOUR))
        actor = group.members[0]
        members = group.members
        visitors = "、".join(self.sample(members, 2 + int(random() * (len(members) - 1))))
        finding = FINDINGS[below(len(FINDINGS))] if random() < 0.5 else None
        suggestion = SUGGESTIONS[below(len(SUGGESTIONS))] if random() < 0.5 else None
        seq = self.add(day, second, "visits", "add-visit", actor,
                       (project.code, group.seq, iso(day), METHODS.draw(rng), visitors,
                        finding, suggestion))
        if random() < 0.05:
            for k in range(self.between(1, 3)):
                self.add(day, second, "visit_photos", "add-visit", actor,
                         (seq, f"photos/{project.code}/{iso(day)}-{k + 1}.jpg"))
        return Visit(seq, day, second, group, actor)

    def progress(self, p: Project, visits: list[Visit]) -> None:
        """Month-end reports and visit figures, cumulative in date order.  Each figure is
        added here (``between`` and ``choice`` inline, the same draws: a million figures at
        100,000 projects)."""
        rng, random, add, code = self.rng, self.rng.random, self.add, p.code
        moments: list[tuple[int, Visit | None]] = []
        if p.pace:
            moments = [(d, None) for d in self.month_ends if d >= p.start and random() < 0.8]
        moments += [(v.day, v) for v in visits if random() < 0.35]
        moments.sort(key=BY_DAY)
        actual = done = funds = 0.0
        target, budget, pace, knots = p.target, p.budget, p.pace, p.knots
        clerk, item_no = self.clerks[p.item_no], p.item_no
        for day, visit in moments:
            estimate = pace * curve(knots, day) + (random() - 0.5) * 4.0
            actual = max(actual, min(100.0, estimate))
            actual = 100.0 if actual >= 99.5 else actual
            pct = float(round(actual, 1))
            if target:
                quantity = actual * target / 100
                done = max(done, float(round(quantity) if p.whole else round(quantity, 1)))
                pct = done * 100.0 / target
            spent = None
            if budget and random() < (0.1 if visit else 0.8):
                funds = max(funds, round(budget * min(1.0, p.funds_pace * actual / 100), 1))
                spent = funds
            figure_done = done if target else None
            if visit is not None:
                add(visit.day, visit.second, "progress", "add-visit", visit.actor,
                    (code, iso(day), pct, figure_done, spent, "visit", visit.seq, None))
                continue
            if random() < 0.9:  # the department's monthly sheet
                entered, second = day + 2 + item_no % 5, 10 * HOUR + 60 * item_no
                command = "import progress"
            else:
                entered = day + 1 + int(random() * 5)
                second = 9 * HOUR + int(random() * (9 * HOUR + 1))
                command = "progress"
            note = NOTES[rng._randbelow(len(NOTES))] if random() < 0.1 else None
            add(entered, second, "progress", command, clerk,
                (code, iso(day), pct, figure_done, spent, "report", None, note))
            if pct >= 100.0:
                break  # the department reports completion once

    # -- issues ---------------------------------------------------------------------------------

    def issue(self, p: Project, visit: Visit) -> None:
        rng = self.rng
        category = CATEGORIES.draw(rng)
        severity = "major" if rng.random() < 0.15 else "ordinary"
        department = p.department if rng.random() < 0.8 else None
        if category in vocab.CATEGORY_DEPARTMENT and rng.random() < 0.5:
            department = vocab.CATEGORY_DEPARTMENT[category]
        second = visit.second + self.between(300, 1800)
        moves = self.moves(visit.day, second, 15 if severity == "major" else 5)
        state = moves[-1][-1] if moves else ("open", None, None)
        found = iso(visit.day)
        seq = self.add(visit.day, second, "issues", "flag", visit.actor,
                       (p.code, visit.seq, visit.group.seq, category, severity,
                        rng.choice(vocab.ISSUE_TEXTS[category]), department, found, *state))
        self.add(visit.day, second, "issue_events", "flag", visit.actor,
                 (seq, "flag", found, None, "open", department, None, None, None))
        status = "open"
        for day, at, action, note, new_state in moves:
            command = f"issue {action}"
            self.add(day, at, ISSUE_UPDATE, command, OFFICE, (seq, *new_state))
            moved_to, new_deadline, verdict = new_state
            self.add(day, at, "issue_events", command, OFFICE,
                     (seq, action, iso(day), status, moved_to,
                      (department or p.department) if action == "transfer" else None,
                      new_deadline if action in ("transfer", "reopen") else None,
                      verdict if action == "close" else None, note))
            status = moved_to

    def moves(self, day: int, second: int, workdays: int) -> list[tuple]:
        """The issue's moves until the year ends: (day, second, action, note, state after)."""
        rng = self.rng
        status, due, verdict = "open", None, None
        moves = []
        for action in PATHS[ENDINGS.draw(rng)]:
            moved = day + self.between(*GAPS[action])
            if moved > self.last:
                break
            at = self.between(9 * HOUR, 18 * HOUR)
            second = max(at, second + 60) if moved == day else at
            day = moved
            if action in ("transfer", "reopen"):
                due = deadline(day, workdays)
            if action == "close":
                verdict = VERDICTS.draw(rng)
            notes = MOVE_NOTES.get(action)
            status = MOVED_TO[action]
            moves.append((day, second, action, rng.choice(notes) if notes else None,
                          (status, due, verdict)))
        return moves


# The year's objects, kept to the end of the process, which ``main`` leaves with
# ``os._exit``: freeing three million events one by one took 2 s at 100,000 projects.
KEPT: list = []


def generate(path: Path, projects: int, year: int, seed: int, check: bool = False) -> dict:
    """Create the register at ``path`` and fill it; return rows per table and timings."""
    started = time.perf_counter()
    create_register(path).close()
    writer = loader.start_writer(path)
    gc.disable()  # millions of long-lived tuples: the cyclic collector would rescan them
    try:
        timeline = Generator(projects, year, seed).build()
        built = time.perf_counter()
        counts = loader.replay(path, timeline, writer, check)
        KEPT.append(timeline)
    finally:
        gc.enable()
    done = time.perf_counter()
    return {"counts": counts, "build_s": built - started, "write_s": done - built,
            "total_s": done - started}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="register file to create")
    parser.add_argument("--projects", type=int, default=100_000, help="default 100000")
    parser.add_argument("--year", type=int, default=2021, help="default 2021")
    parser.add_argument("--seed", type=int, default=1, help="default 1")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.add_argument("--check", action="store_true",
                        help="run PRAGMA foreign_key_check after loading")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.projects < 1:
        raise SystemExit("generate: --projects must be at least 1")
    files = [args.path, *(args.path.with_name(args.path.name + s) for s in ("-wal", "-shm"))]
    if args.path.exists() and not args.force:
        raise SystemExit(f"generate: {args.path} exists; use --force to replace it")
    for file in files:
        file.unlink(missing_ok=True)
    result = generate(args.path, args.projects, args.year, args.seed, args.check)
    for table, count in result["counts"].items():
        print(f"{table:20} {count:>10,}")
    size = args.path.stat().st_size
    print(f"{args.projects:,} projects, year {args.year}, seed {args.seed}: "
          f"{result['total_s']:.1f} s (build {result['build_s']:.1f} s, "
          f"write {result['write_s']:.1f} s), {size / 2**20:,.0f} MiB → {args.path}")
    sys.stdout.flush()
    os._exit(0)  # the file is closed; the year's objects go with the process (KEPT)


if __name__ == "__main__":
    main()

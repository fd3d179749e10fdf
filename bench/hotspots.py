"""Where a minsheng command spends its time: ``python bench/hotspots.py -- minsheng ARGS…``.

Samples the command with py-spy (``pip install py-spy``) at 200 Hz, no change to the
program, and prints the share of samples under each frame of minsheng_cli (inclusive:
"x % of the run was inside this function or what it called") and the functions where the
samples landed (exclusive).  Without py-spy it falls back to cProfile (slower, and it
inflates Python-heavy code such as rendering relative to SQLite).

Use it on a register from bench/generate.py, with MINSHENG_TODAY set, e.g.::

    MINSHENG_TODAY=2021-06-16 python bench/hotspots.py -- \\
        minsheng --db /tmp/minsheng-bench/register-y2021-n10000-s1-….db overdue -f tsv
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FRAME = re.compile(r"^(?P<func>.+?) \((?P<file>[^():]+)(?::(?P<line>\d+))?\)$")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--rate", type=int, default=200, help="samples per second")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- minsheng ARGS…")
    args = parser.parse_args(argv)
    args.command = [c for c in args.command if c != "--"] if args.command else []
    if not args.command:
        parser.error("give the command after --")
    return args


def label(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    where = match["file"]
    for marker in ("/minsheng_cli/", "/site-packages/", "/lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{match['func']} ({where})"


def summarise(raw: Path, top: int) -> None:
    inclusive: collections.Counter[str] = collections.Counter()
    exclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n, frames = int(count), [label(f) for f in stack.split(";")]
        total += n
        exclusive[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    print(f"{total} samples")
    print("\ninclusive, frames of minsheng_cli:")
    mine = [(k, v) for k, v in inclusive.most_common() if ".py)" in k and "/" in k
            and not k.split("(")[-1].startswith(("typer", "click", "<frozen"))]
    for frame, n in mine[:top]:
        print(f"  {100 * n / total:5.1f} %  {frame}")
    print("\nexclusive (where the samples landed):")
    for frame, n in exclusive.most_common(top):
        print(f"  {100 * n / total:5.1f} %  {frame}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    spy = shutil.which("py-spy")
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "stacks.txt"
        if spy:
            command = [spy, "record", "-r", str(args.rate), "-f", "raw", "-o", str(raw),
                       "--", *args.command]
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           check=False)
            summarise(raw, args.top)
            return
        print("py-spy not found: falling back to cProfile", file=sys.stderr)
        out = Path(tmp) / "profile.out"
        program = shutil.which(args.command[0]) or args.command[0]
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), program,
                        *args.command[1:]], stdout=subprocess.DEVNULL, env=os.environ,
                       check=False)
        import pstats

        pstats.Stats(str(out)).sort_stats("cumulative").print_stats("minsheng_cli", args.top)


if __name__ == "__main__":
    main()

"""Shell completion as the shells ask for it (``_MINSHENG_COMPLETE=complete_bash`` with
COMP_WORDS/COMP_CWORD), on the sample register; and once through bash itself, with the
script ``minsheng`` prints for it."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import Cli


def complete(cli: Cli, line: str, env: dict | None = None) -> list[str]:
    """The candidates bash gets for the last word of ``line`` (a trailing space: a new
    word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    result = cli.run(env={"_MINSHENG_COMPLETE": "complete_bash", "COMP_WORDS": line,
                          "COMP_CWORD": str(cword), **(env or {})})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if line]


def files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_project_codes_that_start_with_what_was_typed(sample):
    assert complete(sample, "minsheng show MS2021-1") == [f"MS2021-{n}" for n in range(10, 20)]
    assert complete(sample, "minsheng progress MS2021-2") == [
        f"MS2021-{n}" for n in range(20, 28)
    ]
    every = [p["code"] for p in sample.json("projects")]
    assert complete(sample, "minsheng visits --project ") == every
    assert complete(sample, "minsheng assign 东城区人大监督小组 MS2021-01 MS2021-0") == [
        f"MS2021-0{n}" for n in range(1, 10)
    ]
    assert complete(sample, "minsheng show XX") == []


def test_a_new_project_code_is_not_completed(sample):
    assert complete(sample, "minsheng add-project MS") == []


def test_group_names_in_chinese(sample):
    groups = sorted(g["name"] for g in sample.json("groups"))
    assert complete(sample, "minsheng add-visit MS2021-01 --group ") == groups
    assert complete(sample, "minsheng visits -g 东") == ["东城区人大监督小组"]
    assert complete(sample, "minsheng checklist --group 市人大") == [
        g for g in groups if g.startswith("市人大")
    ]
    assert complete(sample, "minsheng assign 南") == ["南湖区人大监督小组"]


def test_issue_ids_the_move_applies_to(sample):
    issues = sample.json("issues")
    newest_first = [str(i["id"]) for i in sorted(issues, key=lambda i: -i["id"])]
    assert complete(sample, "minsheng issue show ") == newest_first
    assert complete(sample, "minsheng issue transfer ") == [
        str(i["id"]) for i in sorted(issues, key=lambda i: -i["id"]) if i["status"] == "open"
    ]
    assert complete(sample, "minsheng issue respond ") == [
        str(i["id"]) for i in sorted(issues, key=lambda i: -i["id"])
        if i["status"] == "transferred"
    ]
    assert complete(sample, "minsheng issue show 2") == [
        i for i in newest_first if i.startswith("2")
    ]
    assert complete(sample, "minsheng issue show x") == []


def test_values_named_on_the_projects(sample):
    projects = sample.json("projects")
    assert complete(sample, "minsheng deviation --department ") == sorted(
        {p["department"] for p in projects}
    )
    assert complete(sample, "minsheng projects --district 东") == ["东城区"]
    assert complete(sample, "minsheng add-project MS2021-99 新项目 --item ") == sorted(
        {p["item"] for p in projects}
    )


def test_enumerations_in_english_and_chinese(sample):
    assert complete(sample, "minsheng flag MS2021-01 --category ") == [
        "schedule", "quality", "funding", "feedback", "factors", "safety", "other",
        "序时进度", "进度", "建设质量", "质量", "资金保障", "资金", "群众反映", "要素保障", "安全",
        "其他",
    ]
    assert complete(sample, "minsheng flag MS2021-01 --category 质") == ["质量"]
    assert complete(sample, "minsheng flag MS2021-01 --severity ") == [
        "ordinary", "major", "一般", "重大"]
    assert complete(sample, "minsheng add-group 新组 --level 市") == ["市级"]
    assert complete(sample, "minsheng issues --status 已") == ["已转办", "已反馈", "已销号",
                                                              "已撤回"]
    assert complete(sample, "minsheng deviation --light red,y") == ["red,yellow"]
    assert complete(sample, "minsheng deviation -f j") == ["json", "jsonl"]
    assert complete(sample, "minsheng --lang ") == ["zh", "en"]
    assert complete(sample, "minsheng config o") == ["ordinary_days", "overlap_days"]


def test_commands_and_options_come_from_typer(sample):
    assert complete(sample, "minsheng de") == ["deviation"]
    assert complete(sample, "minsheng issue c") == ["close"]
    assert "--install-completion" in complete(sample, "minsheng --")


def test_db_given_earlier_on_the_line_wins(sample, tmp_path):
    elsewhere = {"MINSHENG_DB": str(tmp_path / "none.db")}
    assert complete(sample, "minsheng show MS2021-0", env=elsewhere) == []
    line = f"minsheng --db {sample.db} show MS2021-0"
    assert complete(sample, line, env=elsewhere) == [f"MS2021-0{n}" for n in range(1, 10)]
    assert list(tmp_path.iterdir()) == []


def test_the_register_is_read_only_and_left_as_it_was(sample):
    before = files(sample.db.parent)
    for line in ("minsheng show MS", "minsheng issue show ", "minsheng visits -g ",
                 "minsheng deviation --item "):
        assert complete(sample, line)
    assert files(sample.db.parent) == before


@pytest.mark.parametrize("content", [None, b"", b"not a register at all" * 100])
def test_no_register_or_a_broken_one_means_no_candidates(blank, tmp_path, content):
    if content is not None:
        blank.db.write_bytes(content)
    before = files(tmp_path)
    for line in ("minsheng show MS", "minsheng issue close ", "minsheng flag X --group ",
                 "minsheng deviation --department "):
        assert complete(blank, line) == []  # and nothing on stderr (checked in complete)
    assert files(tmp_path) == before


def test_an_older_register_is_not_upgraded(tmp_path):
    """A register without the tables (as if from before them) is read as it is."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE projects (code TEXT PRIMARY KEY)")
    db.close()
    before = files(tmp_path)
    assert complete(Cli(path), "minsheng show ") == []
    assert complete(Cli(path), "minsheng issue show ") == []
    assert files(tmp_path) == before


def test_help_text_beside_candidates_for_zsh(sample):
    result = sample.run(env={"_MINSHENG_COMPLETE": "complete_zsh",
                             "_TYPER_COMPLETE_ARGS": "minsheng --lang zh show MS2021-0"})
    assert result.exit_code == 0
    assert '"MS2021-01":"新建改扩建中小学"' in result.stdout
    # Typer lays the help out for the terminal: on 80 columns a long one would wrap and
    # break zsh's list, so the issue's text is cut short.
    result = sample.run(env={"_MINSHENG_COMPLETE": "complete_zsh", "COLUMNS": "80",
                             "_TYPER_COMPLETE_ARGS": "minsheng --lang zh issue show 1"})
    assert all("\n" not in line for line in result.stdout.strip().split('"\n"'))
    assert "待转办" in result.stdout or "已转办" in result.stdout


# -- through bash ------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_with_the_script_minsheng_prints(sample):
    """The script from `minsheng --show-completion` (here: the same text from
    ``_MINSHENG_COMPLETE=source_bash``), sourced by bash, fills COMPREPLY."""
    bindir = Path(sys.executable).parent
    if not (bindir / "minsheng").exists():
        pytest.skip("the minsheng script is not installed beside this Python")
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
           "MINSHENG_DB": str(sample.db), "MINSHENG_LANG": "en"}
    script = subprocess.run(["minsheng"], env={**env, "_MINSHENG_COMPLETE": "source_bash"},
                            capture_output=True, text=True, check=True).stdout
    assert "complete -o default -F _minsheng_completion minsheng" in script
    probe = script + """
complete -p minsheng >/dev/null || exit 9
COMP_WORDS=(minsheng show MS2021-1); COMP_CWORD=2
_minsheng_completion minsheng; printf '%s\\n' "${COMPREPLY[@]}"; echo --
COMP_WORDS=(minsheng add-visit MS2021-01 --group 东); COMP_CWORD=4
_minsheng_completion minsheng; printf '%s\\n' "${COMPREPLY[@]}"; echo --
# --db=PATH as bash splits it (at the '='), and no MINSHENG_DB to fall back on
COMP_WORDS=(minsheng --db = "$SAMPLE" show MS2021-1); COMP_CWORD=5
MINSHENG_DB=/nonexistent/r.db _minsheng_completion minsheng; printf '%s\\n' "${COMPREPLY[@]}"
"""
    done = subprocess.run(["bash", "--norc", "--noprofile", "-c", probe],
                          env={**env, "SAMPLE": str(sample.db)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines() == [
        *(f"MS2021-{n}" for n in range(10, 20)), "--", "东城区人大监督小组", "--",
        *(f"MS2021-{n}" for n in range(10, 20)),
    ]


@pytest.mark.parametrize(("words", "cword", "expected"), [
    ("minsheng --db = /r.db show MS", 5, ("minsheng --db=/r.db show MS", "3")),
    ("minsheng --db = '/a b.db' --lang = zh show M", 8,
     ("minsheng '--db=/a b.db' --lang=zh show M", "4")),
    ("minsheng --db = /r", 3, None),  # the path being typed: left to bash
    ("minsheng show MS", 2, None),
    ("minsheng show 'MS", 2, None),  # an open quote: left as it is
])
def test_bash_split_option_values_are_joined_again(words, cword, expected):
    from minsheng_cli.cli.completion import join_option_values

    environ = {"COMP_WORDS": words, "COMP_CWORD": str(cword)}
    join_option_values(environ)
    assert (environ["COMP_WORDS"], environ["COMP_CWORD"]) == (expected or (words, str(cword)))

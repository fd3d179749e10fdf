"""Every command and subcommand has help text, and ``--help`` works for each."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import typer

from minsheng_cli import __version__
from minsheng_cli.cli import app


def walk(command, path=()):
    """(path, command) for the root and every command below it."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


COMMANDS = list(walk(typer.main.get_command(app)))


def test_the_tree_holds_every_command_of_the_register():
    names = {" ".join(path) for path, _ in COMMANDS}
    wanted = {
        "init", "info", "add-project", "projects", "show", "plan", "progress", "add-group",
        "assign", "groups", "add-visit", "visits", "flag", "issues", "import projects",
        "import progress", "import visits",
    }
    assert wanted <= names


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[" ".join(path) or "minsheng" for path, _ in COMMANDS]
)
def test_every_command_has_help(blank, path, command):
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
    for param in command.params:
        if param.name in ("help", "ctx"):
            continue
        assert (getattr(param, "help", None) or "").strip(), f"{path} {param.name}: no help"
    result = blank(*path, "--help")
    assert result.stdout.startswith("Usage: minsheng")
    assert command.help.split()[0] in result.stdout
    assert result.stderr == ""


def test_no_option_points_to_a_missing_output_option():
    # show, issue show, info and verify write to stdout only: their --format help must not
    # send the user to -o (it once said "with -o, the file's ending" there)
    for path, command in COMMANDS:
        names = {opt for param in command.params for opt in getattr(param, "opts", ())}
        if "-o" in names:
            continue
        for param in command.params:
            assert not re.search(r"(?<![\w-])-o\b", getattr(param, "help", None) or ""), (
                f"minsheng {' '.join(path)} {param.name}: its help names -o, which it has not")


def test_version(blank):
    result = blank("--version")
    assert result.stdout == f"minsheng {__version__}\n"
    assert not blank.db.exists()


def test_top_level_help_lists_commands(blank):
    out = blank("--help").stdout
    for name in ("init", "add-visit", "import", "--db", "--lang", "--by", "--version"):
        assert name in out
    assert not blank.db.exists()


def test_no_arguments_shows_usage_not_a_traceback(blank):
    result = blank.run()
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: minsheng")
    assert "Traceback" not in result.stderr


def test_unknown_command_is_a_usage_error(blank):
    result = blank("frobnicate", code=2)
    assert result.stderr.splitlines() == [
        "minsheng: No such command 'frobnicate'. (see 'minsheng --help')"
    ]


def test_version_alone_is_answered_without_loading_the_program():
    # the entry point answers `minsheng --version` before importing Typer and the commands
    code = ("import sys; sys.argv = ['minsheng', '--version']\n"
            "from minsheng_cli.launch import main; main()\n"
            "print([m for m in ('typer', 'sqlite3', 'minsheng_cli.cli') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == f"minsheng {__version__}\n[]\n"


def test_installed_command_gives_the_version(tmp_path):
    result = subprocess.run([sys.executable, "-m", "minsheng_cli", "--version"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"minsheng {__version__}\n", "")

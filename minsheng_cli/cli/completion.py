"""Shell completion callbacks: project codes, group names, issue ids and the register's
departments, districts and items, read from the register; enumeration words in English
and Chinese.

Typer calls these on every Tab (``_MINSHENG_COMPLETE=complete_bash``); each returns
``(value, help)`` pairs that start with what was typed.  The register is the one the
command would use — ``--db`` given earlier on the line, else ``MINSHENG_DB``, else the
per-user file — opened read-only, never created or upgraded.  Whatever goes wrong (no
register, an old schema, a locked or broken file) means no candidates: a traceback in the
middle of the user's command line would be worse than nothing.
"""

# No ``from __future__ import annotations`` here: Typer reads every callback's signature
# each time it builds the command tree, and string annotations cost an eval each, on every
# run of every command.
import unicodedata
from collections.abc import Callable
from pathlib import Path

import typer

from minsheng_cli.domain import values

Candidates = list[tuple[str, str]]
# Issue text shown beside an id (zsh and fish show it; bash shows values only).
HELP_WIDTH = 44


def register_path(ctx: typer.Context) -> Path:
    """--db from the command line parsed so far, else MINSHENG_DB, else the per-user file."""
    from minsheng_cli.cli.common import default_db_path

    given = ctx.find_root().params.get("db")
    return Path(given).expanduser() if given else default_db_path()


def lang_of(ctx: typer.Context) -> str:
    from minsheng_cli.i18n import resolve_lang

    try:
        return resolve_lang(ctx.find_root().params.get("lang"))
    except Exception:
        return "en"


def guarded(read: Callable[[], Candidates]) -> Candidates:
    """Candidates, or none when anything fails (see the module docstring)."""
    try:
        return read()
    except Exception:
        return []


def short(text: str | None, width: int = HELP_WIDTH) -> str:
    """``text`` on one line, cut to ``width`` terminal cells (a Chinese character takes two):
    Typer wraps longer help at 80 cells, which breaks zsh's and fish's candidate lines."""
    flat = " ".join((text or "").split())
    cells, kept = 0, []
    for ch in flat:
        cells += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if cells > width - 1:
            return "".join(kept) + "…"
        kept.append(ch)
    return flat


# -- from the register ------------------------------------------------------------------------


def complete_code(ctx: typer.Context, incomplete: str) -> Candidates:
    """Project codes, with the project's name as help."""
    from minsheng_cli.services import completion as uses

    return guarded(lambda: uses.project_codes(register_path(ctx), incomplete))


def complete_group(ctx: typer.Context, incomplete: str) -> Candidates:
    """Supervision group names, with the group's level as help."""
    from minsheng_cli.i18n import word
    from minsheng_cli.services import completion as uses

    return guarded(lambda: [
        (name, word("level", level, lang_of(ctx)))
        for name, level in uses.group_names(register_path(ctx), incomplete)
    ])


def complete_issue(ctx: typer.Context, incomplete: str) -> Candidates:
    """Issue ids (the newest first), only those the move (``issue close`` …) applies to;
    the project, status and text as help."""
    from minsheng_cli.i18n import word
    from minsheng_cli.services import completion as uses

    def read() -> Candidates:
        lang = lang_of(ctx)
        found = uses.issue_ids(register_path(ctx), incomplete, move=ctx.info_name)
        return [(str(number), f"{code} {word('issue_status', status, lang)}: {short(text)}")
                for number, code, status, text in found]

    return guarded(read)


def project_column(column: str) -> Callable[[typer.Context, str], Candidates]:
    def complete(ctx: typer.Context, incomplete: str) -> Candidates:
        from minsheng_cli.services import completion as uses

        return guarded(lambda: [(value, "") for value in
                                uses.project_values(register_path(ctx), column, incomplete)])

    complete.__doc__ = f"The {column}s named on the register's projects."
    return complete


complete_department = project_column("department")
complete_district = project_column("district")
complete_item = project_column("item")


# -- fixed words ------------------------------------------------------------------------------


def enumeration(words: dict[str, list[str]]) -> Callable[[str], Candidates]:
    """Every code (help: its Chinese word) and every Chinese word (help: its code)."""
    candidates = [(code, zh[0]) for code, zh in words.items()]
    candidates += [(w, code) for code, zh in words.items() for w in zh]

    def complete(incomplete: str) -> Candidates:
        return [c for c in candidates if c[0].startswith(incomplete)]

    return complete


complete_category = enumeration(values.CATEGORY)
complete_severity = enumeration(values.SEVERITY)
complete_level = enumeration(values.LEVEL)
complete_method = enumeration(values.METHOD)
complete_issue_status = enumeration(values.ISSUE_STATUS)
complete_verdict = enumeration(values.VERDICT)


def complete_lights(incomplete: str) -> Candidates:
    """Lights, also after a comma: ``red,y`` → ``red,yellow``."""
    head, _, last = incomplete.rpartition(",")
    chosen = f"{head}," if head else ""
    return [(chosen + value, help_) for value, help_ in enumeration(values.LIGHT)(last)]


def choices(*words: str) -> Callable[[str], Candidates]:
    def complete(incomplete: str) -> Candidates:
        return [(w, "") for w in words if w.startswith(incomplete)]

    return complete


def complete_setting(incomplete: str) -> Candidates:
    """The settings ``config`` knows, with their description."""
    from minsheng_cli.domain.settings import SETTINGS

    return [(key, short(s.description, 60)) for key, s in SETTINGS.items()
            if key.startswith(incomplete)]


def join_option_values(environ: dict) -> None:
    """Bash splits ``--db=PATH`` into ``--db``, ``=``, ``PATH`` (``=`` is in its
    COMP_WORDBREAKS), and Typer's bash completion passes those words on as they are: the
    parser then took ``=`` for the register's path and no candidate came.  Joined again
    here, in ``environ`` (COMP_WORDS and COMP_CWORD), before Typer reads them; only words
    before the one being completed, and only when the line parses as shell words."""
    import shlex

    try:
        words = shlex.split(environ["COMP_WORDS"])
        cword = int(environ["COMP_CWORD"])
    except (KeyError, ValueError):
        return
    joined: list[str] = []
    i, before = 0, min(cword, len(words))  # indices of the words as bash gave them
    while i < len(words):
        if words[i] == "=" and joined and joined[-1].startswith("--") and i + 1 < before:
            joined[-1] += "=" + words[i + 1]
            cword -= 2
            i += 2
        else:
            joined.append(words[i])
            i += 1
    if len(joined) != len(words):
        environ["COMP_WORDS"] = shlex.join(joined)
        environ["COMP_CWORD"] = str(cword)

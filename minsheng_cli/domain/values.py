"""Typed input: the parsers every value passes through, and the enumerations.

This module owns what a percentage, a quantity, a sum of money (万元), a piece of free text
and an enumerated word may look like, whether it was typed on the command line or read from
a spreadsheet cell.  Each parser returns a clean value or raises ``InvalidValue`` naming the
field, the value and what is accepted.  Enumerations are stored as English codes; each code
maps to the Chinese words accepted for it, the first being the canonical label.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal

from minsheng_cli.domain.errors import InvalidValue

CATEGORY: dict[str, list[str]] = {
    "schedule": ["序时进度", "进度"],
    "quality": ["建设质量", "质量"],
    "funding": ["资金保障", "资金"],
    "feedback": ["群众反映"],
    "factors": ["要素保障"],
    "safety": ["安全"],
    "other": ["其他"],
}
LEVEL: dict[str, list[str]] = {"grassroots": ["基层"], "municipal": ["市级"]}
SEVERITY: dict[str, list[str]] = {"ordinary": ["一般"], "major": ["重大"]}
METHOD: dict[str, list[str]] = {
    "site": ["实地查看"],
    "briefing": ["听取汇报"],
    "forum": ["座谈"],
    "unannounced": ["暗访"],
}
ISSUE_STATUS: dict[str, list[str]] = {
    "open": ["待转办", "未转办"],
    "transferred": ["已转办"],
    "responded": ["已反馈"],
    "closed": ["已销号"],
    "withdrawn": ["已撤回"],
}
VERDICT: dict[str, list[str]] = {
    "satisfied": ["满意"],
    "basic": ["基本满意"],
    "unsatisfied": ["不满意"],
}
LIGHT: dict[str, list[str]] = {
    "green": ["绿", "绿灯"],
    "yellow": ["黄", "黄灯"],
    "red": ["红", "红灯"],
    "done": ["完成", "已完成"],
}
STATUS: dict[str, list[str]] = {
    "done": ["已完成"],
    "ahead": ["超序时"],
    "on_track": ["按序时"],
    "behind": ["慢序时"],
    "seriously_behind": ["严重滞后"],
    "overdue": ["逾期未完成"],
}

PCT_ACCEPTED = "a percentage from 0 to 100, e.g. 56.5 or 56.5%"
QUANTITY_ACCEPTED = "a quantity ≥ 0, e.g. 1110 or 1,110"
TARGET_ACCEPTED = "a quantity greater than 0, e.g. 5000 or 5,000"
MONEY_ACCEPTED = "a sum in 万元 ≥ 0, e.g. 1200 or 1,200.5"

# Plain decimals only: float() alone would also take "nan", "1e2" and "1_0".
_DECIMAL = r"\d+(?:\.\d*)?|\.\d+"
_PCT = re.compile(rf"({_DECIMAL})\s*%?", re.ASCII)
# Thousands separators must group by three, so "1,11" is a typo rather than 111.
_GROUPED = re.compile(rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|{_DECIMAL}", re.ASCII)
_KEPT_CONTROLS = frozenset("\n\t")


def parse_pct(x: object, field: str = "pct") -> float:
    """A percentage in 0..100 from "56.5", "56.5%", full-width "５６", or a number."""
    value = _number(x, field, PCT_ACCEPTED, _PCT)
    if value > 100:
        raise InvalidValue(field, x, PCT_ACCEPTED)
    return value


def parse_quantity(x: object, field: str) -> float:
    """A quantity done or targeted (≥ 0); thousands separators allowed."""
    return _number(x, field, QUANTITY_ACCEPTED, _GROUPED)


def parse_target(x: object, field: str = "target") -> float:
    """A target quantity (目标数量): greater than 0, since progress is done ÷ target."""
    value = _number(x, field, TARGET_ACCEPTED, _GROUPED)
    if value <= 0:
        raise InvalidValue(field, x, TARGET_ACCEPTED)
    return value


def parse_money(x: object, field: str) -> float:
    """A sum in 万元 (≥ 0); thousands separators allowed."""
    return _number(x, field, MONEY_ACCEPTED, _GROUPED)


def _number(x: object, field: str, accepted: str, pattern: re.Pattern[str]) -> float:
    """A finite number ≥ 0 from a number or from text that fully matches ``pattern``."""
    if isinstance(x, str):
        # NFKC folds full-width digits, ．，and ％ typed with a Chinese IME.
        match = pattern.fullmatch(unicodedata.normalize("NFKC", x).strip())
        if not match:
            raise InvalidValue(field, x, accepted)
        x_number: object = (match.group(1) if match.groups() else match.group()).replace(",", "")
    elif isinstance(x, int | float | Decimal) and not isinstance(x, bool):
        x_number = x  # bool is an int, but True is not a percentage
    else:
        raise InvalidValue(field, x, accepted)
    try:
        value = float(x_number)  # type: ignore[arg-type]
    except (ValueError, OverflowError):  # Decimal("sNaN"), ints beyond float range
        raise InvalidValue(field, x, accepted) from None
    if not (math.isfinite(value) and value >= 0):
        raise InvalidValue(field, x, accepted)
    return value


def parse_text(x: object, field: str, max_len: int = 4000) -> str:
    """Free text, stripped; not empty, no control characters but newline and tab."""
    accepted = f"text of 1 to {max_len} characters, without control characters"
    if not isinstance(x, str):
        raise InvalidValue(field, x, accepted)
    # A spreadsheet cell or a Windows clipboard brings \r\n; keep one kind of line end.
    text = x.replace("\r\n", "\n").replace("\r", "\n")
    # Checked before stripping: strip() would silently drop some controls (\x1c, \x85) at
    # the ends while keeping them in the middle. Surrogates cannot be stored as UTF-8.
    if any(_is_control(c) for c in text):
        raise InvalidValue(field, x, accepted)
    text = text.strip()
    if not text or len(text) > max_len:
        raise InvalidValue(field, x, accepted)
    return text


def parse_name(x: object, field: str, max_len: int = 100) -> str:
    """A name that is typed to find its record (a group's, ``-g NAME``): text on one line.
    A line break or tab in it would split every message and list that names it."""
    text = parse_text(x, field, max_len)
    if "\n" in text or "\t" in text:
        raise InvalidValue(field, x, f"a name on one line of 1 to {max_len} characters, "
                           "without tabs or control characters")
    return text


def _is_control(c: str) -> bool:
    return c not in _KEPT_CONTROLS and unicodedata.category(c) in ("Cc", "Cs")


def parse_enum(x: object, field: str, choices: Mapping[str, Sequence[str]]) -> str:
    """The English code for a code (any case) or one of its Chinese words."""
    if isinstance(x, str):
        word = unicodedata.normalize("NFKC", x).strip()
        for code, words in choices.items():
            if word.casefold() == code.casefold() or word in words:
                return code
    accepted = ", ".join(f"{code} ({'/'.join(words)})" for code, words in choices.items())
    raise InvalidValue(field, x, accepted)

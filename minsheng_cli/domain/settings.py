"""Settings a register keeps (``minsheng config``): thresholds and counts, with defaults.

They are rules' parameters, not constants: a congress may set the yellow and red lag
differently, count deadlines in other numbers of working days, or judge 序时进度 by months.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from minsheng_cli.domain import values
from minsheng_cli.domain.errors import InvalidValue, NotFound


def _number(low: float, high: float) -> Callable[[str, str], str]:
    def parse(text: str, key: str) -> str:
        # The parser every figure goes through: float() would also take "1_0" and "1e1".
        try:
            value = values.parse_quantity(text, key)
        except InvalidValue:
            value = float("nan")
        if not low <= value <= high:
            raise InvalidValue(key, text, f"a number from {low:g} to {high:g}")
        return f"{value:g}"

    return parse


def _whole(low: int, high: int) -> Callable[[str, str], str]:
    def parse(text: str, key: str) -> str:
        # isdigit() alone takes "²", which int() refuses; NFKC folds full-width digits.
        digits = unicodedata.normalize("NFKC", text).strip()
        if not (digits.isascii() and digits.isdigit()) or not low <= int(digits) <= high:
            raise InvalidValue(key, text, f"a whole number from {low} to {high}")
        return str(int(digits))

    return parse


def _choice(*choices: str) -> Callable[[str, str], str]:
    def parse(text: str, key: str) -> str:
        if text.strip() not in choices:
            raise InvalidValue(key, text, " or ".join(choices))
        return text.strip()

    return parse


# What `minsheng publish` may put on the public site besides each project's name, item,
# light and 序时进度 numbers.  People's names never go out whatever this says: visitors,
# group members and who recorded a row are not publishable fields at all.
PUBLISH_FIELDS = ("content", "department", "partners", "district", "leader", "target",
                  "funds", "visits", "issues", "finding", "suggestion")
PUBLISH_DEFAULT = "content,department,partners,district,target,funds,visits,issues,finding"


def _field_list(*choices: str) -> Callable[[str, str], str]:
    def parse(text: str, key: str) -> str:
        parts = [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]
        unknown = [p for p in parts if p not in choices]
        if unknown or not parts:  # empty is a slip, not "none": that is said explicitly
            raise InvalidValue(key, text, "a comma-separated list of " + ", ".join(choices)
                               + " (or none)")
        if parts == ["none"]:
            return "none"
        return ",".join(c for c in choices if c in parts) or "none"

    return parse


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    parse: Callable[[str, str], str]
    description: str


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("yellow_lag", "10", _number(0, 100), "lag behind 序时进度 (pp) that turns yellow"),
        Setting("red_lag", "30", _number(0, 100), "lag (pp) beyond which it is red"),
        Setting("stale_days", "31", _whole(1, 366), "days after which the last figure is stale"),
        Setting("schedule_basis", "days", _choice("days", "months"),
                "序时进度 by days, or by months (month-end = month/12)"),
        Setting("ordinary_days", "5", _whole(1, 120),
                "working days to rectify an ordinary issue"),
        Setting("major_days", "15", _whole(1, 250), "working days to rectify a major issue"),
        Setting("overlap_days", "7", _whole(0, 90),
                "days within which a second group's visit to a project is a duplicate"),
        Setting("publish.fields", PUBLISH_DEFAULT, _field_list(*PUBLISH_FIELDS, "none"),
                "what `publish` puts on the public site besides name, item and progress"),
    )
}


def check_setting(key: str, value: str) -> str:
    """The value as stored, or an error naming the key, the value and what is accepted."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise NotFound("setting", key, "known: " + ", ".join(SETTINGS))
    return setting.parse(value, key)


def effective(stored: Mapping[str, str]) -> dict[str, str]:
    """Every setting's value: the stored one, else the default."""
    return {key: stored.get(key, s.default) for key, s in SETTINGS.items()}


def check_thresholds(values: Mapping[str, str], changed: str = "yellow_lag") -> None:
    """Yellow's lag may not exceed red's; the message names the setting being ``changed``
    (``config red_lag 5`` is refused as red_lag, against yellow_lag)."""
    if float(values["yellow_lag"]) > float(values["red_lag"]):
        if changed == "red_lag":
            raise InvalidValue("red_lag", values["red_lag"],
                               f"at least yellow_lag ({values['yellow_lag']})")
        raise InvalidValue(
            "yellow_lag", values["yellow_lag"], f"at most red_lag ({values['red_lag']})"
        )

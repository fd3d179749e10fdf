"""Parsers for typed input and the enumerations (minsheng_cli.domain.values)."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli.domain import values
from minsheng_cli.domain.errors import InvalidValue
from minsheng_cli.domain.schedule import Light, Status
from minsheng_cli.domain.values import (
    CATEGORY,
    ISSUE_STATUS,
    LEVEL,
    LIGHT,
    STATUS,
    parse_enum,
    parse_money,
    parse_pct,
    parse_quantity,
    parse_text,
)

# --- parse_pct ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("56.5", 56.5),
        ("56.5%", 56.5),
        (" 56.5 % ", 56.5),
        ("５６", 56.0),
        ("５６．５％", 56.5),
        ("0", 0.0),
        ("100", 100.0),
        ("100%", 100.0),
        (".5", 0.5),
        ("7.", 7.0),
        (56, 56.0),
        (56.5, 56.5),
        (0, 0.0),
        (100.0, 100.0),
        (Decimal("12.5"), 12.5),
    ],
)
def test_parse_pct_accepts(raw, want):
    got = parse_pct(raw)
    assert got == want and isinstance(got, float)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "  ",
        "%",
        "-1",
        "-0.5",
        "100.01",
        "101%",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e2",
        "1_0",
        "5,6",
        "half",
        "56%%",
        "0x10",
        "٥٦",  # Arabic-Indic digits are not what anyone types here
        float("nan"),
        float("inf"),
        -1,
        100.5,
        True,
        None,
        [50],
    ],
)
def test_parse_pct_rejects(raw):
    with pytest.raises(InvalidValue) as err:
        parse_pct(raw, field="actual")
    assert err.value.field == "actual"
    assert err.value.value == raw or (isinstance(raw, float) and math.isnan(raw))
    assert "0" in err.value.accepted and "100" in err.value.accepted


@given(st.one_of(st.text(), st.floats(), st.integers()))
def test_parse_pct_only_raises_invalid_value(raw):
    try:
        got = parse_pct(raw)
    except InvalidValue:
        return
    assert 0.0 <= got <= 100.0


@given(st.floats(0, 100))
def test_parse_pct_round_trips(x):
    plain = format(Decimal(repr(x)), "f")  # plain digits: exponents are not accepted
    assert parse_pct(plain) == x
    assert parse_pct(f"{plain}%") == x


# --- quantities and money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("1110", 1110.0),
        ("1,110", 1110.0),
        ("1,234,567.5", 1234567.5),
        ("１１１０", 1110.0),
        ("１，１１０", 1110.0),
        ("0", 0.0),
        (" 12.5 ", 12.5),
        (1500, 1500.0),
        (2.5, 2.5),
    ],
)
def test_parse_quantity_and_money_accept(raw, want):
    assert parse_quantity(raw, "done") == want
    assert parse_money(raw, "budget") == want


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "-1",
        "1,11",
        "11,10",
        "1,1100",
        ",110",
        "1.110,5",
        "nan",
        "inf",
        "1e3",
        "abc",
        "12%",
        float("inf"),
        float("nan"),
        -0.5,
        True,
        None,
    ],
)
def test_parse_quantity_and_money_reject(raw):
    with pytest.raises(InvalidValue) as err:
        parse_quantity(raw, "done")
    assert err.value.field == "done"
    with pytest.raises(InvalidValue) as err:
        parse_money(raw, "budget")
    assert err.value.field == "budget"
    assert "万元" in err.value.accepted


@given(st.one_of(st.text(), st.floats(), st.integers()))
def test_parse_quantity_only_raises_invalid_value(raw):
    try:
        got = parse_quantity(raw, "done")
    except InvalidValue:
        return
    assert got >= 0 and math.isfinite(got)


# --- parse_text --------------------------------------------------------------------------------


def test_parse_text_strips_and_keeps_newlines_and_tabs():
    assert parse_text("  施工进度滞后\n需加快\t推进 ", "finding") == "施工进度滞后\n需加快\t推进"
    assert parse_text("\u3000全角空格\u3000", "finding") == "全角空格"


def test_parse_text_normalises_line_endings():
    assert parse_text("第一行\r\n第二行\r第三行", "finding") == "第一行\n第二行\n第三行"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "\n\t ",
        "a\x00b",
        "bell\x07",
        "esc\x1b[31m",
        "del\x7f",
        "c1\x85",
        "surrogate\ud800",
        None,
        12,
    ],
)
def test_parse_text_rejects(raw):
    with pytest.raises(InvalidValue) as err:
        parse_text(raw, "finding")
    assert err.value.field == "finding"


def test_parse_text_max_len():
    assert parse_text("问" * 10, "name", max_len=10) == "问" * 10
    assert parse_text("  " + "问" * 10 + "  ", "name", max_len=10) == "问" * 10
    with pytest.raises(InvalidValue) as err:
        parse_text("问" * 11, "name", max_len=10)
    assert "10" in err.value.accepted
    assert parse_text("x" * 4000, "note") == "x" * 4000
    with pytest.raises(InvalidValue):
        parse_text("x" * 4001, "note")


@given(st.text())
def test_parse_text_only_raises_invalid_value(raw):
    try:
        got = parse_text(raw, "finding")
    except InvalidValue:
        return
    assert got and got == got.strip()
    assert got.encode("utf-8")  # everything kept can be stored


# --- enumerations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("quality", "quality"),
        ("Quality", "quality"),
        (" QUALITY ", "quality"),
        ("建设质量", "quality"),
        ("质量", "quality"),
        ("进度", "schedule"),
        ("序时进度", "schedule"),
        ("群众反映", "feedback"),
        ("ｑｕａｌｉｔｙ", "quality"),
    ],
)
def test_parse_enum_accepts(raw, want):
    assert parse_enum(raw, "category", CATEGORY) == want


def test_parse_enum_issue_status_has_two_words_for_open():
    assert parse_enum("未转办", "status", ISSUE_STATUS) == "open"
    assert parse_enum("待转办", "status", ISSUE_STATUS) == "open"
    assert parse_enum("已销号", "status", ISSUE_STATUS) == "closed"


@pytest.mark.parametrize("raw", ["", "qualit", "质", "基层", "grassroots", None, 3])
def test_parse_enum_rejects_and_lists_the_pairs(raw):
    with pytest.raises(InvalidValue) as err:
        parse_enum(raw, "category", CATEGORY)
    assert err.value.field == "category"
    assert err.value.value == raw
    assert "schedule (序时进度/进度)" in err.value.accepted
    assert "quality (建设质量/质量)" in err.value.accepted
    assert "other (其他)" in err.value.accepted


def test_level_codes():
    assert parse_enum("基层", "level", LEVEL) == "grassroots"
    assert parse_enum("Municipal", "level", LEVEL) == "municipal"


ALL_ENUMS = [
    values.CATEGORY,
    values.LEVEL,
    values.SEVERITY,
    values.METHOD,
    values.ISSUE_STATUS,
    values.VERDICT,
    values.LIGHT,
    values.STATUS,
]


@pytest.mark.parametrize("choices", ALL_ENUMS)
def test_every_code_and_word_parses_back(choices):
    for code, words in choices.items():
        assert code == code.lower() and words
        assert parse_enum(code, "x", choices) == code
        for word in words:
            assert parse_enum(word, "x", choices) == code


@pytest.mark.parametrize("choices", ALL_ENUMS)
def test_no_word_means_two_codes(choices):
    words = [w for ws in choices.values() for w in ws]
    assert len(words) == len(set(words))
    assert not set(words) & set(choices)


def test_light_and_status_words_cover_the_schedule_enums():
    assert list(LIGHT) == [x.value for x in Light]
    assert list(STATUS) == [x.value for x in Status]
    assert STATUS["seriously_behind"][0] == "严重滞后"
    assert values.METHOD["unannounced"][0] == "暗访"
    assert values.VERDICT["basic"][0] == "基本满意"
    assert values.SEVERITY["major"][0] == "重大"

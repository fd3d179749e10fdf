"""Periods, visit windows and strict dates (minsheng_cli.domain.periods)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minsheng_cli.domain.errors import InvalidValue
from minsheng_cli.domain.periods import (
    Period,
    month_ends_before,
    month_of,
    parse_date,
    parse_period,
    previous_window,
    quarter_of,
    week_of,
    window_for,
)

TODAY = date(2021, 6, 16)  # a Wednesday in ISO week 24 of 2021


def p(start, end, label, kind):
    return Period(date.fromisoformat(start), date.fromisoformat(end), label, kind)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("2021-06", p("2021-06-01", "2021-06-30", "2021-06", "month")),
        ("2021-6", p("2021-06-01", "2021-06-30", "2021-06", "month")),
        ("2021-12", p("2021-12-01", "2021-12-31", "2021-12", "month")),
        ("2020-02", p("2020-02-01", "2020-02-29", "2020-02", "month")),
        ("2021-02", p("2021-02-01", "2021-02-28", "2021-02", "month")),
        ("2021Q2", p("2021-04-01", "2021-06-30", "2021Q2", "quarter")),
        ("2021-Q2", p("2021-04-01", "2021-06-30", "2021Q2", "quarter")),
        ("2021q2", p("2021-04-01", "2021-06-30", "2021Q2", "quarter")),
        ("2021Q4", p("2021-10-01", "2021-12-31", "2021Q4", "quarter")),
        ("2020Q1", p("2020-01-01", "2020-03-31", "2020Q1", "quarter")),
        ("2021-W24", p("2021-06-14", "2021-06-20", "2021-W24", "week")),
        ("2021-w1", p("2021-01-04", "2021-01-10", "2021-W01", "week")),
        ("2021-W01", p("2021-01-04", "2021-01-10", "2021-W01", "week")),
        ("2020-W53", p("2020-12-28", "2021-01-03", "2020-W53", "week")),
        ("2025-W01", p("2024-12-30", "2025-01-05", "2025-W01", "week")),
        ("2021H1", p("2021-01-01", "2021-06-30", "2021H1", "half")),
        ("2021-H2", p("2021-07-01", "2021-12-31", "2021H2", "half")),
        ("2021", p("2021-01-01", "2021-12-31", "2021", "year")),
        ("2021-06-16", p("2021-06-16", "2021-06-16", "2021-06-16", "day")),
        ("2021/6/16", p("2021-06-16", "2021-06-16", "2021-06-16", "day")),
        ("  2021Q2 \n", p("2021-04-01", "2021-06-30", "2021Q2", "quarter")),
        ("２０２１Ｑ２", p("2021-04-01", "2021-06-30", "2021Q2", "quarter")),
    ],
)
def test_parse_period(text, want):
    assert parse_period(text, TODAY) == want


@pytest.mark.parametrize(
    ("words", "label", "start", "end"),
    [
        (("this-week", "本周"), "2021-W24", "2021-06-14", "2021-06-20"),
        (("last-week", "上周"), "2021-W23", "2021-06-07", "2021-06-13"),
        (("this-month", "本月"), "2021-06", "2021-06-01", "2021-06-30"),
        (("last-month", "上月"), "2021-05", "2021-05-01", "2021-05-31"),
        (("this-quarter", "本季度"), "2021Q2", "2021-04-01", "2021-06-30"),
        (("last-quarter", "上季度"), "2021Q1", "2021-01-01", "2021-03-31"),
        (("this-year", "本年", "今年"), "2021", "2021-01-01", "2021-12-31"),
        (("last-year", "去年"), "2020", "2020-01-01", "2020-12-31"),
        (("today", "今天", "TODAY"), "2021-06-16", "2021-06-16", "2021-06-16"),
    ],
)
def test_relative_words(words, label, start, end):
    for word in words:
        got = parse_period(word, TODAY)
        assert (got.label, got.start.isoformat(), got.end.isoformat()) == (label, start, end)


@pytest.mark.parametrize(
    ("today", "word", "label"),
    [
        (date(2021, 1, 15), "last-month", "2020-12"),
        (date(2021, 2, 10), "last-quarter", "2020Q4"),
        (date(2021, 1, 6), "last-week", "2020-W53"),
        (date(2021, 1, 2), "this-week", "2020-W53"),  # Saturday of 2020's week 53
        (date(2024, 12, 31), "this-week", "2025-W01"),
        (date(2021, 3, 31), "this-quarter", "2021Q1"),
    ],
)
def test_relative_words_across_years(today, word, label):
    assert parse_period(word, today).label == label


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "2021-13",
        "2021-00",
        "2021Q5",
        "2021Q0",
        "2021-W54",
        "2021-W53",  # 2021 has only 52 ISO weeks
        "2021-W00",
        "2021H3",
        "0000",
        "1899",
        "2101-01",
        "2021-02-30",
        "next-month",
        "June",
        "2021-06-",
        "2021\n06",
        "21-06",
    ],
)
def test_bad_periods(text):
    with pytest.raises(InvalidValue) as err:
        parse_period(text, TODAY)
    assert err.value.field == "period"
    assert err.value.value == text
    assert "YYYY-MM" in err.value.accepted and "this-week" in err.value.accepted


@given(st.text())
def test_parse_period_only_raises_invalid_value(text):
    try:
        got = parse_period(text, TODAY)
    except InvalidValue:
        return
    assert got.start <= got.end


@given(st.from_regex(r"\A\d{4}(-?[QqHhWw]\d{1,2}|-\d{1,2}(-\d{1,2})?)?\Z"), st.dates())
def test_parse_period_on_period_like_text(text, today):
    try:
        got = parse_period(text, today)
    except InvalidValue:
        return
    assert got.start <= got.end
    assert parse_period(got.label, today) == got  # the label parses back to the same period


def test_period_contains_and_days():
    q2 = parse_period("2021Q2", TODAY)
    assert date(2021, 4, 1) in q2 and date(2021, 6, 30) in q2
    assert date(2021, 3, 31) not in q2 and date(2021, 7, 1) not in q2
    assert q2.days == 91
    assert parse_period("2020", TODAY).days == 366
    assert parse_period("2021-06-16", TODAY).days == 1
    assert parse_period("2021-W24", TODAY).days == 7


def test_month_quarter_week_of():
    assert month_of(date(2024, 2, 29)) == p("2024-02-01", "2024-02-29", "2024-02", "month")
    assert quarter_of(date(2021, 12, 31)) == p("2021-10-01", "2021-12-31", "2021Q4", "quarter")
    assert week_of(date(2021, 1, 3)) == p("2020-12-28", "2021-01-03", "2020-W53", "week")
    assert week_of(date(2021, 1, 4)).label == "2021-W01"


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2099, 12, 31)))
def test_windows_contain_their_day(d):
    for period in (month_of(d), quarter_of(d), week_of(d)):
        assert d in period
    assert week_of(d).start.weekday() == 0 and week_of(d).days == 7


def test_window_for_cadence():
    assert window_for("monthly", date(2021, 6, 16)).label == "2021-06"
    assert window_for("quarterly", date(2021, 6, 16)).label == "2021Q2"
    with pytest.raises(InvalidValue) as err:
        window_for("weekly", date(2021, 6, 16))
    assert err.value.field == "cadence"


@pytest.mark.parametrize(
    ("cadence", "d", "label"),
    [
        ("monthly", date(2021, 6, 16), "2021-05"),
        ("monthly", date(2021, 6, 1), "2021-05"),
        ("monthly", date(2021, 1, 31), "2020-12"),
        ("monthly", date(2021, 3, 1), "2021-02"),
        ("quarterly", date(2021, 6, 30), "2021Q1"),
        ("quarterly", date(2021, 1, 1), "2020Q4"),
    ],
)
def test_previous_window(cadence, d, label):
    assert previous_window(cadence, d).label == label


def test_month_ends_before():
    assert month_ends_before(date(2021, 3, 15), 3) == [
        date(2021, 2, 28),
        date(2021, 1, 31),
        date(2020, 12, 31),
    ]
    # a month-end counts itself
    assert month_ends_before(date(2020, 2, 29), 2) == [date(2020, 2, 29), date(2020, 1, 31)]
    assert month_ends_before(date(2020, 2, 28), 1) == [date(2020, 1, 31)]
    assert month_ends_before(date(2021, 6, 16), 0) == []
    with pytest.raises(InvalidValue):
        month_ends_before(date(2021, 6, 16), -1)


# --- parse_date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2021-06-16",
        "2021-6-16",
        "2021/6/16",
        "2021.6.16",
        "2021年6月16日",
        " 2021-06-16 ",
        "２０２１－０６－１６",
    ],
)
def test_parse_date_formats(text):
    assert parse_date(text) == date(2021, 6, 16)


def test_parse_date_leap_days():
    assert parse_date("2020-02-29") == date(2020, 2, 29)
    assert parse_date("2024年2月29日") == date(2024, 2, 29)
    assert parse_date("2000-02-29") == date(2000, 2, 29)
    for text in ("2021-02-29", "1900-02-29", "2100-02-29"):
        with pytest.raises(InvalidValue):
            parse_date(text)


def test_parse_date_year_range():
    assert parse_date("1900-01-01") == date(1900, 1, 1)
    assert parse_date("2100-12-31") == date(2100, 12, 31)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "2021-02-30",
        "2021-13-01",
        "2021-00-10",
        "2021-06-00",
        "1899-12-31",
        "2101-01-01",
        "0001-01-01",
        "2021-06",
        "2021-06/16",  # mixed separators
        "2021年6月16",
        "16/06/2021",
        "20210616",
        "2021-06-16x",
        "yesterday",
        "2021-06-16\n2021-06-17",
    ],
)
def test_parse_date_rejects(text):
    with pytest.raises(InvalidValue) as err:
        parse_date(text, field="due")
    assert err.value.field == "due"
    assert err.value.value == text
    # a well-formed date out of the years also says them (test below)
    assert err.value.accepted in ("a date YYYY-MM-DD", "a date YYYY-MM-DD from 1900 to 2100")


def test_parse_date_accepts_date_objects():
    from datetime import datetime

    assert parse_date(date(2021, 6, 16)) == date(2021, 6, 16)
    assert parse_date(datetime(2021, 6, 16, 8, 30)) == date(2021, 6, 16)
    with pytest.raises(InvalidValue):
        parse_date(date(1800, 1, 1))


@given(st.text())
def test_parse_date_only_raises_invalid_value(text):
    try:
        got = parse_date(text)
    except InvalidValue:
        return
    assert 1900 <= got.year <= 2100


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trips(d):
    assert parse_date(d.isoformat()) == d
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == d


@pytest.mark.parametrize(("text", "label"), [
    ("2021年6月", "2021-06"), ("２０２１年６月", "2021-06"), ("2021年12月", "2021-12"),
    ("2021年第2季度", "2021Q2"), ("2021年2季度", "2021Q2"), ("2021年第24周", "2021-W24"),
    ("2021年上半年", "2021H1"), ("2021年下半年", "2021H2"), ("2021年", "2021"),
    ("2021年度", "2021"),
])
def test_periods_written_in_chinese(text, label):
    assert parse_period(text, date(2021, 6, 16)).label == label


@pytest.mark.parametrize("text", ["2021年13月", "2021年第5季度", "2021年第54周", "2021年中",
                                  "年6月", "2021年6"])
def test_chinese_periods_out_of_range_are_refused(text):
    with pytest.raises(InvalidValue) as err:
        parse_period(text, date(2021, 6, 16))
    assert "2021年6月" in str(err.value)  # the message shows the Chinese forms too


@pytest.mark.parametrize("text", ["9999-12-31", "1899-12-31", "2101年1月1日"])
def test_a_well_formed_date_out_of_range_says_the_range(text):
    with pytest.raises(InvalidValue) as err:
        parse_date(text, "as_of")
    assert str(err.value).endswith("expected a date YYYY-MM-DD from 1900 to 2100")

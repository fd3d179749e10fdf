"""``deviation --chart``: a bar per project with its 序时进度 mark, pinned line by line."""

from __future__ import annotations

import pytest

from minsheng_cli.render.charts import (
    ansi,
    bar,
    cells,
    deviation_chart,
    fit,
    item_chart,
    layout,
    plain,
)
from tests.charts.helpers import assert_golden


def dev(code, name, actual, expected, light):
    return {"code": code, "name": name, "actual_pct": actual, "expected_pct": expected,
            "light": light}


ROWS = [
    dev("MS2021-09", "背街小巷综合整治", 86.67, 100.0, "red"),  # past due
    dev("MS2021-27", "新增城市公共停车泊位", 0.0, 35.29, "red"),  # no figure yet
    dev("MS2021-03", "新建改扩建普惠性幼儿园", 25.0, 45.75, "yellow"),
    dev("MS2021-21", "建设市危重孕产妇和新生儿救治中心", 35.0, 40.72, "green"),
    dev("MS2021-05", "学校食堂明厨亮灶", 62.5, 45.75, "green"),  # ahead: the mark sits in the bar
    dev("MS2021-26", "12345政务服务便民热线归并优化", 100.0, 92.27, "done"),
]


def test_bar_fills_in_eighths_with_the_mark_where_expected_stands():
    assert plain(bar(25.0, 50.0, 10, "green")) == "██▌░░┃░░░░"
    assert plain(bar(0.0, 0.0, 10, "red")) == "┃░░░░░░░░░"
    assert plain(bar(80.0, 30.0, 10, "green")) == "███┃████░░"  # ahead: over the fill
    assert plain(bar(100.0, 100.0, 10, "done")) == "█████████┃"
    assert plain(bar(130.0, 50.0, 10, "done")) == "█████┃████"  # over-delivered: full
    assert plain(bar(99.99, 10.0, 10, "green")) == "█┃████████"  # 9.999 cells round up


@pytest.mark.parametrize("width", [40, 60, 120])
def test_chinese_rows_at_fixed_widths(width):
    lines = deviation_chart(ROWS, width, "zh")
    assert_golden(f"deviation_zh_{width}", lines)
    assert all(cells(plain(line)) <= width for line in lines)


def test_english_rows_keep_codes_and_light_words():
    assert_golden("deviation_en_60", deviation_chart(ROWS, 60, "en"))


@pytest.mark.parametrize("width", range(40, 201, 8))
def test_every_width_from_40_to_200_fits(width):
    for lang in ("zh", "en"):
        lines = [plain(line) for line in deviation_chart(ROWS, width, lang)]
        assert all(cells(line) <= width for line in lines), (width, lang)
        bars = {line.index("┃") - line.index(" ", 10) for line in lines[1:-1]}
        assert len(lines) == len(ROWS) + 2 and bars


def test_the_name_is_cut_by_display_width():
    assert fit("新建改扩建普惠性幼儿园", 9) == "新建改扩…"
    assert cells(fit("新建改扩建普惠性幼儿园", 10)) == 10
    assert fit("A1 学校", 10) == "A1 学校   "


def test_layout_gives_the_bar_half_and_caps_it():
    assert layout(["x" * 30], 16, 40) == (11, 11)
    assert layout(["x" * 30], 16, 200) == (30, 50)  # the label needs no more; the bar caps
    assert layout(["ab"], 16, 60) == (2, 40)


def test_items_show_red_and_yellow_counts():
    rows = [{"item": "交通出行", "projects": 3, "red": 1, "yellow": 0, "actual_pct": 50.0,
             "expected_pct": 50.93},
            {"item": "教育提升", "projects": 4, "red": 0, "yellow": 1, "actual_pct": 33.33,
             "expected_pct": 41.0}]
    assert_golden("items_zh_60", item_chart(rows, 60, "zh"))


def test_colour_is_the_light_and_the_word_stays():
    line = deviation_chart(ROWS[:1], 60, "en")[1]
    assert "\x1b[1;31m█" in ansi(line) and ansi(line).endswith("\x1b[1;31mred\x1b[0m")
    assert plain(line).endswith(" red")

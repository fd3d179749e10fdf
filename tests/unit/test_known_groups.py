"""The hint for an unknown group names the likely ones first and says when it cuts."""

from __future__ import annotations

from minsheng_cli.services.register import known_groups

GROUPS = [f"第{n}组" for n in range(1, 13)] + ["高新区人大监督小组"]


def test_the_name_containing_what_was_typed_comes_first():
    hint = known_groups(GROUPS, "高新区")
    assert hint.startswith("known: 高新区人大监督小组, 第1组")
    assert hint.endswith(", … (13 in all: see `minsheng groups`)")
    assert hint.count(", ") == 12  # twelve names, then the count


def test_a_close_name_comes_first():
    assert known_groups(["东城区人大监督小组", "西城区人大监督小组"], "西城区人大监督组") == (
        "known: 西城区人大监督小组, 东城区人大监督小组")


def test_no_group_yet():
    assert known_groups([], "东城组") == "add one with `minsheng add-group`"


def test_of_the_names_containing_it_the_nearest_first():
    names = [f"第{n}组" for n in range(10, 16)] + ["第1组"]
    assert known_groups(names, "第1").startswith("known: 第1组, 第10组")

"""`issues --common` counts every open issue across projects: the list's filters would be
ignored there, so they are refused by name (exit 2), as is --min-projects without --common."""

from __future__ import annotations

import pytest

from tests.factories import SCHOOL


@pytest.mark.parametrize(("options", "named"), [
    (["--status", "open"], "--status"),
    (["--category", "quality"], "--category"),
    (["--department", "市教育局"], "--department"),
    (["--project", SCHOOL], "--project"),
    (["--overdue"], "--overdue"),
    (["--category", "质量", "--overdue"], "--category, --overdue"),
])
def test_common_refuses_the_list_filters(standard, options, named):
    result = standard("issues", "--common", *options, code=2)
    assert result.stdout == ""
    assert result.stderr == (f"minsheng: --common cannot be combined with {named} "
                             "(common issues count every open issue)\n")


def test_min_projects_needs_common(standard):
    result = standard("issues", "--min-projects", "1", code=2)
    assert result.stdout == ""
    assert result.stderr == "minsheng: --min-projects works only with --common\n"


def test_common_with_min_projects_still_lists(standard):
    rows = standard.json("issues", "--common", "--min-projects", "1")
    assert [(r["scope"], r["category"], r["codes"]) for r in rows] == [
        ("category", "quality", [SCHOOL]), ("category_department", "quality", [SCHOOL])]
    assert standard.json("issues", "--common") == []

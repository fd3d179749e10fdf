"""Messages go to stderr, and say what is accepted without echoing a whole essay back."""

from __future__ import annotations

import pytest

from minsheng_cli.domain import values
from minsheng_cli.domain.errors import InvalidValue
from tests.factories import SCHOOL, Cli, write_csv


@pytest.mark.parametrize("fmt", ["table", "markdown"])
@pytest.mark.parametrize(("lang", "message"), [("en", "Nothing is late."),
                                               ("zh", "没有逾期或滞后事项。")])
def test_nothing_late_is_a_message_on_stderr(cli, fmt, lang, message):
    result = Cli(cli.db, lang=lang)("overdue", "-f", fmt)
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == message


@pytest.mark.parametrize("target", ["-3", "0", "0.0"])
def test_a_target_must_be_greater_than_0(target):
    with pytest.raises(InvalidValue) as refused:
        values.parse_target(target)
    assert "expected a quantity greater than 0" in str(refused.value)
    assert "≥ 0" not in str(refused.value)


def test_an_imported_target_below_1_says_greater_than_0(cli, tmp_path):
    path = write_csv(tmp_path / "清单.csv", [["项目编号", "项目名称", "目标", "年度"],
                                           ["X1", "学校", "-3", "2021"],
                                           ["X2", "学校", "0", "2021"]])
    lines = cli("import", "projects", str(path), code=2).stderr.splitlines()
    assert lines[1:] == [
        "line 2, column 目标: '-3' is not valid; expected a quantity greater than 0, "
        "e.g. 5000 or 5,000",
        "line 3, column 目标: '0' is not valid; expected a quantity greater than 0, "
        "e.g. 5000 or 5,000",
    ]


def test_add_project_negative_target_says_greater_than_0(cli):
    result = cli("add-project", "X1", "学校", "--target", "-3", code=2)
    assert "expected a quantity greater than 0" in result.stderr


def test_a_huge_value_is_echoed_cut_with_its_length(standard):
    essay = "外墙渗水" + "渗" * 3992 + "整改到位。"  # 4,001 characters
    result = standard("flag", SCHOOL, "--category", "quality", "--text", essay, code=2)
    assert result.stderr == (
        f"minsheng: text: '外墙渗水{'渗' * 24}…{'渗' * 23}整改到位。' (4001 characters) is "
        "not valid; expected text of 1 to 4000 characters, without control characters\n"
    )


def test_a_long_value_keeps_its_escapes():
    error = InvalidValue("text", "a\x1c" + "b" * 100, "text without control characters")
    assert str(error).startswith("text: 'a\\x1c" + "b" * 26 + "…" + "b" * 28 + "' (102 ")


def test_a_short_value_is_echoed_whole():
    error = InvalidValue("date", "2021-13-40", "a date YYYY-MM-DD")
    assert str(error) == "date: '2021-13-40' is not valid; expected a date YYYY-MM-DD"


@pytest.mark.parametrize("args", [["deviation", "-f", "csv"], ["issues", "-f", "csv"],
                                  ["overdue", "-f", "csv"], ["log", "-f", "csv"]])
def test_a_format_against_the_file_ending_is_noted_once(standard, tmp_path, args):
    result = standard(*args, "-o", str(tmp_path / "out.json"))
    assert result.stderr.count("as --format says") == 1, result.stderr
    assert not (tmp_path / "out.json").read_text(encoding="utf-8-sig").startswith("{")


@pytest.mark.parametrize("args", [["verify"], ["info"], ["show", "MS2021-01"]])
def test_a_command_without_o_does_not_offer_xlsx(sample, args):
    result = sample(*args, "-f", "xlsx", code=2)
    assert "-o FILE" not in result.stderr
    assert result.stderr.strip().endswith("expected table | tsv | csv | json | jsonl | markdown")


def test_a_command_with_o_still_asks_for_it(sample):
    result = sample("deviation", "-f", "xlsx", code=2)
    assert "xlsx together with -o FILE" in result.stderr

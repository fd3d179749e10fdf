"""Hypothesis-driven bad input for the writing commands that tests/cli/test_properties.py
does not cover: ``plan``, ``add-group``, ``assign``, the five issue moves, ``config KEY
VALUE`` and ``import projects|visits|issues`` with fuzzed cells.

Whatever arrives — dates, numbers (full-width, superscript, Arabic-Indic digits),
enumerations, empty and huge text, control characters, mixed scripts — the command exits
0 or 2 and never raises; an accepted command writes what it says, a refused one writes
nothing at all and says why on stderr: one line for a single value, and for a
spreadsheet a first line naming the file followed by the lines at fault.
"""

from __future__ import annotations

import re
import shutil

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from minsheng_cli.domain import values
from minsheng_cli.domain.settings import SETTINGS as KNOWN_SETTINGS
from minsheng_cli.domain.workflow import allowed_moves
from tests.cli.test_properties import (
    DATES,
    HUGE_TEXT,
    MIXED,
    NUMBERS,
    PLAIN_TEXT,
    SOME_TEXT,
    TEXT,
    VALID_DATES,
    VALID_NUMBERS,
    maybe,
)
from tests.factories import (
    GRASSROOTS,
    HOTLINE,
    MUNICIPAL,
    SCHOOL,
    Cli,
    count,
    dump_register,
    standard_register,
    write_csv,
)

FUZZ = settings(max_examples=30, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def mostly(valid, bad, odds: int = 3):
    """``valid`` ``odds`` times as often as ``bad``: enough examples get through to be
    written, the rest probe the refusals."""
    # (one_of(valid, valid, bad) would not do: it drops the repeated branch)
    return st.integers(0, odds).flatmap(lambda n: valid if n else bad)


def words(choices):
    known = [w for code, ws in choices.items() for w in (code, *ws)]
    spelled = st.one_of(st.sampled_from(known), st.sampled_from(known).map(str.upper),
                        st.sampled_from(known).map(lambda w: f" {w}\t"))
    return mostly(spelled, SOME_TEXT)


ODD_DIGITS = st.sampled_from(["１２", "５.５", "²", "٣", "੩", "1_0", "1e1", "0x1F", " 7 ", "+3",
                              "-0", "00012", "9" * 30, "3.", ".5", "三", "NaN", "∞"])
NUMBERS_ETC = st.one_of(NUMBERS, ODD_DIGITS)
IDS = mostly(st.integers(1, 41).map(str),
             st.one_of(st.integers(-2, 45).map(str), ODD_DIGITS, SOME_TEXT))
NAMES = st.one_of(
    st.text(alphabet="东城区人大监督小组ABC 09·-（）", min_size=1, max_size=30), SOME_TEXT, MIXED,
    HUGE_TEXT, st.builds(lambda n: "组" * n, st.integers(95, 105)), st.just(""),
)
CODES = mostly(st.sampled_from([SCHOOL, HOTLINE]),
               st.one_of(st.sampled_from(["NOPE", "a1", " A1", "Ａ1", "A1\n"]), SOME_TEXT))
GROUP_NAMES = mostly(st.sampled_from([GRASSROOTS, MUNICIPAL]), NAMES)


def opt(name: str, value: str | None) -> list[str]:
    return [] if value is None else [f"--{name}={value}"]


# -- the register: built once, copied for each test -----------------------------------------

ISSUE_STATES = {  # issue ids (2…41; issue 1 is the standard register's) by status
    "open": range(2, 12), "transferred": range(12, 22), "responded": range(22, 32),
    "closed": range(32, 37), "withdrawn": range(37, 42),
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The standard register with forty issues found on 2021-03-01 in every status."""
    cli = Cli(tmp_path_factory.mktemp("fuzz") / "register.db")
    cli("init")
    standard_register(cli)
    for n in range(2, 42):
        assert cli.new_id("flag", SCHOOL if n % 2 else HOTLINE, "--category", "进度", "--text",
                          f"问题{n}", "--date", "2021-03-01") == n
    for n in range(12, 37):
        cli("issue", "transfer", str(n), "--date", "2021-03-02")
    for n in range(22, 37):
        cli("issue", "respond", str(n), "--note", "已整改", "--date", "2021-03-10")
    for n in range(32, 37):
        cli("issue", "close", str(n), "--date", "2021-03-20")
    for n in range(37, 42):
        cli("issue", "withdraw", str(n), "--reason", "重复", "--date", "2021-03-03")
    return cli


@pytest.fixture
def register(template, tmp_path) -> Cli:
    shutil.copyfile(template.db, tmp_path / "register.db")
    return Cli(tmp_path / "register.db")


# -- the one check every example passes -------------------------------------------------------


def attempt(cli: Cli, args: list[str], *, sheet: bool = False):
    """Run; exit 0 or 2, never an exception; a refusal says why and changes nothing."""
    before = dump_register(cli.db)
    result = cli.run(*args)
    if currently_in_test_context():  # pytest --hypothesis-show-statistics: how many got in
        event(f"exit {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    assert result.exit_code in (0, 2), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert result.stdout == ""
        assert lines and lines[0].startswith("minsheng: "), result.stderr
        if not sheet:
            assert len(lines) == 1, result.stderr
        assert dump_register(cli.db) == before
    return result, before


def grew(cli: Cli, before: dict, table: str) -> int:
    return count(cli.db, table) - len(before[table])


# -- plan, add-group, assign ------------------------------------------------------------------


@FUZZ
@given(code=CODES, day=mostly(VALID_DATES, DATES), pct=mostly(VALID_NUMBERS, NUMBERS_ETC))
def test_plan_takes_any_text(register, code, day, pct):
    result, before = attempt(register, ["plan", "--", code, day, pct])
    if result.exit_code == 0:
        assert grew(register, before, "plan_points") == 1


@FUZZ
@given(name=mostly(PLAIN_TEXT, NAMES), level=words(values.LEVEL),
       district=maybe(mostly(PLAIN_TEXT, TEXT)), members=maybe(mostly(PLAIN_TEXT, TEXT)))
def test_add_group_takes_any_text(register, name, level, district, members):
    args = ["add-group", f"--level={level}", *opt("district", district),
            *opt("members", members), "--", name]
    result, before = attempt(register, args)
    if result.exit_code == 0:
        assert grew(register, before, "supervision_groups") == 1
        assert int(result.stdout) == max(r[0] for r in dump_register(register.db)[
            "supervision_groups"])
        # a refusal that lists the known groups by name is still one line
        attempt(register, ["add-visit", SCHOOL, "-g", "无此小组"])


@FUZZ
@given(group=GROUP_NAMES,
       how=st.sampled_from(["codes", "all", "district", "codes+all", "none"]),
       codes=st.lists(CODES, min_size=1, max_size=3),
       district=mostly(st.sampled_from(["东城区", "西城区"]), TEXT))
def test_assign_takes_any_text(register, group, how, codes, district):
    args = ["assign", "--", group]
    if "codes" in how:
        args += codes
    if "all" in how:
        args.insert(1, "--all")
    if how == "district":
        args.insert(1, f"--district={district}")
    result, before = attempt(register, args)
    if result.exit_code == 0:
        added = int(re.search(r"assigned (\d+) project", result.stderr).group(1))
        assert grew(register, before, "assignments") == added


# -- the issue workflow ----------------------------------------------------------------------

MOVE_DATES = mostly(st.sampled_from(["2021-03-25", "2021-06-16", "2021-6-16", "2021年6月1日",
                                     "2021/05/31"]),
                   st.one_of(st.sampled_from(["2021-03-01", "2021-06-17", "2021-02-29"]), DATES))
MOVE_TEXT = mostly(PLAIN_TEXT, TEXT)


ACTIONS = ["transfer", "respond", "close", "reopen", "withdraw"]


@st.composite
def moves(draw):
    """Mostly a move the issue's starting status allows (earlier examples may have moved
    it on since), now and then any move."""
    issue = draw(st.integers(2, 41))
    status = next(s for s, ids in ISSUE_STATES.items() if issue in ids)
    allowed = allowed_moves(status) or ACTIONS
    action = draw(mostly(st.sampled_from(allowed), st.sampled_from(ACTIONS)))
    args = ["issue", action]
    args += opt("date", draw(maybe(MOVE_DATES)))
    if action in ("transfer", "reopen"):
        args += opt("days", draw(maybe(mostly(st.integers(1, 30).map(str), st.one_of(
            st.integers(-1, 300).map(str), NUMBERS_ETC)))))
        args += opt("deadline", draw(maybe(st.one_of(MOVE_DATES, st.just("2021-12-31")))))
        args += opt("note", draw(maybe(MOVE_TEXT)))
    if action == "transfer":
        args += opt("department", draw(maybe(MOVE_TEXT)))
    if action == "respond":
        args += opt("note", draw(MOVE_TEXT))
    if action == "close":
        args += opt("verdict", draw(maybe(words(values.VERDICT))))
        args += opt("note", draw(maybe(MOVE_TEXT)))
    if action == "withdraw":
        args += opt("reason", draw(MOVE_TEXT))
    if draw(st.integers(0, 9)) == 0:  # now and then an option this move does not take
        args += [draw(st.sampled_from(["--verdict=满意", "--days=5", "--reason=x", "--bogus"]))]
    return [*args, "--", draw(mostly(st.just(str(issue)), IDS))]


@FUZZ
@given(args=moves())
def test_issue_moves_take_any_text(register, args):
    result, before = attempt(register, args)
    if result.exit_code == 0:
        assert grew(register, before, "issue_events") == 1
        assert re.fullmatch(r"issue \d+: [a-z]+(, deadline \d{4}-\d\d-\d\d( \(\d+ working "
                            r"days\))?)?\n", result.stdout), result.stdout


# -- config ---------------------------------------------------------------------------------


@FUZZ
@given(key=mostly(st.sampled_from(list(KNOWN_SETTINGS)), SOME_TEXT),
       value=mostly(st.one_of(st.integers(0, 60).map(str), st.sampled_from(["days", "months"])),
                    st.one_of(NUMBERS_ETC, TEXT, st.sampled_from(
                        [" days", "DAYS", "100", "101", "250", "366", "12.5", "12.34567"]))))
def test_config_takes_any_text(register, key, value):
    result, before = attempt(register, ["config", "--", key, value])
    if result.exit_code == 0:
        assert grew(register, before, "settings") in (0, 1)
        shown = register.json("config", key)
        assert [row["value"] for row in shown] == [result.stderr.split(" = ")[1].split()[0]]


# -- spreadsheets ----------------------------------------------------------------------------

CELL = st.one_of(TEXT, NUMBERS_ETC, DATES, st.just(""))


def cell(valid):
    """A spreadsheet cell: mostly what the column wants, now and then anything at all."""
    return mostly(valid, CELL, odds=20)


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])


def sheet(cli: Cli, tmp_path_factory, rows: list[list[str]], encoding: str):
    path = tmp_path_factory.mktemp("sheet") / "sheet.csv"
    # A file holds no lone surrogates (st.characters() makes them): a clerk's would be "?".
    rows = [[c.encode("utf-8", "replace").decode("utf-8") for c in row] for row in rows]
    try:
        return write_csv(path, rows, encoding=encoding)
    except UnicodeEncodeError:  # not every text is GB18030: the clerk would save UTF-8
        return write_csv(path, rows)


def imported(cli: Cli, kind: str, path, table: str, rows: int) -> None:
    result, before = attempt(cli, ["import", kind, str(path)], sheet=True)
    if result.exit_code == 2:  # the first line names the file; any more, the lines at fault
        assert result.stderr.startswith(f"minsheng: {path.name}: "), result.stderr
        assert all(re.match(r"(line \d+|… and \d+ more)", line)
                   for line in result.stderr.splitlines()[1:]), result.stderr
    if result.exit_code == 0:
        assert grew(cli, before, table) == rows
        # the count, then any notes on the figures imported (services.figure_notes)
        _, *notes = result.stderr.split(f"imported {rows} {kind} row(s) from {path.name}\n")
        assert len(notes) == 1 and all(line.startswith("note: ")
                                       for line in notes[0].splitlines()), result.stderr


@FUZZ
@given(cells=st.lists(st.tuples(
    cell(st.just("X")), cell(PLAIN_TEXT), cell(st.sampled_from(["", "2021-01-01", "2021/3/1"])),
    cell(st.sampled_from(["", "2021-12-31", "2021年12月31日"])), cell(st.just("")),
    cell(st.just("")), cell(mostly(st.just(""), VALID_NUMBERS)),
    cell(st.sampled_from(["", "2021"]))), min_size=1, max_size=4),
    encoding=ENCODINGS, fresh=st.integers(0, 10**6))
def test_import_projects_takes_any_cells(register, tmp_path_factory, cells, encoding, fresh):
    header = ["项目编号", "项目名称", "开始日期", "完成时限", "目标数量", "单位", "计划投资",
              "年度"]
    # Codes unique within the register mostly (X<fresh>-<n>), and sometimes repeated.
    rows = [[f"{code}{fresh}-{n % 3}" if code == "X" else code, *rest]
            for n, (code, *rest) in enumerate(cells)]
    path = sheet(register, tmp_path_factory, [header, *rows], encoding)
    imported(register, "projects", path, "projects", len(rows))


@FUZZ
@given(cells=st.lists(st.tuples(
    cell(st.sampled_from([SCHOOL, HOTLINE])), cell(st.sampled_from([GRASSROOTS, MUNICIPAL])),
    cell(VALID_DATES), cell(mostly(st.just(""), words(values.METHOD))),
    cell(mostly(st.just(""), VALID_NUMBERS)), cell(st.just("")), cell(VALID_NUMBERS),
    cell(PLAIN_TEXT)), min_size=1, max_size=4), encoding=ENCODINGS)
def test_import_visits_takes_any_cells(register, tmp_path_factory, cells, encoding):
    header = ["项目编号", "监督小组", "日期", "方式", "观察进度", "观察完成数量", "观察完成投资",
              "发现问题"]
    path = sheet(register, tmp_path_factory, [header, *map(list, cells)], encoding)
    imported(register, "visits", path, "visits", len(cells))


VISIT_OF_ISSUE = mostly(st.just(("", "")), st.just((GRASSROOTS, "2021-06-01")), odds=2)


@FUZZ
@given(cells=st.lists(st.tuples(
    cell(st.sampled_from([SCHOOL, HOTLINE])), VISIT_OF_ISSUE, cell(words(values.CATEGORY)),
    cell(st.one_of(words(values.SEVERITY), st.just(""))), cell(PLAIN_TEXT),
    cell(mostly(st.sampled_from(["", "open", "待转办", "transferred", "已转办"]),
                words(values.ISSUE_STATUS))),
    cell(mostly(st.just(""), VALID_DATES))), min_size=1, max_size=4), encoding=ENCODINGS)
def test_import_issues_takes_any_cells(register, tmp_path_factory, cells, encoding):
    header = ["项目编号", "监督小组", "走访日期", "类别", "严重程度", "问题描述", "状态",
              "发现日期"]
    rows = [[code, *visit, *rest] for code, visit, *rest in cells]
    path = sheet(register, tmp_path_factory, [header, *rows], encoding)
    imported(register, "issues", path, "issues", len(rows))


# -- what these tests found, pinned ------------------------------------------------------------


def test_a_comma_file_whose_text_cells_hold_tabs_is_still_read_as_commas(register, tmp_path):
    path = tmp_path / "issues.csv"
    path.write_text("项目编号,类别,问题描述\nA1,质量,墙面\t渗水\t多处\t楼道\t外墙\n",
                    encoding="utf-8")
    register("import", "issues", str(path))
    assert register.json("issues")[-1]["text"] == "墙面\t渗水\t多处\t楼道\t外墙"


def test_a_tab_file_full_of_thousands_separators_is_still_read_as_tabs(register, tmp_path):
    path = tmp_path / "progress.tsv"
    path.write_text("项目编号\t完成百分比\t累计完成投资\t备注\t日期\n"
                    "A1\t40\t1,110\t甲,乙,丙,丁\t2021-06-01\n", encoding="utf-8")
    register("import", "progress", str(path))
    figure = register.json("show", SCHOOL)["progress"][-1]
    assert (figure["funds"], figure["note"]) == (1110, "甲,乙,丙,丁")


@pytest.mark.parametrize("name", ["东城\n小组", "东城\t小组"])
def test_group_names_are_on_one_line(register, tmp_path, name):
    result, _ = attempt(register, ["add-group", name, "--level", "基层"])
    assert result.exit_code == 2 and "on one line" in result.stderr
    sheet = write_csv(tmp_path / "groups.csv", [["名称", "层级"], [name, "基层"]])
    result, _ = attempt(register, ["import", "groups", str(sheet)], sheet=True)
    assert result.exit_code == 2 and "on one line" in result.stderr


def test_digits_that_int_cannot_read(register):
    attempt(register, ["config", "stale_days", "²"])  # isdigit() but not int(): no traceback
    register("projects", env={"MINSHENG_BUSY_TIMEOUT": "²"})  # ignored: the default applies

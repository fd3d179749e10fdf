"""Property tests: whatever text reaches the parsers through the CLI — dates, numbers,
enumerations, empty or huge text, control characters, mixed scripts — the command exits
0 or 2, never with a traceback, and a refused command writes nothing at all."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minsheng_cli.domain import values
from tests.factories import GRASSROOTS, HOTLINE, SCHOOL, Cli, count, dump_register, write_csv

SETTINGS = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

SOME_TEXT = st.text(max_size=24)
HUGE_TEXT = st.builds(lambda ch, n: ch * n, st.characters(), st.integers(3990, 4010))
MIXED = st.text(alphabet=st.sampled_from("序时进度Ab9 \t\n\x00\x1b\u200b\u202eé،ñ😀％５．"),
                max_size=16)
PLAIN_TEXT = st.text(alphabet="序时进度问题整改资金到位施工AZaz09 、，", min_size=1, max_size=20)
TEXT = st.one_of(PLAIN_TEXT, PLAIN_TEXT, SOME_TEXT, MIXED, HUGE_TEXT, st.just(""),
                 st.just("  "))

VALID_DATES = st.dates(date(2021, 1, 1), date(2021, 6, 16)).map(str)
DATES = st.one_of(
    VALID_DATES,
    VALID_DATES,
    st.dates().map(str),
    st.from_regex(r"20\d\d-[01]?\d-[0-3]?\d", fullmatch=True),
    st.sampled_from(["2021-02-30", "2021-06-16", "2021-06-17", "2021/6/1", "2021年6月1日",
                     "20210601", "0000-00-00", "９９９９-01-01", ""]),
    SOME_TEXT,
)
VALID_NUMBERS = st.one_of(st.integers(0, 100).map(str),
                          st.decimals(0, 100, places=2).map(str))
NUMBERS = st.one_of(
    VALID_NUMBERS,
    VALID_NUMBERS,
    st.floats().map(str),
    st.integers(-10**30, 10**30).map(str),
    st.from_regex(r"[-+]?[\d,]{0,9}(\.\d{0,4})?%?", fullmatch=True),
    st.text(alphabet="0123456789.,%-+eE _％５．", max_size=10),
    SOME_TEXT,
)


def words(choices):
    known = [w for code, ws in choices.items() for w in (code, *ws)]
    return st.one_of(st.sampled_from(known), SOME_TEXT)


def options(**chosen) -> list[str]:
    """``--name=value`` pairs for the values drawn (None: option left out)."""
    return [f"--{k.replace('_', '-')}={v}" for k, v in chosen.items() if v is not None]


def maybe(strategy):
    """Mostly left out, so that a fair share of examples is accepted and written."""
    return st.one_of(st.none(), st.none(), st.none(), strategy)


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    from tests.factories import standard_register

    cli = Cli(tmp_path_factory.mktemp("props") / "register.db")
    cli("init")
    return standard_register(cli)


def check(cli: Cli, args: list[str], table: str) -> None:
    """Exit 0 adds one row to ``table``; exit 2 is one line and changes nothing."""
    before, rows = dump_register(cli.db), count(cli.db, table)
    result = cli.run(*args)
    assert result.exit_code in (0, 2), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    if result.exit_code == 0:
        assert count(cli.db, table) == rows + 1
    else:
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert dump_register(cli.db) == before


@SETTINGS
@given(day=maybe(DATES), pct=maybe(NUMBERS), done=maybe(NUMBERS), funds=maybe(NUMBERS),
       method=maybe(words(values.METHOD)), finding=maybe(TEXT), visitors=maybe(TEXT),
       code=st.sampled_from([SCHOOL, HOTLINE]))
def test_add_visit_takes_any_text(register, day, pct, done, funds, method, finding, visitors,
                                  code):
    args = ["add-visit", code, "-g", GRASSROOTS, *options(
        date=day, pct=pct, done=done, funds=funds, method=method, finding=finding,
        visitors=visitors)]
    check(register, args, "visits")


@SETTINGS
@given(figure=st.sampled_from(["pct", "done"]), number=NUMBERS, other=maybe(NUMBERS),
       day=maybe(DATES), funds=maybe(NUMBERS), note=maybe(TEXT),
       code=st.sampled_from([SCHOOL, SCHOOL, HOTLINE, "NOPE"]))
def test_progress_takes_any_text(register, figure, number, other, day, funds, note, code):
    args = ["progress", code, f"--{figure}={number}", *options(
        date=day, funds=funds, note=note, **{"pct" if figure == "done" else "done": other})]
    check(register, args, "progress")


@SETTINGS
@given(category=words(values.CATEGORY), text=TEXT, severity=maybe(words(values.SEVERITY)),
       day=maybe(DATES), visit=maybe(st.one_of(st.integers(-2, 3).map(str), SOME_TEXT)),
       department=maybe(TEXT))
def test_flag_takes_any_text(register, category, text, severity, day, visit, department):
    args = ["flag", SCHOOL, *options(category=category, text=text, severity=severity,
                                     date=day, visit=visit, department=department)]
    check(register, args, "issues")


@SETTINGS
@given(code=st.one_of(st.text(alphabet=string.ascii_letters + string.digits + "-_./中",
                              max_size=42), SOME_TEXT),
       name=TEXT, target=maybe(NUMBERS), unit=maybe(TEXT), budget=maybe(NUMBERS),
       start=maybe(DATES), due=maybe(DATES), year=maybe(st.one_of(NUMBERS, st.just("2021"))))
def test_add_project_takes_any_text(register, code, name, target, unit, budget, start, due,
                                    year):
    args = ["add-project", *options(target=target, unit=unit, budget=budget, start=start,
                                    due=due, year=year), "--", code, name]
    check(register, args, "projects")


CELL = st.one_of(SOME_TEXT, NUMBERS, DATES, st.just(""))


@SETTINGS
@given(cells=st.lists(st.tuples(CELL, CELL, CELL, CELL), min_size=1, max_size=4))
def test_import_progress_takes_any_cells(register, tmp_path_factory, cells):
    rows = [[SCHOOL, day, pct, funds] if i % 2 else [HOTLINE, day, pct, note]
            for i, (day, pct, funds, note) in enumerate(cells)]
    path = tmp_path_factory.mktemp("sheet") / "p.csv"
    write_csv(path, [["项目编号", "日期", "完成百分比", "累计完成投资"], *rows])
    before, progress = dump_register(register.db), count(register.db, "progress")
    result = register.run("import", "progress", str(path))
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 0:
        assert count(register.db, "progress") == progress + len(rows)
    else:
        assert dump_register(register.db) == before

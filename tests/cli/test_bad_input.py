"""Refused cleanly: every bad input exits 2 with one line on stderr that names the field
and the value, writes nothing to stdout, and leaves the register exactly as it was."""

from __future__ import annotations

import pytest

from tests.factories import GRASSROOTS, HOTLINE, SCHOOL, dump_register

G = ("-g", GRASSROOTS)
LONG = "长" * 100
TOO_LONG = ("file name too long", "bytes, where 255 is the most")

# (arguments, words the one-line message must contain: the field and the value)
BAD = {
    # unknown project, group, visit
    "unknown project": (("show", "NOPE"), ("project", "NOPE")),
    "progress unknown project": (("progress", "NOPE", "--pct", "5"), ("project", "NOPE")),
    "visit unknown project": (("add-visit", "NOPE", *G), ("project", "NOPE")),
    "flag unknown project": (("flag", "NOPE", "--category", "quality", "--text", "x"),
                             ("project", "NOPE")),
    "plan unknown project": (("plan", "NOPE", "2021-03-31", "10"), ("project", "NOPE")),
    "assign unknown project": (("assign", GRASSROOTS, SCHOOL, "NOPE"), ("project", "NOPE")),
    "issues unknown project": (("issues", "--project", "NOPE"), ("project", "NOPE")),
    "visits unknown project": (("visits", "--project", "NOPE"), ("project", "NOPE")),
    "log unknown project": (("log", "--project", "NOPE"), ("project", "NOPE")),
    "log unknown issue": (("log", "--issue", "999"), ("issue", "999")),
    "unknown group": (("add-visit", SCHOOL, "-g", "无此小组"), ("group", "无此小组")),
    "assign unknown group": (("assign", "无此小组", SCHOOL), ("group", "无此小组")),
    "visits unknown group": (("visits", "--group", "无此小组"), ("group", "无此小组")),
    "flag unknown group": (("flag", SCHOOL, "--category", "quality", "--text", "x", "-g", "无"),
                           ("group", "无")),
    "unknown visit": (("flag", SCHOOL, "--category", "quality", "--text", "x", "--visit", "99"),
                      ("visit", "99")),
    "visit of another project": (("flag", HOTLINE, "--category", "quality", "--text", "x",
                                  "--visit", "1"), ("visit", "1")),
    "visit id not a number": (("flag", SCHOOL, "--category", "quality", "--text", "x",
                               "--visit", "abc"), ("visit", "abc")),
    "district with no project": (("assign", GRASSROOTS, "--district", "火星"),
                                 ("district", "火星")),
    # impossible or future dates
    "progress 2021-02-30": (("progress", SCHOOL, "--pct", "5", "--date", "2021-02-30"),
                            ("date", "2021-02-30")),
    "visit 2021-02-30": (("add-visit", SCHOOL, *G, "--date", "2021-02-30"),
                         ("date", "2021-02-30")),
    "plan 2021-02-30": (("plan", SCHOOL, "2021-02-30", "10"), ("date", "2021-02-30")),
    "start 2021-02-30": (("add-project", "X9", "x", "--start", "2021-02-30"),
                         ("start", "2021-02-30")),
    "due not a date": (("add-project", "X9", "x", "--due", "年底"), ("due", "年底")),
    "visit after today": (("add-visit", SCHOOL, *G, "--date", "2021-06-17"),
                          ("date", "2021-06-17")),
    "progress after today": (("progress", SCHOOL, "--pct", "5", "--date", "2021-07-01"),
                             ("date", "2021-07-01")),
    "flag after today": (("flag", SCHOOL, "--category", "quality", "--text", "x",
                          "--date", "2021-06-17"), ("date", "2021-06-17")),
    "flag before the start": (("flag", SCHOOL, "--category", "quality", "--text", "x",
                               "--date", "1900-01-01"), ("date", "1900-01-01", "start")),
    "plan below 100 on the due date": (("plan", SCHOOL, "2021-12-31", "50"),
                                       ("pct", "50", "100 on the due date")),
    "plan outside the project": (("plan", SCHOOL, "2022-01-15", "10"), ("date", "2022-01-15")),
    "start after due": (("add-project", "X9", "x", "--start", "2021-07-01", "--due",
                         "2021-06-01"), ("start", "2021-07-01")),
    "year out of range": (("add-project", "X9", "x", "--year", "20211"), ("year", "20211")),
    "year not a number": (("projects", "--year", "二〇二一"), ("year", "二〇二一")),
    # quantities, money and percentages
    "negative done": (("progress", SCHOOL, "--done", "-1"), ("done", "-1")),
    "non-numeric done": (("progress", SCHOOL, "--done", "三"), ("done", "三")),
    "visit negative done": (("add-visit", SCHOOL, *G, "--done", "-4"), ("done", "-4")),
    "negative funds": (("progress", SCHOOL, "--pct", "5", "--funds", "-5"), ("funds", "-5")),
    "funds in words": (("progress", SCHOOL, "--pct", "5", "--funds", "1万"), ("funds", "1万")),
    "negative target": (("add-project", "X9", "x", "--target", "-5"), ("target", "-5")),
    "zero target": (("add-project", "X9", "x", "--target", "0"), ("target", "0")),
    "bad budget": (("add-project", "X9", "x", "--budget", "1,00"), ("budget", "1,00")),
    "nan": (("progress", SCHOOL, "--pct", "nan"), ("pct", "nan")),
    "pct 101": (("progress", SCHOOL, "--pct", "101"), ("pct", "101")),
    "pct -1": (("progress", SCHOOL, "--pct", "-1"), ("pct", "-1")),
    "pct words": (("progress", SCHOOL, "--pct", "过半"), ("pct", "过半")),
    "visit pct 101": (("add-visit", SCHOOL, *G, "--pct", "101"), ("pct", "101")),
    "plan pct 101": (("plan", SCHOOL, "2021-06-30", "101"), ("pct", "101")),
    "pct and done": (("progress", SCHOOL, "--pct", "5", "--done", "1"), ("pct", "5")),
    "no figure": (("progress", SCHOOL), ("pct",)),
    "done without target": (("progress", HOTLINE, "--done", "3"), ("done", "3", HOTLINE)),
    "visit done without target": (("add-visit", HOTLINE, *G, "--done", "3"), ("done", "3")),
    "unit without target": (("add-project", "X9", "x", "--unit", "个"), ("unit", "个")),
    # duplicates and empty text
    "duplicate code": (("add-project", SCHOOL, "重复"), ("project", SCHOOL)),
    "duplicate group": (("add-group", GRASSROOTS, "--level", "基层"), ("group", GRASSROOTS)),
    "bad code": (("add-project", "A 1", "x"), ("code", "A 1")),
    "empty name": (("add-project", "X9", ""), ("name", "''")),
    "blank name": (("add-project", "X9", "   "), ("name", "'   '")),
    "empty text": (("flag", SCHOOL, "--category", "quality", "--text", ""), ("text", "''")),
    "control character": (("flag", SCHOOL, "--category", "quality", "--text", "a\x07b"),
                          ("text",)),
    "huge text": (("flag", SCHOOL, "--category", "quality", "--text", "长" * 4001), ("text",)),
    "empty note": (("progress", SCHOOL, "--pct", "5", "--note", " "), ("note",)),
    "empty group name": (("add-group", "", "--level", "基层"), ("name", "''")),
    "empty visitors": (("add-visit", SCHOOL, *G, "--visitors", ""), ("visitors", "''")),
    "missing photo": (("add-visit", SCHOOL, *G, "--photo", "/no/such/photo.jpg"),
                      ("photo", "/no/such/photo.jpg")),
    # enumerations, formats, periods, languages
    "unknown category": (("flag", SCHOOL, "--category", "天气", "--text", "x"),
                         ("category", "天气", "schedule")),
    "unknown level": (("add-group", "新组", "--level", "区级"), ("level", "区级", "grassroots")),
    "unknown severity": (("flag", SCHOOL, "--category", "quality", "--text", "x",
                          "--severity", "紧急"), ("severity", "紧急", "major")),
    "unknown method": (("add-visit", SCHOOL, *G, "--method", "电话"), ("method", "电话", "site")),
    "unknown status": (("issues", "--status", "done"), ("status", "done", "closed")),
    "empty light": (("deviation", "--light", ""), ("light", "''", "green")),
    "no light": (("deviation", "--light", ", "), ("light", "', '", "green")),
    "issues unknown category": (("issues", "--category", "x"), ("category", "'x'")),
    "unknown format": (("projects", "-f", "xml"), ("format", "xml", "json")),
    "empty output": (("projects", "-o", ""), ("output", "''", "a file name")),
    "format on show": (("show", SCHOOL, "--format", "yaml"), ("format", "yaml")),
    "bad period": (("visits", "--period", "2021-13"), ("period", "2021-13")),
    "period words": (("visits", "--period", "上个月"), ("period", "上个月")),
    "bad lang": (("--lang", "fr", "projects"), ("lang", "fr", "zh or en")),
    "bad lang env": (("projects",), ("MINSHENG_LANG", "klingon")),
    "bad by": (("--by", "a\x01b", "progress", SCHOOL, "--pct", "5"), ("by",)),
    "empty by": (("--by", "", "progress", SCHOOL, "--pct", "5"), ("by", "''")),
    "blank by": (("--by", "  ", "progress", SCHOOL, "--pct", "5"), ("by", "'  '")),
    "bad today": (("progress", SCHOOL, "--pct", "5"), ("MINSHENG_TODAY", "2021-02-30")),
    # usage errors from the parser
    "unknown option": (("projects", "--bogus"), ("--bogus",)),
    "missing group": (("add-visit", SCHOOL), ("--group",)),
    "missing argument": (("plan", SCHOOL, "2021-06-30"), ("PCT",)),
    "log issue too large": (("log", "--issue", "99999999999999999999"), ("--issue",)),
    "common min too large": (("issues", "--common", "--min-projects", "99999999999999999999"),
                             ("--min-projects",)),
    "not utf-8": (("show", "A\udcff"), ("A\\xff", "UTF-8")),
    # a name longer than the system takes: 100 Chinese characters are 300 bytes
    "long -o name": (("projects", "-o", f"{LONG}.csv"), TOO_LONG),
    "long import name": (("import", "projects", f"{LONG}.csv"), TOO_LONG),
    "long photo name": (("add-visit", SCHOOL, *G, "--photo", f"{LONG}.jpg"), TOO_LONG),
    "long backup name": (("backup", f"{LONG}.db"), TOO_LONG),
    "long folder name": (("export", "-o", f"{LONG}/x"), TOO_LONG),
}

ENV = {
    "bad lang env": {"MINSHENG_LANG": "klingon"},
    "bad today": {"MINSHENG_TODAY": "2021-02-30"},
}


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """The standard register, built once; every case must leave it unchanged."""
    from tests.factories import Cli, standard_register

    cli = Cli(tmp_path_factory.mktemp("bad") / "register.db")
    cli("init")
    standard_register(cli)
    return cli, dump_register(cli.db)


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exits_2_with_one_line_and_changes_nothing(register, case):
    cli, before = register
    args, words = BAD[case]
    result = cli(*args, code=2, env=ENV.get(case))
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("minsheng: ")
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert dump_register(cli.db) == before


def test_enumerations_accept_the_chinese_word_or_the_code(cli):
    from tests.factories import standard_register

    standard_register(cli)
    for category in ("schedule", "序时进度", "进度", "SCHEDULE"):
        cli("flag", SCHOOL, "--category", category, "--text", "进度滞后")
    assert {i["category"] for i in cli.json("issues", "--category", "进度")} == {"schedule"}


@pytest.mark.parametrize("command", [("init",), ("info",), ("init", "--sample")])
def test_a_register_name_too_long_is_refused_in_one_line(blank, command):
    result = blank("--db", f"{LONG}.db", *command, code=2)
    assert result.stderr.splitlines() == [
        f"minsheng: '{LONG[:30]}…{LONG[-17:]}.db': file name too long (a part of 303 bytes,"
        " where 255 is the most); use a shorter one"]

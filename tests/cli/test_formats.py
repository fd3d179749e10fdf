"""Reading the register back: every listing in every format, labels in both languages."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.factories import SCHOOL, Cli

LISTINGS = [("projects",), ("groups",), ("visits",), ("issues",), ("info",)]
FORMATS = ["table", "tsv", "csv", "json", "jsonl", "markdown"]
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda a: a[0])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_listing_in_every_format(standard, listing, fmt):
    result = standard(*listing, "-f", fmt)
    assert result.stdout.endswith("\n") and result.stderr == ""
    if fmt == "json":
        data = json.loads(result.stdout)
        keys = data[0] if isinstance(data, list) else data
        assert all(SNAKE.match(k) for k in keys)
    if fmt == "jsonl":
        for line in result.stdout.splitlines():
            assert all(SNAKE.match(k) for k in json.loads(line))


@pytest.mark.parametrize("listing", LISTINGS[:4], ids=lambda a: a[0])
def test_piped_default_is_tsv_with_a_header_line(standard, listing):
    default = standard(*listing).stdout
    assert default == standard(*listing, "-f", "tsv").stdout
    header = default.splitlines()[0].split("\t")
    assert all(SNAKE.match(k) for k in header)


def test_json_keeps_chinese_unescaped_and_numbers_as_numbers(standard):
    text = standard("projects", "-f", "json").stdout
    assert "新建改扩建中小学" in text and "\\u" not in text
    row = json.loads(text)[0]
    assert isinstance(row["target"], int) and isinstance(row["year"], int)
    assert row["partners"] == "市财政局" and json.loads(text)[1]["target"] is None


def test_tsv_and_csv_carry_codes_not_words_whatever_the_language(standard):
    zh = Cli(standard.db, lang="zh")
    assert zh("issues").stdout == standard("issues").stdout
    assert "quality" in zh("issues", "-f", "csv").stdout
    assert "建设质量" in zh("issues", "-f", "table").stdout


def test_tsv_keeps_one_record_per_line(cli):
    cli("add-project", "T1", "多行\n名称\t带制表符")
    rows = cli("projects").stdout.splitlines()
    assert len(rows) == 2 and rows[1].split("\t")[3] == "多行 名称 带制表符"


def test_csv_neutralises_formulas_for_excel(cli):
    cli("add-project", "T1", "=HYPERLINK(\"x\")", "--department", "@市教育局")
    row = next(csv.DictReader(io.StringIO(cli("projects", "-f", "csv").stdout)))
    assert row["name"] == "'=HYPERLINK(\"x\")" and row["department"] == "'@市教育局"


def test_markdown_aligns_chinese_columns(standard):
    out = Cli(standard.db, lang="zh")("projects", "-f", "markdown").stdout
    from wcwidth import wcswidth

    widths = {wcswidth(line) for line in out.splitlines()}
    assert len(widths) == 1, out


def test_table_aligns_chinese_columns(standard):
    from wcwidth import wcswidth

    out = Cli(standard.db, lang="zh")("visits", "-f", "table").stdout
    assert "东城区人大监督小组" in out and "观察进度(%)" in out
    assert len({wcswidth(line) for line in out.splitlines()}) == 1, out


def test_table_never_cuts_chinese_when_piped(cli):
    long_name = "在老城片区新增公共停车泊位三千个并建设智慧停车管理平台" * 2
    cli("add-project", "T1", long_name, "--department", "市城管局、市公安局交警支队")
    out = cli("projects", "-f", "table").stdout
    assert long_name in out and "…" not in out


@pytest.mark.parametrize(
    ("option", "env", "label"),
    [
        (("--lang", "zh"), {}, "项目名称"),
        (("--lang", "en"), {"MINSHENG_LANG": "zh"}, "name"),
        ((), {"MINSHENG_LANG": "zh_CN.UTF-8"}, "项目名称"),
        ((), {"MINSHENG_LANG": None, "LANG": "zh_CN.UTF-8"}, "项目名称"),
        ((), {"MINSHENG_LANG": None, "LC_ALL": "en_US.UTF-8", "LANG": "zh_CN"}, "name"),
        ((), {"MINSHENG_LANG": None}, "name"),
    ],
)
def test_language_from_option_env_or_locale(standard, option, env, label):
    out = standard(*option, "projects", "-f", "markdown", env=env).stdout
    assert out.splitlines()[0].split("|")[4].strip() == label


def test_scripted_session_reads_back_what_was_typed(cli, tmp_path):
    """A clerk's day: the list, a group, a visit with a finding, an issue — then a script
    reads it all back as JSON and TSV."""
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8")
    cli("add-project", "MS2021-08", "老旧小区改造", "--item", "城市更新", "--department",
        "市住建局", "--district", "南湖区", "--target", "150", "--unit", "个",
        "--budget", "45,000", "--due", "2021-11-30")
    cli("add-group", "南湖区人大监督小组", "--level", "基层", "--district", "南湖区")
    cli("assign", "南湖区人大监督小组", "MS2021-08")
    cli("progress", "MS2021-08", "--done", "60", "--funds", "12000", "--date", "2021-05-31")
    visit = cli.new_id("add-visit", "MS2021-08", "-g", "南湖区人大监督小组", "--done", "66",
                       "--visitors", "徐某、孙某", "--method", "暗访", "--finding",
                       "3个小区管网改造未按期开工", "--photo", str(photo))
    issue = cli.new_id("flag", "MS2021-08", "--category", "序时进度", "--text",
                       "3个小区管网改造未按期开工", "--visit", str(visit), "--severity", "重大")
    [project] = cli.json("projects")
    assert (project["target"], project["budget"], project["due"]) == (150, 45000, "2021-11-30")
    [row] = cli.tsv("visits")
    assert (row["id"], row["observed_pct"], row["method"], row["photos"]) == (
        str(visit), "44", "unannounced", "1")
    [found] = cli.json("issues")
    assert (found["id"], found["category"], found["severity"], found["group"]) == (
        issue, "schedule", "major", "南湖区人大监督小组")
    card = cli.json("show", "MS2021-08")
    assert [p["pct"] for p in card["progress"]] == [40, 44]
    assert card["visits"][0]["photos"] == [str(photo)]
    assert cli.tsv("show", SCHOOL.replace("A1", "MS2021-08"))[0] == {"key": "code",
                                                                      "value": "MS2021-08"}


@pytest.mark.parametrize("argv", [("log",), ("issues",), ("deviation",), ("overdue",),
                                  ("checklist",), ("transfer-list",), ("projects",)],
                         ids=lambda a: a[0])
def test_an_unknown_format_is_refused_before_the_register_is_read(blank, argv):
    # The register does not even exist: the format is refused first (exit 2, one line),
    # not after seconds of work over a large register.
    result = blank(*argv, "-f", "xx", code=2)
    assert result.stderr.startswith("minsheng: format: 'xx' is not valid")
    assert result.stderr.count("\n") == 1 and not blank.db.exists()


@pytest.mark.parametrize("argv", [("issues", "-o", "x.foo"), ("log", "-f", "xlsx"),
                                  ("projects", "-o", "no-such-folder/x.csv"),
                                  ("visits", "-f", "html", "-o", "x.html")],
                         ids=lambda a: " ".join(a))
def test_an_impossible_output_is_refused_before_the_register_is_read(blank, argv):
    # -o and --format together (an unknown ending, xlsx without a file, a missing folder,
    # html where the command prints none): refused before any work, the register untouched
    # (here it does not exist, and is not created).
    result = blank(*argv, code=2)
    assert result.stderr.startswith(("minsheng: output: ", "minsheng: format: "))
    assert result.stderr.count("\n") == 1 and not blank.db.exists()


@pytest.mark.parametrize("args", [["verify"], ["info"], ["show", SCHOOL]])
def test_jsonl_of_one_document_is_one_line(standard, args):
    out = standard(*args, "-f", "jsonl").stdout
    assert out.count("\n") == 1, out
    assert isinstance(json.loads(out), dict)

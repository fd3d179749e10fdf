"""`minsheng publish`: the files, the numbers, escaping, what is public, the folder rules.

The browser's view of the site is in test_browser.py; these read the files themselves.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from minsheng_cli.render.site import page_names
from tests.factories import GRASSROOTS, SCHOOL, Cli, add_school

# Text that must never reach the public site, put where a clerk would type it.
SECRETS = {
    "visitor": "甄秘密",
    "members": "贾保密",
    "clerk": "录入员钱某",
    "progress_note": "内部备注XYZ",
    "suggestion": "内部建议ABC",
    "leader": "分管领导孙某",
    "issue_note": "转办备注QRS",
}


def site_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
                     if p.is_file())


def publish(run, folder: Path, *extra: str, code: int = 0):
    return run("publish", "-o", str(folder), "--as-of", "2021-06-16", *extra, code=code)


@pytest.fixture
def secretive(cli):
    """A register where every private field holds a name that must not go out."""
    clerk = {"MINSHENG_USER": SECRETS["clerk"]}
    add_school(cli, "S1", **{"--leader": SECRETS["leader"]})
    cli("add-group", GRASSROOTS, "--level", "基层", "--members", SECRETS["members"], env=clerk)
    cli("progress", "S1", "--pct", "30", "--date", "2021-05-31",
        "--note", SECRETS["progress_note"], env=clerk)
    cli("add-visit", "S1", "-g", GRASSROOTS, "--date", "2021-06-01", "--pct", "35",
        "--visitors", SECRETS["visitor"], "--finding", "围挡破损，存在安全隐患",
        "--suggestion", SECRETS["suggestion"], env=clerk)
    cli("flag", "S1", "--category", "安全", "--text", "围挡破损", "--visit", "1", env=clerk)
    cli("issue", "transfer", "1", "--note", SECRETS["issue_note"], env=clerk)
    return cli


def test_the_sample_becomes_an_index_and_a_page_per_project(sample, tmp_path):
    out = tmp_path / "site"
    result = publish(sample, out)
    assert result.stdout == ""
    assert result.stderr.startswith(f"as of 2021-06-16: wrote 29 files to {out}")
    assert sorted(p.name for p in out.iterdir()) == [".minsheng-site", "index.html", "p",
                                                     "site.css"]
    assert len(list((out / "p").glob("*.html"))) == 27
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count('<li class="project"') == 27
    assert index.count('<section class="item"') == 10
    # without JavaScript every project is listed and the filters stay hidden
    assert '<form class="filters" id="filters" hidden>' in index
    assert '<a class="name" href="p/MS2021-01.html">新建改扩建中小学</a>' in index
    marker = json.loads((out / ".minsheng-site").read_text(encoding="utf-8"))
    assert marker["as_of"] == "2021-06-16" and len(marker["files"]) == 29


def test_bars_carry_the_deviation_reports_numbers(sample, tmp_path):
    publish(sample, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    bars = dict(re.findall(r'data-light="(\w+)"><a class="name" href="p/([^"]+)\.html"',
                           index)[i][::-1] for i in range(27))
    rows = sample.json("deviation", "--as-of", "2021-06-16")
    assert bars == {r["code"]: r["light"] for r in rows}
    for row in rows:  # JSON rounds to 0.01, the page to 0.1
        page = (tmp_path / "site" / "p" / f"{row['code']}.html").read_text(encoding="utf-8")
        light = row["light"]
        fill, mark = re.search(rf'class="fill light-{light}" style="width:([\d.]+)%"></span>'
                               r'<span class="mark" style="left:([\d.]+)%"', page).groups()
        assert float(fill) == pytest.approx(min(row["actual_pct"], 100), abs=0.051)
        assert float(mark) == pytest.approx(min(row["expected_pct"], 100), abs=0.051)


def test_a_project_page_has_curve_funds_visits_issues_and_finding(standard, tmp_path):
    zh = Cli(standard.db, lang="zh")
    publish(zh, tmp_path / "site")
    page = (tmp_path / "site" / "p" / f"{SCHOOL}.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    assert re.search(r'<svg viewBox="0 0 360 220" role="img"', page)
    assert '<polyline class="plan"' in page and '<polyline class="actual"' in page
    # the plan line runs from (start − 1, 0) to (due, 100)
    assert "<dt>牵头单位</dt><dd>市教育局</dd>" in page
    assert "<dt>目标</dt><dd>10所</dd>" in page
    assert "累计完成投资 300 万元，计划投资 1,000 万元" in page
    assert "<p>实地查看 1 次</p>" in page
    assert '<tr><td>待转办</td><td class="n">1</td></tr>' in page
    assert "<blockquote>外墙渗水</blockquote>" in page
    assert 'href="../site.css"' in page and 'href="../index.html"' in page


def test_names_are_escaped_everywhere(cli, tmp_path):
    nasty = '<script>alert("x")</script> & <u>'
    cli("add-project", "X/1.", nasty, "--item", '"件"<s>', "--district", "a&b",
        "--start", "2021-01-01", "--due", "2021-12-31")
    publish(cli, tmp_path / "site")
    text = site_text(tmp_path / "site")
    assert nasty not in text and "<u>" not in text and "<s>" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;u&gt;" in text
    assert 'data-district="a&amp;b"' in text
    [page] = (tmp_path / "site" / "p").iterdir()
    assert re.fullmatch(r"X_1-[0-9a-f]{10}\.html", page.name)


def test_no_external_url_anywhere(sample, tmp_path):
    publish(sample, tmp_path / "site")
    text = site_text(tmp_path / "site")
    assert "http:" not in text and "https:" not in text and "//" not in text.replace(
        "<!doctype", "")
    assert re.findall(r'(?:href|src)="([^"]+)"', text)  # links exist, and are all relative
    assert all(not link.startswith("/") for link in re.findall(r'(?:href|src)="([^"]+)"', text))


def test_no_personal_name_or_note_goes_out(secretive, tmp_path):
    publish(secretive, tmp_path / "site")
    text = site_text(tmp_path / "site")
    for what, secret in SECRETS.items():
        assert secret not in text, what
    assert "tester" not in text  # who ran `init` and the other writes
    assert "围挡破损，存在安全隐患" in text  # the finding itself is public by default


def test_publish_fields_decide_what_goes_out(secretive, tmp_path):
    secretive("config", "publish.fields", "leader,suggestion")
    publish(secretive, tmp_path / "more")
    text = site_text(tmp_path / "more")
    assert SECRETS["leader"] in text
    assert SECRETS["suggestion"] not in text  # a suggestion goes out only with its finding
    secretive("config", "publish.fields", "leader,finding,suggestion")
    publish(secretive, tmp_path / "more")
    text = site_text(tmp_path / "more")
    assert SECRETS["suggestion"] in text
    for what in ("visitor", "members", "clerk", "progress_note", "issue_note"):
        assert SECRETS[what] not in text, what
    secretive("config", "publish.fields", "none")
    publish(secretive, tmp_path / "bare")
    text = site_text(tmp_path / "bare")
    assert "市教育局" not in text and "东城区" not in text and "围挡" not in text
    assert 'name="district"' not in text  # no district filter without districts


def test_publish_fields_setting_is_checked(cli):
    bad = cli("config", "publish.fields", "department,visitors", code=2)
    assert bad.stderr.startswith("minsheng: publish.fields: 'department,visitors' is not "
                                 "valid; expected a comma-separated list of content, ")
    cli("config", "publish.fields", "district, department")
    assert cli.json("config", "publish.fields")[0]["value"] == "department,district"


def test_the_output_folder_rules(projects2, tmp_path):
    out = tmp_path / "site"
    (out / "p").mkdir(parents=True)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    refused = publish(projects2, out, code=2)
    assert refused.stderr == (f"minsheng: {out} is not empty and holds no earlier publish "
                              "(.minsheng-site); choose an empty or new folder, or add "
                              "--force\n")
    publish(projects2, out, "--force")
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "p" / "A1.html").exists()
    # an earlier publish is refreshed: a project left out now no longer has its page
    projects2("add-project", "N3", "明年项目", "--year", "2022", "--start", "2022-01-01",
              "--due", "2022-12-31")
    publish(projects2, out)
    assert (out / "p" / "N3.html").exists()
    publish(projects2, out, "--year", "2021")
    assert sorted(p.name for p in (out / "p").iterdir()) == ["A1.html", "P2.html"]
    assert (out / "notes.txt").exists()
    afile = tmp_path / "file.html"
    afile.write_text("", encoding="utf-8")
    assert "(it is a file)" in publish(projects2, afile, code=2).stderr


@pytest.mark.parametrize("args, message", [
    (("--as-of", "2021-02-30"), "minsheng: as-of: '2021-02-30' is not valid"),
    (("--year", "21"), "minsheng: year: '21' is not valid; expected a year such as 2021"),
    (("--year", "2019"), "minsheng: year: '2019' is not valid; expected a year that has "
                         "projects (see `minsheng projects`)"),
])
def test_bad_input_is_one_line_and_writes_nothing(projects2, tmp_path, args, message):
    out = tmp_path / "site"
    result = projects2("publish", "-o", str(out), *args, code=2)
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert not out.exists()


def test_an_empty_register_is_refused(cli, tmp_path):
    result = cli("publish", "-o", str(tmp_path / "site"), code=2)
    assert result.stderr == (f"minsheng: register {cli.db} has no projects to publish; add "
                             "them with `minsheng add-project` or `minsheng import projects`\n")
    assert not (tmp_path / "site").exists()


def test_page_names_are_safe_and_distinct():
    names = page_names(["MS2021-01", "a/b", "东城01", "Ab", "ab", "..", "x."])
    assert names["MS2021-01"] == "MS2021-01.html"
    assert re.fullmatch(r"a_b-[0-9a-f]{10}\.html", names["a/b"])
    assert re.fullmatch(r"01-[0-9a-f]{10}\.html", names["东城01"])
    assert names["Ab"] != names["ab"] and names["Ab"].lower() != names["ab"].lower()
    assert re.fullmatch(r"p-[0-9a-f]{10}\.html", names[".."])
    assert len(set(names.values())) == 7
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.html", n) for n in names.values())


def count_projects(cli) -> int:
    return len(cli.json("projects")) if cli.run("projects", "-f", "json").stdout else 0


def test_series_are_read_in_a_fixed_number_of_queries(cli, tmp_path):
    """Per-project series come from one query each for all projects, not one a project."""
    from minsheng_cli import services
    from minsheng_cli.services import publish as uses

    def statements(upto: int) -> int:
        for i in range(count_projects(cli), upto):
            cli("add-project", f"Q{i:03}", f"项目{i}", "--start", "2021-01-01",
                "--due", "2021-12-31")
            cli("plan", f"Q{i:03}", "2021-06-30", "50")
            cli("progress", f"Q{i:03}", "--pct", "20", "--date", "2021-03-31")
        reg = services.open_register(cli.db)
        seen = []
        reg.db.set_trace_callback(seen.append)
        from datetime import date

        uses.public_site(reg, date(2021, 6, 16))
        reg.close()
        return len(seen)

    assert statements(2) == statements(10)


def test_projects_without_an_item_come_last(projects2, tmp_path):
    projects2("add-project", "A0", "无事项项目", "--start", "2021-01-01", "--due", "2021-12-31")
    publish(projects2, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2>([^<]+) <span", index)
    assert headings == ["教育提升", "便民服务", "Other"]


def test_a_folder_that_cannot_be_written_is_one_line(projects2, tmp_path):
    afile = tmp_path / "file"
    afile.write_text("", encoding="utf-8")
    result = publish(projects2, afile / "site", code=2)
    assert result.stderr == (f"minsheng: output: cannot write {str(afile / 'site')!r} "
                             "(Not a directory)\n")


def test_a_failed_publish_leaves_the_earlier_site_whole(projects2, tmp_path):
    out = tmp_path / "site"
    publish(projects2, out, "--as-of", "2021-06-16")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # A page the new publish cannot replace: it fails half-way through the pages.
    (out / "p" / "P2.html").unlink()
    (out / "p" / "P2.html").mkdir()
    del before[out / "p" / "P2.html"]
    result = publish(projects2, out, "--as-of", "2021-06-20", code=2)
    assert result.stderr == (f"minsheng: output: cannot write {str(out / 'p' / 'P2.html')!r}"
                             " (Is a directory)\n")
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # The index and the marker are the earlier ones, every page they link is still there,
    # and nothing is left over from the attempt.
    assert after[out / "index.html"] == before[out / "index.html"]
    assert after[out / ".minsheng-site"] == before[out / ".minsheng-site"]
    assert set(after) == set(before)
    assert not list(out.glob(".minsheng-staging-*"))

"""The published site as a reader sees it: opened from file:// in headless Chromium.

Screenshots at phone width (390 px) and desktop width (1280 px) are read with Pillow:
the progress bars are there in the light colours, and nothing is drawn into the page's
right margin (what sticks out of the layout would be).  The dumped DOM of a harness page
that holds the site in iframes of those widths says whether any page is wider than its
frame (the pages record it themselves, see ``render/site_assets.OVERFLOW_JS``), and that
the filters work.

Without Chromium these tests skip with the reason; CI sets MINSHENG_REQUIRE_BROWSER=1 and
then a missing browser (or Pillow, or a CJK font) fails them instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from minsheng_cli.render.site_assets import LIGHT_COLOURS
from tests.factories import Cli

REQUIRED = os.environ.get("MINSHENG_REQUIRE_BROWSER") == "1"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--allow-file-access-from-files"]
LONG_CJK = "城乡居民基本医疗保险门诊共济保障机制改革暨基层医疗卫生服务能力提升" * 3
LONG_LATIN = "Supercalifragilisticexpialidocious" * 4
TRACK = (0xE8, 0xEA, 0xED)
WHITE = (0xFF, 0xFF, 0xFF)


def missing(reason: str):
    if REQUIRED:
        pytest.fail(f"MINSHENG_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"{reason} (apt-get install chromium fonts-noto-cjk; "
                "MINSHENG_REQUIRE_BROWSER=1 makes this a failure)")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        missing("chromium is not installed")
    try:
        import PIL  # noqa: F401
    except ImportError:
        missing("Pillow is not installed (pip install '.[test]')")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The sample register, plus two projects whose names would overflow a careless
    layout, published in Chinese."""
    run = Cli(tmp_path_factory.mktemp("browser") / "sample.db", lang="zh")
    run("init", "--sample")
    for code, name in (("MS2021-91", LONG_CJK), ("MS2021-92", LONG_LATIN)):
        run("add-project", code, name, "--item", "便民服务", "--department", "市政务服务数据管理局",
            "--district", "示例区" * 8, "--start", "2021-01-01", "--due", "2021-12-31")
    out = tmp_path_factory.mktemp("browser") / "site"
    run("publish", "-o", str(out), "--as-of", "2021-06-16")
    return out


class Browser:
    def __init__(self, binary: str, workdir: Path):
        self.binary, self.workdir = binary, workdir

    def run(self, url: str, size: tuple[int, int], *extra: str) -> str:
        profile = self.workdir / "profile"
        result = subprocess.run(
            [self.binary, *FLAGS, f"--user-data-dir={profile}",
             f"--window-size={size[0]},{size[1]}", *extra, url],
            capture_output=True, text=True, timeout=120, cwd=self.workdir)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    def screenshot(self, url: str, size: tuple[int, int]):
        from PIL import Image

        shot = self.workdir / f"shot-{size[0]}.png"
        shot.unlink(missing_ok=True)
        self.run(url, size, f"--screenshot={shot}")
        return Image.open(shot).convert("RGB")

    def dom(self, url: str, size: tuple[int, int] = (1400, 1000)) -> str:
        return self.run(url, size, "--dump-dom", "--virtual-time-budget=2000")


@pytest.fixture
def browser(chromium, tmp_path) -> Browser:
    return Browser(chromium, tmp_path)


def near(pixel, colour, tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def bar_rows(image, left: int, right: int) -> list[int]:
    """Rows where a progress bar spans the content: track grey and light colours (solid
    fills, drawn exactly) cover most of the columns between ``left`` and ``right``."""
    bar_colours = {TRACK} | {rgb(c) for c in LIGHT_COLOURS.values()}
    pixels, columns = image.load(), range(left, right, 4)
    return [y for y in range(image.height)
            if sum(pixels[x, y] in bar_colours for x in columns) >= 0.85 * len(columns)]


def colours_in(image, rows: list[int]) -> set[str]:
    by_colour = {rgb(c): light for light, c in LIGHT_COLOURS.items()}
    pixels = image.load()
    return {by_colour[pixels[x, y]] for y in rows for x in range(0, image.width, 2)
            if pixels[x, y] in by_colour}


def blank_columns(image, left: int, right: int) -> bool:
    pixels = image.load()
    return all(pixels[x, y] == WHITE for x in range(left, right) for y in range(image.height))


def test_the_index_at_phone_width(browser, site):
    first_screen = browser.screenshot((site / "index.html").as_uri(), (390, 844))
    assert first_screen.size == (390, 844)
    rows = bar_rows(first_screen, 16, 374)  # the body's padding is 12 px a side
    assert len(rows) >= 2 * 10, "fewer than two progress bars on the first screen"
    assert {"green", "yellow"} <= colours_in(first_screen, rows)
    image = browser.screenshot((site / "index.html").as_uri(), (390, 6000))  # all of it
    assert len(bar_rows(image, 16, 374)) >= 29 * 10
    assert colours_in(image, bar_rows(image, 16, 374)) == set(LIGHT_COLOURS)
    assert blank_columns(image, 380, 390), "something is drawn into the right margin"


def test_the_index_at_desktop_width(browser, site):
    image = browser.screenshot((site / "index.html").as_uri(), (1280, 4500))
    rows = bar_rows(image, 170, 1100)  # the content is 960 px wide, centred
    assert len(rows) >= 29 * 10
    assert {"green", "yellow"} <= colours_in(image, rows)
    assert colours_in(image, rows) == set(LIGHT_COLOURS)
    assert blank_columns(image, 1125, 1280)


def test_a_project_page_shows_its_curve_at_phone_width(browser, site):
    image = browser.screenshot((site / "p" / "MS2021-03.html").as_uri(), (390, 1200))
    yellow = rgb(LIGHT_COLOURS["yellow"])
    pixels = image.load()
    rows_with_yellow = [y for y in range(image.height)
                        if any(near(pixels[x, y], yellow, 30) for x in range(0, 390, 2))]
    # the bar near the top, and the curve's yellow line and points further down
    assert rows_with_yellow and max(rows_with_yellow) - min(rows_with_yellow) > 200
    assert blank_columns(image, 380, 390)


def harness(folder: Path, pages: list[str], widths: tuple[int, ...]) -> Path:
    """A page holding each site page in an iframe of each width; once all have loaded it
    copies what each page recorded about its width onto the iframe, for --dump-dom."""
    frames = "".join(
        f'<iframe src="{(folder / page).as_uri()}" data-page="{page}" data-frame="{width}" '
        f'style="width:{width}px;height:700px;border:0;display:block"></iframe>'
        for page in pages for width in widths)
    script = """<script>window.addEventListener('load',function(){
document.querySelectorAll('iframe').forEach(function(f){var d=f.contentDocument;
var h=d.documentElement;['overflow','width','widest'].forEach(function(k){
f.setAttribute('data-page-'+k,h.getAttribute('data-'+k));});
f.setAttribute('data-scroll',String(h.scrollWidth));
f.setAttribute('data-client',String(h.clientWidth));
var svg=d.querySelector('svg');if(svg){var r=svg.getBoundingClientRect();
f.setAttribute('data-svg',Math.round(r.width)+'x'+Math.round(r.height));}});
document.body.setAttribute('data-done','yes');});</script>"""
    path = folder.parent / "harness.html"
    path.write_text(f"<!doctype html><html><body>{frames}{script}</body></html>",
                    encoding="utf-8")
    return path


def frames_of(dom: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
            for tag in re.findall(r"<iframe [^>]*>", dom)]


def test_no_page_is_wider_than_a_phone_or_a_desktop(browser, site):
    pages = ["index.html", "p/MS2021-03.html", "p/MS2021-91.html", "p/MS2021-92.html"]
    dom = browser.dom(harness(site, pages, (390, 1280)).as_uri(), (1400, 1000))
    assert 'data-done="yes"' in dom
    frames = frames_of(dom)
    assert len(frames) == 8
    for frame in frames:
        where = f"{frame['data-page']} at {frame['data-frame']} px: {frame}"
        assert frame["data-page-overflow"] == "no", where
        assert int(frame["data-scroll"]) <= int(frame["data-client"]), where
        assert int(frame["data-page-widest"]) <= int(frame["data-frame"]), where
        if frame["data-page"] != "index.html":
            width, height = map(int, frame["data-svg"].split("x"))
            assert 300 <= width <= int(frame["data-frame"]) and height >= 180, where


def test_the_filters_show_only_the_chosen_projects(browser, site):
    index = (site / "index.html").as_uri()
    dom = browser.dom(index + "#light=red")
    shown = re.findall(r'<li class="project"[^>]*data-light="(\w+)"(?![^>]*hidden)', dom)
    hidden = re.findall(r'<li class="project"[^>]*data-light="(\w+)"[^>]*hidden', dom)
    assert shown and set(shown) == {"red"}
    assert "red" not in hidden and len(shown) + len(hidden) == 29
    assert re.search(r'<form class="filters" id="filters">', dom)  # shown once JS runs
    assert f"显示 {len(shown)} 个项目" in dom
    both = browser.dom(index + "#light=green&district=" + "%E4%B8%9C%E5%9F%8E%E5%8C%BA")
    shown = re.findall(r'<li class="project"[^>]*data-district="([^"]*)"[^>]*'
                       r'data-light="(\w+)"(?![^>]*hidden)', both)
    assert shown and set(shown) == {("东城区", "green")}


def test_a_chinese_font_is_there_to_render_the_site():
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        missing("fontconfig (fc-list) is not installed")
    fonts = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True,
                           timeout=60).stdout
    if not fonts.strip():
        missing("no font covers Chinese (fonts-noto-cjk)")


def test_without_javascript_every_project_and_bar_is_there(browser, site, tmp_path):
    """The index with its scripts cut out (headless Chromium cannot take a screenshot
    with scripts switched off): every bar is drawn, the filter form stays hidden."""

    copy = tmp_path / "nojs"
    shutil.copytree(site, copy)
    index = copy / "index.html"
    text = index.read_text(encoding="utf-8")
    index.write_text(re.sub(r"<script>.*?</script>", "", text, flags=re.S), encoding="utf-8")
    assert "<script" not in index.read_text(encoding="utf-8")
    image = browser.screenshot(index.as_uri(), (390, 6000))
    rows = bar_rows(image, 16, 374)
    assert len(rows) >= 29 * 10
    assert colours_in(image, rows) == set(LIGHT_COLOURS)
    pixels = image.load()
    form_grey = (0xF1, 0xF3, 0xF4)  # the filter form's background
    assert not any(pixels[30, y] == form_grey for y in range(image.height))
    with_js = browser.screenshot((site / "index.html").as_uri(), (390, 900))
    assert any(with_js.load()[30, y] == form_grey for y in range(with_js.height))

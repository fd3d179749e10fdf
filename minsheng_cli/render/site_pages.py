"""The HTML of the public site's pages: the index (by item, with filters) and a project.

Pages are plain HTML that works without JavaScript; the scripts only add the filters and
the overflow record the browser test reads.  ``e()`` (html.escape, quotes too) wraps every
value from the register, in text and in attributes alike.
"""

from __future__ import annotations

from html import escape

from minsheng_cli.i18n import label, site_text, word
from minsheng_cli.render.site_chart import curve_svg

LIGHT_WORDS = {"red": ("红灯", "red"), "yellow": ("黄灯", "yellow"),
               "green": ("绿灯", "green"), "done": ("已完成", "done")}


def e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def number(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def light_word(light: str, lang: str) -> str:
    zh, en = LIGHT_WORDS.get(light, (light, light))
    return zh if lang == "zh" else en


def page(lang: str, title: str, body: str, css: str, scripts: str) -> str:
    return (f'<!doctype html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{e(title)}</title>\n<link rel="stylesheet" href="{css}">\n</head>\n'
            f"<body>\n{body}\n<script>\n{scripts}</script>\n</body>\n</html>\n")


def site_title(site: dict, lang: str) -> str:
    years = {p["year"] for item in site["items"] for p in item["projects"]}
    if len(years) == 1:
        return site_text("title_year", lang, year=years.pop())
    return site_text("title", lang)


def bar(project: dict, lang: str) -> str:
    """The progress bar: fill = actual in the light's colour, mark = 序时进度."""
    actual, expected = project["actual_pct"], project["expected_pct"]
    text = (f'{site_text("actual", lang)} {pct(actual)}, '
            f'{site_text("expected", lang)} {pct(expected)}')
    return (f'<div class="bar" role="img" aria-label="{e(text)}">'
            f'<span class="fill light-{e(project["light"])}" '
            f'style="width:{min(max(actual, 0), 100):.1f}%"></span>'
            f'<span class="mark" style="left:{min(max(expected, 0), 100):.1f}%"></span></div>')


def numbers(project: dict, lang: str) -> str:
    dev = project["deviation_pct"]
    return (f'<p class="nums"><span class="badge light-{e(project["light"])}">'
            f'{e(light_word(project["light"], lang))}</span> '
            f'{e(word("status", project["status"], lang))} · '
            f'{site_text("actual", lang)} {pct(project["actual_pct"])} · '
            f'{site_text("expected", lang)} {pct(project["expected_pct"])} · '
            f'{site_text("deviation", lang)} {dev:+.1f} {site_text("pp", lang)}</p>')


# -- the index ------------------------------------------------------------------------------


def index_page(site: dict, names: dict[str, str], lang: str, scripts: str) -> str:
    title = site_title(site, lang)
    projects = [p for item in site["items"] for p in item["projects"]]
    tally = "".join(f'<li class="badge light-{light}">{e(light_word(light, lang))} {n}</li>'
                    for light, n in site["lights"].items() if n)
    head = (f"<header>\n<h1>{e(title)}</h1>\n<p class=\"muted\">"
            f'{e(site_text("as_of", lang, day=site["as_of"]))} · '
            f'{e(site_text("count", lang, n=len(projects)))}</p>\n'
            f'<ul class="tally">{tally}</ul>\n'
            f'<p class="muted">{e(site_text("legend", lang))}</p>\n</header>')
    nav = "".join(f'<li><a href="#item-{i}">{e(item_name(item, lang))}</a></li>'
                  for i, item in enumerate(site["items"], 1))
    sections = "\n".join(item_section(item, i, names, site["fields"], lang)
                         for i, item in enumerate(site["items"], 1))
    body = (f'{head}\n<nav class="items"><ul>{nav}</ul></nav>\n'
            f"{filter_form(site, projects, lang)}\n<main>\n{sections}\n</main>\n"
            f'<footer>{e(site_text("made_by", lang))}</footer>')
    return page(lang, title, body, "site.css", scripts)


def item_name(item: dict, lang: str) -> str:
    return item["item"] if item["item"] else site_text("no_item", lang)


def item_section(item: dict, index: int, names: dict, fields: list[str], lang: str) -> str:
    rows = "\n".join(project_row(p, names[p["code"]], fields, lang) for p in item["projects"])
    return (f'<section class="item" id="item-{index}" data-item="{e(item["item"] or "")}">\n'
            f'<h2>{e(item_name(item, lang))} <span class="muted">'
            f'{e(site_text("item_count", lang, n=len(item["projects"])))}</span></h2>\n'
            f'<ul class="projects">\n{rows}\n</ul>\n</section>')


def project_row(project: dict, page_name: str, fields: list[str], lang: str) -> str:
    meta = [project.get(k) for k in ("department", "district") if k in fields]
    meta_html = " · ".join(e(m) for m in meta if m)
    district = e(project.get("district") or "") if "district" in fields else ""
    return (f'<li class="project" data-item="{e(project["item"] or "")}" '
            f'data-district="{district}" data-light="{e(project["light"])}">'
            f'<a class="name" href="p/{e(page_name)}">{e(project["name"])}</a>'
            f'<span class="code">{e(project["code"])}</span>\n{bar(project, lang)}\n'
            f'{numbers(project, lang)}\n'
            + (f'<p class="meta">{meta_html}</p>' if meta_html else "") + "</li>")


def filter_form(site: dict, projects: list[dict], lang: str) -> str:
    """Hidden until the script shows it: without JS the page lists every project."""
    choices = [("item", label("item", lang), [(i["item"], item_name(i, lang))
                                              for i in site["items"] if i["item"]])]
    if "district" in site["fields"]:
        districts = sorted({p["district"] for p in projects if p.get("district")})
        choices.append(("district", label("district", lang), [(d, d) for d in districts]))
    lights = [(light, light_word(light, lang)) for light, n in site["lights"].items() if n]
    choices.append(("light", label("light", lang), lights))
    selects = []
    for name, text, options in choices:
        opts = "".join(f'<option value="{e(v)}">{e(t)}</option>' for v, t in options)
        selects.append(f'<label>{e(text)} <select name="{name}">'
                       f'<option value="">{e(site_text("all", lang))}</option>{opts}'
                       f"</select></label>")
    shown = site_text("shown", lang, n="{n}")
    return (f'<form class="filters" id="filters" hidden>{"".join(selects)}'
            f'<span class="muted" id="shown" data-text="{e(shown)}"></span></form>')


# -- a project's page -------------------------------------------------------------------------


def project_page(site: dict, project: dict, lang: str, scripts: str) -> str:
    title = f'{project["name"]} · {project["code"]}'
    body = [f'<nav><a href="../index.html">{e(site_text("back", lang))}</a></nav>',
            f'<header><h1>{e(project["name"])}</h1><p class="muted">{e(project["code"])} · '
            f'{e(project["item"] or site_text("no_item", lang))} · '
            f'{e(site_text("as_of", lang, day=site["as_of"]))}</p>',
            bar(project, lang), numbers(project, lang), "</header>", "<main>",
            facts(project, site["fields"], lang, site["as_of"]),
            curve(project, site["as_of"], lang)]
    if "funds" in site["fields"]:
        body.append(funds(project, lang))
    body.append(supervision(project, site["fields"], lang))
    body += ["</main>", f'<footer>{e(site_text("made_by", lang))}</footer>']
    return page(lang, title, "\n".join(body), "../site.css", scripts)


def facts(project: dict, fields: list[str], lang: str, as_of: str) -> str:
    rows = []
    for key in ("department", "partners", "district", "leader", "content"):
        if key in fields and project.get(key):
            rows.append((label(key, lang), project[key]))
    if "target" in fields and project.get("target") is not None:
        rows.append((label("target", lang), f'{number(project["target"])}{project["unit"] or ""}'))
    rows.append((site_text("period", lang), f'{project["start"]} – {project["due"]}'))
    rows.append((label("last_report_date", lang),
                 project["last_report_date"] or site_text("no_figure", lang)))
    # A forecast already past (the pace of old figures) would only confuse a reader.
    if project["status"] != "done" and (project["forecast_date"] or "") >= as_of:
        rows.append((site_text("forecast", lang), project["forecast_date"]))
    items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in rows)
    return f'<dl class="facts">{items}</dl>'


def curve(project: dict, as_of: str, lang: str) -> str:
    title = site_text("curve", lang)
    figures = "".join(f'<tr><td>{e(d)}</td><td class="n">{pct(p)}</td></tr>'
                      for d, p in project["actual_curve"])
    table = (f'<details><summary>{e(site_text("figures", lang))}</summary><table>'
             f'<tr><th>{e(label("date", lang))}</th><th>{e(label("pct", lang))}</th></tr>'
             f"{figures}</table></details>" if figures else
             f'<p class="muted">{e(site_text("no_figure", lang))}</p>')
    return (f"<h2>{e(title)}</h2>\n<figure class=\"curve\">"
            f"{curve_svg(project, as_of, lang, title)}<figcaption class=\"key\">"
            f'<span><i></i>{e(site_text("plan_line", lang))}</span>'
            f'<span><i class="solid"></i>{e(site_text("actual_line", lang))}</span>'
            f"</figcaption></figure>\n{table}")


def funds(project: dict, lang: str) -> str:
    head = f'<h2>{e(site_text("funds", lang))}</h2>'
    if project.get("funds_pct") is None:
        return f'{head}<p class="muted">{e(site_text("funds_unknown", lang))}</p>'
    share = project["funds_pct"]
    line = site_text("funds_line", lang, funds=number(project["funds"]),
                     budget=number(project["budget"]))
    return (f'{head}<div class="bar" role="img" aria-label="{pct(share)}">'
            f'<span class="fill light-done" style="width:{min(max(share, 0), 100):.1f}%">'
            f'</span></div><p class="nums">{pct(share)} · {e(line)}</p>')


def supervision(project: dict, fields: list[str], lang: str) -> str:
    parts = []
    if "visits" in fields:
        parts.append(f'<p>{e(site_text("visits", lang, n=project["visits"]))}</p>')
    if "issues" in fields:
        counts = project["issues"]
        rows = "".join(f'<tr><td>{e(word("issue_status", s, lang))}</td><td class="n">{n}</td>'
                       "</tr>" for s, n in counts.items())
        parts.append(f'<h3>{e(site_text("issues", lang))}</h3>'
                     + (f"<table>{rows}</table>" if rows else
                        f'<p class="muted">{e(site_text("no_issues", lang))}</p>'))
    if "finding" in fields:
        parts.append(finding(project.get("finding"), lang))
    if not parts:
        return ""
    return f'<h2>{e(site_text("supervision", lang))}</h2>\n' + "\n".join(parts)


def finding(found: dict | None, lang: str) -> str:
    head = f'<h3>{e(site_text("finding", lang))}</h3>'
    if not found:
        return f'{head}<p class="muted">{e(site_text("no_finding", lang))}</p>'
    method = word("method", found["method"], lang) if found["method"] else ""
    when = " · ".join(x for x in (found["date"], method) if x)
    text = f'{head}<p class="muted">{e(when)}</p><blockquote>{e(found["finding"])}</blockquote>'
    if found.get("suggestion"):
        text += (f'<p>{e(site_text("suggestion", lang))}: </p>'
                 f'<blockquote>{e(found["suggestion"])}</blockquote>')
    return text

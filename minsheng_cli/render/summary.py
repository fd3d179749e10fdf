"""The weekly summary as a mail reads it (text, markdown) or a script reads it (json)."""

from __future__ import annotations

import sys

from minsheng_cli import i18n
from minsheng_cli.render.output import dump_json

FORMATS = ("text", "markdown", "json")

WORDS = {
    "zh": {
        "title": "民生实事项目监督周报", "period": "统计周期", "visits": "实地查看",
        "times": "次", "projects": "个项目", "progress": "进展报送", "figures": "条",
        "issues": "问题", "flagged": "新发现", "transferred": "转办", "responded": "反馈",
        "closed": "销号", "open": "期末未销号", "lights": "项目灯号", "changes": "灯号变化",
        "overdue": "逾期与滞后", "none": "无",
    },
    "en": {
        "title": "Livelihood projects: weekly supervision summary", "period": "Period",
        "visits": "Site visits", "times": "visits", "projects": "projects",
        "progress": "Progress figures", "figures": "figures", "issues": "Issues",
        "flagged": "flagged", "transferred": "transferred", "responded": "responded",
        "closed": "closed", "open": "open at end", "lights": "Lights",
        "changes": "Light changes", "overdue": "Late and behind", "none": "none",
    },
}


def write_summary(data: dict, fmt: str, lang: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        dump_json(data, out)
        return
    md = fmt == "markdown"
    out.write("\n".join(summary_lines(data, lang, md)) + "\n")


def summary_lines(data: dict, lang: str, md: bool) -> list[str]:
    w = WORDS["zh" if lang == "zh" else "en"]
    head = "## " if md else ""
    sub = "### " if md else ""
    item = "- " if md else "  "
    p = data["period"]
    lines = [f"{head}{w['title']}", "", f"{w['period']}: {p['label']} ({p['start']} – {p['end']})",
             ""]
    v = data["visits"]
    lines += [f"{sub}{w['visits']}: {v['total']} {w['times']}"]
    lines += [f"{item}{g['group']}: {g['visits']} {w['times']}, {g['projects']} {w['projects']}"
              for g in v["by_group"]]
    lines += ["", f"{sub}{w['progress']}: {data['progress']['figures']} {w['figures']}", ""]
    iss = data["issues"]
    lines += [f"{sub}{w['issues']}: {w['flagged']} {iss['flagged']}, {w['transferred']} "
              f"{iss['transferred']}, {w['responded']} {iss['responded']}, {w['closed']} "
              f"{iss['closed']}, {w['open']} {iss['open_at_end']}"]
    lines += [f"{item}{i18n.word('category', c['category'], lang)}: {c['flagged']}"
              for c in iss["by_category"]]
    lights = data["projects"]["lights"]
    lines += ["", f"{sub}{w['lights']}: " + ", ".join(
        f"{i18n.word('light', k, lang)} {n}" for k, n in lights.items())]
    changes = data["projects"]["light_changes"]
    lines += ["", f"{sub}{w['changes']}: {len(changes) or w['none']}"]
    lines += [f"{item}{c['code']} {c['name']}: {i18n.word('light', c['from'], lang) or '—'} → "
              f"{i18n.word('light', c['to'], lang)}" for c in changes]
    lines += ["", f"{sub}{w['overdue']}"]
    lines += [f"{item}{i18n.word('kind', k, lang)}: {n}" for k, n in data["overdue"].items()]
    return lines

"""The plan-vs-actual curve of a project page, as inline SVG (no script, no library).

x is the calendar from the day before the start to the due date (or the as-of date when
later); y is percent, 0–100 (higher when a target is over-delivered).  The 序时进度 line is
dashed grey, the actual figures a solid line in the project's light colour, the as-of date
a dotted vertical line.  The viewBox is phone-sized so that labels stay readable when the
figure is scaled down to a 390 px screen.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from minsheng_cli.render.site_assets import LIGHT_COLOURS

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 26


def curve_svg(project: dict, as_of: str, lang: str, title: str) -> str:
    plan = [(date.fromisoformat(d), pct) for d, pct in project["plan_curve"]]
    actual = [(date.fromisoformat(d), pct) for d, pct in project["actual_curve"]]
    today = date.fromisoformat(as_of)
    first = min([plan[0][0]] + [d for d, _ in actual])
    last = max([plan[-1][0], today] + [d for d, _ in actual])
    if last <= first:
        last = first + timedelta(days=1)
    top = max([100.0] + [pct for _, pct in actual])
    span = (last - first).days

    def x(day: date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span, 1)

    def y(pct: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - pct / top), 1)

    colour = LIGHT_COLOURS.get(project["light"], "#202124")
    parts = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" '
             f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    parts += grid(y, top)
    parts += month_ticks(first, last, x, lang)
    if first <= today <= last:
        parts.append(f'<line x1="{x(today)}" y1="{TOP}" x2="{x(today)}" y2="{HEIGHT - BOTTOM}" '
                     'stroke="#5f6368" stroke-width="1" stroke-dasharray="1 3"/>')
    points = " ".join(f"{x(d)},{y(p)}" for d, p in plan)
    parts.append(f'<polyline class="plan" points="{points}" fill="none" stroke="#5f6368" '
                 'stroke-width="2" stroke-dasharray="6 4"/>')
    if actual:
        points = " ".join(f"{x(d)},{y(p)}" for d, p in actual)
        parts.append(f'<polyline class="actual" points="{points}" fill="none" '
                     f'stroke="{colour}" stroke-width="3" stroke-linejoin="round"/>')
        parts += [f'<circle cx="{x(d)}" cy="{y(p)}" r="3.5" fill="{colour}"/>'
                  for d, p in actual]
    parts.append("</svg>")
    return "".join(parts)


def grid(y, top: float) -> list[str]:
    lines = []
    for pct in range(0, int(top) + 1, 25):
        lines.append(f'<line x1="{LEFT}" y1="{y(pct)}" x2="{WIDTH - RIGHT}" y2="{y(pct)}" '
                     f'stroke="{"#9aa0a6" if pct == 0 else "#e8eaed"}" stroke-width="1"/>')
        lines.append(f'<text x="{LEFT - 4}" y="{y(pct) + 4}" font-size="11" '
                     f'text-anchor="end" fill="#5f6368">{pct}%</text>')
    return lines


def month_ticks(first: date, last: date, x, lang: str) -> list[str]:
    """A tick on the first of each month; labels on every month, every second or every
    third as space allows, with the year where it changes."""
    months = []
    day = date(first.year, first.month, 1)
    while day <= last:
        if day >= first:
            months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = 1 if len(months) <= 6 else 2 if len(months) <= 13 else 3 if len(months) <= 24 else 12
    ticks, last_year = [], None
    for i, day in enumerate(months):
        ticks.append(f'<line x1="{x(day)}" y1="{HEIGHT - BOTTOM}" x2="{x(day)}" '
                     f'y2="{HEIGHT - BOTTOM + 4}" stroke="#9aa0a6"/>')
        if i % step:
            continue
        label = f"{day.month}月" if lang == "zh" else day.strftime("%b")
        if day.year != last_year and (last_year is not None or day.month == 1):
            label = f"{day.year}" if lang != "zh" else f"{day.year}年"
        last_year = day.year
        ticks.append(f'<text x="{x(day)}" y="{HEIGHT - 8}" font-size="11" text-anchor="middle" '
                     f'fill="#5f6368">{label}</text>')
    return ticks

"""Charts for the terminal: a project's progress over time against its 序时进度 (``show
CODE``) and one bar per project with the 序时进度 mark (``deviation --chart``).

The charts are pure: data and a width in, lines out, so a test can pin them exactly.  A
line is a list of runs, (text, style); ``plain`` joins the runs (for a pipe, NO_COLOR and
the tests), ``ansi`` colours them for a terminal.  They are drawn with Unicode block and
box-drawing characters rather than a plotting library: two small charts do not need one,
and nothing here costs start-up time for the other commands.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
from collections.abc import Sequence
from datetime import date, timedelta

from wcwidth import wcswidth, wcwidth

Run = tuple[str, str]  # (text, style); "" is no style
Line = list[Run]

# Styles as SGR codes: the lights as in the tables (render/output.py LIGHT_STYLES).
SGR = {
    "green": "32", "yellow": "33", "red": "1;31", "done": "34", "actual": "1",
    "expected": "2", "track": "2", "mark": "1", "today": "36", "axis": "2",
}

# The charts' own words, kept with them as cards.py keeps its section titles.
WORDS = {
    "actual": ("实际进度", "actual"),
    "expected": ("序时进度", "expected (序时进度)"),
    "as_of": ("截至", "as of"),
    "due": ("完成时限", "due"),
    "project": ("项目", "project"),
    "item": ("事项", "item"),
    "numbers": ("实际/序时", "actual/exp."),
    "light": ("灯号", "light"),
    "counts": ("红/黄灯", "red/yellow"),
}


def word(key: str, lang: str) -> str:
    zh, en = WORDS[key]
    return zh if lang == "zh" else en


# -- lines, runs and cells ---------------------------------------------------------------------


def cells(text: str) -> int:
    """Width on a terminal: a CJK character takes two cells."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells (with … when cut) and padded to exactly that width."""
    if cells(text) > width:
        kept, used = [], 0
        for char in text:
            w = max(wcwidth(char), 0)
            if used + w > width - 1:
                break
            kept.append(char)
            used += w
        text = "".join(kept) + "…"
    return text + " " * (width - cells(text))


def plain(line: Line) -> str:
    return "".join(text for text, _ in line).rstrip()


def ansi(line: Line) -> str:
    parts = []
    for text, style in line:
        code = SGR.get(style)
        parts.append(f"\x1b[{code}m{text}\x1b[0m" if code and text.strip() else text)
    return "".join(parts).rstrip()


def joined(runs: Sequence[Run]) -> Line:
    """Runs with neighbours of one style merged (shorter escape sequences, same text)."""
    line: Line = []
    for text, style in runs:
        if line and line[-1][1] == style:
            line[-1] = (line[-1][0] + text, style)
        elif text:
            line.append((text, style))
    return line


class Grid:
    """A plot area of single-cell characters; row 0 is the bottom."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.rows = [[(" ", "")] * width for _ in range(height)]

    def put(self, row: int, col: int, char: str, style: str, *, over: bool = True) -> None:
        if 0 <= row < self.height and 0 <= col < self.width:
            if over or self.rows[row][col][0] == " ":
                self.rows[row][col] = (char, style)

    def line(self, row: int) -> Line:
        return joined(self.rows[row])


# -- progress over time (show CODE) ---------------------------------------------------------------

HEIGHT = 8  # rows above 0: 12.5 % a row, labels at 0, 25, 50, 75 and 100 %
MARGIN = 5  # "100%┤"
MIN_PLOT = 20
MAX_WIDTH = 120  # wider than this a year's chart only gets flatter, not clearer


class Days:
    """The x axis: ``columns`` columns share the days from ``start`` to ``end`` evenly."""

    def __init__(self, start: date, end: date, columns: int):
        self.start, self.columns = start, columns
        self.days = (end - start).days + 1

    def column(self, day: date) -> int:
        """The column in which ``day`` ends (the last of its columns when a day takes
        several): the figures of that day count from there."""
        return (((day - self.start).days + 1) * self.columns - 1) // self.days

    def day_ended(self, column: int) -> date:
        """The last day that has ended by the end of ``column`` (a date means the end of
        that day): what the column shows.  Before the first day ends, the day before the
        start, where 序时进度 is 0."""
        return self.start + timedelta(days=(column + 1) * self.days // self.columns - 1)

    def holds(self, day: date) -> bool:
        return 0 <= (day - self.start).days < self.days


def level(pct: float) -> int:
    """The row of a percentage: the nearest 12.5 %, held within 0..100."""
    return min(max(math.floor(pct * HEIGHT / 100 + 0.5), 0), HEIGHT)


def progress_chart(series, width: int, lang: str, light: str | None = None) -> list[Line]:
    """Actual progress (a step line through the figures, ●) against the 序时进度 line (·)
    from the project's start to its due date (or to ``as_of`` when past it), with today
    (``as_of``) marked ┊.  ``series`` is a ``domain.progress_series.ProgressSeries``."""
    plot = max(min(width, MAX_WIDTH) - MARGIN, MIN_PLOT)
    x = Days(series.start, series.end, plot)
    grid = Grid(plot, HEIGHT + 1)
    draw_expected(grid, x, series)
    style = light or "actual"
    if series.as_of >= series.start:
        draw_actual(grid, x, series, style)
    if x.holds(series.as_of):
        for row in range(HEIGHT + 1):
            grid.put(row, x.column(series.as_of), "┊", "today", over=False)
    lines = []
    for row in range(HEIGHT, -1, -1):
        pct = row * 100 // HEIGHT
        label = f"{pct}%".rjust(MARGIN - 1) + "┤" if row % 2 == 0 else " " * (MARGIN - 1) + "│"
        lines.append(joined([(label, "axis"), *grid.line(row)]))
    lines += x_axis(series, x, plot)
    return lines + legend(series, lang, style, min(width, MAX_WIDTH))


def draw_expected(grid: Grid, x: Days, series) -> None:
    """The 序时进度 line in dots; a steep stretch (a plan point soon after another) is
    dotted down the column rather than left as a gap."""
    before = None
    for col in range(grid.width):
        row = level(series.expected_at(x.day_ended(col)))
        low, high = (row, row) if before is None else sorted((before, row))
        for dot in range(low, high + 1):
            if dot == row or dot != before:
                grid.put(dot, col, "·", "expected")
        before = row


def draw_actual(grid: Grid, x: Days, series, style: str) -> None:
    """A step line up to today: level while no figure comes in, a rise (╯│╭) or, after a
    correction downwards, a fall (╮│╰) where one does; ● where a figure lands."""
    today = x.column(min(series.as_of, series.end))
    rows = [level(series.actual_at(min(x.day_ended(c), series.as_of))) for c in range(today + 1)]
    for col, row in enumerate(rows):
        before = rows[col - 1] if col else row
        if row == before:
            grid.put(row, col, "─", style)
            continue
        rise = row > before
        grid.put(before, col, "╯" if rise else "╮", style)
        for between in range(min(row, before) + 1, max(row, before)):
            grid.put(between, col, "│", style)
        grid.put(row, col, "╭" if rise else "╰", style)
    for figure in series.figures:
        if x.holds(figure.date):
            col = x.column(figure.date)
            grid.put(rows[col], col, "●", style)


def x_axis(series, x: Days, plot: int) -> list[Line]:
    """The axis with ticks at today and (when it is inside) the due date, and their dates
    under it where they fit: start and end first, then today, then the due date."""
    ticks = {x.column(d) for d in (series.as_of, series.due) if x.holds(d) and d < series.end}
    axis = "".join("┴" if c in ticks else "─" for c in range(plot))
    labels = [" "] * plot
    wanted = [(series.start, 0), (series.end, plot - 1)]
    wanted += [(d, x.column(d)) for d in (series.as_of, series.due) if x.holds(d)]
    placed: list[tuple[int, int]] = []
    done: set[date] = set()
    for day, col in wanted:
        if day in done:
            continue
        done.add(day)
        for text in (day.isoformat(), day.isoformat()[5:]):
            left = min(max(col - len(text) // 2, 0), plot - len(text))
            if left >= 0 and all(left > b + 1 or left + len(text) < a - 1 for a, b in placed):
                labels[left:left + len(text)] = text
                placed.append((left, left + len(text) - 1))
                break
    return [joined([(" " * (MARGIN - 1) + "└" + axis, "axis")]),
            [(" " * MARGIN + "".join(labels), "")]]


def legend(series, lang: str, style: str, width: int) -> list[Line]:
    items = [[("●─", style), (" " + word("actual", lang), "")],
             [("···", "expected"), (" " + word("expected", lang), "")],
             [("┊", "today"), (f" {word('as_of', lang)} {series.as_of.isoformat()}", "")]]
    if series.due < series.as_of:  # past due: its tick may have no room for a date
        items.append([("┴", "axis"), (f" {word('due', lang)} {series.due.isoformat()}", "")])
    return flow(items, width, MARGIN)


def flow(items: list[Line], width: int, indent: int) -> list[Line]:
    """Legend items on as few lines as fit ``width``, two spaces apart."""
    lines: list[Line] = []
    current: Line = []
    used = indent
    for item in items:
        size = sum(cells(text) for text, _ in item)
        if current and used + 2 + size > width:
            lines.append(joined(current))
            current, used = [], indent
        current += ([("  ", "")] if current else [(" " * indent, "")]) + item
        used += (2 if used > indent else 0) + size
    return lines + ([joined(current)] if current else [])


# -- one bar per project (deviation --chart) ------------------------------------------------------

EIGHTHS = " ▏▎▍▌▋▊▉"
MIN_BAR, MAX_BAR = 10, 50
NUMBERS = 11  # " 35.0/ 48.2"


def bar(actual: float, expected: float, width: int, style: str) -> Line:
    """Actual progress filled in eighths of a cell (█▌) on a track (░) 0..100 %, and ┃ in
    the cell where 序时进度 stands (over the fill when the project is ahead of it)."""
    filled = min(max(actual, 0.0), 100.0) * width / 100
    full, eighths = int(filled), round((filled - int(filled)) * 8)
    if eighths == 8:
        full, eighths = full + 1, 0
    cells_ = [("█", style)] * full
    if eighths and full < width:
        cells_.append((EIGHTHS[eighths], style))
    cells_ += [("░", "track")] * (width - len(cells_))
    mark = min(int(min(max(expected, 0.0), 100.0) * width / 100), width - 1)
    cells_[mark] = ("┃", "mark")
    return joined(cells_)


def layout(labels: Sequence[str], tail: int, width: int) -> tuple[int, int]:
    """(label width, bar width) for a line of ``width`` cells: the bar takes half of what
    the numbers and the light leave (at least MIN_BAR, at most MAX_BAR), the label the
    rest, never more than its longest text needs."""
    room = width - tail - 2  # a space after the label and one after the bar
    natural = max((cells(text) for text in labels), default=0)
    label = max(min(natural, room - max(MIN_BAR, room // 2)), min(natural, 4))
    return label, max(min(room - label, MAX_BAR), MIN_BAR)


def bar_chart(
    entries: Sequence[tuple[str, float, float, str, Line]], width: int, lang: str,
    first: str, last: str,
) -> list[Line]:
    """Rows of (label, actual, expected, bar style, tail runs) under a header naming the
    label column ``first`` and the tail ``last``, with the legend under them."""
    tail = tail_width(entries, lang, last)
    label_w, bar_w = layout([e[0] for e in entries], NUMBERS + 1 + tail, width)
    scale = "0%".ljust(bar_w - 4) + "100%"
    numbers = word("numbers", lang)
    lines = [[(f"{fit(word(first, lang), label_w)} {scale} "
               f"{' ' * (NUMBERS - cells(numbers))}{numbers} {word(last, lang)}", "axis")]]
    for label, actual, expected, style, tail_runs in entries:
        lines.append(joined([(fit(label, label_w) + " ", ""), *bar(actual, expected, bar_w, style),
                             (f" {actual:5.1f}/{expected:5.1f} ", ""), *tail_runs]))
    items = [[("█", "actual"), (" " + word("actual", lang), "")],
             [("┃", "mark"), (" " + word("expected", lang), "")]]
    return lines + flow(items, width, 0)


NAME_LEAST = 8  # cells of a name worth showing after its code (four CJK characters)


def tail_width(entries, lang: str, last: str) -> int:
    return max([cells(word(last, lang))] + [sum(cells(t) for t, _ in e[4]) for e in entries])


def deviation_chart(rows: Sequence[dict], width: int, lang: str) -> list[Line]:
    """One bar per deviation row (code and name, actual against 序时进度, the light).

    On a narrow terminal, where the code would leave less than NAME_LEAST cells of the
    name, the name alone: a person reads names, and the table has the codes."""
    from minsheng_cli import i18n

    def entries(label):
        return [(label(r), r["actual_pct"] or 0.0, r["expected_pct"] or 0.0, r["light"],
                 [(i18n.word("light", r["light"], lang), r["light"])]) for r in rows]

    with_codes = entries(lambda r: f"{r['code']} {r['name']}")
    room, _ = layout([e[0] for e in with_codes], NUMBERS + 1 + tail_width(with_codes, lang,
                                                                         "light"), width)
    if room < max(cells(r["code"]) for r in rows) + 1 + NAME_LEAST:
        return bar_chart(entries(lambda r: r["name"]), width, lang, "project", "light")
    return bar_chart(with_codes, width, lang, "project", "light")


def item_chart(rows: Sequence[dict], width: int, lang: str) -> list[Line]:
    """One bar per item (件): the mean actual against the mean 序时进度, and how many of its
    projects are red and yellow."""
    entries = [(r["item"] or "", r["actual_pct"] or 0.0, r["expected_pct"] or 0.0, "actual",
                [(f"{r['red']:>2}", "red" if r["red"] else ""), ("/", ""),
                 (f"{r['yellow']:<2}", "yellow" if r["yellow"] else "")]) for r in rows]
    return bar_chart(entries, width, lang, "item", "counts")


# -- to the terminal --------------------------------------------------------------------------


def terminal_width() -> int:
    """COLUMNS, else the terminal's width, else 80 (a pipe)."""
    return shutil.get_terminal_size((80, 24)).columns


def colour_wanted(out) -> bool:
    """Colour on a terminal, unless NO_COLOR is set (no-color.org)."""
    return bool(getattr(out, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def write_bar_chart(rows: Sequence[dict], lang: str, out=None) -> None:
    """``deviation --chart``: project rows, or item rows (``--by item``)."""
    out = out or sys.stdout
    draw = item_chart if "projects" in rows[0] else deviation_chart
    write_lines(draw(rows, terminal_width(), lang), out)


def write_lines(lines: Sequence[Line], out) -> None:
    show = ansi if colour_wanted(out) else plain
    for line in lines:
        out.write(show(line) + "\n")

"""A small document model — a title, headings, paragraphs and tables of text — and its
Markdown and HTML writers; ``render/docx_writer.py`` writes the same model as a Word file.

A report is built once as a :class:`Document` (its words and figures already text) and
written by any of the three, so that the .docx, the .md and the .html say the same thing.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(frozen=True)
class Heading:
    text: str
    level: int  # 1 一、 2 （一） 3 1.


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: str = "body"  # body | note | placeholder | signature


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[str]]
    numeric: list[bool]  # right-aligned columns
    # Column widths in mm on the A4 text width of 156 mm (relative: a writer scales them).
    widths: list[float] = field(default_factory=list)
    total_row: bool = False  # the last row sums the others (shown bold)


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    blocks: list[Block]
    lang: str  # zh | en
    subject: str = ""


# -- Markdown ---------------------------------------------------------------------------------


def write_markdown(doc: Document, out: TextIO) -> None:
    out.write("\n".join(markdown_lines(doc)) + "\n")


def markdown_lines(doc: Document) -> Iterable[str]:
    yield f"# {doc.title}"
    yield ""
    yield doc.subtitle
    for block in doc.blocks:
        yield ""
        if isinstance(block, Heading):
            yield "#" * (block.level + 1) + " " + block.text
        elif isinstance(block, Table):
            yield from markdown_table(block)
        elif block.kind in ("note", "placeholder"):
            yield f"*{md_text(block.text)}*"
        else:
            yield md_text(block.text)


def markdown_table(table: Table) -> Iterable[str]:
    yield "| " + " | ".join(md_cell(h) for h in table.headers) + " |"
    yield "|" + "|".join("---:" if n else ":---" for n in table.numeric) + "|"
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        cells = [md_cell(c) for c in row]
        if table.total_row and i == last:
            cells = [f"**{c}**" if c else c for c in cells]
        yield "| " + " | ".join(cells) + " |"


def md_text(text: str) -> str:
    """Text a Markdown reader shows as it is: no emphasis or list from a figure or a name."""
    for mark in ("\\", "*", "_", "`", "[", "]", "<", ">", "#"):
        text = text.replace(mark, "\\" + mark)
    return text.replace("\n", "  \n")


def md_cell(text: str) -> str:
    return md_text(text).replace("|", "\\|").replace("  \n", "<br>")


# -- HTML -----------------------------------------------------------------------------------

HTML_STYLE = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "FangSong", "仿宋", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC", serif;
       font-size: 16pt; line-height: 1.6; max-width: 48em; margin: 2em auto; color: #000; }
h1 { font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; font-size: 22pt;
     text-align: center; margin-bottom: 0.2em; }
h2 { font-family: "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; font-size: 16pt; }
h3 { font-family: "KaiTi", "楷体", "楷体_GB2312", "STKaiti", serif; font-size: 16pt; }
h4 { font-size: 16pt; font-weight: bold; }
p { text-indent: 2em; margin: 0.3em 0; }
p.subtitle { text-align: center; text-indent: 0; }
p.note { font-size: 12pt; text-indent: 0; color: #333; }
p.placeholder { color: #666; }
p.signature { text-align: right; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; font-size: 10.5pt;
        font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; line-height: 1.3; }
th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
thead { display: table-header-group; }
"""


def write_html(doc: Document, out: TextIO) -> None:
    out.write("\n".join(html_lines(doc)) + "\n")


def html_lines(doc: Document) -> Iterable[str]:
    yield "<!DOCTYPE html>"
    yield f'<html lang="{"zh-CN" if doc.lang == "zh" else "en"}">'
    yield '<head><meta charset="utf-8">'
    yield f"<title>{esc(doc.title)}</title>"
    yield f"<style>{HTML_STYLE}</style></head>"
    yield "<body>"
    yield f"<h1>{esc(doc.title)}</h1>"
    yield f'<p class="subtitle">{esc(doc.subtitle)}</p>'
    for block in doc.blocks:
        if isinstance(block, Heading):
            yield f"<h{block.level + 1}>{esc(block.text)}</h{block.level + 1}>"
        elif isinstance(block, Table):
            yield from html_table(block)
        else:
            css = f' class="{block.kind}"' if block.kind != "body" else ""
            yield f"<p{css}>{esc(block.text)}</p>"
    yield "</body></html>"


NUM_CELL = '<td class="num">'


def html_table(table: Table) -> Iterable[str]:
    yield "<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in table.headers)
    yield "</tr></thead><tbody>"
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        css = ' class="total"' if table.total_row and i == last else ""
        cells = "".join((NUM_CELL if n else "<td>") + f"{esc(c)}</td>"
                        for c, n in zip(row, table.numeric, strict=True))
        yield f"<tr{css}>{cells}</tr>"
    yield "</tbody></table>"


def esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")

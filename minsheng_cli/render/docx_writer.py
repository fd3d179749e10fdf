"""A :class:`~minsheng_cli.render.document.Document` as a Word file (.docx) that WPS and Word
open ready to edit: A4, Chinese fonts set for East-Asian text (``w:eastAsia``), the
report's headings in the Heading styles (so the navigation pane lists them), real tables
whose header row repeats on every page, and the page number in the footer (a PAGE field).

Fonts follow the usual layout of a 公文 (GB/T 9704) with the faces every Chinese Windows,
WPS and macOS has: title 宋体 二号 bold, 一、 黑体, （一） 楷体, text 仿宋 三号 on a 28-point
line; figures and Latin text in Times New Roman.  python-docx is imported here only, and
only when a .docx is asked for (start-up time of the other commands).
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import BinaryIO

from minsheng_cli.render.document import Document, Heading, Paragraph, Table

LATIN = "Times New Roman"
TITLE_FONT = "宋体"
BODY_FONT = "仿宋"
HEADING_FONTS = {1: "黑体", 2: "楷体", 3: "仿宋"}
TABLE_FONT = "宋体"

BODY_PT, TITLE_PT, NOTE_PT, TABLE_PT = 16, 22, 12, 9
LINE_PT = 28  # the 公文 line: 22 lines of 三号 on an A4 page
# A4 with the 公文 margins: top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}


def write_docx(doc: Document, out: BinaryIO) -> None:
    import docx

    word = docx.Document()
    set_page(word)
    set_styles(word)
    add_page_number(word)
    props = word.core_properties
    props.title, props.subject = doc.title, doc.subject
    props.author = props.last_modified_by = "minsheng"
    props.keywords = "专项视察报告; 重大民生实事" if doc.lang == "zh" else "inspection report"
    word.add_paragraph(doc.title, style="Report Title")
    word.add_paragraph(doc.subtitle, style="Report Subtitle")
    for block, after in zip(doc.blocks, [*doc.blocks[1:], None], strict=True):
        if isinstance(block, Heading):
            word.add_paragraph(block.text, style=f"Heading {block.level}")
        elif isinstance(block, Table):
            add_table(word, block)
        else:
            # The line that introduces a table stays on the table's page.
            add_paragraph(word, block).paragraph_format.keep_with_next = isinstance(after, Table)
    # Zipped in memory, then written in one go (see render.xlsx.save: a disk filling up
    # under a ZipFile fails twice, the second time as "Exception ignored").
    zipped = BytesIO()
    word.save(zipped)
    out.write(zipped.getbuffer())


# -- page and styles ----------------------------------------------------------------------------


def set_page(word) -> None:
    from docx.shared import Mm

    for section in word.sections:
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.footer_distance = Mm(25)


def text_width_mm() -> float:
    return PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]


def set_font(style_or_run, east_asian: str, size: float | None = None, *,
             bold: bool | None = None) -> None:
    """Latin and East-Asian faces on a style or a run.  Theme fonts (the template's
    headings use them) would win over the names: they are removed."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style_or_run.font
    font.name = LATIN
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    element = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), LATIN)


def set_styles(word) -> None:
    """Body text in 仿宋 with a two-character indent, headings in 黑体/楷体, and the report's
    own paragraph styles (title, subtitle, note, table text, signature)."""
    set_body_style(word.styles["Normal"])
    set_heading_styles(word.styles)
    add_report_styles(word.styles)


def set_body_style(normal) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    set_font(normal, BODY_FONT, BODY_PT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(language)
    body = normal.paragraph_format
    body.line_spacing, body.space_before, body.space_after = Pt(LINE_PT), Pt(0), Pt(0)
    body.first_line_indent = Pt(BODY_PT * 2)  # 首行缩进两字
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def set_heading_styles(styles) -> None:
    from docx.shared import Pt

    for level, face in HEADING_FONTS.items():
        heading = styles[f"Heading {level}"]
        set_font(heading, face, BODY_PT, bold=level == 3)
        fmt = heading.paragraph_format
        fmt.line_spacing, fmt.space_before, fmt.space_after = Pt(LINE_PT), Pt(6), Pt(0)
        fmt.first_line_indent = Pt(BODY_PT * 2)
        fmt.keep_with_next = True


def add_report_styles(styles) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    for name, face, size, bold, align in (
        ("Report Title", TITLE_FONT, TITLE_PT, True, WD_ALIGN_PARAGRAPH.CENTER),
        ("Report Subtitle", "楷体", BODY_PT, False, WD_ALIGN_PARAGRAPH.CENTER),
        ("Report Note", "楷体", NOTE_PT, False, WD_ALIGN_PARAGRAPH.JUSTIFY),
        ("Table Text", TABLE_FONT, TABLE_PT, False, WD_ALIGN_PARAGRAPH.LEFT),
        ("Signature", BODY_FONT, BODY_PT, False, WD_ALIGN_PARAGRAPH.RIGHT),
    ):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        set_font(style, face, size, bold=bold)
        fmt = style.paragraph_format
        fmt.alignment, fmt.first_line_indent = align, Pt(0)
        if name == "Table Text":
            fmt.line_spacing = 1.0
        if name == "Report Title":
            fmt.line_spacing, fmt.space_before, fmt.space_after = Pt(36), Pt(0), Pt(6)
        if name == "Report Subtitle":
            fmt.space_after = Pt(12)
        if name == "Report Note":
            fmt.line_spacing, fmt.space_after = Pt(20), Pt(6)


def add_page_number(word) -> None:
    """"— 1 —" centred in the footer: a PAGE field that Word, WPS and LibreOffice update."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for section in word.sections:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.first_line_indent = 0
        set_font(paragraph.add_run("— "), BODY_FONT, 14)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"),
                           ("end", None)):
            run = paragraph.add_run()
            set_font(run, BODY_FONT, 14)
            if kind:
                mark = OxmlElement("w:fldChar")
                mark.set(qn("w:fldCharType"), kind)
                run._element.append(mark)
            elif text == " PAGE ":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                run._element.append(instruction)
            else:
                run.text = text
        set_font(paragraph.add_run(" —"), BODY_FONT, 14)


# -- blocks -----------------------------------------------------------------------------------


def add_paragraph(word, block: Paragraph):
    from docx.shared import RGBColor

    style = {"note": "Report Note", "signature": "Signature"}.get(block.kind, "Normal")
    paragraph = word.add_paragraph(style=style)
    run = paragraph.add_run(block.text)
    if block.kind == "placeholder":
        run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
    return paragraph


def add_table(word, block: Table) -> None:
    """A Word table: grid lines, the header row bold, shaded and repeated on each page,
    rows that do not break across pages, numbers right-aligned, columns as wide as
    ``block.widths`` say.

    The rows are written as WordprocessingML text and parsed at once: python-docx's cell
    API looks each paragraph's style up by name, which made 2,000 rows take minutes."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import parse_xml
    from docx.shared import Mm

    table = word.add_table(rows=0, cols=len(block.headers))
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    narrow_cell_margins(table)
    weights = block.widths or [1.0] * len(block.headers)
    widths = [Mm(text_width_mm() * w / sum(weights)) for w in weights]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    style_id = word.styles["Table Text"].style_id
    twips = [width.twips for width in widths]
    last = len(block.rows)
    rows = [row_xml(block.headers, twips, style_id, header=True,
                    aligns=["center"] * len(block.headers))]
    aligns = ["right" if numeric else "" for numeric in block.numeric]
    rows += [row_xml(cells, twips, style_id, bold=block.total_row and i == last, aligns=aligns)
             for i, cells in enumerate(block.rows, start=1)]
    parsed = parse_xml(f'<w:tbl xmlns:w="{W_NS}">{"".join(rows)}</w:tbl>')
    for tr in list(parsed):
        table._tbl.append(tr)
    word.add_paragraph(style="Table Text")  # a table directly after a table would merge


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEADER_FILL = "E7E6E6"
# Characters XML 1.0 cannot hold (the register refuses them in text; a stray one would
# make the whole file unreadable).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def row_xml(cells: list[str], twips: list[int], style_id: str, *, header: bool = False,
            bold: bool = False, aligns: list[str]) -> str:
    """One <w:tr>: every cell a paragraph in the table style; a line break for each
    newline of the text."""
    from xml.sax.saxutils import escape

    props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>' if header else ""
    strong = "<w:rPr><w:b/></w:rPr>" if header or bold else ""
    parts = [f"<w:tr><w:trPr>{props}</w:trPr>"]
    for text, width, align in zip(cells, twips, aligns, strict=True):
        justify = f'<w:jc w:val="{align}"/>' if align else ""
        lines = '</w:t><w:br/><w:t xml:space="preserve">'.join(
            escape(NOT_IN_XML.sub("", line)) for line in text.splitlines() or [""])
        parts.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
            f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/>{justify}</w:pPr>'
            f'<w:r>{strong}<w:t xml:space="preserve">{lines}</w:t></w:r></w:p></w:tc>')
    parts.append("</w:tr>")
    return "".join(parts)


def narrow_cell_margins(table) -> None:
    """1 mm inside each cell instead of Word's 1.9 mm: ten columns fit on A4 portrait."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")  # twentieths of a point: 57 = 1 mm
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    # Word refuses a table whose properties are out of the schema's order.
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption",
                                           "w:tblDescription", "w:tblPrChange")

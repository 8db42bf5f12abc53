"""The export layout applied to a python-docx document: page size and margins (always), the
template's fonts, sizes, line spacing and heading style on the document's styles (templates
and custom options only: the default formatting keeps Word's own styles), and the template's
running header and footer (the title page has none; {page} is a PAGE field Word fills in).
"""

from __future__ import annotations

from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from books.export.layout import Layout, running_text

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER}
_THEME_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
HEADING_STYLES = ("Title", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Heading 5")


def set_font_name(font, rpr_owner, name: str) -> None:
    """Set `name` for every script and drop the theme-font references, which Word would
    otherwise prefer over the explicit name."""
    font.name = name
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for attribute in _THEME_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)


def _page(document, layout: Layout) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width = Pt(layout.page_width)
    section.page_height = Pt(layout.page_height)
    margins = layout.margins
    section.top_margin = Pt(margins.top)
    section.bottom_margin = Pt(margins.bottom)
    section.left_margin = Pt(margins.inside)
    section.right_margin = Pt(margins.outside)
    section.header_distance = Pt(margins.top / 2)
    section.footer_distance = Pt(margins.bottom / 2)


def _styles(document, layout: Layout) -> None:
    normal = document.styles["Normal"]
    if layout.docx_body_font:
        set_font_name(normal.font, normal.element, layout.docx_body_font)
    normal.font.size = Pt(layout.font_size)
    normal.paragraph_format.line_spacing = layout.line_height
    sizes = {
        "Heading 1": layout.heading_size,
        "Heading 2": layout.heading_size * 0.8,
        "Heading 3": layout.font_size + 4,
        "Heading 4": layout.font_size + 2,
        "Heading 5": layout.font_size + 1,
    }
    for name in HEADING_STYLES:
        style = document.styles[name]
        if layout.docx_heading_font:
            set_font_name(style.font, style.element, layout.docx_heading_font)
        if layout.template_id is not None:
            style.font.bold = layout.heading_bold
            style.font.italic = layout.heading_italic
        if name in sizes:
            style.font.size = Pt(sizes[name])
        style.paragraph_format.line_spacing = 1.0
        style.paragraph_format.first_line_indent = Pt(0)
    document.styles["Heading 1"].paragraph_format.alignment = _ALIGN[layout.heading_align]


def _page_field(paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _running(document, layout: Layout, *, title: str, author: str) -> None:
    section = document.sections[0]
    section.different_first_page_header_footer = True  # the title page
    left, right = (running_text(text, title=title, author=author) for text in layout.header)
    if left or right:
        paragraph = section.header.paragraphs[0]
        width = layout.page_width - layout.margins.inside - layout.margins.outside
        paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(width), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.text = f"{left}\t{right}"
    if layout.footer:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        before, _, after = layout.footer.partition("{page}")
        paragraph.add_run(running_text(before, title=title, author=author))
        if "{page}" in layout.footer:
            _page_field(paragraph)
        paragraph.add_run(running_text(after, title=title, author=author))


def apply_layout(document, layout: Layout, *, title: str, author: str) -> None:
    """Apply `layout` to a new python-docx document (module docstring)."""
    _page(document, layout)
    if layout.docx_styled:
        _styles(document, layout)
    if layout.template_id is not None:
        _running(document, layout, title=title, author=author)

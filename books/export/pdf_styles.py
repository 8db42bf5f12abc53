"""The reportlab paragraph styles of the PDF export, from the export layout: body text in the
layout's body family, size, line height and first-line indent (justified); title, contents,
chapter label and headings in its heading face; chapter headings at its heading size and
alignment, subchapters at 0.8 of it, the content's h1-h3 at 4, 2 and 1 pt above the body."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from books.export.fonts import pdf_family
from books.export.layout import Layout

_ALIGN = {"left": TA_LEFT, "center": TA_CENTER}


def pdf_styles(layout: Layout) -> dict[str, ParagraphStyle]:
    """The paragraph styles of a PDF under `layout`, by role."""
    body_font = pdf_family(layout.body_family).regular
    heading_font = pdf_family(layout.heading_family).face(
        bold=layout.heading_bold, italic=layout.heading_italic
    )
    size = layout.font_size
    base = ParagraphStyle(
        "Body",
        fontName=body_font,
        fontSize=size,
        leading=size * layout.line_height,
        spaceAfter=size * 7 / 11,
    )
    body = ParagraphStyle(
        "BodyJustified",
        parent=base,
        alignment=TA_JUSTIFY,
        firstLineIndent=layout.first_line_indent,
    )

    def heading(name: str, size: float, before: float, after: float, **extra) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            parent=base,
            fontName=heading_font,
            fontSize=size,
            leading=size * 1.25,
            spaceBefore=before,
            spaceAfter=after,
            keepWithNext=1,
            **extra,
        )

    chapter_align = _ALIGN[layout.heading_align]
    chapter = layout.heading_size
    return {
        "body": body,
        "title": heading("BookTitle", 24, 0, 18, alignment=TA_CENTER),
        "subtitle": heading("BookSubtitle", 16, 0, 14, alignment=TA_CENTER),
        "center": ParagraphStyle("Center", parent=base, alignment=TA_CENTER, spaceAfter=10),
        "contents": heading("Contents", chapter, 0, 16, alignment=chapter_align),
        "toc1": ParagraphStyle("Toc1", parent=base, spaceAfter=4),
        "toc2": ParagraphStyle("Toc2", parent=base, leftIndent=20, spaceAfter=3),
        "label": heading("ChapterLabel", chapter * 0.65, 0, 6, alignment=chapter_align),
        "chapter1": heading("Chapter", chapter, 0, 14, alignment=chapter_align),
        "chapter2": heading("Subchapter", chapter * 0.8, 18, 10),
        "h1": heading("H1", size + 4, 12, 6),
        "h2": heading("H2", size + 2, 10, 5),
        "h3": heading("H3", size + 1, 8, 4),
        "description": ParagraphStyle("Description", parent=base, spaceAfter=12),
        "quote": ParagraphStyle("Quote", parent=body, leftIndent=24, rightIndent=24),
        "code": ParagraphStyle(
            "Code", parent=base, fontName=pdf_family("mono").regular, fontSize=9, leading=11
        ),
        "list": ParagraphStyle("List", parent=base, spaceAfter=3, bulletFontName=body_font),
    }

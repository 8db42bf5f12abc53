"""PDF renderer (reportlab platypus).

Layout of the reference export: 72 pt margins, a title page (title 24 pt, subtitle, "by author",
the genre/audience line, description), a contents page, then each chapter on a new page with its
heading (20 pt; subchapters 16 pt) and content in 11 pt justified text; empty chapters print
"(No content yet)" in italics. Chapters are also PDF bookmarks (subchapters nested), and pages
after the title page carry a page number.

Streaming: platypus consumes a list of flowables from the front. `_LazyFlowables` is that list,
refilled from a generator that converts one chapter at a time, so the flowables of the whole book
never exist at once; what accumulates is reportlab's own compressed page output.

Fonts: DejaVu Serif (wide Unicode coverage) when it is installed, else the built-in Times family
(Latin-1 only: other characters render as boxes).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO
from xml.sax.saxutils import escape as xml_escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from books.export.blocks import Block, Heading, ListBlock, Run
from books.export.blocks import Paragraph as TextParagraph
from books.export.document import CONTENTS_TITLE, NO_CONTENT, ExportDocument

PAGE_SIZES = {"letter": letter, "A4": A4}
MARGIN = 72
_BUFFER = 64  # flowables kept ahead of the layout engine

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)
_fonts: tuple[str, str] | None = None


def _register_fonts() -> tuple[str, str]:
    """(body family, monospace family) registered with reportlab, once per process."""
    global _fonts
    if _fonts is not None:
        return _fonts
    files = {
        "AADejaVuSerif": "DejaVuSerif.ttf",
        "AADejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
        "AADejaVuSerif-Italic": "DejaVuSerif-Italic.ttf",
        "AADejaVuSerif-BoldItalic": "DejaVuSerif-BoldItalic.ttf",
        "AADejaVuSansMono": "DejaVuSansMono.ttf",
    }
    for directory in _FONT_DIRS:
        paths = {name: os.path.join(directory, file) for name, file in files.items()}
        if all(os.path.exists(path) for path in paths.values()):
            try:
                for name, path in paths.items():
                    pdfmetrics.registerFont(TTFont(name, path))
                pdfmetrics.registerFontFamily(
                    "AADejaVuSerif",
                    normal="AADejaVuSerif",
                    bold="AADejaVuSerif-Bold",
                    italic="AADejaVuSerif-Italic",
                    boldItalic="AADejaVuSerif-BoldItalic",
                )
                _fonts = ("AADejaVuSerif", "AADejaVuSansMono")
                return _fonts
            except Exception:  # a broken font file: fall back to the built-in fonts
                break
    _fonts = ("Times-Roman", "Courier")
    return _fonts


def _styles() -> dict[str, ParagraphStyle]:
    body_font, mono = _register_fonts()
    base = ParagraphStyle("Body", fontName=body_font, fontSize=11, leading=15, spaceAfter=7)
    body = ParagraphStyle("BodyJustified", parent=base, alignment=TA_JUSTIFY)

    def heading(name: str, size: float, before: float, after: float) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            parent=base,
            fontSize=size,
            leading=size * 1.25,
            spaceBefore=before,
            spaceAfter=after,
            keepWithNext=1,
        )

    return {
        "body": body,
        "title": ParagraphStyle(
            "BookTitle", parent=base, fontSize=24, leading=30, alignment=TA_CENTER, spaceAfter=18
        ),
        "subtitle": ParagraphStyle(
            "BookSubtitle", parent=base, fontSize=16, leading=20, alignment=TA_CENTER, spaceAfter=14
        ),
        "center": ParagraphStyle("Center", parent=base, alignment=TA_CENTER, spaceAfter=10),
        "contents": heading("Contents", 20, 0, 16),
        "toc1": ParagraphStyle("Toc1", parent=base, spaceAfter=4),
        "toc2": ParagraphStyle("Toc2", parent=base, leftIndent=20, spaceAfter=3),
        "chapter1": heading("Chapter", 20, 0, 14),
        "chapter2": heading("Subchapter", 16, 18, 10),
        "h1": heading("H1", 15, 12, 6),
        "h2": heading("H2", 13, 10, 5),
        "h3": heading("H3", 12, 8, 4),
        "description": ParagraphStyle("Description", parent=base, spaceAfter=12),
        "quote": ParagraphStyle("Quote", parent=body, leftIndent=24, rightIndent=24),
        "code": ParagraphStyle("Code", parent=base, fontName=mono, fontSize=9, leading=11),
        "list": ParagraphStyle("List", parent=base, spaceAfter=3, bulletFontName=body_font),
    }


def _markup(runs: list[Run], mono: str) -> str:
    """reportlab's paragraph mini-markup for `runs` (text escaped)."""
    parts = []
    for run in runs:
        if run.is_break:
            parts.append("<br/>")
            continue
        text = xml_escape(run.text)
        if run.code:
            text = f'<font face="{mono}">{text}</font>'
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        if run.href:
            text = f'<a href="{xml_escape(run.href, {chr(34): "&quot;"})}" color="blue">{text}</a>'
        parts.append(text)
    return "".join(parts)


class _BookTemplate(SimpleDocTemplate):
    """Adds a PDF bookmark (outline entry) for every chapter heading where it is drawn."""

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab hook name
        bookmark = getattr(flowable, "_bookmark", None)
        if bookmark is not None:
            key, title, level = bookmark
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)


class _LazyFlowables(list):
    """The flowable list platypus consumes, refilled from a generator as it empties."""

    def __init__(self, source: Iterator[Flowable]):
        super().__init__()
        self._source = source
        self._done = False

    def __len__(self):
        while not self._done and list.__len__(self) < _BUFFER:
            try:
                self.append(next(self._source))
            except StopIteration:
                self._done = True
        return list.__len__(self)


def _block_flowables(block: Block, styles, mono: str) -> Iterator[Flowable]:
    if isinstance(block, Heading):
        yield Paragraph(_markup(block.runs, mono), styles[f"h{block.level}"])
    elif isinstance(block, ListBlock):
        yield from _list_flowables(block, styles, mono, depth=0)
    else:
        assert isinstance(block, TextParagraph)
        if block.kind == "code":
            text = xml_escape("".join(r.text for r in block.runs))
            text = text.replace(" ", "&nbsp;").replace("\n", "<br/>")
            yield Paragraph(text, styles["code"])
        else:
            style = styles["quote"] if block.kind == "quote" else styles["body"]
            yield Paragraph(_markup(block.runs, mono), style)


def _list_flowables(lst: ListBlock, styles, mono: str, depth: int) -> Iterator[Flowable]:
    indent = 18 * (depth + 1)
    style = ParagraphStyle(
        f"List{depth}", parent=styles["list"], leftIndent=indent + 10, bulletIndent=indent - 8
    )
    for index, item in enumerate(lst.items, start=1):
        bullet = f"{index}." if lst.ordered else "•"
        if item.runs:
            yield Paragraph(_markup(item.runs, mono), style, bulletText=bullet)
        for child in item.children:
            yield from _list_flowables(child, styles, mono, depth + 1)


def _story(doc: ExportDocument, styles) -> Iterator[Flowable]:
    _, mono = _register_fonts()
    yield Spacer(1, 120)
    yield Paragraph(xml_escape(doc.title), styles["title"])
    if doc.subtitle:
        yield Paragraph(xml_escape(doc.subtitle), styles["subtitle"])
    if doc.author_name:
        yield Paragraph(f"by {xml_escape(doc.author_name)}", styles["center"])
    if doc.meta_line:
        yield Paragraph(xml_escape(doc.meta_line), styles["center"])
    if doc.description:
        yield Spacer(1, 18)
        yield Paragraph(xml_escape(doc.description), styles["body"])
    yield PageBreak()
    yield Paragraph(CONTENTS_TITLE, styles["contents"])
    for entry in doc.outline:
        yield Paragraph(xml_escape(entry.contents_line), styles[f"toc{entry.level}"])
    for chapter in doc.iter_chapters():
        entry = chapter.entry
        if entry.level == 1:
            yield PageBreak()
        heading = Paragraph(xml_escape(entry.heading), styles[f"chapter{entry.level}"])
        heading._bookmark = (f"ch-{entry.number}", entry.heading, entry.level - 1)
        yield heading
        if chapter.description:
            yield Paragraph(f"<i>{xml_escape(chapter.description)}</i>", styles["description"])
        if chapter.blocks:
            for block in chapter.blocks:
                yield from _block_flowables(block, styles, mono)
        elif not chapter.heading_only:
            yield Paragraph(f"<i>{NO_CONTENT}</i>", styles["body"])


def render(doc: ExportDocument, out: BinaryIO, *, page_size: str = "letter") -> None:
    styles = _styles()
    body_font, _ = _register_fonts()
    template = _BookTemplate(
        out,
        pagesize=PAGE_SIZES[page_size],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=doc.title,
        author=doc.author_name,
        subject=doc.subtitle or doc.description[:200],
        creator="Auto Author",
    )

    def page_number(canvas, document):
        canvas.saveState()
        canvas.setFont(body_font, 9)
        canvas.drawCentredString(document.pagesize[0] / 2, MARGIN / 2, str(document.page))
        canvas.restoreState()

    def check_deadline(canvas, document):
        doc.deadline.check()
        page_number(canvas, document)

    template.build(
        _LazyFlowables(_story(doc, styles)),
        onFirstPage=lambda canvas, document: doc.deadline.check(),
        onLaterPages=check_deadline,
    )

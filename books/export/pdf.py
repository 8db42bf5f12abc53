"""PDF renderer (reportlab platypus).

Layout: the document's `layout` (books.export.layout: the default formatting of the reference
export - letter or A4, 72 pt margins, 11 pt serif, 20 pt chapter headings - or a template with
the caller's overrides). A title page (title 24 pt, subtitle, "by author", the genre/audience
line, description), a contents page, then each chapter on a new page (lowered by the template's
chapter-opening drop, with its "Chapter n" label line when the template stacks it), subchapters
at 0.8 of the chapter heading size, content justified with the template's first-line indent;
empty chapters print "(No content yet)" in italics; the author's bio closes the book as "About
the Author". Chapters are also PDF bookmarks (subchapters nested), and pages after the title
page carry the template's running header and footer (by default only the page number).

Streaming: platypus consumes a list of flowables from the front. `_LazyFlowables` is that list,
refilled from a generator that converts one chapter at a time, so the flowables of the whole book
never exist at once; what accumulates is reportlab's own compressed page output.

Fonts: the layout's families from books.export.fonts (DejaVu when installed, else the built-in
Times/Helvetica/Courier).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.sax.saxutils import escape as xml_escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)
from reportlab.platypus.flowables import Flowable

from books.export.blocks import Block, Heading, ListBlock, Run
from books.export.blocks import Paragraph as TextParagraph
from books.export.document import ABOUT_AUTHOR_TITLE, CONTENTS_TITLE, NO_CONTENT, ExportDocument
from books.export.fonts import pdf_family
from books.export.layout import Layout, chapter_heading, running_text
from books.export.pdf_styles import pdf_styles

_BUFFER = 64  # flowables kept ahead of the layout engine


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
    """Adds a PDF bookmark (outline entry) for every chapter heading where it is drawn, and
    sets text exactly at the layout's margins (SimpleDocTemplate's own frame pads them by 6 pt
    on every side)."""

    def build(self, flowables, *, onFirstPage, onLaterPages):  # noqa: N803 - reportlab names
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates(
            [
                PageTemplate("First", [frame], onPage=onFirstPage, pagesize=self.pagesize),
                PageTemplate("Later", [frame], onPage=onLaterPages, pagesize=self.pagesize),
            ]
        )
        BaseDocTemplate.build(self, flowables)  # SimpleDocTemplate switches First -> Later

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


def _front(doc: ExportDocument, styles) -> Iterator[Flowable]:
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


def _opening(heading: str, label, styles, layout: Layout, bookmark) -> Iterator[Flowable]:
    """A new page, the chapter-opening drop, the label line (when stacked), then the heading;
    the first of them is the bookmark's target."""
    if layout.opening_new_page:
        yield PageBreak()
    if layout.opening_drop:
        yield Spacer(1, layout.opening_drop)
    lines = [(label, "label")] if label else []
    lines.append((heading, "chapter1"))
    for index, (text, style) in enumerate(lines):
        flowable = Paragraph(xml_escape(text), styles[style])
        if index == 0:
            flowable._bookmark = bookmark
        yield flowable


def _story(doc: ExportDocument, styles) -> Iterator[Flowable]:
    layout = doc.layout
    mono = pdf_family("mono").regular
    yield from _front(doc, styles)
    for chapter in doc.iter_chapters():
        entry = chapter.entry
        label, heading = chapter_heading(entry, layout)
        bookmark = (f"ch-{entry.number}", entry.heading, entry.level - 1)
        if entry.level == 1:
            yield from _opening(heading, label, styles, layout, bookmark)
        else:
            flowable = Paragraph(xml_escape(heading), styles["chapter2"])
            flowable._bookmark = bookmark
            yield flowable
        if chapter.description:
            yield Paragraph(f"<i>{xml_escape(chapter.description)}</i>", styles["description"])
        if chapter.blocks:
            for block in chapter.blocks:
                yield from _block_flowables(block, styles, mono)
        elif not chapter.heading_only:
            yield Paragraph(f"<i>{NO_CONTENT}</i>", styles["body"])
    if doc.author_bio:
        bookmark = ("about-author", ABOUT_AUTHOR_TITLE, 0)
        yield from _opening(ABOUT_AUTHOR_TITLE, None, styles, layout, bookmark)
        for paragraph in doc.bio_paragraphs:
            yield Paragraph(xml_escape(paragraph), styles["body"])


def _running(doc: ExportDocument):
    """The onLaterPages hook: the deadline check, then header and footer in the body font."""
    layout = doc.layout
    font = pdf_family(layout.body_family).regular
    left, right = layout.header
    margins = layout.margins

    def draw(canvas, document):
        doc.deadline.check()
        texts = {
            key: running_text(text, title=doc.title, author=doc.author_name, page=document.page)
            for key, text in (("left", left), ("right", right), ("footer", layout.footer))
        }
        canvas.saveState()
        canvas.setFont(font, 9)
        top = layout.page_height - margins.top / 2
        if texts["left"]:
            canvas.drawString(margins.inside, top, texts["left"])
        if texts["right"]:
            canvas.drawRightString(layout.page_width - margins.outside, top, texts["right"])
        if texts["footer"]:
            canvas.drawCentredString(layout.page_width / 2, margins.bottom / 2, texts["footer"])
        canvas.restoreState()

    return draw


def render(doc: ExportDocument, out: BinaryIO) -> None:
    layout = doc.layout
    template = _BookTemplate(
        out,
        pagesize=(layout.page_width, layout.page_height),
        leftMargin=layout.margins.inside,
        rightMargin=layout.margins.outside,
        topMargin=layout.margins.top,
        bottomMargin=layout.margins.bottom,
        title=doc.title,
        author=doc.author_name,
        subject=doc.subtitle or doc.description[:200],
        creator="Auto Author",
    )
    template.build(
        _LazyFlowables(_story(doc, pdf_styles(layout))),
        onFirstPage=lambda canvas, document: doc.deadline.check(),
        onLaterPages=_running(doc),
    )

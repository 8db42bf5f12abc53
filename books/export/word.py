"""DOCX renderer (python-docx).

Layout of the reference export: a title page (Title style, subtitle, "by author", the
genre/audience line, description), a page break, "Table of Contents" with one line per chapter
(subchapters indented), then each chapter on a new page as Heading 1 ("Chapter n: Title"),
subchapters as Heading 2 ("n.m Title"), the description in italics and the content: its h1-h3 as
Heading 3-5, paragraphs, lists (numbered/bulleted by hand, so every list restarts at 1), quotes
(Quote style), code (Courier New); empty chapters print "(No content yet)" in italics. Links keep
their text. The author's bio closes the book under "About the Author". A template
(books.export.word_layout) sets the page, fonts and spacing, lowers each chapter opening by its
drop, sets its heading as the template says ("Chapter Three" above the title, "3. Title", ...)
and indents body paragraphs. The document is built chapter by chapter from the document's
iterator; python-docx holds the one in-memory copy until it is saved.
"""

from __future__ import annotations

from typing import BinaryIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Inches, Pt

from books.export.blocks import Block, Heading, ListBlock, Run
from books.export.document import ABOUT_AUTHOR_TITLE, CONTENTS_TITLE, NO_CONTENT, ExportDocument
from books.export.layout import Layout, chapter_heading
from books.export.word_layout import apply_layout, set_font_name

MONO = "Courier New"


def _runs(paragraph, runs: list[Run]) -> None:
    for run in runs:
        if run.is_break:
            paragraph.add_run().add_break(WD_BREAK.LINE)
            continue
        out = paragraph.add_run(run.text)
        out.bold = run.bold or None
        out.italic = run.italic or None
        if run.code:
            out.font.name = MONO


def _list(document, lst: ListBlock, depth: int) -> None:
    for index, item in enumerate(lst.items, start=1):
        if item.runs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Inches(0.3 * (depth + 1))
            paragraph.paragraph_format.first_line_indent = Inches(-0.25)
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.add_run(f"{index}.\t" if lst.ordered else "•\t")
            _runs(paragraph, item.runs)
        for child in item.children:
            _list(document, child, depth + 1)


def _block(document, block: Block, indent: float = 0.0) -> None:
    if isinstance(block, Heading):
        _runs(document.add_heading(level=2 + block.level), block.runs)
    elif isinstance(block, ListBlock):
        _list(document, block, 0)
    elif block.kind == "code":
        paragraph = document.add_paragraph()
        lines = "".join(r.text for r in block.runs).split("\n")
        for number, line in enumerate(lines):
            run = paragraph.add_run(line)
            run.font.name = MONO
            run.font.size = Pt(9)
            if number < len(lines) - 1:
                run.add_break(WD_BREAK.LINE)
    else:
        style = "Quote" if block.kind == "quote" else None
        paragraph = document.add_paragraph(style=style)
        if indent and style is None:
            paragraph.paragraph_format.first_line_indent = Pt(indent)
        _runs(paragraph, block.runs)


def _opening(document, heading: str, label: str | None, layout: Layout) -> None:
    """A chapter's first page: the page break, the label line (stacked openings) in the
    heading font, the Heading 1; the first of them lowered by the template's drop."""
    if layout.opening_new_page:
        document.add_page_break()
    first = None
    if label:
        first = document.add_paragraph()
        run = first.add_run(label)
        run.font.size = Pt(layout.heading_size * 0.65)
        if layout.docx_heading_font:
            set_font_name(run.font, run._r, layout.docx_heading_font)
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER if layout.heading_align == "center" else None
        first.paragraph_format.keep_with_next = True
    paragraph = document.add_heading(heading, level=1)
    if layout.opening_drop:
        (first or paragraph).paragraph_format.space_before = Pt(layout.opening_drop)


def render(doc: ExportDocument, out: BinaryIO) -> None:
    document = Document()
    layout = doc.layout
    apply_layout(document, layout, title=doc.title, author=doc.author_name)
    props = document.core_properties
    props.title = doc.title[:255]
    props.author = doc.author_name[:255]
    props.subject = (doc.subtitle or "")[:255]
    props.category = (doc.genre or "")[:255]
    props.comments = (doc.description or "")[:255]

    title = document.add_heading(doc.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.subtitle:
        subtitle = document.add_paragraph(doc.subtitle, style="Subtitle")
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (f"by {doc.author_name}" if doc.author_name else "", doc.meta_line):
        if line:
            document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.description:
        document.add_paragraph(doc.description)
    document.add_page_break()

    document.add_heading(CONTENTS_TITLE, level=1)
    for entry in doc.outline:
        paragraph = document.add_paragraph(entry.contents_line)
        paragraph.paragraph_format.space_after = Pt(2)
        if entry.level == 2:
            paragraph.paragraph_format.left_indent = Inches(0.3)

    for chapter in doc.iter_chapters():
        entry = chapter.entry
        label, heading = chapter_heading(entry, layout)
        if entry.level == 1:
            _opening(document, heading, label, layout)
        else:
            document.add_heading(heading, level=2)
        if chapter.description:
            document.add_paragraph().add_run(chapter.description).italic = True
        if chapter.blocks:
            for block in chapter.blocks:
                _block(document, block, layout.first_line_indent)
        elif not chapter.heading_only:
            document.add_paragraph().add_run(NO_CONTENT).italic = True
    if doc.author_bio:
        _opening(document, ABOUT_AUTHOR_TITLE, None, layout)
        for text in doc.bio_paragraphs:
            document.add_paragraph(text)
    doc.deadline.check()
    document.save(out)

"""EPUB 3 renderer (ebooklib).

One XHTML document per chapter and per subchapter (so output is produced chapter by chapter), a
title page, an EPUB 3 navigation document built from the outline (subchapters nested under their
chapter; it is also in the spine as the visible contents page) and an NCX for EPUB 2 readers.
Content is re-serialised from blocks with every text escaped: no author HTML reaches the file.
Headings: chapter h1, subchapter h2, the content's h1-h3 as h3-h5. The author's bio is an
"About the Author" page after the last chapter (in the navigation too).

The style sheet is the layout's (`book_css`): a template sets the font stacks (its Word font
first, then its family), the size relative to the reader's default (font size / 11 pt), the
line height, the paragraph indent, the heading weight and alignment, how far down a chapter
opens and the stacked "Chapter n" label. Page size and margins do not apply: an EPUB reflows.
"""

from __future__ import annotations

import uuid
from html import escape
from typing import BinaryIO

from ebooklib import epub

from books.export.blocks import Block, Heading, ListBlock, Run
from books.export.document import ABOUT_AUTHOR_TITLE, CONTENTS_TITLE, NO_CONTENT, ExportDocument
from books.export.layout import Layout, chapter_heading

_STACKS = {"serif": "Georgia, serif", "sans": "Helvetica, Arial, sans-serif"}
_CSS = """body { font-family: serif; line-height: 1.5; }
h1, h2, h3, h4, h5 { font-family: sans-serif; }
.title-page { text-align: center; margin-top: 20%; }
.subtitle { font-size: 1.3em; }
.description { font-style: italic; }
.empty { font-style: italic; color: #555; }
blockquote { margin: 1em 2em; font-style: italic; }
pre { font-family: monospace; white-space: pre-wrap; }
.chapter-label { text-align: center; }
"""


def _stack(font: str | None, family: str) -> str:
    return f'"{font}", {_STACKS[family]}' if font else _STACKS[family]


def book_css(layout: Layout) -> str:
    """The style sheet of an export under `layout` (module docstring); the default formatting
    keeps the plain sheet."""
    if layout.template_id is None and not layout.custom:
        return _CSS
    size = layout.font_size
    align = layout.heading_align
    rules = [
        f"/* layout: {layout.template_id or 'default'} */",
        f"body {{ font-family: {_stack(layout.docx_body_font, layout.body_family)}; "
        f"font-size: {size / 11:.3f}em; line-height: {layout.line_height:g}; }}",
        f"h1, h2, h3, h4, h5, .chapter-label {{ font-family: "
        f"{_stack(layout.docx_heading_font, layout.heading_family)}; "
        f"font-weight: {'bold' if layout.heading_bold else 'normal'}; "
        f"font-style: {'italic' if layout.heading_italic else 'normal'}; }}",
        f"h1 {{ text-align: {align}; margin-top: {layout.opening_drop / size:.2f}em; }}",
        f".chapter-label {{ text-align: {align}; "
        f"margin-top: {layout.opening_drop / size:.2f}em; margin-bottom: 0; }}",
        ".chapter-label + h1 { margin-top: 0.3em; }",
        f".chapter p {{ text-indent: {layout.first_line_indent / size:.2f}em; }}",
        ".chapter p.description, .chapter p.empty { text-indent: 0; }",
    ]
    return _CSS + "\n".join(rules) + "\n"


def _inline(runs: list[Run]) -> str:
    out = []
    for run in runs:
        if run.is_break:
            out.append("<br/>")
            continue
        text = escape(run.text, quote=False)
        if run.code:
            text = f"<code>{text}</code>"
        if run.bold:
            text = f"<strong>{text}</strong>"
        if run.italic:
            text = f"<em>{text}</em>"
        if run.href:
            text = f'<a href="{escape(run.href)}">{text}</a>'
        out.append(text)
    return "".join(out)


def _list(lst: ListBlock) -> str:
    tag = "ol" if lst.ordered else "ul"
    items = []
    for item in lst.items:
        children = "".join(_list(child) for child in item.children)
        items.append(f"<li>{_inline(item.runs)}{children}</li>")
    return f"<{tag}>{''.join(items)}</{tag}>"


def block_html(block: Block) -> str:
    if isinstance(block, Heading):
        level = 2 + block.level
        return f"<h{level}>{_inline(block.runs)}</h{level}>"
    if isinstance(block, ListBlock):
        return _list(block)
    if block.kind == "code":
        return f"<pre>{escape(''.join(r.text for r in block.runs), quote=False)}</pre>"
    if block.kind == "quote":
        return f"<blockquote><p>{_inline(block.runs)}</p></blockquote>"
    return f"<p>{_inline(block.runs)}</p>"


def _metadata(book: epub.EpubBook, doc: ExportDocument) -> None:
    book.set_identifier(doc.identifier or f"urn:uuid:{uuid.uuid4()}")
    book.set_title(doc.title)
    book.set_language(doc.language)
    if doc.author_name:
        book.add_author(doc.author_name)
    if doc.description:
        book.add_metadata("DC", "description", doc.description)
    if doc.genre:
        book.add_metadata("DC", "subject", doc.genre)


def _title_page(doc: ExportDocument, style: epub.EpubItem) -> epub.EpubHtml:
    title_parts = [f"<h1>{escape(doc.title)}</h1>"]
    if doc.subtitle:
        title_parts.append(f'<p class="subtitle">{escape(doc.subtitle)}</p>')
    if doc.author_name:
        title_parts.append(f"<p>by {escape(doc.author_name)}</p>")
    if doc.meta_line:
        title_parts.append(f"<p>{escape(doc.meta_line)}</p>")
    if doc.description:
        title_parts.append(f'<p class="description">{escape(doc.description)}</p>')
    title_page = epub.EpubHtml(
        uid="title-page", title=doc.title, file_name="title.xhtml", lang=doc.language
    )
    title_page.content = f'<div class="title-page">{"".join(title_parts)}</div>'
    title_page.add_item(style)
    return title_page


def _navigation(doc: ExportDocument) -> tuple[dict, list]:
    """({outline key: file name}, the EPUB toc). The navigation is built from the outline; file
    names are fixed by outline position so the nav never needs the chapters' content."""
    file_names = {
        entry.key: f"chapter-{index:04d}.xhtml" for index, entry in enumerate(doc.outline, 1)
    }
    toc: list = []
    for entry in doc.outline:
        link = epub.Link(file_names[entry.key], entry.heading, f"nav-{entry.number}")
        if entry.level == 1:
            toc.append([link, []])
        else:
            toc[-1][1].append(link)
    return file_names, [tuple(item) if item[1] else item[0] for item in toc]


def _chapter_item(chapter, file_name: str, doc: ExportDocument, style) -> epub.EpubHtml:
    entry = chapter.entry
    level = entry.level
    label, heading = chapter_heading(entry, doc.layout)
    parts = [f'<p class="chapter-label">{escape(label)}</p>'] if label else []
    parts.append(f"<h{level}>{escape(heading)}</h{level}>")
    if chapter.description:
        parts.append(f'<p class="description">{escape(chapter.description)}</p>')
    if chapter.blocks:
        parts.extend(block_html(block) for block in chapter.blocks)
    elif not chapter.heading_only:
        parts.append(f'<p class="empty">{NO_CONTENT}</p>')
    item = epub.EpubHtml(
        uid=f"chapter-{entry.number.replace('.', '-')}",
        title=entry.heading,
        file_name=file_name,
        lang=doc.language,
    )
    item.content = f'<div class="chapter">{"".join(parts)}</div>'
    item.add_item(style)
    return item


def _about_item(doc: ExportDocument, style) -> epub.EpubHtml:
    item = epub.EpubHtml(
        uid="about-author", title=ABOUT_AUTHOR_TITLE, file_name="about.xhtml", lang=doc.language
    )
    paragraphs = "".join(f"<p>{escape(text)}</p>" for text in doc.bio_paragraphs)
    item.content = f'<div class="about"><h1>{ABOUT_AUTHOR_TITLE}</h1>{paragraphs}</div>'
    item.add_item(style)
    return item


def render(doc: ExportDocument, out: BinaryIO) -> None:
    book = epub.EpubBook()
    _metadata(book, doc)
    style = epub.EpubItem(
        uid="style", file_name="style/book.css", media_type="text/css", content=book_css(doc.layout)
    )
    book.add_item(style)
    title_page = _title_page(doc, style)
    book.add_item(title_page)

    nav = epub.EpubNav(title=CONTENTS_TITLE)
    nav.add_item(style)
    spine: list = [title_page, nav]
    file_names, book.toc = _navigation(doc)
    for chapter in doc.iter_chapters():
        item = _chapter_item(chapter, file_names[chapter.entry.key], doc, style)
        book.add_item(item)
        spine.append(item)
    if doc.author_bio:
        about = _about_item(doc, style)
        book.add_item(about)
        spine.append(about)
        book.toc.append(epub.Link("about.xhtml", ABOUT_AUTHOR_TITLE, "nav-about"))

    book.add_item(epub.EpubNcx())
    book.add_item(nav)
    book.spine = spine
    doc.deadline.check()
    epub.write_epub(out, book, {"raise_exceptions": True, "epub3_pages": False})

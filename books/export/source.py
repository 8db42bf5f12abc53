"""The adapter from a Book to the neutral export document.

The chapter structure comes from the chapter selectors (`books.selectors.chapters_flat`, the one
TOC reader: pre-order, level, parent_id, merged with the Chapter documents). What each chapter
holds for an export (has it visible content, how many words) was stored by its content save
(`Chapter.has_visible_content`, `visible_word_count`, computed by
`books.export.document.content_stats`), so:

1. `BookExportSource(book)` reads the Chapter documents once *without* their content (one
   query) and knows which chapters have visible content and how many words they hold (the
   contents page, the 400 checks and `book_stats` need that before anything is rendered);
   `book_export_stats` is the same facts for the formats endpoint, from one query projected on
   the two stored fields.
2. `document(...)` returns an `ExportDocument` whose chapters iterable loads the selected
   chapters' HTML in batches of `BATCH_SIZE`, as the renderer reaches them.

So at most one batch of source HTML is in memory next to the renderer's own output, and the
HTML is parsed once per export (by the renderer's pass), never to measure it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator

from books.export.blocks import clean_text, html_to_blocks
from books.export.document import (
    NEVER,
    Deadline,
    ExportChapter,
    ExportDocument,
    Reiterable,
    SourceChapter,
    select_chapters,
)
from books.export.layout import DEFAULT_LAYOUT, Layout
from books.selectors import chapter_documents, chapter_visible_stats, chapters_flat, toc_iter_nodes

BATCH_SIZE = 8
WORDS_PER_PAGE = 300


def author_name(user) -> str:
    """The owner's display name, else "first last" (empty when neither is set)."""
    if user is None:
        return ""
    display = (getattr(user, "display_name", None) or "").strip()
    if display:
        return display
    return f"{user.first_name or ''} {user.last_name or ''}".strip()


def author_bio(user) -> str:
    """The owner's profile bio (empty when unset)."""
    return (getattr(user, "bio", None) or "").strip() if user is not None else ""


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stats(*, total_chapters: int, with_content: int, words: int) -> dict:
    return {
        "total_chapters": total_chapters,
        "chapters_with_content": with_content,
        "total_word_count": words,
        "estimated_pages": max(1, math.ceil(words / WORDS_PER_PAGE)) if words else 0,
    }


def book_export_stats(*, book) -> dict:
    """`book_stats` of the formats endpoint: the flattened TOC's chapter count, the listed
    chapters with visible content and their visible words (each listed id counted once, as the
    export does), pages at WORDS_PER_PAGE words (at least 1 when there are words). One MongoDB
    query projected on the stored counts; no chapter content is read."""
    nodes = list(toc_iter_nodes(book.toc))
    stored = chapter_visible_stats(book=book) if nodes else {}
    listed = {node.get("id") for node, _, _ in nodes if node.get("id")}
    counts = [stored.get(chapter_id, (False, 0)) for chapter_id in listed]
    return _stats(
        total_chapters=len(nodes),
        with_content=sum(1 for has, _ in counts if has),
        words=sum(words for _, words in counts),
    )


class BookExportSource:
    """One book's chapters, measured from their stored counts and ready to be turned into a
    document."""

    def __init__(
        self, book, *, owner=None, deadline: Deadline = NEVER, batch_size: int = BATCH_SIZE
    ):
        """`owner`: the book's owner when the caller already has it (saves a query). The author
        printed is always the book's owner, whoever exports (a collaborator's export of a
        shared book still names the owner), so any other user passed is ignored."""
        self.book = book
        self.owner = owner if owner is not None and owner.pk == book.owner_id else None
        self.deadline = deadline
        self.batch_size = batch_size
        deadline.check()
        docs = chapter_documents(book=book, include_content=False)
        self.rows = chapters_flat(book=book, docs=docs)
        self.has_content: dict[str, bool] = {}
        self.words: dict[str, int] = {}
        for row in self.rows:
            chapter_id = row.get("id")
            if chapter_id:
                doc = docs.get(chapter_id)
                self.has_content[chapter_id] = bool(doc is not None and doc.has_visible_content)
                self.words[chapter_id] = (doc.visible_word_count or 0) if doc is not None else 0

    # -- facts ------------------------------------------------------------------------------
    @property
    def total_chapters(self) -> int:
        return len(self.rows)

    @property
    def chapters_with_content(self) -> int:
        return sum(1 for has in self.has_content.values() if has)

    @property
    def total_word_count(self) -> int:
        return sum(self.words.values())

    def stats(self) -> dict:
        """`book_stats` of the formats endpoint (the same as `book_export_stats`)."""
        return _stats(
            total_chapters=self.total_chapters,
            with_content=self.chapters_with_content,
            words=self.total_word_count,
        )

    # -- the document -----------------------------------------------------------------------
    def document(self, *, include_empty: bool, layout: Layout = DEFAULT_LAYOUT) -> ExportDocument:
        book = self.book
        owner = self.owner or book.owner
        rows = {row["id"]: row for row in self.rows if row.get("id")}
        sources = [
            SourceChapter(
                key=row["id"],
                level=row.get("level", 1),
                title=clean_text(row.get("title")).strip() or "Untitled",
                parent_key=row.get("parent_id"),
                has_content=self.has_content.get(row["id"], False),
            )
            for row in self.rows
            if row.get("id")
        ]
        outline = select_chapters(sources, include_empty=include_empty)

        def generate() -> Iterator[ExportChapter]:
            for batch in _batches(outline, self.batch_size):
                self.deadline.check()
                docs = chapter_documents(
                    book=book, chapter_ids=[entry.key for entry in batch], include_content=True
                )
                for entry in batch:
                    doc = docs.pop(entry.key, None)
                    blocks = html_to_blocks(doc.content if doc is not None else "")
                    yield ExportChapter(
                        entry=entry,
                        description=clean_text(rows[entry.key].get("description")).strip(),
                        blocks=blocks,
                        heading_only=not blocks and not include_empty,
                    )

        return ExportDocument(
            title=clean_text(book.title).strip() or "Untitled",
            subtitle=clean_text(book.subtitle).strip(),
            author_name=clean_text(author_name(owner)),
            author_bio=clean_text(author_bio(owner)),
            genre=clean_text(book.genre).strip(),
            target_audience=clean_text(book.target_audience).strip(),
            description=clean_text(book.description).strip(),
            identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'autoauthor:book:{book.pk}')}",
            outline=outline,
            chapters=Reiterable(generate),
            deadline=self.deadline,
            layout=layout,
        )

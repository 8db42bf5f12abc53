"""The adapter from a Book to the neutral export document.

The chapter structure comes from the chapter selectors (`books.selectors.chapters_flat`, the one
TOC reader: pre-order, level, parent_id, merged with the Chapter documents); the HTML content is
read through `books.selectors.chapter_documents` in batches of `BATCH_SIZE` chapters, twice:

1. `BookExportSource(book)` reads every chapter once to learn which have visible content and
   how many words they hold (the contents page, the 400 checks and `book_stats` need that before
   anything is rendered); each batch is dropped once counted.
2. `document(...)` returns an `ExportDocument` whose chapters iterable loads the selected
   chapters batch by batch again, as the renderer reaches them.

So at most one batch of source HTML is in memory next to the renderer's own output.
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
    content_stats,
    select_chapters,
)
from books.selectors import chapter_documents, chapters_flat

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


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BookExportSource:
    """One book's chapters, measured (pass 1) and ready to be turned into a document."""

    def __init__(
        self, book, *, owner=None, deadline: Deadline = NEVER, batch_size: int = BATCH_SIZE
    ):
        """`owner`: the book's owner when the caller already has it (saves a query)."""
        self.book = book
        self.owner = owner
        self.deadline = deadline
        self.batch_size = batch_size
        self.rows = chapters_flat(book=book, include_content=False)
        self.has_content: dict[str, bool] = {}
        self.words: dict[str, int] = {}
        ids = [row["id"] for row in self.rows if row.get("id")]
        for batch in _batches(ids, batch_size):
            deadline.check()
            docs = chapter_documents(book=book, chapter_ids=batch, include_content=True)
            for chapter_id in batch:
                doc = docs.get(chapter_id)
                has, words = content_stats(doc.content if doc is not None else "")
                self.has_content[chapter_id] = has
                self.words[chapter_id] = words

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
        """`book_stats` of the formats endpoint."""
        words = self.total_word_count
        return {
            "total_chapters": self.total_chapters,
            "chapters_with_content": self.chapters_with_content,
            "total_word_count": words,
            "estimated_pages": max(1, math.ceil(words / WORDS_PER_PAGE)) if words else 0,
        }

    # -- the document -----------------------------------------------------------------------
    def document(self, *, include_empty: bool) -> ExportDocument:
        book = self.book
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
            author_name=clean_text(author_name(self.owner or book.owner)),
            genre=clean_text(book.genre).strip(),
            target_audience=clean_text(book.target_audience).strip(),
            description=clean_text(book.description).strip(),
            identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'autoauthor:book:{book.pk}')}",
            outline=outline,
            chapters=Reiterable(generate),
            deadline=self.deadline,
        )

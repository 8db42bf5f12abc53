"""The neutral document every renderer reads, and the chapter selection rules of an export.

A document holds the book's front matter, an `outline` (every selected chapter's number, level
and title - small, read first by the contents page and the EPUB navigation) and `chapters`: an
iterable that yields the selected chapters *with* their converted content, in TOC order. When
built from the database the iterable loads content in small batches, so a renderer that consumes
it chapter by chapter never holds more than its own output and one batch of source HTML.

Selection (rule of the reference export, made subchapter-aware):
- chapters are the TOC in pre-order; each is level 1 (chapter) or 2 (subchapter);
- a chapter is *empty* when its HTML converts to no visible text (so "<p></p>" or "&nbsp;" count
  as empty, not only the empty string);
- without `include_empty_chapters` empty chapters are dropped - except a level-1 chapter one of
  whose subchapters is kept: it stays as a section heading (title and description, no
  placeholder), so subchapters never lose their parent;
- with it every chapter is kept and empty ones print "(No content yet)".
- numbering follows the printed sequence: "1", "2", ... for chapters, "2.1", "2.2" for the
  subchapters of chapter 2.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from books.export.blocks import Block, blocks_word_count, html_to_blocks
from books.export.layout import DEFAULT_LAYOUT, Layout

NO_CONTENT = "(No content yet)"
CONTENTS_TITLE = "Table of Contents"
ABOUT_AUTHOR_TITLE = "About the Author"


class ExportCancelled(Exception):
    """Raised inside a renderer when its deadline passed or the caller gave up."""


class Deadline:
    """A cooperative stop signal: renderers call `check()` between chapters and blocks, and
    `chapter_done(index, total)` after each chapter (a progress hook: background jobs record
    "chapter 12 of 40"; a plain deadline ignores it)."""

    def __init__(self, seconds: float | None = None):
        self._at = None if seconds is None else time.monotonic() + seconds
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def check(self) -> None:
        if self._cancelled or (self._at is not None and time.monotonic() > self._at):
            raise ExportCancelled

    def chapter_done(self, index: int, total: int) -> None:
        """Chapter `index` (1-based) of `total` was rendered."""


NEVER = Deadline()


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    key: str  # the chapter id
    number: str  # "3" or "3.2"
    level: int  # 1 or 2
    title: str
    parent_key: str | None = None

    @property
    def heading(self) -> str:
        """The chapter's heading in the body: "Chapter 3: Title" or "3.2 Title"."""
        if self.level == 1:
            return f"Chapter {self.number}: {self.title}"
        return f"{self.number} {self.title}"

    @property
    def contents_line(self) -> str:
        """The chapter's line on the contents page: "3. Title" or "3.2 Title"."""
        if self.level == 1:
            return f"{self.number}. {self.title}"
        return f"{self.number} {self.title}"


@dataclass(slots=True)
class ExportChapter:
    entry: OutlineEntry
    description: str
    blocks: list[Block]
    heading_only: bool = False  # an empty parent kept for its subchapters

    @property
    def is_empty(self) -> bool:
        return not self.blocks


@dataclass
class ExportDocument:
    title: str
    outline: list[OutlineEntry]
    chapters: Iterable[ExportChapter]
    subtitle: str = ""
    author_name: str = ""
    author_bio: str = ""  # printed as "About the Author" after the last chapter
    genre: str = ""
    target_audience: str = ""
    description: str = ""
    identifier: str = ""
    language: str = "en"
    deadline: Deadline = field(default=NEVER)
    layout: Layout = DEFAULT_LAYOUT

    @property
    def bio_paragraphs(self) -> list[str]:
        """The author's bio split into paragraphs at its line breaks."""
        return [line.strip() for line in self.author_bio.splitlines() if line.strip()]

    @property
    def meta_line(self) -> str:
        """ "Genre: X • Target Audience: Y" with whichever exist ("" when neither)."""
        parts = []
        if self.genre:
            parts.append(f"Genre: {self.genre}")
        if self.target_audience:
            parts.append(f"Target Audience: {self.target_audience}")
        return " • ".join(parts)

    def iter_chapters(self) -> Iterator[ExportChapter]:
        """The chapters with a deadline check before each one, and `chapter_done` once the
        renderer comes back for the next one."""
        total = len(self.outline)
        for index, chapter in enumerate(self.chapters, start=1):
            self.deadline.check()
            yield chapter
            self.deadline.chapter_done(index, total)


@dataclass(frozen=True, slots=True)
class SourceChapter:
    """What selection needs to know about one TOC chapter (no content)."""

    key: str
    level: int
    title: str
    parent_key: str | None
    has_content: bool


def select_chapters(sources: list[SourceChapter], *, include_empty: bool) -> list[OutlineEntry]:
    """Apply the selection and numbering rules of the module docstring."""
    kept_children: set[str] = set()
    for src in sources:
        if src.level == 2 and src.parent_key and (include_empty or src.has_content):
            kept_children.add(src.parent_key)
    outline: list[OutlineEntry] = []
    top = 0
    sub = 0
    parent_printed: str | None = None
    for src in sources:
        if src.level == 1:
            if not (include_empty or src.has_content or src.key in kept_children):
                parent_printed = None
                continue
            top += 1
            sub = 0
            parent_printed = src.key
            outline.append(OutlineEntry(src.key, str(top), 1, src.title))
        else:
            if not (include_empty or src.has_content):
                continue
            if parent_printed is None or parent_printed != src.parent_key:
                # an orphan subchapter (no printable parent): print it as a chapter
                top += 1
                sub = 0
                parent_printed = None
                outline.append(OutlineEntry(src.key, str(top), 1, src.title))
                continue
            sub += 1
            outline.append(
                OutlineEntry(src.key, f"{top}.{sub}", 2, src.title, parent_key=src.parent_key)
            )
    return outline


def content_stats(html: str | None) -> tuple[bool, int]:
    """(has visible content, word count) of one chapter's HTML."""
    blocks = html_to_blocks(html)
    return bool(blocks), blocks_word_count(blocks)


def document_from_memory(
    *,
    title: str,
    chapters: list[dict],
    include_empty: bool = False,
    **front_matter,
) -> ExportDocument:
    """A document built from plain dicts held in memory (tests and the benchmark).

    `chapters` is a TOC-ordered pre-order list of dicts with `id`, `level`, `title`,
    `description`, `content` (HTML) and, for level 2, `parent_id`. The chapters iterable
    converts each chapter's HTML when it is reached.
    """
    by_key = {ch["id"]: ch for ch in chapters}
    sources = [
        SourceChapter(
            ch["id"],
            ch.get("level", 1),
            ch.get("title") or "Untitled",
            ch.get("parent_id"),
            content_stats(ch.get("content"))[0],
        )
        for ch in chapters
    ]
    outline = select_chapters(sources, include_empty=include_empty)

    def generate() -> Iterator[ExportChapter]:
        for entry in outline:
            ch = by_key[entry.key]
            blocks = html_to_blocks(ch.get("content"))
            yield ExportChapter(
                entry=entry,
                description=ch.get("description") or "",
                blocks=blocks,
                heading_only=not blocks and not include_empty,
            )

    return ExportDocument(
        title=title, outline=outline, chapters=Reiterable(generate), **front_matter
    )


class Reiterable:
    """An iterable that calls `factory()` for each iteration (a fresh generator every time)."""

    def __init__(self, factory: Callable[[], Iterator[ExportChapter]]):
        self._factory = factory

    def __iter__(self) -> Iterator[ExportChapter]:
        return self._factory()

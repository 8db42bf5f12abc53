"""The TOC structure (`Book.toc`) as stored: walking its chapter nodes, finding one, listing ids.
Pure functions on the JSON; no database access.

`Book.toc` holds the structure; each chapter's `Chapter` document holds what changes while an
author writes. Readers (`books.selectors.chapters`) merge the two: one query fetches every Chapter
document of the book, so a read costs the same number of MongoDB commands whatever the number of
chapters. A Chapter document the TOC does not list is an orphan and never shown; a chapter without
a document shows the defaults of a new chapter."""

CHAPTER_NOT_FOUND = "Chapter not found"
# Keys owned by the Chapter document; a TOC node never stores them (toc_replace strips them).
CHAPTER_DOCUMENT_KEYS = (
    "status",
    "word_count",
    "content",
    "estimated_reading_time",
    "last_modified",
    "is_active_tab",
    "content_version",
)


def toc_chapter_nodes(toc: dict | None) -> list[dict]:
    """The stored top-level chapter nodes of a TOC structure (an empty list when there is none)."""
    if not toc or not isinstance(toc.get("chapters"), list):
        return []
    return [node for node in toc["chapters"] if isinstance(node, dict)]


def toc_iter_nodes(toc: dict | None):
    """Yield `(node, level, parent_id)` for every chapter of the structure in pre-order: each
    chapter, then its subchapters."""
    for node in toc_chapter_nodes(toc):
        yield node, 1, None
        for sub in node.get("subchapters") or []:
            if isinstance(sub, dict):
                yield sub, 2, node.get("id")


def toc_node_find(toc: dict | None, chapter_id: str) -> tuple[dict, int, str | None] | None:
    """`(node, level, parent_id)` of the chapter `chapter_id` at any depth, None when absent."""
    for node, level, parent_id in toc_iter_nodes(toc):
        if node.get("id") == chapter_id:
            return node, level, parent_id
    return None


def toc_chapter_ids(toc: dict | None) -> list[str]:
    """Every chapter id the structure lists, in pre-order."""
    return [node["id"] for node, _, _ in toc_iter_nodes(toc) if node.get("id")]

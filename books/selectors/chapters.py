"""Chapter reads: the TOC structure merged with each chapter's `Chapter` document (tree, flat
list, one chapter, the TOC body, content batches, the metadata overview)."""

from books.models import Chapter, ChapterStatus, chapter_status_normalize
from books.rules import reading_time, word_count
from books.selectors.access_logs import _iso, chapter_last_active
from books.selectors.toc import (
    CHAPTER_DOCUMENT_KEYS,
    toc_chapter_nodes,
    toc_iter_nodes,
    toc_node_find,
)


def chapter_documents(*, book, chapter_ids=None, include_content: bool = True) -> dict:
    """{chapter_id: Chapter} for the book's chapter documents (all of them, or `chapter_ids`).
    One MongoDB query; `include_content=False` leaves the (possibly large) content unloaded."""
    queryset = Chapter.objects.filter(book_id=book.pk)
    if chapter_ids is not None:
        queryset = queryset.filter(chapter_id__in=list(chapter_ids))
    if not include_content:
        queryset = queryset.defer("content")
    return {doc.chapter_id: doc for doc in queryset}


def chapter_visible_stats(*, book) -> dict[str, tuple[bool, int]]:
    """{chapter_id: (has visible content, visible words)} of the book's chapter documents, as
    their content saves stored them (`Chapter.has_visible_content`, `visible_word_count`). One
    MongoDB query projected on those fields: no content is read, so export stats cost the same
    for a 200-chapter book as for an empty one."""
    rows = Chapter.objects.filter(book_id=book.pk).values_list(
        "chapter_id", "has_visible_content", "visible_word_count"
    )
    return {chapter_id: (bool(has), words or 0) for chapter_id, has, words in rows}


def chapter_document_fields(doc, *, include_content: bool = True) -> dict:
    """The Chapter-document part of a merged chapter (defaults when there is no document yet)."""
    if doc is None:
        fields = {
            "status": "draft",
            "word_count": 0,
            "estimated_reading_time": 0,
            "last_modified": None,
            "is_active_tab": False,
            "content_version": 0,
        }
        if include_content:
            fields["content"] = ""
        return fields
    fields = {
        # A value stored before migration 0005 is shown in today's spelling.
        "status": chapter_status_normalize(doc.status),
        "word_count": doc.word_count,
        "estimated_reading_time": doc.estimated_reading_time,
        "last_modified": _iso(doc.last_modified),
        "is_active_tab": doc.is_active_tab,
        "content_version": doc.version,
    }
    if include_content:
        fields["content"] = doc.content
    return fields


def _merge_node(node, level, parent_id, docs, include_content, nested=True) -> dict:
    merged = {key: value for key, value in node.items() if key not in CHAPTER_DOCUMENT_KEYS}
    merged["level"] = level
    if level == 2:
        merged["parent_id"] = parent_id
    merged.update(
        chapter_document_fields(docs.get(node.get("id")), include_content=include_content)
    )
    if level == 1:
        subs = [sub for sub in node.get("subchapters") or [] if isinstance(sub, dict)]
        if nested:
            merged["subchapters"] = [
                _merge_node(sub, 2, node.get("id"), docs, include_content) for sub in subs
            ]
        else:
            merged.pop("subchapters", None)
    else:
        merged.pop("subchapters", None)
    return merged


def chapter_tree(*, book, include_content: bool = True, docs: dict | None = None) -> list[dict]:
    """The book's chapters as nested dicts in TOC order (structure merged with each chapter's
    document: status, word_count, content, estimated_reading_time, last_modified, is_active_tab,
    content_version). One MongoDB query (none when `docs` is given)."""
    if docs is None:
        docs = chapter_documents(book=book, include_content=include_content)
    return [
        _merge_node(node, 1, None, docs, include_content) for node in toc_chapter_nodes(book.toc)
    ]


def chapters_flat(*, book, include_content: bool = False, docs: dict | None = None) -> list[dict]:
    """Every chapter in pre-order (each chapter, then its subchapters), merged like
    `chapter_tree` but without `subchapters`, each with its `level` and `parent_id` (None for
    top-level chapters). One MongoDB query (none when `docs` is given)."""
    if docs is None:
        docs = chapter_documents(book=book, include_content=include_content)
    out = []
    for node, level, parent_id in toc_iter_nodes(book.toc):
        merged = _merge_node(node, level, parent_id, docs, include_content, nested=False)
        merged["parent_id"] = parent_id
        out.append(merged)
    return out


def chapter_find(*, book, chapter_id: str, include_content: bool = True) -> dict | None:
    """The merged chapter `chapter_id` (any depth, with its merged subchapters), None when the
    TOC does not list it. One MongoDB query for the chapter and its subtree."""
    found = toc_node_find(book.toc, chapter_id)
    if found is None:
        return None
    node, level, parent_id = found
    ids = [chapter_id] + [
        sub.get("id") for sub in node.get("subchapters") or [] if isinstance(sub, dict)
    ]
    docs = chapter_documents(book=book, chapter_ids=ids, include_content=include_content)
    return _merge_node(node, level, parent_id, docs, include_content)


def toc_get(*, book, include_content: bool = True) -> dict:
    """The body of GET /books/{id}/toc: `{"book_id", "toc": {"chapters": <merged tree>,
    "total_chapters", "estimated_pages", "structure_notes", ...stored extra keys}, "status",
    "version", "generated_at", "updated_at"}`. `version` is `Book.toc_version` (0 before any TOC
    write), the value to send back as `expected_version`. A book without a TOC shows an empty one
    with status `not_generated`. One MongoDB query (the Chapter documents) for a loaded book;
    `include_content=False` leaves each chapter's `content` out (and unread)."""
    stored = book.toc if isinstance(book.toc, dict) else None
    if not stored:
        return {
            "book_id": str(book.pk),
            "toc": {
                "chapters": [],
                "total_chapters": 0,
                "estimated_pages": 0,
                "structure_notes": "",
            },
            "status": "not_generated",
            "version": book.toc_version,
            "generated_at": None,
            "updated_at": None,
        }
    toc = {
        key: value
        for key, value in stored.items()
        if key not in ("chapters", "status", "generated_at", "updated_at", "version")
    }
    toc["chapters"] = chapter_tree(book=book, include_content=include_content)
    toc["total_chapters"] = stored.get("total_chapters") or 0
    toc["estimated_pages"] = stored.get("estimated_pages") or 0
    toc["structure_notes"] = stored.get("structure_notes") or ""
    return {
        "book_id": str(book.pk),
        "toc": toc,
        "status": stored.get("status") or "unknown",
        "version": book.toc_version,
        "generated_at": stored.get("generated_at"),
        "updated_at": stored.get("updated_at"),
    }


def chapter_content_metadata(chapter: dict) -> dict:
    """The `metadata` block of the content endpoints for a merged chapter: reading time from the
    stored word count, or from the content's words when nothing is stored yet."""
    words = chapter.get("word_count") or word_count(chapter.get("content"))
    subchapters = chapter.get("subchapters") or []
    return {
        "status": chapter.get("status") or "draft",
        "word_count": chapter.get("word_count") or 0,
        "estimated_reading_time": reading_time(words),
        "last_modified": chapter.get("last_modified"),
        "is_active_tab": bool(chapter.get("is_active_tab")),
        "has_subchapters": bool(subchapters),
        "subchapter_count": len(subchapters),
    }


def chapters_content_batch(*, book, chapter_ids, include_metadata: bool = True) -> dict:
    """{chapter_id: {id, title, content, version, metadata?}} for the requested chapters the TOC
    lists (others are skipped), in request order. One MongoDB query."""
    nodes = {}
    for cid in chapter_ids:
        found = toc_node_find(book.toc, cid)
        if found is not None and cid not in nodes:
            nodes[cid] = found
    docs = chapter_documents(book=book, chapter_ids=list(nodes)) if nodes else {}
    out = {}
    for cid, (node, level, parent_id) in nodes.items():
        merged = _merge_node(node, level, parent_id, docs, include_content=True)
        item = {
            "id": cid,
            "title": merged.get("title") or "",
            "content": merged.get("content") or "",
            "version": merged["content_version"],
        }
        if include_metadata:
            metadata = chapter_content_metadata(merged)
            metadata.pop("has_subchapters")
            metadata.pop("subchapter_count")
            item["metadata"] = metadata
        out[cid] = item
    return out


def chapters_metadata(*, book, user) -> dict:
    """The body of GET chapters/metadata (without book_id): every chapter flattened in pre-order
    with its status, word count, reading time, level and parent; per-status counts (all four
    statuses always present, `in_progress` spelled so); the chapter the user last viewed or
    edited. Two MongoDB queries
    (Chapter documents without content, the latest access log) whatever the number of chapters."""
    flat = chapters_flat(book=book, include_content=False)
    stats = {status.value: 0 for status in ChapterStatus}
    chapters = []
    for chapter in flat:
        words = chapter["word_count"] or 0
        if chapter["status"] in stats:
            stats[chapter["status"]] += 1
        chapters.append(
            {
                "id": chapter.get("id"),
                "title": chapter.get("title") or "",
                "status": chapter["status"],
                "word_count": words,
                "last_modified": chapter["last_modified"],
                "estimated_reading_time": reading_time(words),
                "order": chapter.get("order") or 0,
                "level": chapter["level"],
                "has_content": words > 0,
                "description": chapter.get("description") or "",
                "parent_id": chapter["parent_id"],
            }
        )
    ids = [chapter["id"] for chapter in chapters if chapter["id"]]
    return {
        "chapters": chapters,
        "total_chapters": len(chapters),
        "completion_stats": stats,
        "last_active_chapter": chapter_last_active(book=book, user=user, chapter_ids=ids)
        if ids
        else None,
        "version": book.toc_version,
    }

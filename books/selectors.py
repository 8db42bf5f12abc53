"""Book reads shared by every books endpoint."""

from autoauthor.api.errors import Forbidden, NotFound
from autoauthor.api.fields import parse_object_id
from autoauthor.queries import one_or_none
from books.models import Book

BOOK_NOT_FOUND = "Book not found"


def book_get_for_user(
    *, book_id, user, fields: tuple[str, ...] | None = None, action: str = "access"
) -> Book:
    """The book `book_id` if `user` owns it: malformed, unknown or deleted ids are 404, another
    user's book is 403 ("Not authorized to <action> this book"). One database read; `fields`
    restricts the projection (the owner is always loaded)."""
    oid = parse_object_id(book_id)
    if oid is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    queryset = Book.objects.filter(pk=oid, deleted_at=None)
    if fields is not None:
        queryset = queryset.only("owner_id", *fields)
    book = one_or_none(queryset)
    if book is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    if book.owner_id != user.pk:
        raise Forbidden(f"Not authorized to {action} this book", code="not_book_owner")
    return book


# --- Books ----------------------------------------------------------------------------------------

# The fields of BookResponse: the list loads only these (never the TOC, summary or chapters).
BOOK_RESPONSE_FIELDS = (
    "title",
    "subtitle",
    "description",
    "genre",
    "target_audience",
    "cover_image_url",
    "metadata",
    "created_at",
    "updated_at",
    "owner_id",
    "toc_items",
    "published",
    "collaborators",
)


def book_list(*, owner):
    """The books of `owner` that are not being deleted, newest first (updated_at descending, id
    as tie-break so pages are stable), projected on the BookResponse fields. Slicing it costs
    one MongoDB command whatever the number of books, counting it one more."""
    return (
        Book.objects.filter(owner=owner, deleted_at=None)
        .only(*BOOK_RESPONSE_FIELDS)
        .order_by("-updated_at", "-id")
    )


def book_audit_log(*, book):
    """Audit rows about `book`, newest first: rows whose target is the book (book create/update/
    delete, summary, responses, cover, TOC events) and rows of chapter events that name the book
    as their target. Rows outlive the book (plain string ids)."""
    from accounts.models import AuditLog

    return AuditLog.objects.filter(target_id=str(book.pk)).order_by("-timestamp", "-id")


def book_summary(*, book) -> dict:
    """{summary ("" when none), summary_history} of a book loaded with those fields."""
    return {"summary": book.summary or "", "summary_history": list(book.summary_history or [])}


def book_question_responses(*, book) -> dict:
    """The stored book-level answers: `{"responses": [], "status": "not_provided"}` (exactly
    these keys) when there are none, else {responses, answered_at, status}."""
    stored = book.question_responses
    if not stored:
        return {"responses": [], "status": "not_provided"}
    return {
        "responses": stored.get("responses") or [],
        "answered_at": stored.get("answered_at"),
        "status": stored.get("status") or "not_provided",
    }


def book_toc_readiness(*, book) -> dict:
    """Whether the summary is ready for TOC generation. With a stored `summary_analysis` (written
    by the analyze-summary endpoint) its values are returned, with the reference's defaults for
    missing keys; without one, a basic answer: not ready, and `meets_minimum_requirements` =
    at least 30 words and 150 characters."""
    summary = book.summary or ""
    words, chars = len(summary.split()), len(summary)
    analysis = book.summary_analysis
    if analysis:
        return {
            "is_ready_for_toc": bool(analysis.get("is_ready_for_toc", False)),
            "confidence_score": float(analysis.get("confidence_score") or 0.0),
            "analysis": analysis.get("analysis") or "Analysis not available",
            "suggestions": list(analysis.get("suggestions") or []),
            "word_count": int(analysis.get("word_count", words)),
            "character_count": int(analysis.get("character_count", chars)),
            "meets_minimum_requirements": bool(analysis.get("meets_minimum_requirements", False)),
        }
    return {
        "is_ready_for_toc": False,
        "confidence_score": 0.0,
        "analysis": "Summary analysis not yet completed. Please run analysis first.",
        "suggestions": ["Run summary analysis to get readiness assessment"],
        "word_count": words,
        "character_count": chars,
        "meets_minimum_requirements": words >= 30 and chars >= 150,
    }


# --- Table of contents and chapters -------------------------------------------------------------
# `Book.toc` holds the structure; each chapter's `Chapter` document holds what changes while an
# author writes. Readers merge the two: one query fetches every Chapter document of the book, so a
# read costs the same number of MongoDB commands whatever the number of chapters. A Chapter
# document the TOC does not list is an orphan and never shown; a chapter without a document shows
# the defaults of a new chapter.

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


def reading_time(words: int) -> int:
    """Minutes to read `words` words as read endpoints show it: 0 for none, else at least 1."""
    return 0 if words <= 0 else max(1, round(words / 200))


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def chapter_documents(*, book, chapter_ids=None, include_content: bool = True) -> dict:
    """{chapter_id: Chapter} for the book's chapter documents (all of them, or `chapter_ids`).
    One MongoDB query; `include_content=False` leaves the (possibly large) content unloaded."""
    from books.models import Chapter

    queryset = Chapter.objects.filter(book_id=book.pk)
    if chapter_ids is not None:
        queryset = queryset.filter(chapter_id__in=list(chapter_ids))
    if not include_content:
        queryset = queryset.defer("content")
    return {doc.chapter_id: doc for doc in queryset}


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
        "status": doc.status,
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


def toc_get(*, book) -> dict:
    """The body of GET /books/{id}/toc: `{"book_id", "toc": {"chapters": <merged tree>,
    "total_chapters", "estimated_pages", "structure_notes", ...stored extra keys}, "status",
    "version", "generated_at", "updated_at"}`. `version` is `Book.toc_version` (0 before any TOC
    write), the value to send back as `expected_version`. A book without a TOC shows an empty one
    with status `not_generated`. One MongoDB query (the Chapter documents) for a loaded book."""
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
    toc["chapters"] = chapter_tree(book=book)
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


def chapter_last_active(*, book, user, chapter_ids) -> str | None:
    """The chapter of this book the user most recently viewed or edited, among `chapter_ids`
    (chapters that still exist). One query on the (user, book, timestamp) index."""
    from books.models import AccessType, ChapterAccessLog

    log = (
        ChapterAccessLog.objects.filter(
            user_id=user.pk,
            book_id=book.pk,
            access_type__in=[AccessType.VIEW, AccessType.EDIT],
            chapter_id__in=list(chapter_ids),
        )
        .order_by("-timestamp")
        .only("chapter_id")
        .first()
    )
    return log.chapter_id if log else None


def tab_state_latest(*, book, user):
    """The user's latest saved tab state for this book (a `tab_state` access log), or None."""
    from books.models import AccessType, ChapterAccessLog

    return (
        ChapterAccessLog.objects.filter(
            user_id=user.pk, book_id=book.pk, access_type=AccessType.TAB_STATE
        )
        .order_by("-timestamp")
        .first()
    )


def chapter_analytics(*, book, chapter_id: str, days: int) -> list[dict]:
    """Access counts of one chapter in the last `days` days, all users, grouped by access type:
    `[{"_id": {"chapter_id", "access_type"}, "count", "last_access"}]` (the reference's shape),
    most frequent first. One aggregation."""
    from datetime import timedelta

    from django.db.models import Count, Max
    from django.utils import timezone

    from books.models import ChapterAccessLog

    since = timezone.now() - timedelta(days=days)
    rows = (
        ChapterAccessLog.objects.filter(
            book_id=book.pk, chapter_id=chapter_id, timestamp__gte=since
        )
        .values("access_type")
        .annotate(count=Count("id"), last_access=Max("timestamp"))
        .order_by()
    )
    out = [
        {
            "_id": {"chapter_id": chapter_id, "access_type": row["access_type"]},
            "count": row["count"],
            "last_access": _iso(row["last_access"]),
        }
        for row in rows
    ]
    out.sort(key=lambda item: (-item["count"], item["_id"]["access_type"]))
    return out


def chapter_content_metadata(chapter: dict) -> dict:
    """The `metadata` block of the content endpoints for a merged chapter: reading time from the
    stored word count, or from the content's words when nothing is stored yet."""
    words = chapter.get("word_count") or len((chapter.get("content") or "").split())
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
    statuses always present); the chapter the user last viewed or edited. Two MongoDB queries
    (Chapter documents without content, the latest access log) whatever the number of chapters."""
    flat = chapters_flat(book=book, include_content=False)
    stats = {"draft": 0, "in-progress": 0, "completed": 0, "published": 0}
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

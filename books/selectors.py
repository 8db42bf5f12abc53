"""Book reads shared by every books endpoint."""

from autoauthor.api.errors import Forbidden, NotFound
from autoauthor.api.fields import parse_object_id
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
    book = queryset.first()
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
            "toc": {"chapters": [], "total_chapters": 0, "estimated_pages": 0, "structure_notes": ""},
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
        ChapterAccessLog.objects.filter(book_id=book.pk, chapter_id=chapter_id, timestamp__gte=since)
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

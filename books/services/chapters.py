"""Chapter structure writes: create, update, delete and bulk status, each a structural write
through the TOC compare-and-swap of `books.services.toc.toc_write`. Content autosave and tab state
live in `books.services.content`; their public names are re-exported here."""

from typing import Any

from django.utils import timezone

from accounts.services.audit import _render
from autoauthor.api.errors import Invalid, NotFound, ValidationFailed
from autoauthor.transactions import atomic_if_supported
from books.models import (
    AccessType,
    Book,
    Chapter,
    ChapterAccessLog,
    ChapterStatus,
    chapter_status_normalize,
)
from books.read_cache import invalidates
from books.selectors import (
    chapter_documents,
    chapter_find,
    toc_chapter_ids,
    toc_chapter_nodes,
    toc_node_find,
)
from books.services.content import (
    CONTENT_CONFLICT,
    CONTENT_SAVE_ATTEMPTS,
    MAX_TAB_COUNT,
    access_log_record,
    chapter_audit_record,
    chapter_content_save,
    chapter_not_found,
    saved_reading_time,
    status_after_save,
    tab_state_save,
    word_count,
)
from books.services.toc import (
    MAX_CHAPTERS,
    chapter_document_ensure,
    chapter_documents_create_missing,
    chapter_documents_delete,
    new_chapter_id,
    now_iso,
    toc_write,
)

__all__ = [
    "CONTENT_CONFLICT",
    "CONTENT_SAVE_ATTEMPTS",
    "MAX_TAB_COUNT",
    "STATUS_TRANSITIONS",
    "UPDATABLE_FIELDS",
    "access_log_record",
    "chapter_audit_record",
    "chapter_content_save",
    "chapter_create",
    "chapter_delete",
    "chapter_not_found",
    "chapter_status_bulk_update",
    "chapter_update",
    "saved_reading_time",
    "status_after_save",
    "status_transition_allowed",
    "status_transition_refused",
    "tab_state_save",
    "word_count",
]

# §3.4: allowed status changes for bulk-status (a status may always be set to itself).
STATUS_TRANSITIONS = {
    ChapterStatus.DRAFT: {ChapterStatus.IN_PROGRESS, ChapterStatus.COMPLETED},
    ChapterStatus.IN_PROGRESS: {ChapterStatus.DRAFT, ChapterStatus.COMPLETED},
    ChapterStatus.COMPLETED: {ChapterStatus.IN_PROGRESS, ChapterStatus.PUBLISHED},
    ChapterStatus.PUBLISHED: {ChapterStatus.COMPLETED},
}


def status_transition_allowed(old: str, new: str) -> bool:
    """§3.4 transition rules used by bulk-status."""
    return old == new or new in STATUS_TRANSITIONS.get(old, set())


def _status_label(status: str) -> str:
    try:
        return ChapterStatus(status).label
    except ValueError:
        return status


def status_transition_refused(*, title: str | None, old: str, new: str) -> Invalid:
    """The 400 of a forbidden status change, worded for the author who asked for it."""
    name = f'Chapter "{title}"' if title else "This chapter"
    allowed = " or ".join(
        _status_label(status)
        for status in ChapterStatus
        if status in STATUS_TRANSITIONS.get(old, set())
    )
    return Invalid(
        f"{name} cannot go from {_status_label(old)} to {_status_label(new)} directly. "
        f"From {_status_label(old)} it can become {allowed}.",
        code="invalid_status_transition",
    )


def _empty_toc() -> dict:
    return {
        "chapters": [],
        "total_chapters": 0,
        "estimated_pages": 0,
        "structure_notes": "",
        "status": "edited",
        "generated_at": None,
    }


@invalidates
def chapter_create(
    *,
    book: Book,
    title: str,
    order: int,
    level: int = 1,
    description: str | None = None,
    parent_id: str | None = None,
    metadata: dict | None = None,
    expected_version: int | None,
    actor,
) -> dict:
    """Add one chapter to the TOC (a TOC-structure write: version + 1, `expected_version` checked).

    Level 1 chapters are appended to the top level (a `parent_id` is ignored, as the reference
    does); level 2 requires `parent_id` naming an existing top-level chapter (else 400 "Parent
    chapter not found"), so nesting never goes deeper than two levels. The TOC holds at most
    MAX_CHAPTERS chapters (422). Then the chapter's document is created, a `create` access log and
    a `chapter_create` audit row are written. Returns the merged chapter.
    """
    chapter_id = new_chapter_id()

    def build(current_toc, current_version):
        toc = current_toc or _empty_toc()
        if len(toc_chapter_ids(toc)) >= MAX_CHAPTERS:
            raise ValidationFailed(
                "title",
                f"A TOC holds at most {MAX_CHAPTERS} chapters and subchapters",
                code="too_many",
            )
        now = now_iso()
        node = {
            "id": chapter_id,
            "title": title,
            "description": description or "",
            "level": level,
            "order": order,
            "metadata": metadata or {},
            "created_at": now,
            "updated_at": now,
        }
        if level == 1:
            node["subchapters"] = []
            toc["chapters"].append(node)
        else:
            parent = next((n for n in toc_chapter_nodes(toc) if n.get("id") == parent_id), None)
            if parent is None:
                raise Invalid("Parent chapter not found", code="parent_not_found")
            parent.setdefault("subchapters", []).append(node)
        toc["total_chapters"] = len(toc["chapters"])
        toc["updated_at"] = now
        return toc, None

    toc_write(book=book, expected_version=expected_version, build=build)
    chapter_document_ensure(book=book, chapter_id=chapter_id)
    access_log_record(
        user=actor,
        book=book,
        chapter_id=chapter_id,
        access_type=AccessType.CREATE,
        metadata={"chapter_title": title, "level": level},
    )
    chapter_audit_record(
        action="chapter_create",
        book=book,
        chapter_id=chapter_id,
        changes={"title": [None, _render(title)], "level": [None, level], "order": [None, order]},
        actor=actor,
    )
    return chapter_find(book=book, chapter_id=chapter_id)


UPDATABLE_FIELDS = ("title", "description", "order", "level", "metadata")


@invalidates
def chapter_update(
    *, book: Book, chapter_id: str, data: dict, expected_version: int | None, actor
) -> dict[str, list]:
    """Change a chapter's title, description, order or metadata (a TOC-structure write: version +
    1, `expected_version` checked). Fields given as null are left alone; `metadata` is replaced
    whole. Chapters cannot move: `level` may only repeat the current level (else 422), a
    `parent_id` is ignored. Writes an `edit` access log and a `chapter_update` audit row with the
    changed fields. Returns {field: [old, new]} of the fields that changed."""
    given = {key: data[key] for key in UPDATABLE_FIELDS if data.get(key) is not None}
    state: dict[str, Any] = {}

    def build(current_toc, current_version):
        found = toc_node_find(current_toc, chapter_id)
        if found is None:
            raise chapter_not_found()
        node, level, _ = found
        if "level" in given and given["level"] != level:
            raise ValidationFailed(
                "level", "A chapter's level cannot change: chapters cannot be moved"
            )
        changes = {}
        for key, value in given.items():
            if key != "level" and node.get(key) != value:
                changes[key] = [node.get(key), value]
                node[key] = value
        now = now_iso()
        node["updated_at"] = now
        current_toc["updated_at"] = now
        state["changes"] = changes
        return current_toc, None

    toc_write(book=book, expected_version=expected_version, build=build)
    changes = state["changes"]
    access_log_record(
        user=actor,
        book=book,
        chapter_id=chapter_id,
        access_type=AccessType.EDIT,
        metadata={"updated_fields": {key: key in given for key in UPDATABLE_FIELDS}},
    )
    chapter_audit_record(
        action="chapter_update",
        book=book,
        chapter_id=chapter_id,
        changes={key: [_render(old), _render(new)] for key, (old, new) in changes.items()},
        actor=actor,
    )
    return changes


@invalidates
def chapter_delete(*, book: Book, chapter_id: str, expected_version: int | None, actor) -> list:
    """Remove a chapter and its subchapters from the TOC (a TOC-structure write: version + 1,
    `expected_version` checked), then, in a transaction where the server has them, delete the
    subtree's Chapter documents (content, and whatever cascades from a Chapter) and access logs,
    and record a `delete` access log and a `chapter_delete` audit row. The TOC swap comes first:
    if the rest is interrupted, what is left is invisible to readers. Returns the removed ids."""
    state: dict[str, Any] = {}

    def build(current_toc, current_version):
        found = toc_node_find(current_toc, chapter_id)
        if found is None:
            raise chapter_not_found()
        node, level, parent_id = found
        removed = [chapter_id] + [
            sub.get("id") for sub in node.get("subchapters") or [] if isinstance(sub, dict)
        ]
        if level == 1:
            current_toc["chapters"] = [
                n for n in current_toc["chapters"] if not (isinstance(n, dict) and n is node)
            ]
        else:
            parent = next(n for n in toc_chapter_nodes(current_toc) if n.get("id") == parent_id)
            parent["subchapters"] = [s for s in parent["subchapters"] if s is not node]
        current_toc["total_chapters"] = len(current_toc["chapters"])
        current_toc["updated_at"] = now_iso()
        state.update(removed=[cid for cid in removed if cid], title=node.get("title"))
        return current_toc, None

    toc_write(book=book, expected_version=expected_version, build=build)
    removed = state["removed"]
    with atomic_if_supported():
        chapter_documents_delete(book=book, chapter_ids=removed)
        ChapterAccessLog.objects.filter(book_id=book.pk, chapter_id__in=removed).delete()
        access_log_record(
            user=actor,
            book=book,
            chapter_id=chapter_id,
            access_type=AccessType.DELETE,
            metadata={"chapter_title": state["title"], "deleted_chapter_ids": removed},
        )
        chapter_audit_record(
            action="chapter_delete",
            book=book,
            chapter_id=chapter_id,
            changes={"title": [_render(state["title"]), None], "deleted_chapter_ids": removed},
            actor=actor,
        )
    return removed


@invalidates
def chapter_status_bulk_update(
    *,
    book: Book,
    chapter_ids: list[str],
    status: str,
    update_timestamp: bool = True,
    expected_version: int | None,
    actor,
) -> list[str]:
    """Set the status of the listed chapters (§3.4 transitions; a status may stay the same).

    Ids the TOC does not list are ignored; none listed → 404 "No matching chapters found". One
    forbidden transition rejects the whole request (400) and nothing changes. It is a TOC write
    (version + 1, `expected_version` checked; the TOC's status becomes "edited"); the statuses
    are then written to the Chapter documents (with `last_modified` when `update_timestamp`),
    with one `status_update` access log per chapter and one `chapter_status_update` audit row per
    chapter whose status changed. `status` may be given in the reference's spelling
    (`in-progress`). Returns the updated ids in TOC order."""
    status = chapter_status_normalize(status)
    requested = set(chapter_ids)
    state: dict[str, Any] = {}

    def build(current_toc, current_version):
        matched = [cid for cid in toc_chapter_ids(current_toc) if cid in requested]
        if not matched:
            raise NotFound("No matching chapters found", code="chapter_not_found")
        docs = chapter_documents(book=book, chapter_ids=matched, include_content=False)
        old = {
            cid: chapter_status_normalize(docs[cid].status) if cid in docs else ChapterStatus.DRAFT
            for cid in matched
        }
        for cid in matched:
            if not status_transition_allowed(old[cid], status):
                node, _, _ = toc_node_find(current_toc, cid)
                raise status_transition_refused(title=node.get("title"), old=old[cid], new=status)
        current_toc["status"] = "edited"
        current_toc["updated_at"] = now_iso()
        state.update(matched=matched, old=old, existing=set(docs))
        return current_toc, None

    toc_write(book=book, expected_version=expected_version, build=build)
    matched, old = state["matched"], state["old"]
    now = timezone.now()
    fields: dict[str, Any] = {"status": status, "updated_at": now}
    if update_timestamp:
        fields["last_modified"] = now
    with atomic_if_supported():
        chapter_documents_create_missing(book=book, chapter_ids=matched, existing=state["existing"])
        Chapter.objects.filter(book_id=book.pk, chapter_id__in=matched).update(**fields)
        ChapterAccessLog.objects.bulk_create(
            [
                ChapterAccessLog(
                    user_id=actor.pk,
                    book_id=book.pk,
                    chapter_id=cid,
                    access_type=AccessType.STATUS_UPDATE,
                    metadata={"old_status": old[cid], "new_status": status, "bulk_update": True},
                )
                for cid in matched
            ]
        )
        for cid in matched:
            if old[cid] != status:
                chapter_audit_record(
                    action="chapter_status_update",
                    book=book,
                    chapter_id=cid,
                    changes={"status": [old[cid], status]},
                    actor=actor,
                )
    return matched

"""Chapter statuses: the §3.4 transitions and the bulk status change (a structural write through
the TOC compare-and-swap, then the statuses on the Chapter documents)."""

from typing import Any

from django.utils import timezone

from autoauthor.core.errors import Invalid, NotFound
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
    toc_chapter_ids,
    toc_node_find,
)
from books.services.content import (
    chapter_audit_record,
)
from books.services.toc import (
    chapter_documents_create_missing,
    now_iso,
    toc_write,
)

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


def _status_change_check(book: Book, toc: dict, requested: set, status: str) -> dict:
    """The chapters of `toc` among `requested` (in TOC order; none → 404) with their current
    statuses, every transition to `status` checked (one refused → 400). Returns {matched, old
    (id → status), existing (ids that have a document)}."""
    matched = [cid for cid in toc_chapter_ids(toc) if cid in requested]
    if not matched:
        raise NotFound("No matching chapters found", code="chapter_not_found")
    docs = chapter_documents(book=book, chapter_ids=matched, include_content=False)
    old = {
        cid: chapter_status_normalize(docs[cid].status) if cid in docs else ChapterStatus.DRAFT
        for cid in matched
    }
    for cid in matched:
        if not status_transition_allowed(old[cid], status):
            node, _, _ = toc_node_find(toc, cid)
            raise status_transition_refused(title=node.get("title"), old=old[cid], new=status)
    return {"matched": matched, "old": old, "existing": set(docs)}


def _status_logs_record(*, book: Book, old: dict, status: str, actor) -> None:
    """One `status_update` access log per chapter of `old` (id → previous status), in one insert."""
    ChapterAccessLog.objects.bulk_create(
        [
            ChapterAccessLog(
                user_id=actor.pk,
                book_id=book.pk,
                chapter_id=cid,
                access_type=AccessType.STATUS_UPDATE,
                metadata={"old_status": old_status, "new_status": status, "bulk_update": True},
            )
            for cid, old_status in old.items()
        ]
    )


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
        state.update(_status_change_check(book, current_toc, requested, status))
        current_toc["status"] = "edited"
        current_toc["updated_at"] = now_iso()
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
        _status_logs_record(book=book, old=old, status=status, actor=actor)
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

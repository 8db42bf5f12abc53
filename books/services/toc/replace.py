"""The one TOC writer (`toc_replace`): PUT /toc, AI generate-toc, the admin and the integrity
repairs replace the whole structure through it."""

from typing import Any

from accounts.services.audit import audit_record
from autoauthor.transactions import atomic_if_supported
from books.models import Book
from books.read_cache import invalidates
from books.selectors import toc_chapter_ids, toc_chapter_nodes
from books.services.toc.validation import toc_normalize
from books.services.toc.writes import actor_id_of, chapter_documents_delete, toc_write


def _replaced_toc(*, book: Book, toc: dict, current_toc, status: str, generated_at) -> dict:
    """The TOC that replaces `current_toc`: `toc` normalized, with its status and generation
    date. An id the client reuses for a chapter the current TOC does not list (or a readable id
    given to a duplicate) may still have a document, left by an interrupted earlier drop: it is
    removed before the swap so the new chapter never resurfaces old content. (uuids the server
    assigns are fresh, and chapters that stay keep their documents.)"""
    assigned: set[str] = set()
    new_toc = toc_normalize(toc=toc, old_toc=current_toc, assigned=assigned)
    new_toc["status"] = status
    new_toc["generated_at"] = generated_at or (current_toc or {}).get("generated_at")
    old_ids = set(toc_chapter_ids(current_toc))
    reused = (set(toc_chapter_ids(new_toc)) - old_ids) & (set(toc_chapter_ids(toc)) | assigned)
    if reused:
        chapter_documents_delete(book=book, chapter_ids=reused)
    return new_toc


@invalidates
def toc_replace(
    *,
    book: Book,
    toc: dict,
    expected_version: int | None,
    actor,
    status: str = "edited",
    generated_at: str | None = None,
) -> dict:
    """Replace the book's whole TOC structure; the one writer for PUT /toc and AI generate-toc.

    Validates `toc` (see `toc_normalize`; 422), keeps the ids (and so the content) of chapters that
    stay, assigns ids to new ones, and swaps the structure in with a compare-and-swap on
    `toc_version` (`expected_version` stale → 409 `version_conflict` with `current_version`, nothing
    changed). The new TOC's `status` is `status` ("edited"; generate-toc passes "generated") and its
    `generated_at` is `generated_at` when given, else the stored one. Then, in a transaction where
    the server has them, the Chapter documents of dropped chapters are deleted (with whatever
    cascades from them) and a `toc_update` audit row records the new version and chapter count.
    New chapters get their Chapter document when they are first written (content, status,
    questions); until then readers show a new chapter's defaults. Returns the stored TOC
    structure; `book` carries the new TOC and `toc_version`.
    """
    state: dict[str, Any] = {}

    def build(current_toc, current_version):
        new_toc = _replaced_toc(
            book=book, toc=toc, current_toc=current_toc, status=status, generated_at=generated_at
        )
        state.update(
            old_ids=set(toc_chapter_ids(current_toc)),
            new_ids=toc_chapter_ids(new_toc),
            old_version=current_version,
            old_count=len(toc_chapter_nodes(current_toc)),
        )
        return new_toc, new_toc

    new_toc = toc_write(
        book=book, expected_version=expected_version, build=build, build_mutates=False
    )
    with atomic_if_supported():
        dropped = state["old_ids"] - set(state["new_ids"])
        chapter_documents_delete(book=book, chapter_ids=dropped)
        audit_record(
            action="toc_update",
            resource_type="book",
            target_id=str(book.pk),
            book_id=str(book.pk),
            changes={
                "version": [state["old_version"], book.toc_version],
                "chapters_count": [state["old_count"], len(new_toc["chapters"])],
            },
            actor_id=actor_id_of(actor),
        )
    return new_toc

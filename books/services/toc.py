"""Table-of-contents writes: the one TOC writer (`toc_replace`), the compare-and-swap every
structural write goes through (`toc_write`) and the Chapter documents that follow the structure.

Every write that changes the structure is one single-document compare-and-swap on the book
(`toc_version` = the version the change was computed from), so two writers never overwrite each
other: the loser gets 409 `version_conflict` when it sent `expected_version`, or recomputes its
change on the fresh TOC when it did not. Chapter documents are created and removed after the
swap: a reader only shows chapters the TOC lists, so a document left behind by an interrupted
write is invisible, and a chapter whose document is missing shows the defaults of a new one.
"""

import copy
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError
from django.utils import timezone

from accounts.services.audit import audit_record
from autoauthor.api.errors import Conflict, NotFound, ValidationFailed
from autoauthor.queries import one_or_none
from autoauthor.transactions import atomic_if_supported
from books.models import Book, Chapter
from books.read_cache import invalidates
from books.selectors import (
    BOOK_NOT_FOUND,
    CHAPTER_DOCUMENT_KEYS,
    toc_chapter_ids,
    toc_chapter_nodes,
    toc_iter_nodes,
)

VERSION_CONFLICT = "The TOC has been modified by another user. Please refresh and try again."
TOC_WRITE_ATTEMPTS = 25  # writers without expected_version recompute on the fresh TOC this often

MAX_CHAPTERS = 200  # chapters and subchapters together
# The reference has no bound and the frontend's editor none either: generous, yet the TOC (one
# JSON string) stays bounded (200 x 500 characters of titles).
MAX_TITLE_LENGTH = 500
MAX_DESCRIPTION_LENGTH = 5000
MAX_NOTES_LENGTH = 5000
# Orders and page counts are stored inside the TOC's JSON text, where any integer would fit:
# bounded to what MongoDB's 64-bit integers hold, as when the TOC was a nested document.
MAX_TOC_INT = 2**63 - 1
CHAPTER_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# Ids that would be shadowed by literal routes (`chapters/metadata`, ...) or that access logs use.
RESERVED_CHAPTER_IDS = frozenset(
    {"metadata", "tab-state", "bulk-status", "batch-content", "batch_request"}
)
# Keys of a submitted TOC the server owns: derived, forced or stored elsewhere.
TOC_SERVER_KEYS = ("expected_version", "version", "status", "generated_at", "updated_at")
NODE_SERVER_KEYS = (*CHAPTER_DOCUMENT_KEYS, "parent_id", "level", "subchapters")
NODE_STRUCTURE_KEYS = ("title", "description", "order", "metadata")


def now_iso() -> str:
    return timezone.now().isoformat()


def new_chapter_id() -> str:
    return uuid.uuid4().hex


def version_conflict(current_version: int) -> Conflict:
    return Conflict(VERSION_CONFLICT, code="version_conflict", current_version=current_version)


def actor_id_of(actor) -> str | None:
    pk = getattr(actor, "pk", None)
    return str(pk) if pk is not None else None


def toc_write(
    *,
    book: Book,
    expected_version: int | None,
    build: Callable[[dict | None, int], tuple[dict, Any]],
) -> Any:
    """Apply one structural change to the book's TOC with a compare-and-swap on `toc_version`.

    `build(current_toc_copy, current_version)` returns `(new_toc, result)` and may raise (404,
    422...). With `expected_version` the change is computed once and a stale version is 409
    `version_conflict` (nothing written). Without it, a concurrent write makes the change be
    recomputed on the fresh TOC (a bounded number of times, then 409). The version only ever
    increases by one per write. On success the in-memory `book` carries the new TOC and version
    and `result` is returned.
    """
    for _ in range(TOC_WRITE_ATTEMPTS):
        current = book.toc_version
        if expected_version is not None and expected_version != current:
            raise version_conflict(current)
        new_toc, result = build(copy.deepcopy(book.toc), current)
        now = timezone.now()
        updated = Book.objects.filter(pk=book.pk, toc_version=current, deleted_at=None).update(
            toc=new_toc, toc_version=current + 1, updated_at=now
        )
        if updated:
            book.toc, book.toc_version, book.updated_at = new_toc, current + 1, now
            return result
        fresh = one_or_none(
            Book.objects.filter(pk=book.pk, deleted_at=None).only("toc", "toc_version")
        )
        if fresh is None:
            raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
        book.toc, book.toc_version = fresh.toc, fresh.toc_version
    raise version_conflict(book.toc_version)


def chapter_document_ensure(*, book: Book, chapter_id: str) -> Chapter:
    """The Chapter document of `chapter_id`, created (empty, draft, version 0) when missing.
    Race-safe: the unique (book, chapter_id) constraint makes a concurrent second insert fail,
    and the loser reads the winner's document."""
    chapter = one_or_none(Chapter.objects.filter(book_id=book.pk, chapter_id=chapter_id))
    if chapter is not None:
        return chapter
    try:
        return Chapter.objects.create(book_id=book.pk, chapter_id=chapter_id)
    except IntegrityError:
        return Chapter.objects.get(book_id=book.pk, chapter_id=chapter_id)


def chapter_documents_create_missing(*, book: Book, chapter_ids, existing=None) -> None:
    """Create the Chapter documents of `chapter_ids` that do not exist yet (one bulk insert; on a
    concurrent insert of the same id, falls back to `chapter_document_ensure` per id)."""
    if existing is None:
        existing = set(
            Chapter.objects.filter(book_id=book.pk, chapter_id__in=list(chapter_ids)).values_list(
                "chapter_id", flat=True
            )
        )
    missing = [cid for cid in chapter_ids if cid not in existing]
    if not missing:
        return
    try:
        Chapter.objects.bulk_create([Chapter(book_id=book.pk, chapter_id=cid) for cid in missing])
    except IntegrityError:
        for cid in missing:
            chapter_document_ensure(book=book, chapter_id=cid)


@invalidates
def chapter_documents_delete(*, book: Book, chapter_ids) -> int:
    """Delete the Chapter documents of `chapter_ids` through Django's collector, so whatever
    cascades from a Chapter (its questions, once they exist) goes with it."""
    chapter_ids = list(chapter_ids)
    if not chapter_ids:
        return 0
    deleted, _ = Chapter.objects.filter(book_id=book.pk, chapter_id__in=chapter_ids).delete()
    return deleted


# --- validation of a submitted TOC ---------------------------------------------------------------


def _check_text(value, field: str, *, required: bool, max_length: int, label: str) -> str:
    if value is None:
        if required:
            raise ValidationFailed(field, f"{label} is required", code="required")
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(field, f"{label} must be a string", code="invalid")
    if required and not value.strip():
        raise ValidationFailed(field, f"{label} must not be blank", code="blank")
    if "\x00" in value:  # as every text field of the API (DRF's CharField refuses them too)
        raise ValidationFailed(
            field, f"{label} must not contain NUL characters", code="null_characters_not_allowed"
        )
    if len(value) > max_length:
        raise ValidationFailed(
            field, f"{label} must be at most {max_length} characters", code="max_length"
        )
    return value


def _check_int(value, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_TOC_INT:
        raise ValidationFailed(
            field, f"{label} must be an integer from 0 to {MAX_TOC_INT}", code="invalid"
        )
    return value


def _check_id(chapter_id, field: str, label: str) -> None:
    if not isinstance(chapter_id, str) or not CHAPTER_ID_RE.match(chapter_id):
        raise ValidationFailed(
            f"{field}.id",
            f"{label} id must be 1-64 letters, digits or '_.:-'",
            code="invalid",
        )
    if chapter_id in RESERVED_CHAPTER_IDS:
        raise ValidationFailed(f"{field}.id", f"{label} id '{chapter_id}' is reserved")


def _normalize_node(raw, field: str, label: str, level: int, position: int, ids, old, now):
    if not isinstance(raw, dict):
        raise ValidationFailed(field, f"{label} must be an object", code="invalid")
    # Only top-level chapters need a title (the reference's rule; the editor lets an author
    # clear a subchapter's title and save).
    title = _check_text(
        raw.get("title"),
        f"{field}.title",
        required=level == 1,
        max_length=MAX_TITLE_LENGTH,
        label=f"{label} title",
    )
    description = _check_text(
        raw.get("description"),
        f"{field}.description",
        required=False,
        max_length=MAX_DESCRIPTION_LENGTH,
        label=f"{label} description",
    )
    chapter_id = ids.get(field) or new_chapter_id()
    order = raw.get("order")
    order = position if order is None else _check_int(order, f"{field}.order", f"{label} order")
    metadata = raw.get("metadata")
    if metadata is None:
        metadata = {}
    elif not isinstance(metadata, dict):
        raise ValidationFailed(f"{field}.metadata", f"{label} metadata must be an object")

    node = {key: value for key, value in raw.items() if key not in NODE_SERVER_KEYS}
    node.update(
        id=chapter_id,
        title=title,
        description=description,
        level=level,
        order=order,
        metadata=metadata,
    )
    previous = old.get(chapter_id)
    if previous is None:
        node["created_at"] = now
        node["updated_at"] = now
    else:
        node["created_at"] = previous.get("created_at") or now
        unchanged = all(node.get(k) == previous.get(k) for k in NODE_STRUCTURE_KEYS)
        node["updated_at"] = (previous.get("updated_at") or now) if unchanged else now

    subs = raw.get("subchapters")
    if level == 1:
        if subs is None:
            subs = []
        if not isinstance(subs, list):
            raise ValidationFailed(
                f"{field}.subchapters", f"{label} subchapters must be a list", code="invalid"
            )
        node["subchapters"] = [
            _normalize_node(
                sub,
                f"{field}.subchapters[{j}]",
                f"Subchapter {j + 1} of chapter {position}",
                2,
                j + 1,
                ids,
                old,
                now,
            )
            for j, sub in enumerate(subs)
        ]
    elif subs:
        raise ValidationFailed(
            f"{field}.subchapters",
            "Chapters nest at most two levels: a subchapter cannot have subchapters",
            code="too_deep",
        )
    return node


def _has_content(raw: dict) -> bool:
    """Whether a submitted chapter says it has written content (a TOC echoed back from a read
    carries `content` and `word_count`; the edit-toc page sends neither)."""
    content, words = raw.get("content"), raw.get("word_count")
    return bool(isinstance(content, str) and content.strip()) or (
        isinstance(words, int) and not isinstance(words, bool) and words > 0
    )


def _fresh_readable_id(parent_id: str | None, taken: set) -> str:
    """An id in the edit-toc page's own scheme (`ch<n>` for a chapter, `<parent>-<n>` for a
    subchapter) with the smallest n that no submitted or stored chapter uses; a uuid when the
    scheme would not make a valid id."""
    prefix = "ch" if parent_id is None else f"{parent_id}-"
    for n in range(1, len(taken) + 2):
        candidate = f"{prefix}{n}"
        if candidate not in taken:
            if CHAPTER_ID_RE.match(candidate):
                return candidate
            break
    return new_chapter_id()


def _submitted_ids(chapters: list, old_toc: dict | None, assigned: set | None) -> dict:
    """{field path: id} for every submitted chapter that keeps or gets a given id, its id
    checked. An id submitted more than once does not make the TOC invalid when the duplicate is
    a new chapter (the edit-toc page numbers new chapters `ch<count + 1>` and new subchapters
    `<parent>-<count + 1>`, which collide after a delete): the first occurrence in TOC order
    keeps the id (and so the chapter's content), each later one gets a fresh id
    (`_fresh_readable_id`, recorded in `assigned`). That is refused (422 `duplicate`) whenever
    it could attach content to the wrong chapter:
    - a later occurrence says it has content (so it is not a new chapter);
    - the id is a stored chapter's and its first occurrence is not where that chapter is (same
      level, same parent), or a later occurrence carries the stored chapter's title while the
      first one does not (the stored chapter is probably the later one).
    """
    occurrences = []  # (field, label, raw, level, parent field or None)
    for i, raw in enumerate(chapters):
        if not isinstance(raw, dict):
            continue
        field = f"toc.chapters[{i}]"
        occurrences.append((field, f"Chapter {i + 1}", raw, 1, None))
        subs = raw.get("subchapters")
        for j, sub in enumerate(subs if isinstance(subs, list) else []):
            if isinstance(sub, dict):
                label = f"Subchapter {j + 1} of chapter {i + 1}"
                occurrences.append((f"{field}.subchapters[{j}]", label, sub, 2, field))
    stored = {}
    for node, level, parent_id in toc_iter_nodes(old_toc):
        stored.setdefault(node.get("id"), (node, level, parent_id))
    taken = set(stored)
    for _, _, raw, _, _ in occurrences:
        if isinstance(raw.get("id"), str):
            taken.add(raw["id"])
    ids: dict[str, str] = {}
    first: dict[str, tuple] = {}  # id -> (field, raw, level, final parent id)
    for field, label, raw, level, parent_field in occurrences:
        chapter_id = raw.get("id")
        if chapter_id in (None, ""):
            continue
        _check_id(chapter_id, field, label)
        parent_id = ids.get(parent_field) if parent_field else None
        if chapter_id not in first:
            first[chapter_id] = (field, raw, level, parent_id)
            ids[field] = chapter_id
            continue
        keeper_field, keeper, keeper_level, keeper_parent = first[chapter_id]
        ambiguous = _has_content(raw)
        if chapter_id in stored:
            node, stored_level, stored_parent = stored[chapter_id]
            moved = keeper_level != stored_level or (
                keeper_level == 2 and keeper_parent != stored_parent
            )
            title = node.get("title")
            looks_stored = raw.get("title") == title and keeper.get("title") != title
            ambiguous = ambiguous or moved or looks_stored
        if ambiguous:
            raise ValidationFailed(
                f"{field}.id",
                f"Two chapters use the id '{chapter_id}' and the saved chapter cannot be told "
                "apart from the new one. Reload the page, then make your changes again.",
                code="duplicate",
            )
        if level == 2 and parent_id is None:  # its parent gets a uuid: no readable scheme
            fresh = new_chapter_id()
        else:
            fresh = _fresh_readable_id(parent_id, taken)
        taken.add(fresh)
        ids[field] = fresh
        if assigned is not None:
            assigned.add(fresh)
    return ids


def toc_normalize(*, toc, old_toc: dict | None, assigned: set | None = None) -> dict:
    """Validate a submitted TOC at every level and return the structure to store.

    Rules: `toc` is an object with a `chapters` list; at most MAX_CHAPTERS chapters and subchapters
    together; each is an object with a `title` (a string of at most MAX_TITLE_LENGTH characters,
    not blank for a top-level chapter; a subchapter's may be blank or missing), an optional
    string `description` (at most 5000; texts never contain NUL), an optional non-negative integer
    `order` (default: its position), an optional object `metadata`; ids are kept when given (1-64 of
    `A-Za-z0-9_.:-`, not a reserved route word) and assigned (uuid4 hex) when missing; an id given
    twice stays with its first occurrence and the later new chapters get fresh ids, unless content
    could end up under the wrong chapter (`_submitted_ids`; the ids given that way are added to
    `assigned`); chapters nest two levels (a subchapter with subchapters is rejected). `level`
    follows the nesting; Chapter-document keys (status, content, word_count, ...) are not part of
    the structure and are dropped; other client keys are kept. `total_chapters` is the number of
    top-level chapters; `estimated_pages` must be a non-negative integer, `structure_notes` a
    string. Violations raise ValidationFailed (422) naming the field.
    """
    if not isinstance(toc, dict):
        raise ValidationFailed("toc", "TOC data must be provided as an object", code="invalid")
    if "chapters" not in toc:
        raise ValidationFailed("toc.chapters", "This field is required.", code="required")
    chapters = toc["chapters"]
    if not isinstance(chapters, list):
        raise ValidationFailed(
            "toc.chapters", "Chapters must be provided as a list", code="invalid"
        )
    total = len(chapters) + sum(
        len(c.get("subchapters") or [])
        for c in chapters
        if isinstance(c, dict) and isinstance(c.get("subchapters"), list)
    )
    if total > MAX_CHAPTERS:
        raise ValidationFailed(
            "toc.chapters",
            f"A TOC holds at most {MAX_CHAPTERS} chapters and subchapters",
            code="too_many",
        )
    old = {}
    for node in toc_chapter_nodes(old_toc):
        old[node.get("id")] = node
        for sub in node.get("subchapters") or []:
            if isinstance(sub, dict):
                old[sub.get("id")] = sub
    now = now_iso()
    ids = _submitted_ids(chapters, old_toc, assigned)
    nodes = [
        _normalize_node(raw, f"toc.chapters[{i}]", f"Chapter {i + 1}", 1, i + 1, ids, old, now)
        for i, raw in enumerate(chapters)
    ]
    out = {key: value for key, value in toc.items() if key not in TOC_SERVER_KEYS}
    out["chapters"] = nodes
    out["total_chapters"] = len(nodes)
    pages = toc.get("estimated_pages")
    out["estimated_pages"] = (
        0 if pages is None else _check_int(pages, "toc.estimated_pages", "estimated_pages")
    )
    out["structure_notes"] = _check_text(
        toc.get("structure_notes"),
        "toc.structure_notes",
        required=False,
        max_length=MAX_NOTES_LENGTH,
        label="structure_notes",
    )
    out["updated_at"] = now
    return out


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
        assigned: set[str] = set()
        new_toc = toc_normalize(toc=toc, old_toc=current_toc, assigned=assigned)
        new_toc["status"] = status
        new_toc["generated_at"] = generated_at or (current_toc or {}).get("generated_at")
        old_ids = set(toc_chapter_ids(current_toc))
        new_ids = toc_chapter_ids(new_toc)
        # An id the client reuses for a chapter the current TOC does not list (or a readable id
        # given to a duplicate) may still have a document, left by an interrupted earlier drop:
        # it is removed before the swap so the new chapter never resurfaces old content. (uuids
        # the server assigns are fresh, and chapters that stay keep their documents.)
        reused = (set(new_ids) - old_ids) & (set(toc_chapter_ids(toc)) | assigned)
        if reused:
            chapter_documents_delete(book=book, chapter_ids=reused)
        state.update(
            old_ids=old_ids,
            new_ids=new_ids,
            old_version=current_version,
            old_count=len(toc_chapter_nodes(current_toc)),
        )
        return new_toc, new_toc

    new_toc = toc_write(book=book, expected_version=expected_version, build=build)
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

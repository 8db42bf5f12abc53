"""Chapter structure writes: create, update and delete, each a structural write through the
TOC compare-and-swap of `books.services.toc.toc_write`."""

from typing import Any

from accounts.services.audit import _render
from autoauthor.core.errors import Invalid, ValidationFailed
from autoauthor.transactions import atomic_if_supported
from books.models import (
    AccessType,
    Book,
    ChapterAccessLog,
)
from books.read_cache import invalidates
from books.rules import TOC_MAX_CHAPTERS
from books.selectors import (
    chapter_find,
    toc_chapter_ids,
    toc_chapter_nodes,
    toc_node_find,
)
from books.services.content import (
    access_log_record,
    chapter_audit_record,
    chapter_not_found,
)
from books.services.toc import (
    chapter_document_ensure,
    chapter_documents_delete,
    new_chapter_id,
    now_iso,
    toc_write,
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


def _toc_with_chapter(current_toc: dict | None, fields: dict, *, parent_id: str | None) -> dict:
    """`current_toc` with a new chapter of `fields` appended at its level: a level 1 chapter to
    the top level, a level 2 one under `parent_id` (400 `parent_not_found` when no top-level
    chapter has that id); 422 `too_many` when the TOC is full."""
    toc = current_toc or _empty_toc()
    if len(toc_chapter_ids(toc)) >= TOC_MAX_CHAPTERS:
        raise ValidationFailed(
            "title",
            f"A TOC holds at most {TOC_MAX_CHAPTERS} chapters and subchapters",
            code="too_many",
        )
    now = now_iso()
    node = {**fields, "created_at": now, "updated_at": now}
    if fields["level"] == 1:
        node["subchapters"] = []
        toc["chapters"].append(node)
    else:
        parent = next((n for n in toc_chapter_nodes(toc) if n.get("id") == parent_id), None)
        if parent is None:
            raise Invalid("Parent chapter not found", code="parent_not_found")
        parent.setdefault("subchapters", []).append(node)
    toc["total_chapters"] = len(toc["chapters"])
    toc["updated_at"] = now
    return toc


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
    TOC_MAX_CHAPTERS chapters (422). Then the chapter's document is created, a `create` access
    log and a `chapter_create` audit row are written. Returns the merged chapter.
    """
    chapter_id = new_chapter_id()
    fields = {
        "id": chapter_id,
        "title": title,
        "description": description or "",
        "level": level,
        "order": order,
        "metadata": metadata or {},
    }

    def build(current_toc, current_version):
        return _toc_with_chapter(current_toc, fields, parent_id=parent_id), None

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

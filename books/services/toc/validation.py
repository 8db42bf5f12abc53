"""Validation of a submitted TOC (`toc_normalize`): the structure to store, every level
checked against the rules of `books.rules`."""

from autoauthor.core.errors import ValidationFailed
from books.rules import (
    TOC_DESCRIPTION_MAX,
    TOC_INT_MAX,
    TOC_MAX_CHAPTERS,
    TOC_MAX_DEPTH,
    TOC_NOTES_MAX,
    TOC_TITLE_MAX,
    toc_title_required,
)
from books.selectors import (
    CHAPTER_DOCUMENT_KEYS,
    toc_chapter_nodes,
)
from books.services.toc.ids import submitted_ids
from books.services.toc.writes import new_chapter_id, now_iso

# Keys of a submitted TOC the server owns: derived, forced or stored elsewhere.
TOC_SERVER_KEYS = ("expected_version", "version", "status", "generated_at", "updated_at")
NODE_SERVER_KEYS = (*CHAPTER_DOCUMENT_KEYS, "parent_id", "level", "subchapters")
NODE_STRUCTURE_KEYS = ("title", "description", "order", "metadata")


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
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= TOC_INT_MAX:
        raise ValidationFailed(
            field, f"{label} must be an integer from 0 to {TOC_INT_MAX}", code="invalid"
        )
    return value


def _node_fields(raw, field: str, label: str, level: int, position: int) -> dict:
    """The checked structure fields of one submitted chapter: title, description, order and
    metadata (an order defaults to the chapter's position)."""
    title = _check_text(
        raw.get("title"),
        f"{field}.title",
        required=toc_title_required(level),
        max_length=TOC_TITLE_MAX,
        label=f"{label} title",
    )
    description = _check_text(
        raw.get("description"),
        f"{field}.description",
        required=False,
        max_length=TOC_DESCRIPTION_MAX,
        label=f"{label} description",
    )
    order = raw.get("order")
    order = position if order is None else _check_int(order, f"{field}.order", f"{label} order")
    metadata = raw.get("metadata")
    if metadata is None:
        metadata = {}
    elif not isinstance(metadata, dict):
        raise ValidationFailed(f"{field}.metadata", f"{label} metadata must be an object")
    return {"title": title, "description": description, "order": order, "metadata": metadata}


def _stamp_node(node: dict, previous: dict | None, now: str) -> None:
    """`created_at` kept from the stored chapter; `updated_at` kept too unless the structure
    fields changed."""
    if previous is None:
        node["created_at"] = now
        node["updated_at"] = now
        return
    node["created_at"] = previous.get("created_at") or now
    unchanged = all(node.get(k) == previous.get(k) for k in NODE_STRUCTURE_KEYS)
    node["updated_at"] = (previous.get("updated_at") or now) if unchanged else now


def _submitted_subchapters(raw: dict, field: str, label: str, level: int) -> list:
    """The submitted subchapters list of a chapter ([] when absent); a chapter at the deepest
    level may have none (422 `too_deep`)."""
    subs = raw.get("subchapters")
    if level >= TOC_MAX_DEPTH:
        if subs:
            raise ValidationFailed(
                f"{field}.subchapters",
                "Chapters nest at most two levels: a subchapter cannot have subchapters",
                code="too_deep",
            )
        return []
    if subs is None:
        return []
    if not isinstance(subs, list):
        raise ValidationFailed(
            f"{field}.subchapters", f"{label} subchapters must be a list", code="invalid"
        )
    return subs


def _normalize_node(raw, field: str, label: str, level: int, position: int, ids, old, now):
    """One submitted chapter (and, at level 1, its subchapters) as stored: checked fields, its
    kept or assigned id, timestamps; server-owned keys dropped, other client keys kept."""
    if not isinstance(raw, dict):
        raise ValidationFailed(field, f"{label} must be an object", code="invalid")
    fields = _node_fields(raw, field, label, level, position)
    chapter_id = ids.get(field) or new_chapter_id()
    node = {key: value for key, value in raw.items() if key not in NODE_SERVER_KEYS}
    node.update(
        id=chapter_id,
        title=fields["title"],
        description=fields["description"],
        level=level,
        order=fields["order"],
        metadata=fields["metadata"],
    )
    _stamp_node(node, old.get(chapter_id), now)
    subs = _submitted_subchapters(raw, field, label, level)
    if level < TOC_MAX_DEPTH:
        node["subchapters"] = [
            _normalize_node(
                sub,
                f"{field}.subchapters[{j}]",
                f"Subchapter {j + 1} of chapter {position}",
                level + 1,
                j + 1,
                ids,
                old,
                now,
            )
            for j, sub in enumerate(subs)
        ]
    return node


def _submitted_chapters(toc) -> list:
    """The submitted `chapters` list, its shape and its size (TOC_MAX_CHAPTERS chapters and
    subchapters together) checked."""
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
    if total > TOC_MAX_CHAPTERS:
        raise ValidationFailed(
            "toc.chapters",
            f"A TOC holds at most {TOC_MAX_CHAPTERS} chapters and subchapters",
            code="too_many",
        )
    return chapters


def _stored_nodes(old_toc: dict | None) -> dict:
    """{id: node} of the stored chapters and subchapters."""
    old = {}
    for node in toc_chapter_nodes(old_toc):
        old[node.get("id")] = node
        for sub in node.get("subchapters") or []:
            if isinstance(sub, dict):
                old[sub.get("id")] = sub
    return old


def toc_normalize(*, toc, old_toc: dict | None, assigned: set | None = None) -> dict:
    """Validate a submitted TOC at every level and return the structure to store.

    Rules: `toc` is an object with a `chapters` list; at most TOC_MAX_CHAPTERS chapters and
    subchapters together; each is an object with a `title` (a string of at most TOC_TITLE_MAX
    characters, not blank for a top-level chapter; a subchapter's may be blank or missing), an
    optional string `description` (at most TOC_DESCRIPTION_MAX; texts never contain NUL), an
    optional non-negative integer `order` (default: its position), an optional object `metadata`;
    ids are kept when given (`books.rules.chapter_id_usable`) and assigned (uuid4 hex) when
    missing; an id given twice stays with its first occurrence and the later new chapters get
    fresh ids, unless content could end up under the wrong chapter (`submitted_ids`; the ids
    given that way are added to `assigned`); chapters nest TOC_MAX_DEPTH levels (a subchapter
    with subchapters is rejected). `level` follows the nesting; Chapter-document keys (status,
    content, word_count, ...) are not part of the structure and are dropped; other client keys
    are kept. `total_chapters` is the number of top-level chapters; `estimated_pages` must be a
    non-negative integer, `structure_notes` a string. Violations raise ValidationFailed (422)
    naming the field.
    """
    chapters = _submitted_chapters(toc)
    old = _stored_nodes(old_toc)
    now = now_iso()
    ids = submitted_ids(chapters, old_toc, assigned)
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
        max_length=TOC_NOTES_MAX,
        label="structure_notes",
    )
    out["updated_at"] = now
    return out

"""The ids of a submitted TOC: kept when given and well-formed, fresh ones for the later
duplicates of an id (`submitted_ids`)."""

from autoauthor.core.errors import ValidationFailed
from books.rules import (
    RESERVED_CHAPTER_IDS,
    chapter_id_well_formed,
)
from books.selectors import (
    toc_iter_nodes,
)
from books.services.toc.writes import new_chapter_id


def _check_id(chapter_id, field: str, label: str) -> None:
    if not chapter_id_well_formed(chapter_id):
        raise ValidationFailed(
            f"{field}.id",
            f"{label} id must be 1-64 letters, digits or '_.:-'",
            code="invalid",
        )
    if chapter_id in RESERVED_CHAPTER_IDS:
        raise ValidationFailed(f"{field}.id", f"{label} id '{chapter_id}' is reserved")


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
            if chapter_id_well_formed(candidate):
                return candidate
            break
    return new_chapter_id()


def _occurrences(chapters: list) -> list[tuple]:
    """(field, label, raw, level, parent field or None) of every submitted chapter object, in TOC
    order (a chapter before its subchapters)."""
    occurrences = []
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
    return occurrences


def _duplicate_ambiguous(raw: dict, keeper: tuple, stored_entry: tuple | None) -> bool:
    """Whether a later occurrence `raw` of an id could be the chapter that owns it: it says it
    has content, or the id is a stored chapter's and the first occurrence `keeper` (field, raw,
    level, parent id) is not where that chapter is, or only `raw` carries its stored title."""
    if _has_content(raw):
        return True
    if stored_entry is None:
        return False
    _, keeper_raw, keeper_level, keeper_parent = keeper
    node, stored_level, stored_parent = stored_entry
    moved = keeper_level != stored_level or (keeper_level == 2 and keeper_parent != stored_parent)
    title = node.get("title")
    return moved or (raw.get("title") == title and keeper_raw.get("title") != title)


def submitted_ids(chapters: list, old_toc: dict | None, assigned: set | None) -> dict:
    """{field path: id} for every submitted chapter that keeps or gets a given id, its id
    checked. An id submitted more than once does not make the TOC invalid when the duplicate is
    a new chapter (the edit-toc page numbers new chapters `ch<count + 1>` and new subchapters
    `<parent>-<count + 1>`, which collide after a delete): the first occurrence in TOC order
    keeps the id (and so the chapter's content), each later one gets a fresh id
    (`_fresh_readable_id`, recorded in `assigned`). That is refused (422 `duplicate`) whenever
    it could attach content to the wrong chapter (`_duplicate_ambiguous`).
    """
    occurrences = _occurrences(chapters)
    stored = {}
    for node, level, parent_id in toc_iter_nodes(old_toc):
        stored.setdefault(node.get("id"), (node, level, parent_id))
    taken = set(stored) | {
        raw["id"] for _, _, raw, _, _ in occurrences if isinstance(raw.get("id"), str)
    }
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
        if _duplicate_ambiguous(raw, first[chapter_id], stored.get(chapter_id)):
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

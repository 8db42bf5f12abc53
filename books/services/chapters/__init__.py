"""Chapter writes: the structure (`structure`: create, update, delete) and the statuses
(`status`: §3.4 transitions, bulk status). Content autosave and tab state live in
`books.services.content`. Re-exports the public names for callers outside the package."""

from books.services.chapters.status import (
    STATUS_TRANSITIONS,
    chapter_status_bulk_update,
    status_transition_allowed,
    status_transition_refused,
)
from books.services.chapters.structure import (
    UPDATABLE_FIELDS,
    chapter_create,
    chapter_delete,
    chapter_update,
)

__all__ = [
    "STATUS_TRANSITIONS",
    "UPDATABLE_FIELDS",
    "chapter_create",
    "chapter_delete",
    "chapter_status_bulk_update",
    "chapter_update",
    "status_transition_allowed",
    "status_transition_refused",
]

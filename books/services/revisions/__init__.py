"""Chapter revisions (every content save keeps one; autosaves collapse; old ones are thinned by
age), their diffs, and restoring a chapter's or the summary's revision:

- `writes`: `chapter_revision_record` (called by `books.services.content.chapter_content_save`),
  per-chapter thinning (a chapter's delete removes its revisions:
  `books.services.toc.writes.chapter_documents_delete`);
- `retention`: the REVISION_RETENTION tiers;
- `thinning`: every chapter at once (`manage.py thin_revisions`);
- `diff`: line and word diffs;
- `restore`: restore as a new save on top (imported as a module: it depends on the content
  service, which depends on `writes`).
"""

from books.services.revisions.diff import text_diff
from books.services.revisions.retention import retention_tiers
from books.services.revisions.thinning import revisions_thin, revisions_thin_count
from books.services.revisions.writes import (
    chapter_revision_record,
    chapter_revisions_thin,
)

__all__ = [
    "chapter_revision_record",
    "chapter_revisions_thin",
    "retention_tiers",
    "revisions_thin",
    "revisions_thin_count",
    "text_diff",
]

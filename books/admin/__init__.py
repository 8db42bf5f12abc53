"""Admin for books, their chapters (TOC entry + content) and chapter access logs.

Writes go through the books services, so the admin keeps the API's rules:
- Book: `book_create` / `book_update` (only changed fields, one single-document update),
  `book_summary_update` (validated by `summary_validate`, history kept), `book_delete` (cascade).
- Chapter: the change form shows the chapter's TOC entry (title, description, order) and its
  content. Saving a changed entry replaces the TOC through `toc_replace` with the book's
  `toc_version` *as the form was opened* as `expected_version`; saving changed content goes
  through `chapter_content_save` with the chapter's content version as the form was opened. A
  concurrent edit (API or another editor) therefore gives a form error, never an overwrite.
  Versions, word counts, status steps, access logs and audit rows (actor = the editor) are the
  services' own. Chapters are created through the TOC (no "add"); a delete goes through
  `chapter_delete`.
"""

from books.admin.access_logs import ChapterAccessLogAdmin
from books.admin.books import BookAdmin, BookAdminForm
from books.admin.chapters import ChapterAdmin, ChapterAdminForm

__all__ = (
    "BookAdmin",
    "BookAdminForm",
    "ChapterAccessLogAdmin",
    "ChapterAdmin",
    "ChapterAdminForm",
)

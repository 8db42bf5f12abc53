"""Book reads shared by every books endpoint, split by topic: `books` (the caller's book, the
list, book-level parts), `toc` (walking the stored TOC structure), `chapters` (the structure merged
with each chapter's document) and `access_logs` (access-log reads). Every public name is
re-exported here, so `from books.selectors import ...` keeps working."""

from books.selectors.access import (
    book_collaborators,
    book_role,
    books_with_roles,
    collaborator_entry,
    readable_book_ids,
    readable_filter,
)
from books.selectors.access_logs import chapter_analytics, chapter_last_active, tab_state_latest
from books.selectors.books import (
    BOOK_NOT_FOUND,
    BOOK_RESPONSE_FIELDS,
    book_audit_log,
    book_find,
    book_list,
    book_outline,
    book_question_responses,
    book_summary,
    book_toc_readiness,
    books_with_outline,
)
from books.selectors.chapters import (
    chapter_content_metadata,
    chapter_document_fields,
    chapter_documents,
    chapter_find,
    chapter_tree,
    chapter_visible_stats,
    chapters_content_batch,
    chapters_flat,
    chapters_metadata,
    toc_get,
)
from books.selectors.toc import (
    CHAPTER_DOCUMENT_KEYS,
    CHAPTER_NOT_FOUND,
    toc_chapter_ids,
    toc_chapter_nodes,
    toc_iter_nodes,
    toc_node_find,
)

__all__ = [
    "BOOK_NOT_FOUND",
    "BOOK_RESPONSE_FIELDS",
    "CHAPTER_DOCUMENT_KEYS",
    "CHAPTER_NOT_FOUND",
    "book_audit_log",
    "book_collaborators",
    "book_find",
    "book_list",
    "book_outline",
    "book_question_responses",
    "book_role",
    "book_summary",
    "book_toc_readiness",
    "books_with_outline",
    "books_with_roles",
    "chapter_analytics",
    "chapter_content_metadata",
    "chapter_document_fields",
    "chapter_documents",
    "chapter_find",
    "chapter_last_active",
    "chapter_tree",
    "chapter_visible_stats",
    "chapters_content_batch",
    "chapters_flat",
    "chapters_metadata",
    "collaborator_entry",
    "readable_book_ids",
    "readable_filter",
    "tab_state_latest",
    "toc_chapter_ids",
    "toc_chapter_nodes",
    "toc_get",
    "toc_iter_nodes",
    "toc_node_find",
]

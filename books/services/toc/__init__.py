"""Table-of-contents writes: the compare-and-swap every structural write goes through and the
Chapter documents that follow the structure (`writes`), the validation of a submitted TOC
(`validation`, its ids in `ids`) and the one TOC writer (`replace`). Re-exports their public
names for callers outside the package."""

from books.services.toc.replace import toc_replace
from books.services.toc.validation import toc_normalize
from books.services.toc.writes import (
    TOC_WRITE_ATTEMPTS,
    VERSION_CONFLICT,
    actor_id_of,
    chapter_document_ensure,
    chapter_documents_create_missing,
    chapter_documents_delete,
    new_chapter_id,
    now_iso,
    toc_write,
    version_conflict,
)

__all__ = [
    "TOC_WRITE_ATTEMPTS",
    "VERSION_CONFLICT",
    "actor_id_of",
    "chapter_document_ensure",
    "chapter_documents_create_missing",
    "chapter_documents_delete",
    "new_chapter_id",
    "now_iso",
    "toc_normalize",
    "toc_replace",
    "toc_write",
    "version_conflict",
]

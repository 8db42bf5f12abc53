"""Book export: a neutral in-memory document (`document`), one HTML -> blocks converter
(`blocks`), one renderer per format (`pdf`, `word`, `epub`, `markdown`), the format registry
(`formats`) and the adapter that builds a document from a Book (`source`)."""

from books.export.blocks import html_to_blocks
from books.export.document import (
    Deadline,
    ExportCancelled,
    ExportChapter,
    ExportDocument,
    OutlineEntry,
    document_from_memory,
    select_chapters,
)
from books.export.formats import FORMATS, ExportFormat

__all__ = [
    "FORMATS",
    "Deadline",
    "ExportCancelled",
    "ExportChapter",
    "ExportDocument",
    "ExportFormat",
    "OutlineEntry",
    "document_from_memory",
    "html_to_blocks",
    "select_chapters",
]

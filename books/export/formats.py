"""The export formats: what the formats endpoint lists and how each one is rendered."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from books.export.templates import TEMPLATE_IDS

# The options of the formats that take an export template (books.export.layout).
_LAYOUT = {"template_id": list(TEMPLATE_IDS), "custom_options": "json object"}


@dataclass(frozen=True)
class ExportFormat:
    format: str
    name: str
    description: str
    mime_type: str
    extension: str  # with the dot
    renderer_module: str  # books.export.<module> with `render(doc, out)`
    library: str  # the third-party module the renderer needs
    options: dict = field(default_factory=dict)

    @cached_property
    def available(self) -> bool:
        """True when the renderer's library can be imported."""
        try:
            importlib.import_module(self.library)
        except ImportError:
            return False
        return True

    @property
    def render(self) -> Callable:
        return importlib.import_module(self.renderer_module).render


FORMATS: dict[str, ExportFormat] = {
    f.format: f
    for f in (
        ExportFormat(
            "pdf",
            "PDF Document",
            "Portable Document Format - ideal for reading and printing",
            "application/pdf",
            ".pdf",
            "books.export.pdf",
            "reportlab",
            {"page_size": ["letter", "A4"], "include_empty_chapters": "boolean", **_LAYOUT},
        ),
        ExportFormat(
            "docx",
            "Word Document",
            "Microsoft Word format - ideal for further editing",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
            "books.export.word",
            "docx",
            {"include_empty_chapters": "boolean", **_LAYOUT},
        ),
        ExportFormat(
            "epub",
            "EPUB eBook",
            "EPUB 3 e-book - ideal for e-readers and reading apps",
            "application/epub+zip",
            ".epub",
            "books.export.epub",
            "ebooklib",
            {"include_empty_chapters": "boolean", **_LAYOUT},
        ),
        ExportFormat(
            "markdown",
            "Markdown",
            "A single Markdown file - ideal for version control and static site generators",
            "text/markdown",
            ".md",
            "books.export.markdown",
            "html.parser",
            {"include_empty_chapters": "boolean"},
        ),
    )
}

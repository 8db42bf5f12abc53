"""The layout options of one export request, checked and normalized (the sync export, the
export jobs and the export_book command share them)."""

from __future__ import annotations

from books.export.layout import DEFAULT_LAYOUT, Layout, layout_resolve

LAYOUT_FORMATS = ("pdf", "docx", "epub")


def export_options(*, fmt: str, options: dict) -> tuple[Layout, dict]:
    """(the layout, the normalized options) of an export of `fmt` from its request options
    (`page_size`, `template_id`, `custom_options` as a JSON string or an object). Raises the
    400s of books.export.layout. The normalized options hold what was asked for in stored form
    (PDF: the page size printed; the template id and the parsed overrides when given): the
    access log and the export jobs keep them."""
    if fmt not in LAYOUT_FORMATS:
        return DEFAULT_LAYOUT, {}
    layout = layout_resolve(
        template_id=options.get("template_id"),
        custom_options=options.get("custom_options"),
        page_size=options.get("page_size") if fmt == "pdf" else None,
    )
    normalized: dict = {"page_size": layout.page_size} if fmt == "pdf" else {}
    if layout.template_id is not None:
        normalized["template_id"] = layout.template_id
    if layout.custom:
        normalized["custom_options"] = layout.custom
    return layout, normalized

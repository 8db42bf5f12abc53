"""Export templates: named page layouts for the PDF, DOCX and EPUB exports.

A template fixes the page (trim size and margins, in inches), the body font (family, the PDF
font the file declares, the Word font, size, line height, first-line indent), the heading style
(font, size, weight, alignment), how a chapter opens (on a new page, how far down the page,
and how the "Chapter n" label is set) and the running header and footer ({book_title},
{author} and {page} are filled in). `TEMPLATES` holds the specs; `template_specs()` is what
GET /books/{id}/export/templates and /export/formats list, with `pdf_font` resolved to the font
this server embeds (DejaVu when installed, else the built-in Times/Helvetica: see
`books.export.fonts`). Margins: `inside` is the left margin and `outside` the right one (the
exports are single-sided).
"""

from __future__ import annotations

import copy

from books.export.fonts import pdf_family

# Trim sizes in inches (width, height). A4 is 210 x 297 mm.
PAGE_SIZES_INCHES: dict[str, tuple[float, float]] = {
    "6x9": (6.0, 9.0),
    "letter": (8.5, 11.0),
    "A4": (210 / 25.4, 297 / 25.4),
}

TEMPLATES: dict[str, dict] = {
    "classic_fiction": {
        "id": "classic_fiction",
        "name": "Classic Fiction",
        "description": "A 6 x 9 in trade-paperback page with a traditional serif face, "
        "indented paragraphs and chapters that open a third of the way down a new page.",
        "category": "fiction",
        "best_for": "Novels, short stories, memoir",
        "page_size": "6x9",
        "margins": {"top": 0.8, "bottom": 0.8, "inside": 0.75, "outside": 0.6},
        "font": {"family": "serif", "docx_font": "Garamond", "size": 11},
        "line_height": 1.35,
        "first_line_indent": 0.25,
        "heading": {
            "family": "serif",
            "docx_font": "Garamond",
            "size": 18,
            "bold": False,
            "italic": False,
            "alignment": "center",
        },
        "chapter_opening": {
            "new_page": True,
            "drop": 2.0,
            "label": "stacked",
            "numbering": "words",
        },
        "header": {"left": "{book_title}", "right": "{author}"},
        "footer": {"center": "{page}"},
    },
    "modern_nonfiction": {
        "id": "modern_nonfiction",
        "name": "Modern Non-Fiction",
        "description": "A letter page with a clean sans-serif face, open line spacing, "
        "block paragraphs and bold left-aligned headings.",
        "category": "non-fiction",
        "best_for": "Business, self-help, how-to guides",
        "page_size": "letter",
        "margins": {"top": 1.0, "bottom": 1.0, "inside": 1.1, "outside": 1.0},
        "font": {"family": "sans", "docx_font": "Calibri", "size": 11},
        "line_height": 1.5,
        "first_line_indent": 0.0,
        "heading": {
            "family": "sans",
            "docx_font": "Calibri",
            "size": 22,
            "bold": True,
            "italic": False,
            "alignment": "left",
        },
        "chapter_opening": {
            "new_page": True,
            "drop": 0.5,
            "label": "stacked",
            "numbering": "digits",
        },
        "header": {"left": "{author}", "right": "{book_title}"},
        "footer": {"center": "{page}"},
    },
    "academic": {
        "id": "academic",
        "name": "Academic",
        "description": "An A4 page with wide margins, a 12 pt serif face, double spacing and "
        "numbered bold headings.",
        "category": "academic",
        "best_for": "Theses, dissertations, research reports",
        "page_size": "A4",
        "margins": {"top": 1.0, "bottom": 1.0, "inside": 1.5, "outside": 1.0},
        "font": {"family": "serif", "docx_font": "Times New Roman", "size": 12},
        "line_height": 2.0,
        "first_line_indent": 0.5,
        "heading": {
            "family": "serif",
            "docx_font": "Times New Roman",
            "size": 14,
            "bold": True,
            "italic": False,
            "alignment": "left",
        },
        "chapter_opening": {
            "new_page": True,
            "drop": 0.0,
            "label": "numbered",
            "numbering": "digits",
        },
        "header": {"left": "", "right": "{book_title}"},
        "footer": {"center": "{page}"},
    },
}
TEMPLATE_IDS = tuple(TEMPLATES)


def _with_pdf_font(font: dict) -> dict:
    family = pdf_family(font["family"])
    style = {"bold": bool(font.get("bold")), "italic": bool(font.get("italic"))}
    return {**font, "pdf_font": family.declared_face(**style)}


def template_spec(template_id: str) -> dict:
    """One template's spec (a copy), with `page` (width and height in inches, 2 decimals) and
    the PDF fonts this server declares for its body and headings."""
    spec = copy.deepcopy(TEMPLATES[template_id])
    width, height = PAGE_SIZES_INCHES[spec["page_size"]]
    spec["page"] = {"width": round(width, 2), "height": round(height, 2)}
    spec["font"] = _with_pdf_font(spec["font"])
    spec["heading"] = _with_pdf_font(spec["heading"])
    return spec


def template_specs() -> list[dict]:
    """Every template's spec, in a fixed order (classic_fiction, modern_nonfiction, academic)."""
    return [template_spec(template_id) for template_id in TEMPLATES]

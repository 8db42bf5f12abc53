"""The page layout an export is rendered with: a template (books.export.templates) or the
default formatting, with the caller's `custom_options` applied.

Rules:
- no `template_id`: the default formatting of the reference export (letter or `page_size`,
  1 in margins, serif 11 pt, chapters "Chapter n: Title" at the top of a new page, page numbers);
- an unknown `template_id`: 400 `invalid_template` naming the valid ids. No aliases: the
  frontend only sends ids it read from the templates list;
- `page_size` sent with a template replaces the template's trim size (the margins stay);
- `custom_options`: a JSON object (a string in a query) whose keys override the layout:
  `font_size` (pt, 8-18), `line_height` (a multiple of the font size, 1.0-3.0),
  `first_line_indent` (in, 0-1) and `margins` (an object of `top`, `bottom`, `inside`,
  `outside`, in inches, 0.25-2.0 each) - the keys and units of the frontend's customization
  panel. Anything else (not JSON, not an object, an unknown key, a value of the wrong type or out
  of range) is 400 `invalid_custom_options` naming the field: a silently ignored or clamped
  override would print a book the author did not ask for.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace

from autoauthor.core.errors import Invalid
from books.export.templates import PAGE_SIZES_INCHES, TEMPLATES, template_spec

POINTS_PER_INCH = 72.0
CUSTOM_OPTIONS_MAX_CHARS = 2000
_NUMBER_LIMITS = {
    "font_size": (8.0, 18.0),
    "line_height": (1.0, 3.0),
    "first_line_indent": (0.0, 1.0),
}
MARGIN_SIDES = ("top", "bottom", "inside", "outside")
MARGIN_LIMITS = (0.25, 2.0)
CUSTOM_OPTION_KEYS = (*_NUMBER_LIMITS, "margins")


class ExportOptionsInvalid(Invalid):
    """A template id or custom option the export cannot honour (400, with the field)."""

    code = "invalid_custom_options"

    def __init__(self, field_name: str, message: str, *, code: str | None = None):
        super().__init__(message, code=code)
        self.errors = [{"field": field_name, "message": message, "code": self.code}]


@dataclass(frozen=True)
class Margins:
    top: float  # points
    bottom: float
    inside: float  # left
    outside: float  # right


@dataclass(frozen=True)
class Layout:
    template_id: str | None
    page_size: str
    page_width: float  # points
    page_height: float
    margins: Margins
    body_family: str = "serif"  # books.export.fonts family
    font_size: float = 11.0
    line_height: float = 15 / 11  # multiple of font_size
    first_line_indent: float = 0.0  # points
    heading_family: str = "serif"
    heading_size: float = 20.0
    heading_bold: bool = False
    heading_italic: bool = False
    heading_align: str = "left"
    opening_new_page: bool = True
    opening_drop: float = 0.0  # points above a chapter's heading
    opening_label: str = "inline"  # inline | stacked | numbered
    numbering: str = "digits"  # digits | words
    header: tuple[str, str] = ("", "")  # left, right
    footer: str = "{page}"
    docx_body_font: str | None = None  # None: keep Word's own (default formatting)
    docx_heading_font: str | None = None
    docx_styled: bool = False  # apply size and spacing to the DOCX styles
    custom: dict = field(default_factory=dict)


def _page(page_size: str) -> tuple[float, float]:
    width, height = PAGE_SIZES_INCHES[page_size]
    return width * POINTS_PER_INCH, height * POINTS_PER_INCH


def _default_layout(page_size: str) -> Layout:
    width, height = _page(page_size)
    return Layout(None, page_size, width, height, Margins(72.0, 72.0, 72.0, 72.0))


def _template_layout(template_id: str) -> Layout:
    spec = template_spec(template_id)
    width, height = _page(spec["page_size"])
    margins = Margins(*(spec["margins"][side] * POINTS_PER_INCH for side in MARGIN_SIDES))
    heading, opening = spec["heading"], spec["chapter_opening"]
    return Layout(
        template_id,
        spec["page_size"],
        width,
        height,
        margins,
        body_family=spec["font"]["family"],
        font_size=float(spec["font"]["size"]),
        line_height=float(spec["line_height"]),
        first_line_indent=spec["first_line_indent"] * POINTS_PER_INCH,
        heading_family=heading["family"],
        heading_size=float(heading["size"]),
        heading_bold=heading["bold"],
        heading_italic=heading["italic"],
        heading_align=heading["alignment"],
        opening_new_page=opening["new_page"],
        opening_drop=opening["drop"] * POINTS_PER_INCH,
        opening_label=opening["label"],
        numbering=opening["numbering"],
        header=(spec["header"]["left"], spec["header"]["right"]),
        footer=spec["footer"]["center"],
        docx_body_font=spec["font"]["docx_font"],
        docx_heading_font=heading["docx_font"],
        docx_styled=True,
    )


def _reject_constant(name: str):
    raise ValueError(name)


def custom_options_parse(raw) -> dict:
    """`custom_options` as a dict: a JSON object string (query) or an object (job body);
    None/"" is no override. Raises ExportOptionsInvalid (module docstring)."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, str):
        if len(raw) > CUSTOM_OPTIONS_MAX_CHARS:
            raise ExportOptionsInvalid(
                "custom_options",
                f"custom_options is longer than {CUSTOM_OPTIONS_MAX_CHARS} characters.",
            )
        try:
            raw = json.loads(raw, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            raise ExportOptionsInvalid(
                "custom_options", 'custom_options must be a JSON object, e.g. {"font_size": 12}.'
            ) from None
    if not isinstance(raw, dict):
        raise ExportOptionsInvalid("custom_options", "custom_options must be a JSON object.")
    unknown = sorted(str(key) for key in raw if key not in CUSTOM_OPTION_KEYS)
    if unknown:
        raise ExportOptionsInvalid(
            f"custom_options.{unknown[0]}",
            f"Unknown custom option '{unknown[0]}'; the options are: "
            f"{', '.join(CUSTOM_OPTION_KEYS)}.",
        )
    options = {}
    for key, (low, high) in _NUMBER_LIMITS.items():
        if key in raw:
            options[key] = _number(f"custom_options.{key}", raw[key], low, high)
    if "margins" in raw:
        options["margins"] = _margins(raw["margins"])
    return options


def _number(field_name: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ExportOptionsInvalid(field_name, f"{field_name} must be a number.")
    if not low <= value <= high:
        raise ExportOptionsInvalid(
            field_name, f"{field_name} must be between {low:g} and {high:g}."
        )
    return float(value)


def _margins(value) -> dict:
    if not isinstance(value, dict):
        raise ExportOptionsInvalid(
            "custom_options.margins",
            "custom_options.margins must be an object of top, bottom, inside, outside (inches).",
        )
    unknown = sorted(str(key) for key in value if key not in MARGIN_SIDES)
    if unknown:
        raise ExportOptionsInvalid(
            f"custom_options.margins.{unknown[0]}",
            f"Unknown margin '{unknown[0]}'; the margins are: {', '.join(MARGIN_SIDES)}.",
        )
    low, high = MARGIN_LIMITS
    return {
        side: _number(f"custom_options.margins.{side}", value[side], low, high)
        for side in MARGIN_SIDES
        if side in value
    }


def template_check(template_id: str | None) -> str | None:
    """`template_id` when it names a template (None/"" for the default formatting); else 400
    `invalid_template`."""
    if template_id in (None, ""):
        return None
    if template_id not in TEMPLATES:
        raise ExportOptionsInvalid(
            "template_id",
            f"Unknown export template '{str(template_id)[:60]}'; the templates are: "
            f"{', '.join(TEMPLATES)}.",
            code="invalid_template",
        )
    return template_id


def layout_resolve(
    *, template_id: str | None = None, custom_options=None, page_size: str | None = None
) -> Layout:
    """The layout of one export (module docstring for the rules)."""
    template_id = template_check(template_id)
    options = custom_options_parse(custom_options)
    if template_id is None:
        layout = _default_layout(page_size or "letter")
    else:
        layout = _template_layout(template_id)
        if page_size:
            width, height = _page(page_size)
            layout = replace(layout, page_size=page_size, page_width=width, page_height=height)
    return _customized(layout, options)


def _customized(layout: Layout, options: dict) -> Layout:
    if not options:
        return layout
    changes: dict = {"custom": options, "docx_styled": True}
    if "font_size" in options:
        changes["font_size"] = options["font_size"]
    if "line_height" in options:
        changes["line_height"] = options["line_height"]
    if "first_line_indent" in options:
        changes["first_line_indent"] = options["first_line_indent"] * POINTS_PER_INCH
    if options.get("margins"):
        current = layout.margins
        sides = {side: getattr(current, side) for side in MARGIN_SIDES}
        sides.update(
            {side: inches * POINTS_PER_INCH for side, inches in options["margins"].items()}
        )
        changes["margins"] = Margins(**sides)
    return replace(layout, **changes)


DEFAULT_LAYOUT = _default_layout("letter")

_ONES = (
    "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen "
    "Fifteen Sixteen Seventeen Eighteen Nineteen"
).split()
_TENS = "Twenty Thirty Forty Fifty Sixty Seventy Eighty Ninety".split()


def number_words(number: int) -> str:
    """1 -> "One", 42 -> "Forty-Two" (digits from 100 on: a chapter label, not a cheque)."""
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens - 2] + (f"-{_ONES[ones]}" if ones else "")
    return str(number)


def chapter_heading(entry, layout: Layout) -> tuple[str | None, str]:
    """(label line or None, heading) of an outline entry under `layout`'s chapter opening:
    inline "Chapter 3: Title"; stacked "Chapter 3" (or "Chapter Three") above "Title";
    numbered "3. Title". Subchapters are always "3.2 Title"."""
    if entry.level != 1 or layout.opening_label == "inline":
        return None, entry.heading
    if layout.opening_label == "numbered":
        return None, f"{entry.number}. {entry.title}"
    number = number_words(int(entry.number)) if layout.numbering == "words" else entry.number
    return f"Chapter {number}", entry.title


def running_text(text: str, *, title: str, author: str, page: int | None = None) -> str:
    """A header or footer with {book_title}, {author} and {page} filled in."""
    text = text.replace("{book_title}", title).replace("{author}", author)
    return text.replace("{page}", "" if page is None else str(page)).strip()

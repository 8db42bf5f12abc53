"""PDF font families (reportlab): serif, sans and mono.

Each family prefers its DejaVu TrueType faces (wide Unicode coverage, embedded as subsets) and
falls back to the matching built-in PDF fonts (Times, Helvetica, Courier: Latin-1 only, other
characters render as boxes) when the DejaVu files are not installed. Fonts are registered once
per process; `pdf_family(name)` is what the PDF renderer and the templates list ask for.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
)

# family -> (TrueType file stems: regular, bold, italic, bold italic; built-in fallbacks)
_FACES: dict[str, tuple[tuple[str, str, str, str], tuple[str, str, str, str]]] = {
    "serif": (
        ("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif-Italic", "DejaVuSerif-BoldItalic"),
        ("Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"),
    ),
    "sans": (
        ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"),
        ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"),
    ),
    "mono": (
        (
            "DejaVuSansMono",
            "DejaVuSansMono-Bold",
            "DejaVuSansMono-Oblique",
            "DejaVuSansMono-BoldOblique",
        ),
        ("Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique"),
    ),
}
FAMILIES = tuple(_FACES)


@dataclass(frozen=True)
class PdfFamily:
    """reportlab font names of one family, and the base font names the PDF file declares
    (a TrueType face's PostScript name, e.g. "DejaVuSerif-Bold", or a built-in "Times-Bold")."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    declared: tuple[str, str, str, str]

    def face(self, *, bold: bool = False, italic: bool = False) -> str:
        """The reportlab font name of one style."""
        if bold:
            return self.bold_italic if italic else self.bold
        return self.italic if italic else self.regular

    def declared_face(self, *, bold: bool = False, italic: bool = False) -> str:
        """The base font name the PDF declares for one style."""
        return self.declared[(2 if italic else 0) + (1 if bold else 0)]


_lock = threading.Lock()
_families: dict[str, PdfFamily] = {}


def _ttf_paths(stems: tuple[str, ...]) -> list[str] | None:
    for directory in _FONT_DIRS:
        paths = [os.path.join(directory, f"{stem}.ttf") for stem in stems]
        if all(os.path.exists(path) for path in paths):
            return paths
    return None


def _register(name: str) -> PdfFamily:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    stems, builtin = _FACES[name]
    paths = _ttf_paths(stems)
    if paths is not None:
        names = tuple(f"AA{stem}" for stem in stems)
        try:
            for font_name, path in zip(names, paths, strict=True):
                pdfmetrics.registerFont(TTFont(font_name, path))
            pdfmetrics.registerFontFamily(
                names[0], normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3]
            )
            return PdfFamily(*names, declared=stems)
        except Exception:  # a broken font file: fall back to the built-in fonts
            pass
    return PdfFamily(*builtin, declared=builtin)


def pdf_family(name: str) -> PdfFamily:
    """The registered family `name` ("serif", "sans" or "mono")."""
    family = _families.get(name)
    if family is None:
        with _lock:
            family = _families.get(name)
            if family is None:
                family = _families[name] = _register(name)
    return family

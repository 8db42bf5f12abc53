"""The blocks every export renderer reads: formatted text runs, headings, paragraphs and
(nested) lists, with the text helpers they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from books.rules import word_count

# Characters XML 1.0 forbids (python-docx and lxml refuse them): C0 controls but tab/LF/CR,
# surrogates, U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LINE_BREAK = "\n"


def clean_text(text: str | None) -> str:
    """`text` without characters that cannot appear in XML (for titles and content alike)."""
    return _XML_ILLEGAL.sub("", text or "")


@dataclass(frozen=True, slots=True)
class Run:
    """Text with formatting. `text == "\\n"` is a line break; `image` marks kept alt text."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    image: bool = False

    @property
    def is_break(self) -> bool:
        return self.text == LINE_BREAK


@dataclass(slots=True)
class Heading:
    level: int  # 1..3
    runs: list[Run]


@dataclass(slots=True)
class Paragraph:
    runs: list[Run]
    kind: str = "normal"  # normal | quote | code


@dataclass(slots=True)
class ListItem:
    runs: list[Run] = field(default_factory=list)
    children: list[ListBlock] = field(default_factory=list)


@dataclass(slots=True)
class ListBlock:
    ordered: bool
    items: list[ListItem] = field(default_factory=list)


Block = Heading | Paragraph | ListBlock


def runs_text(runs: list[Run], *, with_images: bool = True) -> str:
    """The plain text of `runs` (line breaks as newlines)."""
    return "".join(r.text for r in runs if with_images or not r.image)


def trim_runs(runs: list[Run]) -> list[Run]:
    """Drop leading/trailing whitespace and line breaks of a run list."""
    out = list(runs)
    while out and (out[0].is_break or not out[0].text.strip()):
        out.pop(0)
    while out and (out[-1].is_break or not out[-1].text.strip()):
        out.pop()
    if not out:
        return out
    if not out[0].code:
        out[0] = run_with_text(out[0], out[0].text.lstrip())
    if not out[-1].code:
        out[-1] = run_with_text(out[-1], out[-1].text.rstrip())
    return out


def run_with_text(run: Run, text: str) -> Run:
    """`run` with its formatting and another text."""
    return Run(text, run.bold, run.italic, run.code, run.href, run.image)


def blocks_word_count(blocks: list[Block]) -> int:
    """Words of the visible text (image alt text excluded)."""
    total = 0

    def count_runs(runs: list[Run]) -> int:
        return word_count(runs_text(runs, with_images=False))

    def count_list(lst: ListBlock) -> int:
        n = 0
        for item in lst.items:
            n += count_runs(item.runs)
            for child in item.children:
                n += count_list(child)
        return n

    for block in blocks:
        if isinstance(block, ListBlock):
            total += count_list(block)
        else:
            total += count_runs(block.runs)
    return total

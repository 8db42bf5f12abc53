"""Markdown renderer: one CommonMark file, written chapter by chapter (fully streamed).

Layout: "# Title", subtitle, "by Author", the genre/audience line, description, a "Table of
Contents" list (subchapters nested), then "## Chapter n: Title" per chapter and "### n.m Title"
per subchapter, the description in italics, and the content with its h1-h3 as ####-######.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from books.export.blocks import Block, Heading, ListBlock, Paragraph, Run
from books.export.document import CONTENTS_TITLE, NO_CONTENT, ExportDocument

_ESCAPE = re.compile(r"([\\`*_\[\]<>])")
_LINE_START = re.compile(r"^(\s*)([#>]|[+\-=|](?=\s|$)|\d+[.)](?=\s|$))", re.MULTILINE)


def _escape_line_start(match: re.Match) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." -> "1\." (an escaped ordered-list marker)
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def escape(text: str) -> str:
    """Escape Markdown syntax in plain text."""
    return _LINE_START.sub(_escape_line_start, _ESCAPE.sub(r"\\\1", text))


def _wrap(text: str, marker: str) -> str:
    """Put `marker` around `text`, keeping edge whitespace outside (emphasis needs it)."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def inline(runs: list[Run]) -> str:
    out = []
    for run in runs:
        if run.is_break:
            out.append("  \n")
            continue
        if run.code:
            text = run.text.replace("\n", " ")
            fence = "``" if "`" in text else "`"
            piece = _wrap(text, fence)
        else:
            piece = escape(run.text).replace("\n", " ")
            if run.bold and run.italic:
                piece = _wrap(piece, "***")
            elif run.bold:
                piece = _wrap(piece, "**")
            elif run.italic:
                piece = _wrap(piece, "*")
        if run.href:
            piece = f"[{piece}]({run.href.replace(')', '%29').replace(' ', '%20')})"
        out.append(piece)
    return "".join(out)


def _list(lst: ListBlock, depth: int) -> list[str]:
    lines = []
    for index, item in enumerate(lst.items, start=1):
        marker = f"{index}." if lst.ordered else "-"
        indent = "   " * depth
        text = inline(item.runs).replace("\n", "\n" + indent + " " * (len(marker) + 1))
        lines.append(f"{indent}{marker} {text}".rstrip())
        for child in item.children:
            lines.extend(_list(child, depth + 1))
    return lines


def block_markdown(block: Block, *, heading_offset: int = 3) -> str:
    if isinstance(block, Heading):
        return "#" * min(6, heading_offset + block.level) + " " + inline(block.runs)
    if isinstance(block, ListBlock):
        return "\n".join(_list(block, 0))
    assert isinstance(block, Paragraph)
    if block.kind == "code":
        text = "".join(r.text for r in block.runs)
        fence = "````" if "```" in text else "```"
        return f"{fence}\n{text}\n{fence}"
    text = inline(block.runs)
    if block.kind == "quote":
        return "\n".join("> " + line for line in text.split("\n"))
    return text


def render(doc: ExportDocument, out: BinaryIO) -> None:
    def write(text: str) -> None:
        out.write(text.encode("utf-8"))

    front = [f"# {escape(doc.title)}"]
    if doc.subtitle:
        front.append(f"**{escape(doc.subtitle)}**")
    if doc.author_name:
        front.append(f"by {escape(doc.author_name)}")
    if doc.meta_line:
        front.append(escape(doc.meta_line))
    if doc.description:
        front.append(escape(doc.description))
    front.append("---")
    front.append(f"## {CONTENTS_TITLE}")
    toc = []
    for entry in doc.outline:
        indent = "  " if entry.level == 2 else ""
        toc.append(f"{indent}- {escape(entry.contents_line)}")
    front.append("\n".join(toc))
    write("\n\n".join(front) + "\n")

    for chapter in doc.iter_chapters():
        entry = chapter.entry
        parts = ["#" * (entry.level + 1) + " " + escape(entry.heading)]
        if chapter.description:
            parts.append(_wrap(escape(chapter.description), "*"))
        if chapter.blocks:
            parts.extend(block_markdown(block) for block in chapter.blocks)
        elif not chapter.heading_only:
            parts.append(f"*{escape(NO_CONTENT)}*")
        write("\n\n" + "\n\n".join(parts) + "\n")

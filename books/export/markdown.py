"""Markdown renderer: one CommonMark file, written chapter by chapter (fully streamed).

Layout: "# Title", subtitle, "by Author", the genre/audience line, description, a "Table of
Contents" list (subchapters nested), then "## Chapter n: Title" per chapter and "### n.m Title"
per subchapter, the description in italics, and the content with its h1-h3 as ####-######;
the author's bio closes the file under "## About the Author". Templates do not apply (plain
text has no page, font or spacing).
"""

from __future__ import annotations

import re
from typing import BinaryIO
from urllib.parse import quote

from books.export.blocks import Block, Heading, ListBlock, Paragraph, Run
from books.export.document import ABOUT_AUTHOR_TITLE, CONTENTS_TITLE, NO_CONTENT, ExportDocument

# No chapter text may become raw HTML (or an autolink, an entity, an image) in a CommonMark
# renderer: every `<`, `>` and `&` outside code is backslash-escaped, code spans and fenced
# blocks use a fence longer than any backtick run inside them (so they always close where we
# close them), link destinations are percent-encoded (no space, line ending, `<`, `>`, `(`, `)`
# or backslash survives) and only http(s)/mailto links are written.
_ESCAPE = re.compile(r"([\\`*_\[\]<>&])")
# Line starts that would open a block: headings, quotes, list items, setext underlines,
# thematic breaks, fences ("~~~"; backticks are escaped everywhere), tables.
_LINE_START = re.compile(r"^(\s*)([#>+\-=|~]|\d+[.)](?=\s|$))", re.MULTILINE)
_LINE_ENDINGS = re.compile(r"\r\n?|\n")
_BACKTICKS = re.compile(r"`+")
_LINK_SCHEMES = ("http://", "https://", "mailto:")
# Characters a destination keeps (with letters, digits and "_.-~"); every other one (space,
# line endings, controls, angle brackets, parentheses, backslash, quotes, non-ASCII) is
# percent-encoded. `&` is kept but backslash-escaped, so no entity in an href is decoded.
_URL_SAFE = "!#$%&'*+,/:;=?@[]~"


def _escape_line_start(match: re.Match) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1." -> "1\." (an escaped ordered-list marker)
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def escape(text: str) -> str:
    """Escape Markdown syntax in plain text."""
    return _LINE_START.sub(_escape_line_start, _ESCAPE.sub(r"\\\1", text))


def _one_line(text: str) -> str:
    return _LINE_ENDINGS.sub(" ", text)


def _wrap(text: str, marker: str) -> str:
    """Put `marker` around `text`, keeping edge whitespace outside (emphasis needs it)."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{marker}{core}{marker}{trail}"


def _longest_backticks(text: str) -> int:
    return max((len(run) for run in _BACKTICKS.findall(text)), default=0)


def _code_span(text: str) -> str:
    """`text` as one code span: the fence is one backtick longer than the longest backtick run
    inside (CommonMark closes a span at the first run of the fence's exact length), and content
    that starts or ends with a backtick is padded with a space on both sides (which the renderer
    strips again). Line endings become spaces: a line ending could end a heading or list item
    with the span still open."""
    text = _one_line(text)
    core = text.strip()
    if not core:
        return text
    fence = "`" * (_longest_backticks(core) + 1)
    if core.startswith("`") or core.endswith("`"):
        core = f" {core} "
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{fence}{core}{fence}{trail}"


def _destination(href: str) -> str | None:
    """A link destination that CommonMark reads back as `href`, or None for a scheme we do not
    link (the converter keeps only http(s) and mailto links; checked again here)."""
    if not href.lower().startswith(_LINK_SCHEMES):
        return None
    return quote(href, safe=_URL_SAFE).replace("&", "\\&")


def inline(runs: list[Run], *, breaks: bool = True) -> str:
    """Markdown of formatted runs. Consecutive code runs of one link are one code span (two
    adjacent spans would read as one unclosed fence). `breaks=False` (headings) turns line
    breaks into spaces."""
    out: list[str] = []
    index = 0
    while index < len(runs):
        run = runs[index]
        index += 1
        if run.is_break:
            out.append("  \n" if breaks else " ")
            continue
        if run.code:
            texts = [run.text]
            while (
                index < len(runs)
                and runs[index].code
                and not runs[index].is_break
                and runs[index].href == run.href
            ):
                texts.append(runs[index].text)
                index += 1
            piece = _code_span("".join(texts))
        else:
            piece = escape(_one_line(run.text))
            if run.bold and run.italic:
                piece = _wrap(piece, "***")
            elif run.bold:
                piece = _wrap(piece, "**")
            elif run.italic:
                piece = _wrap(piece, "*")
        destination = _destination(run.href) if run.href else None
        if destination is not None and piece.strip():
            if out and out[-1].endswith("!"):  # "![" would make the link an image
                out[-1] = out[-1][:-1] + "\\!"
            piece = f"[{piece}]({destination})"
        out.append(piece)
    return "".join(out)


def _code_block(text: str) -> str:
    """A fenced code block whose backtick fence is longer than any backtick run inside (at
    least three), so no line of `text` can close it."""
    fence = "`" * max(3, _longest_backticks(text) + 1)
    return f"{fence}\n{text}\n{fence}"


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
        return "#" * min(6, heading_offset + block.level) + " " + inline(block.runs, breaks=False)
    if isinstance(block, ListBlock):
        return "\n".join(_list(block, 0))
    assert isinstance(block, Paragraph)
    if block.kind == "code":
        return _code_block("".join(r.text for r in block.runs))
    text = inline(block.runs)
    if block.kind == "quote":
        return "\n".join("> " + line for line in text.split("\n"))
    return text


def render(doc: ExportDocument, out: BinaryIO) -> None:
    def write(text: str) -> None:
        out.write(text.encode("utf-8"))

    front = [f"# {escape(_one_line(doc.title))}"]
    if doc.subtitle:
        front.append(_wrap(escape(_one_line(doc.subtitle)), "**"))
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
        toc.append(f"{indent}- {escape(_one_line(entry.contents_line))}")
    front.append("\n".join(toc))
    write("\n\n".join(front) + "\n")

    for chapter in doc.iter_chapters():
        entry = chapter.entry
        parts = ["#" * (entry.level + 1) + " " + escape(_one_line(entry.heading))]
        if chapter.description:
            parts.append(_wrap(escape(chapter.description), "*"))
        if chapter.blocks:
            parts.extend(block_markdown(block) for block in chapter.blocks)
        elif not chapter.heading_only:
            parts.append(f"*{escape(NO_CONTENT)}*")
        write("\n\n" + "\n\n".join(parts) + "\n")
    if doc.author_bio:
        about = [f"## {ABOUT_AUTHOR_TITLE}", *(escape(text) for text in doc.bio_paragraphs)]
        write("\n\n" + "\n\n".join(about) + "\n")

"""HTML -> blocks: the one converter every export renderer reads.

Chapter content is HTML written by the editor (or by the AI). Each renderer needs the same small
structure - headings, paragraphs, lists, emphasis - so the HTML is parsed once, here, with Python's
`html.parser`, into a list of blocks made of formatted text runs. Renderers never see the HTML, so
nothing the author typed (scripts, styles, event handlers) reaches an output file.

Mapping:
- h1-h3 become headings of level 1-3 (renderers place them under the chapter title);
  h4-h6 become bold paragraphs.
- p, div, section, blockquote, pre, table rows ... become paragraphs (blockquote -> kind "quote",
  pre -> kind "code" with its whitespace kept); br is a line break inside a paragraph.
- ul/ol/li become (nested) lists.
- b/strong, i/em, code/kbd/samp and a[href] become run formatting; other inline tags keep
  their text.
- Images are dropped; their alt text is kept as an italic "[Image: alt]" run (an image without alt
  text leaves nothing). script, style, head, template, svg, iframe, object and noscript are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_SPACES = re.compile(r"\s+")
# Characters XML 1.0 forbids (python-docx and lxml refuse them): C0 controls but tab/LF/CR,
# surrogates, U+FFFE/U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str | None) -> str:
    """`text` without characters that cannot appear in XML (for titles and content alike)."""
    return _XML_ILLEGAL.sub("", text or "")


_SKIP = frozenset(
    {"script", "style", "head", "title", "template", "svg", "iframe", "object", "noscript", "math"}
)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3}
_BOLD_BLOCKS = frozenset({"h4", "h5", "h6"})
_PARAGRAPH_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "figure",
        "figcaption", "address", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr",
        "caption", "details", "summary", "body", "html", "center", "fieldset", "form", "hr",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"i", "em", "cite", "var", "dfn"})
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_LINE_BREAK = "\n"


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
        return self.text == _LINE_BREAK


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


def _trim(runs: list[Run]) -> list[Run]:
    """Drop leading/trailing whitespace and line breaks of a run list."""
    out = list(runs)
    while out and (out[0].is_break or not out[0].text.strip()):
        out.pop(0)
    while out and (out[-1].is_break or not out[-1].text.strip()):
        out.pop()
    if not out:
        return out
    if not out[0].code:
        out[0] = _replace_text(out[0], out[0].text.lstrip())
    if not out[-1].code:
        out[-1] = _replace_text(out[-1], out[-1].text.rstrip())
    return out


def _replace_text(run: Run, text: str) -> Run:
    return Run(text, run.bold, run.italic, run.code, run.href, run.image)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._runs: list[Run] = []
        self._heading = 0
        self._bold_block = 0
        self._quote = 0
        self._pre = 0
        self._skip = 0
        self._bold = 0
        self._italic = 0
        self._code = 0
        self._links: list[str | None] = []
        # (list, current item or None) from outermost to innermost
        self._lists: list[tuple[ListBlock, ListItem | None]] = []
        self._stray_li = False

    # -- targets -----------------------------------------------------------------------------
    def _target(self) -> list[Run]:
        if self._lists:
            lst, item = self._lists[-1]
            if item is None:  # text directly inside <ul>: give it an item of its own
                item = ListItem()
                lst.items.append(item)
                self._lists[-1] = (lst, item)
            return item.runs
        return self._runs

    def _add(self, run: Run) -> None:
        target = self._target()
        if target and not run.is_break and not target[-1].is_break:
            last = target[-1]
            if (last.bold, last.italic, last.code, last.href, last.image) == (
                run.bold,
                run.italic,
                run.code,
                run.href,
                run.image,
            ):
                target[-1] = _replace_text(last, last.text + run.text)
                return
        target.append(run)

    def _flush(self) -> None:
        """End the current paragraph-like block (outside lists)."""
        if self._lists:
            target = self._target()
            if target and not target[-1].is_break:
                target.append(Run(" "))
            return
        runs = _trim(self._runs)
        self._runs = []
        if not runs:
            return
        if self._heading:
            self.blocks.append(Heading(self._heading, runs))
        elif self._pre:
            self.blocks.append(Paragraph(runs, "code"))
        elif self._quote:
            self.blocks.append(Paragraph(runs, "quote"))
        else:
            self.blocks.append(Paragraph(runs))

    # -- parser callbacks ---------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self._skip += 1
            return
        if self._skip:
            return
        attrs = dict(attrs)
        if tag in _HEADINGS:
            self._flush()
            self._heading = _HEADINGS[tag] if not self._lists else 0
        elif tag in _BOLD_BLOCKS:
            self._flush()
            self._bold_block += 1
        elif tag == "blockquote":
            self._flush()
            self._quote += 1
        elif tag == "pre":
            self._flush()
            self._pre += 1
        elif tag in _PARAGRAPH_TAGS:
            self._flush()
        elif tag in _CELL_TAGS:
            target = self._target()
            if target and not target[-1].text.endswith(" "):
                self._add(Run(" "))
        elif tag in ("ul", "ol"):
            self._flush()
            block = ListBlock(ordered=tag == "ol")
            if self._lists:
                parent_list, item = self._lists[-1]
                if item is None:
                    item = ListItem()
                    parent_list.items.append(item)
                    self._lists[-1] = (parent_list, item)
                item.children.append(block)
            else:
                self.blocks.append(block)
            self._lists.append((block, None))
        elif tag == "li":
            if not self._lists:  # a stray <li>: an unordered list of its own
                self._flush()
                block = ListBlock(ordered=False)
                self.blocks.append(block)
                self._lists.append((block, None))
                self._stray_li = True
            lst, _ = self._lists[-1]
            item = ListItem()
            lst.items.append(item)
            self._lists[-1] = (lst, item)
        elif tag == "br":
            self._target().append(Run(_LINE_BREAK))
        elif tag == "img":
            alt = _SPACES.sub(" ", clean_text(attrs.get("alt"))).strip()
            if alt:
                self._add(Run(f"[Image: {alt}]", italic=True, image=True))
        elif tag in _BOLD:
            self._bold += 1
        elif tag in _ITALIC:
            self._italic += 1
        elif tag in _CODE:
            self._code += 1
        elif tag == "a":
            href = (attrs.get("href") or "").strip()
            self._links.append(
                href if href.startswith(("http://", "https://", "mailto:")) else None
            )

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "img", "hr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if self._skip:
            return
        if tag in _HEADINGS:
            self._flush()
            self._heading = 0
        elif tag in _BOLD_BLOCKS:
            self._flush()
            self._bold_block = max(0, self._bold_block - 1)
        elif tag == "blockquote":
            self._flush()
            self._quote = max(0, self._quote - 1)
        elif tag == "pre":
            self._flush()
            self._pre = max(0, self._pre - 1)
        elif tag in _PARAGRAPH_TAGS:
            self._flush()
        elif tag in ("ul", "ol"):
            if self._lists:
                self._close_list()
        elif tag == "li":
            if self._stray_li and len(self._lists) == 1:
                self._stray_li = False
                self._close_list()
        elif tag in _BOLD:
            self._bold = max(0, self._bold - 1)
        elif tag in _ITALIC:
            self._italic = max(0, self._italic - 1)
        elif tag in _CODE:
            self._code = max(0, self._code - 1)
        elif tag == "a" and self._links:
            self._links.pop()

    def _close_list(self) -> None:
        lst, _ = self._lists.pop()
        for item in lst.items:
            item.runs = _trim(item.runs)
        lst.items = [item for item in lst.items if item.runs or item.children]
        if not lst.items:
            if self._lists:
                parent = self._lists[-1][1]
                if parent is not None and lst in parent.children:
                    parent.children.remove(lst)
            elif self.blocks and self.blocks[-1] is lst:
                self.blocks.pop()

    def handle_data(self, data):
        if self._skip or not data:
            return
        data = clean_text(data)
        text = data if self._pre else _SPACES.sub(" ", data)
        if not self._pre:
            target = self._target()
            if text == " " and (not target or target[-1].is_break):
                return
        self._add(
            Run(
                text,
                bold=bool(self._bold or self._bold_block),
                italic=bool(self._italic),
                code=bool(self._code or self._pre),
                href=self._links[-1] if self._links else None,
            )
        )

    def finish(self) -> list[Block]:
        self.close()
        while self._lists:
            self._close_list()
        self._heading = 0
        self._flush()
        return self.blocks


def html_to_blocks(html: str | None) -> list[Block]:
    """Convert chapter HTML to blocks; empty or whitespace-only HTML gives []."""
    if not html or not html.strip():
        return []
    converter = _Converter()
    converter.feed(html)
    return converter.finish()


def blocks_word_count(blocks: list[Block]) -> int:
    """Words of the visible text (image alt text excluded)."""
    total = 0

    def count_runs(runs: list[Run]) -> int:
        return len(runs_text(runs, with_images=False).split())

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

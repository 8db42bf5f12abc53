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
from html.parser import HTMLParser

from books.export.blocks.model import (
    LINE_BREAK,
    Block,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Run,
    clean_text,
    run_with_text,
    trim_runs,
)

_SPACES = re.compile(r"\s+")
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
# Tags that end the current block and change the kind of the next one.
_BLOCK_STARTS = frozenset({*_HEADINGS, *_BOLD_BLOCKS, "blockquote", "pre"})


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
                target[-1] = run_with_text(last, last.text + run.text)
                return
        target.append(run)

    def _flush(self) -> None:
        """End the current paragraph-like block (outside lists)."""
        if self._lists:
            target = self._target()
            if target and not target[-1].is_break:
                target.append(Run(" "))
            return
        runs = trim_runs(self._runs)
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
        if tag in _BLOCK_STARTS or tag in _PARAGRAPH_TAGS:
            self._start_block(tag)
        elif tag in _CELL_TAGS:
            target = self._target()
            if target and not target[-1].text.endswith(" "):
                self._add(Run(" "))
        elif tag in ("ul", "ol"):
            self._start_list(ordered=tag == "ol")
        elif tag == "li":
            self._start_item()
        elif tag == "br":
            self._target().append(Run(LINE_BREAK))
        else:
            self._start_inline(tag, dict(attrs))

    def _start_block(self, tag: str) -> None:
        """A paragraph-like tag: ends the current block and opens its own kind."""
        self._flush()
        if tag in _HEADINGS:
            self._heading = _HEADINGS[tag] if not self._lists else 0
        elif tag in _BOLD_BLOCKS:
            self._bold_block += 1
        elif tag == "blockquote":
            self._quote += 1
        elif tag == "pre":
            self._pre += 1

    def _start_list(self, *, ordered: bool) -> None:
        """A list, nested in the current item when inside a list (text directly inside a list
        gets an item of its own)."""
        self._flush()
        block = ListBlock(ordered=ordered)
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

    def _start_item(self) -> None:
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

    def _start_inline(self, tag: str, attrs: dict) -> None:
        """Images (their alt text), emphasis, code and links; other inline tags keep only their
        text."""
        if tag == "img":
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
            item.runs = trim_runs(item.runs)
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

"""Offline text enhancement (clarity, grammar, tone, vocabulary) and dictation cleanup.

The editor sends HTML (`<p>…</p>`, inline `<strong>`, headings, lists); plain text works too.
Only the text between tags is edited — tags, attributes and `<pre>`/`<code>` are left exactly
as they are — so the answer can replace the selection it came from. Each enhancement type is a
pipeline of the rules of `edits` and `sentences`; dictation cleanup also ends paragraphs with a
full stop and breaks paragraphs every PARAGRAPH_SENTENCES sentences (`</p><p>` in HTML, a blank
line in plain text). The answer lists what changed (`changes`)."""

import re
from collections import Counter
from collections.abc import Callable
from functools import partial

from autoauthor.ai.offline import edits, sentences
from autoauthor.ai.offline.common import MODEL, PROVIDER

PARAGRAPH_SENTENCES = 4

_TOKEN = re.compile(r"(<!--.*?-->|</?[A-Za-z][^>]*>)", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9]*)")
_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol blockquote br hr pre table thead tbody tfoot tr td th "
    "section article header footer figure figcaption".split()
)
_LINE_BREAKS = frozenset({"br", "hr"})
_VERBATIM_TAGS = frozenset({"pre", "code", "script", "style"})
_VOID_TAGS = frozenset({"img", "wbr", "input", "source"})
_PARAGRAPH_CONTAINERS = frozenset({"p", "div", None})
_PLAIN_GAP = re.compile(r"(\n[ \t]*\n\s*)")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(\s+)(?=\S)")

Step = Callable[[str, Counter, bool], str]


def _plain(rule) -> Step:
    return lambda text, counts, at_start: rule(text, counts)


def _phrases(table: dict, kind: str) -> Step:
    return _plain(partial(edits.replace_phrases, table=table, kind=kind))


def _sentence_case(text: str, counts: Counter, at_start: bool) -> str:
    return edits.sentence_case(text, counts, at_start=at_start)


PIPELINES: dict[str, list[Step]] = {
    "grammar": [
        _plain(edits.fix_spacing),
        _plain(edits.collapse_doubled),
        _plain(edits.capital_i),
        _sentence_case,
    ],
    "clarity": [
        _phrases(edits.REDUNDANT_PHRASES, "redundant_phrase"),
        _plain(sentences.split_long_sentences),
        _plain(edits.fix_spacing),
        _sentence_case,
    ],
    "tone": [
        _phrases(edits.HEDGES, "hedge"),
        _phrases(edits.EXPANSIONS, "contraction"),
        _plain(edits.collapse_punctuation),
        _plain(edits.fix_spacing),
        _sentence_case,
    ],
    "vocabulary": [_phrases(edits.WEAK_WORDS, "weak_word")],
    "transcription": [
        _plain(sentences.remove_fillers),
        _plain(partial(edits.collapse_doubled, kind="repeated_word")),
        _plain(edits.fix_spacing),
        _plain(edits.capital_i),
        _sentence_case,
    ],
}


def _tag(token: str) -> tuple[str | None, bool, bool]:
    """(name, is closing, is self-closing) of a tag token; name None for a comment."""
    match = _TAG_NAME.match(token)
    if match is None:
        return None, False, False
    return match.group(1).lower(), token.startswith("</"), token.rstrip(">").endswith("/")


class _Block:
    """The state of the walk through one block: its container, where a sentence starts,
    inline depth, sentences since the last paragraph break."""

    def __init__(self, container: str | None, opening: str, serial: int = 0):
        self.serial = serial
        self.container = container
        self.opening = opening
        self.at_start = True
        self.depth = 0
        self.since_break = 0


def _apply(steps: list[Step], text: str, counts: Counter, block: _Block) -> str:
    for step in steps:
        text = step(text, counts, block.at_start)
    if text.strip():
        block.at_start = bool(re.search(r"[.!?][\"'”’)\]]*\s*$", text))
    return text


def _glued(tokens: list[str], index: int, step: int) -> bool:
    """True when the text token at `index` continues a word across the inline tag beside it
    (`step` -1: before it, +1: after it), as in "<em>um</em>brella"."""
    tag, other = index + step, index + 2 * step
    if not 0 <= other < len(tokens) or _tag(tokens[tag])[0] in _BLOCK_TAGS:
        return False
    mine, theirs = (tokens[index], tokens[other]) if step > 0 else (tokens[other], tokens[index])
    return bool(mine[-1:].isalnum() and theirs[:1].isalnum())


def _apply_between_tags(
    steps: list[Step], tokens: list[str], index: int, counts: Counter, block: _Block
) -> str:
    """`_apply` on a text token, except the parts of words it shares with its neighbours
    across inline tags: a rule sees only whole words."""
    text = tokens[index]
    head = re.match(r"\w*", text).group(0) if _glued(tokens, index, -1) else ""
    tail = re.search(r"\w*$", text[len(head) :]).group(0) if _glued(tokens, index, 1) else ""
    middle = text[len(head) : len(text) - len(tail)]
    if head:
        block.at_start = False
    if middle:
        middle = _apply(steps, middle, counts, block)
    return head + middle + tail


def _paragraphs(text: str, counts: Counter, block: _Block, breaker: str) -> str:
    """Paragraph breaks in the sentence gaps of `text`, one every PARAGRAPH_SENTENCES
    sentences of the block, where no inline element is open."""
    out, last = [], 0
    for match in _SENTENCE_END.finditer(text):
        block.since_break += 1
        if block.depth or block.since_break < PARAGRAPH_SENTENCES:
            continue
        out.append(text[last : match.start(1)])
        out.append(breaker)
        last = match.end(1)
        block.since_break = 0
        counts["paragraph"] += 1
    out.append(text[last:])
    return "".join(out)


def _walk_html(content: str, kind: str, counts: Counter) -> str:
    tokens = _TOKEN.split(content)
    block, verbatim, out = _Block(None, ""), 0, []
    # The index of each block's last text token: where a paragraph's full stop goes.
    last_text: dict[int, int] = {}
    for index, token in enumerate(tokens):
        out.append(token)
        if index % 2:
            name, closing, self_closing = _tag(token)
            if name in _VERBATIM_TAGS and not self_closing:
                verbatim += -1 if closing else 1
            elif name in _LINE_BREAKS:  # a new line of the same paragraph
                block = _Block(block.container, block.opening, block.serial + 1)
            elif name in _BLOCK_TAGS:
                block = _Block(None if closing else name, token, block.serial + 1)
            elif name and not self_closing and name not in _VOID_TAGS:
                block.depth = max(0, block.depth + (-1 if closing else 1))
            continue
        if verbatim > 0 or not token:
            continue
        token = _apply_between_tags(PIPELINES[kind], tokens, index, counts, block)
        if kind == "transcription" and block.container in _PARAGRAPH_CONTAINERS:
            breaker = f"</p>{block.opening}" if block.container == "p" else None
            if breaker:
                token = _paragraphs(token, counts, block, breaker)
            if token.strip():
                last_text[block.serial] = len(out) - 1
        out[-1] = token
    for position in last_text.values():
        out[position] = sentences.end_punctuation(out[position], counts)
    return "".join(out)


def _walk_plain(content: str, kind: str, counts: Counter) -> str:
    parts = _PLAIN_GAP.split(content)
    for index in range(0, len(parts), 2):
        block = _Block("plain", "")
        text = _apply(PIPELINES[kind], parts[index], counts, block)
        if kind == "transcription" and text.strip():
            text = sentences.end_punctuation(_paragraphs(text, counts, block, "\n\n"), counts)
        parts[index] = text
    return "".join(parts)


def enhance(*, content: str, kind: str) -> dict:
    """`content` edited by the pipeline of `kind` (an enhancement type or "transcription") →
    {enhanced, changes: [{kind, count, description}], provider, model}."""
    counts: Counter = Counter()
    walk = _walk_html if _TOKEN.search(content) else _walk_plain
    enhanced = walk(content, kind, counts)
    return {
        "enhanced": enhanced,
        "changes": edits.describe(counts),
        "provider": PROVIDER,
        "model": MODEL,
    }

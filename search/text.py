"""Text rules of search: how text becomes terms, how a query is read, and how a snippet is cut.

A term is a run of letters and digits (`\\w`), folded so that case and accents do not matter:
Unicode NFKD, combining marks dropped, then `casefold()` ("Éclair" and "ECLAIR" are both
"eclair"). Chapter content is HTML: tags are dropped (and entities decoded) before terms are
read, so markup never matches and positions count the words a reader sees.

A query is a list of clauses that must all match in the same place (one field of one chapter,
book or answer): a word (`dragon`), a prefix (`drag*`) or a phrase (`"red dragon"`, its words
consecutive; `"red drag*"` ends with a prefix). Query text is folded as the indexed text is.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

TERM_PATTERN = re.compile(r"\w+")
TAG_PATTERN = re.compile(r"<[^>]*>")
# Block-level tags end a word even when the HTML has no space between two paragraphs.
BLOCK_TAG_PATTERN = re.compile(r"</?(p|div|br|li|h[1-6]|blockquote|tr|td|th|ul|ol)\b[^>]*>", re.I)
PHRASE_PATTERN = re.compile(r'"([^"]*)"?')
QUERY_MAX_CLAUSES = 8
TERM_MAX_LENGTH = 64  # longer runs (base64, URLs) are not words anyone searches for
PREFIX_MIN_LENGTH = 2  # a one-letter prefix would match most of a library


def fold(text: str) -> str:
    """`text` without case and accents (NFKD, combining marks dropped, casefolded)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def html_text(content: str) -> str:
    """The visible text of chapter HTML: tags dropped (block tags end words), entities decoded."""
    return html.unescape(TAG_PATTERN.sub("", BLOCK_TAG_PATTERN.sub(" ", content or "")))


def _fold_word(word: str) -> str:
    # Folding can turn one character into several word characters ("ß" -> "ss") or a mark
    # into nothing; what remains of a word is one term.
    return "".join(TERM_PATTERN.findall(fold(word)))


def tokens(text: str) -> list[tuple[str, int, int]]:
    """(term, start, end) of every word of `text`, in order, with its span in `text`."""
    found = []
    for match in TERM_PATTERN.finditer(text or ""):
        word = match.group()
        # ASCII words (most of them) fold by lowercasing; the Unicode path costs 10x more.
        term = word.lower() if word.isascii() else _fold_word(word)
        if term and len(term) <= TERM_MAX_LENGTH:
            found.append((term, match.start(), match.end()))
    return found


def terms_positions(text: str) -> tuple[dict[str, list[int]], int]:
    """({term: [positions]}, number of words) of `text`: what the index stores per field."""
    positions: dict[str, list[int]] = {}
    words = tokens(text)
    for index, (term, _, _) in enumerate(words):
        positions.setdefault(term, []).append(index)
    return positions, len(words)


@dataclass(frozen=True)
class Clause:
    """One part of a query: `terms` consecutive (one term unless a phrase); `prefix` when the
    last term matches every term it begins."""

    terms: tuple[str, ...]
    prefix: bool = False

    @property
    def phrase(self) -> bool:
        return len(self.terms) > 1


def query_parse(query: str) -> list[Clause]:
    """The clauses of `query` (see the module docstring); [] when it holds no word. Duplicate
    clauses are dropped; at most QUERY_MAX_CLAUSES are kept."""
    clauses: list[Clause] = []
    rest = []
    position = 0
    for match in PHRASE_PATTERN.finditer(query):
        rest.append(query[position : match.start()])
        position = match.end()
        phrase = tuple(term for term, _, _ in tokens(match.group(1)))
        if phrase:
            prefix = match.group(1).rstrip().endswith("*")
            short = len(phrase) == 1 and len(phrase[0]) < PREFIX_MIN_LENGTH
            clauses.append(Clause(terms=phrase, prefix=prefix and not short))
    rest.append(query[position:])
    for word in " ".join(rest).split():
        prefix = word.endswith("*")
        folded = [term for term, _, _ in tokens(word)]
        if not folded:
            continue
        if len(folded) > 1:  # "e-mail", "o'clock": its words in order
            clauses.append(Clause(terms=tuple(folded), prefix=prefix))
        else:
            short = prefix and len(folded[0]) < PREFIX_MIN_LENGTH
            clauses.append(Clause(terms=(folded[0],), prefix=prefix and not short))
    unique = list(dict.fromkeys(clauses))
    return unique[:QUERY_MAX_CLAUSES]


def stored_positions(raw: str, clauses: list[Clause]) -> dict[str, list[int]]:
    """The positions of the terms `clauses` can match, read from a stored positions string
    (`{"term":[1,5],...}`, terms being word characters only) without decoding all of it: a
    2,000-word field's string holds ~1,000 terms, of which a query needs a few."""
    found: dict[str, list[int]] = {}
    for clause in clauses:
        *head, last = clause.terms
        patterns = [rf'"({re.escape(term)})":\[([0-9,]*)\]' for term in head]
        tail = r"\w*" if clause.prefix else ""
        patterns.append(rf'"({re.escape(last)}{tail})":\[([0-9,]*)\]')
        for pattern in patterns:
            for match in re.finditer(pattern, raw):
                found[match.group(1)] = [int(p) for p in match.group(2).split(",") if p]
    return found


def term_matches(clause_term: str, term: str, *, prefix: bool) -> bool:
    return term.startswith(clause_term) if prefix else term == clause_term


def clause_starts(clause: Clause, positions: dict[str, list[int]]) -> list[int]:
    """Positions where `clause` begins in a field indexed as `positions` ({term: [positions]})."""
    *head, last = clause.terms
    last_positions: set[int] = set()
    for term, found in positions.items():
        if term_matches(last, term, prefix=clause.prefix):
            last_positions.update(found)
    if not head:
        return sorted(last_positions)
    starts = set(positions.get(head[0], ()))
    for offset, term in enumerate(head[1:], start=1):
        starts &= {p - offset for p in positions.get(term, ())}
    return sorted(p for p in starts if p + len(head) in last_positions)


SNIPPET_WORDS_BEFORE = 8
SNIPPET_WORDS = 30


def _marked(words: list[tuple[str, int, int]], clauses: list[Clause]) -> tuple[set[int], int]:
    """(indexes of the words of `words` inside a match of a clause, number of matches)."""
    positions: dict[str, list[int]] = {}
    for index, (term, _, _) in enumerate(words):
        positions.setdefault(term, []).append(index)
    marked: set[int] = set()
    count = 0
    for clause in clauses:
        starts = clause_starts(clause, positions)
        count += len(starts)
        for begin in starts:
            marked.update(range(begin, begin + len(clause.terms)))
    return marked, count


def _window(text: str, first: int, last: int) -> tuple[list[tuple[str, int, int]], bool]:
    """(the tokens of words first..last-1 of `text`, whether more words follow): the words
    before `first` are counted as `tokens` counts them, without being kept."""
    window = []
    index = 0
    for match in TERM_PATTERN.finditer(text):
        word = match.group()
        term = word.lower() if word.isascii() else _fold_word(word)
        if not term or len(term) > TERM_MAX_LENGTH:
            continue
        if index >= last:
            return window, True
        if index >= first:
            window.append((term, match.start(), match.end()))
        index += 1
    return window, False


def _render(text: str, words: list, marked: set[int], *, before: bool, after: bool) -> str:
    start = 0 if not before else words[0][1]
    end = len(text) if not after else words[-1][2]
    parts = ["…" if before else ""]
    cursor = start
    for index, (_, word_start, word_end) in enumerate(words):
        if index in marked:
            parts.append(html.escape(text[cursor:word_start]))
            parts.append(f"<mark>{html.escape(text[word_start:word_end])}</mark>")
            cursor = word_end
    parts.append(html.escape(text[cursor:end]))
    parts.append("…" if after else "")
    return " ".join("".join(parts).split())


def snippet(text: str, clauses: list[Clause], *, first: int | None = None) -> tuple[str, int]:
    """(snippet, matches) of `text` for `clauses`: about SNIPPET_WORDS words around the first
    match, HTML-escaped, each matched word wrapped in <mark></mark>, "…" where text was cut;
    `matches` counts the clause matches in the whole text (0: the text does not match).

    `first`, the word position the index holds for the first match, spares reading the whole
    text: only the words up to the snippet's end are read, and `matches` is -1 (the caller
    has the index's count). When the text has changed and no match is there any more, the
    whole text is read as without it."""
    if first is not None:
        begin = max(0, first - SNIPPET_WORDS_BEFORE)
        window, more = _window(text, begin, begin + SNIPPET_WORDS)
        marked, _ = _marked(window, clauses)
        if first - begin in marked:
            return _render(text, window, marked, before=begin > 0, after=more), -1
    words = tokens(text)
    if not words:
        return html.escape(" ".join(text.split())[:200]), 0
    marked, count = _marked(words, clauses)
    begin = max(0, (min(marked) if marked else 0) - SNIPPET_WORDS_BEFORE)
    end = min(len(words), begin + SNIPPET_WORDS)
    window = words[begin:end]
    shifted = {index - begin for index in marked if begin <= index < end}
    return _render(text, window, shifted, before=begin > 0, after=end < len(words)), count

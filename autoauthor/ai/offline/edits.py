"""Mechanical, meaning-preserving edits of one run of text (no markup: the caller hands over the
text between tags). Every edit counts what it changed in a `Counter` keyed by the kind of edit,
so an answer can say what changed; `describe` turns the counts into that list.

The rules are deliberately conservative: each one changes only what is wrong or redundant in
any reading of the sentence (a doubled "the the", "in order to"), never what needs judgement
(articles, agreement, word order), because nothing here can check that the meaning survived.
"""

import re
from collections import Counter

from autoauthor.ai.offline.writing import _CONTRACTIONS

DESCRIPTIONS = {
    "spacing": "Fixed spacing around punctuation",
    "doubled_word": "Removed doubled words",
    "capital_i": 'Capitalised the pronoun "I"',
    "sentence_case": "Capitalised the first word of sentences",
    "redundant_phrase": "Replaced wordy or redundant phrases",
    "long_sentence": "Split overlong sentences",
    "contraction": "Expanded contractions",
    "hedge": "Removed hedging phrases",
    "punctuation": "Collapsed repeated punctuation",
    "weak_word": "Replaced weak word pairs with stronger words",
    "filler": "Removed filler words",
    "repeated_word": "Collapsed repeated words and false starts",
    "end_punctuation": "Ended paragraphs with a full stop",
    "paragraph": "Broke the text into paragraphs",
}

# "had had" and "that that" are grammatical; every other doubled word is a typo or a stutter.
_DOUBLE_ALLOWED = frozenset({"had", "that"})
_DOUBLED = re.compile(r"\b([A-Za-z]+)(?:\s+\1\b)+", re.IGNORECASE)
_DOUBLED_PAIR = re.compile(r"\b([A-Za-z]+\s+[A-Za-z]+)(?:[\s,]+\1\b)+", re.IGNORECASE)
_SPACE_BEFORE = re.compile(r"(?<=\S)[ \t]+(?=[,;:!?]|\.(?!\.))")
_SPACE_AFTER = re.compile(r"([,;])(?=[A-Za-z])")
_MANY_SPACES = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_LONE_I = re.compile(r"\bi\b(?![.\-]\w)")
# The rest of the word is looked at, not consumed: the next sentence may start right after it.
_SENTENCE_START = re.compile(r"(^\s*|[.!?][\"'”’)\]]*\s+)([\"'“‘(\[]*)([a-z])(?=(\S*))")
_ABBREVIATIONS = ("e.g.", "i.e.", "vs.", "cf.", "approx.")
_REPEATED_MARKS = re.compile(r"([!?])[!?]+")

REDUNDANT_PHRASES = {
    "in order to": "to",
    "due to the fact that": "because",
    "owing to the fact that": "because",
    "in spite of the fact that": "although",
    "at this point in time": "now",
    "at the present time": "now",
    "in the event that": "if",
    "for the purpose of": "for",
    "a large number of": "many",
    "the majority of": "most",
    "with regard to": "about",
    "in close proximity to": "near",
    "has the ability to": "can",
    "each and every": "every",
    "first and foremost": "first",
    "end result": "result",
    "past history": "history",
    "basic fundamentals": "fundamentals",
    "absolutely essential": "essential",
    "completely eliminate": "eliminate",
    "it is important to note that": "",
    "needless to say,": "",
}
HEDGES = {
    "i think that": "",
    "i believe that": "",
    "i feel that": "",
    "it seems that": "",
    "in my humble opinion,": "",
    "to be honest,": "",
    "honestly,": "",
    "basically,": "",
}
_STRONG_WORDS = {
    "good": "excellent",
    "bad": "terrible",
    "big": "enormous",
    "small": "tiny",
    "important": "crucial",
    "happy": "delighted",
    "sad": "miserable",
    "tired": "exhausted",
    "difficult": "arduous",
    "hard": "difficult",
    "easy": "effortless",
    "old": "ancient",
    "scared": "terrified",
    "angry": "furious",
    "cold": "freezing",
    "hot": "scorching",
    "hungry": "starving",
    "beautiful": "gorgeous",
    "nice": "lovely",
    "quick": "rapid",
    "clear": "obvious",
    "loud": "deafening",
    "quiet": "silent",
}
WEAK_WORDS = {
    f"{intensifier} {word}": strong
    for intensifier in ("very", "really")
    for word, strong in _STRONG_WORDS.items()
}
# "it's been" is "it has been": the 's contractions are expanded only before other words.
_HAS_AFTER = ("been", "got", "gotten")
EXPANSIONS = {short.lower(): re.sub(r"^i ", "I ", long) for long, short in _CONTRACTIONS.items()}


def describe(counts: Counter) -> list[dict]:
    """[{kind, count, description}] of the edits made, in a stable order."""
    return [
        {"kind": kind, "count": counts[kind], "description": description}
        for kind, description in DESCRIPTIONS.items()
        if counts.get(kind)
    ]


def _match_case(source: str, replacement: str) -> str:
    if replacement and source[:1].isupper() and not replacement[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _phrase_pattern(table: dict[str, str]) -> re.Pattern:
    def one(phrase: str) -> str:
        body = re.escape(phrase).replace(r"\ ", r"\s+").replace("'", "['’]")
        body = r"\b" + body + (r"\b" if phrase[-1].isalnum() else "")
        if not table[phrase]:  # a removed phrase takes the space after it along
            body += r"\s*"
        if phrase.endswith("'s"):
            body += r"(?!\s+(?:" + "|".join(_HAS_AFTER) + r")\b)"
        return body

    return re.compile("|".join(one(p) for p in sorted(table, key=len, reverse=True)), re.I)


_PATTERNS: dict[int, re.Pattern] = {}


def replace_phrases(text: str, counts: Counter, *, table: dict[str, str], kind: str) -> str:
    """Every phrase of `table` (case-insensitive, any whitespace between its words) replaced,
    keeping a capital first letter; an emptied phrase leaves the next word to sentence case."""
    pattern = _PATTERNS.get(id(table))
    if pattern is None:
        pattern = _PATTERNS[id(table)] = _phrase_pattern(table)

    def replace(match: re.Match) -> str:
        key = re.sub(r"\s+", " ", match.group(0).strip()).lower().replace("’", "'")
        counts[kind] += 1
        return _match_case(match.group(0), table[key])

    return pattern.sub(replace, text)


def fix_spacing(text: str, counts: Counter) -> str:
    """No space before , ; : ! ? or a full stop, one after a comma or semicolon, single spaces
    between words (a run of spaces before a line break is left: Markdown reads it)."""
    for pattern, replacement in (
        (_SPACE_BEFORE, ""),
        (_SPACE_AFTER, r"\1 "),
        (_MANY_SPACES, " "),
    ):
        text, count = pattern.subn(replacement, text)
        counts["spacing"] += count
    return text


def collapse_doubled(text: str, counts: Counter, *, kind: str = "doubled_word") -> str:
    """ "the the" → "the" (not "had had", "that that"); with `repeated_word`, also repeated
    word pairs ("we went we went" → "we went"), the false starts of dictation."""

    def single(match: re.Match) -> str:
        if match.group(1).lower() in _DOUBLE_ALLOWED:
            return match.group(0)
        counts[kind] += 1
        return match.group(1)

    if kind == "repeated_word":
        text = _DOUBLED_PAIR.sub(single, text)
    return _DOUBLED.sub(single, text)


def capital_i(text: str, counts: Counter) -> str:
    """The pronoun "i" (also in "i'm") → "I"; "i.e." is left alone."""
    text, count = _LONE_I.subn("I", text)
    counts["capital_i"] += count
    return text


def sentence_case(text: str, counts: Counter, *, at_start: bool) -> str:
    """A lower-case first letter of a sentence → upper case: after . ! ? and, when `at_start`,
    at the beginning. Words such as "iPhone" or "www.x.org", and sentences after "e.g.", are
    left as written."""

    def upper(match: re.Match) -> str:
        lead, quote, letter, rest = match.groups()
        if match.start() == 0 and not lead.strip() and not at_start:
            return match.group(0)
        before = text[: match.start() + len(lead)].rstrip()
        word = rest.rstrip(".,;:!?\"'”’)]")
        if before.lower().endswith(_ABBREVIATIONS) or re.search(r"[A-Z./@]", word):
            return match.group(0)
        counts["sentence_case"] += 1
        return f"{lead}{quote}{letter.upper()}"

    return _SENTENCE_START.sub(upper, text)


def collapse_punctuation(text: str, counts: Counter) -> str:
    """ "!!!" → "!", "?!?" → "?"."""
    text, count = _REPEATED_MARKS.subn(r"\1", text)
    counts["punctuation"] += count
    return text

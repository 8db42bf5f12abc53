"""Sentence-level edits of one run of text: overlong sentences split at a conjunction (clarity)
and the disfluencies of dictation removed (transcription). Counts go to the caller's Counter,
as in `autoauthor.ai.offline.edits`."""

import re
from collections import Counter

LONG_SENTENCE_WORDS = 30
MIN_PART_WORDS = 8

_SENTENCE_GAP = re.compile(r"((?<=[.!?])[\"'”’)\]]*\s+)")
# ", and" / ", so" drop their conjunction at a split ("X, and Y" → "X. Y"); ", but" and ", yet"
# keep it ("X. But Y"): the contrast is part of the meaning.
_SPLIT_POINT = re.compile(r",\s+(and|so|but|yet)\s+|;\s+", re.IGNORECASE)
_KEPT_CONJUNCTIONS = {"but", "yet"}

# Fillers of speech, removed with a comma that set them off ("So, um, we left" → "So, we left").
_FILLER_WORDS = r"u+m+|u+h+m*|e+r+m*|h+m+|m+h?m+"
# "you know" is a filler unless it introduces what is known ("you know the answer").
_KNOWN_OBJECT = (
    r"what|that|how|why|where|who|whom|whether|if|when|the|a|an|this|these|those|my|his|her|its"
    r"|their|our|your|it|him|them|me|us|about|more|less|nothing|everything|someone|somebody"
)
_FILLER = re.compile(
    rf"(?P<pre>,\s*)?(?<![\w'’])(?:(?:{_FILLER_WORDS})(?![\w'’])"
    rf"|you\s+know(?![\w'’])(?!\s+(?:{_KNOWN_OBJECT})\b))(?P<post>\s*,)?\s*",
    re.IGNORECASE,
)
# "like," and "I mean," are fillers when they open a clause: after a comma or a sentence's end.
_CLAUSE_FILLER = re.compile(
    r"(?P<lead>(?:^|[,.!?])\s*)(?:like|i\s+mean|so\s+yeah),\s*(?=\w)", re.IGNORECASE
)


def _word_total(text: str) -> int:
    return len(text.split())


def _split_one(sentence: str, counts: Counter) -> str:
    """`sentence` split at the conjunction nearest its middle while it is over
    LONG_SENTENCE_WORDS words and both parts keep at least MIN_PART_WORDS words."""
    if _word_total(sentence) <= LONG_SENTENCE_WORDS:
        return sentence
    middle = len(sentence) / 2
    best = None
    for match in _SPLIT_POINT.finditer(sentence):
        head, tail = sentence[: match.start()], sentence[match.end() :]
        if min(_word_total(head), _word_total(tail)) < MIN_PART_WORDS:
            continue
        if best is None or abs(match.start() - middle) < abs(best.start() - middle):
            best = match
    if best is None:
        return sentence
    head, tail = sentence[: best.start()], sentence[best.end() :]
    conjunction = (best.group(1) or "").lower()
    if conjunction in _KEPT_CONJUNCTIONS:
        tail = f"{conjunction} {tail}"
    tail = tail[:1].upper() + tail[1:]
    counts["long_sentence"] += 1
    return f"{_split_one(head + '.', counts)} {_split_one(tail, counts)}"


def split_long_sentences(text: str, counts: Counter) -> str:
    """Sentences of more than LONG_SENTENCE_WORDS words split into shorter ones at ", and",
    ", so", ", but", ", yet" or ";" (the whitespace between sentences is kept)."""
    parts = _SENTENCE_GAP.split(text)
    return "".join(
        part if index % 2 else _split_one(part, counts) for index, part in enumerate(parts)
    )


def remove_fillers(text: str, counts: Counter) -> str:
    """um, uh, er, hmm and filler "you know" removed anywhere; "like,", "I mean," and "so
    yeah," where they open a clause. A comma on either side of a removed filler leaves one
    comma between the words around it (none for ", like,"), none at a sentence's edge."""

    def drop(match: re.Match) -> str:
        counts["filler"] += 1
        before = text[: match.start()].rstrip()
        after = text[match.end() :]
        at_edge = not before or before.endswith((".", "!", "?")) or not after[:1].isalnum()
        if (match.group("pre") or match.group("post")) and not at_edge:
            return ", "
        spaced = text[: match.start()].endswith((" ", "\t", "\n"))
        return " " if before and not spaced and after[:1].isalnum() else ""

    text = _FILLER.sub(drop, text)

    def drop_clause(match: re.Match) -> str:
        counts["filler"] += 1
        lead = match.group("lead")
        # "it was, like, huge" → "it was huge": "like" set off by commas qualifies nothing.
        if lead.strip() == "," and match.group(0)[len(lead) :].lower().startswith("like"):
            return " "
        return lead

    return _CLAUSE_FILLER.sub(drop_clause, text)


def end_punctuation(text: str, counts: Counter) -> str:
    """A full stop after text that ends without one (dictation often does)."""
    stripped = text.rstrip()
    if not stripped or stripped[-1] in ".!?…:;\"'”’)":
        return text
    counts["end_punctuation"] += 1
    return stripped + "." + text[len(stripped) :]

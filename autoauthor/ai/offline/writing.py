"""Offline writing: a chapter draft arranged from the author's own answers, and mechanical,
fact-preserving style rewrites."""

import re

from autoauthor.ai.offline.common import MODEL, PROVIDER
from autoauthor.ai.styles import WRITING_STYLES
from autoauthor.ai.text import key_phrases, sentences, shorten, title_case


def _heading_for(question: str) -> str:
    phrases = key_phrases(question, 1)
    return title_case(phrases[0]) if phrases else shorten(question.rstrip("?"), 60)


def generate_draft(
    *,
    book_title: str,
    genre: str,
    target_audience: str,
    chapter_title: str,
    chapter_description: str,
    question_responses: list[dict],
    writing_style: str | None,
    target_length: int,
) -> dict:
    """The author's own answers arranged as a chapter: an opening, one section per answer (the
    answer's words, kept verbatim to preserve the voice), and key takeaways. Nothing is invented,
    so the draft is usually shorter than `target_length`."""
    audience = target_audience or "readers"
    opening = chapter_description.strip() if chapter_description else ""
    if not opening:
        opening = f'This chapter of "{book_title}" is about {chapter_title.lower()}.'
    parts = [f"# {chapter_title}", f"{opening} Written for {audience}, it covers the following."]
    takeaways = []
    for item in question_responses:
        question = str(item.get("question", "")).strip()
        answer = str(item.get("answer", "")).strip()
        if not answer:
            continue
        parts.append(f"## {_heading_for(question)}")
        parts.extend(paragraph.strip() for paragraph in answer.split("\n\n") if paragraph.strip())
        first = sentences(answer)
        if first:
            takeaways.append(first[0])
    if takeaways:
        parts.append("## Key Takeaways")
        parts.append("\n".join(f"- {takeaway}" for takeaway in takeaways))
    draft = "\n\n".join(parts)
    if writing_style in WRITING_STYLES:
        draft = _restyle(draft, writing_style)
    return {"draft": draft, "provider": PROVIDER, "model": MODEL, "truncated": False}


_CONTRACTIONS = {
    "do not": "don't",
    "does not": "doesn't",
    "did not": "didn't",
    "is not": "isn't",
    "are not": "aren't",
    "was not": "wasn't",
    "were not": "weren't",
    "has not": "hasn't",
    "have not": "haven't",
    "had not": "hadn't",
    "cannot": "can't",
    "could not": "couldn't",
    "should not": "shouldn't",
    "would not": "wouldn't",
    "will not": "won't",
    "it is": "it's",
    "that is": "that's",
    "there is": "there's",
    "you are": "you're",
    "we are": "we're",
    "they are": "they're",
    "i am": "I'm",
    "i have": "I've",
    "we have": "we've",
    "you have": "you've",
    "i will": "I'll",
    "we will": "we'll",
    "you will": "you'll",
    "let us": "let's",
}
_EXPANSIONS = {short: re.sub(r"^i ", "I ", long) for long, short in _CONTRACTIONS.items()}


def _match_case(source: str, replacement: str) -> str:
    if source[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _replace_all(text: str, table: dict[str, str]) -> str:
    def pattern_for(phrase: str) -> str:
        return r"\b" + re.escape(phrase).replace("'", "['’]").replace(r"\ ", r"\s+") + r"\b"

    for phrase in sorted(table, key=len, reverse=True):
        text = re.sub(
            pattern_for(phrase),
            lambda m, rep=table[phrase]: (
                rep if rep.startswith("I") else _match_case(m.group(0), rep)
            ),
            text,
            flags=re.IGNORECASE,
        )
    return text


def _restyle(text: str, style: str) -> str:
    if style == "conversational":
        return _replace_all(text, _CONTRACTIONS)
    if style in ("professional", "academic", "technical"):
        return _replace_all(text, _EXPANSIONS)
    return text


def transform_style(*, content: str, target_style: str) -> dict:
    """Mechanical, fact-preserving rewrites: conversational contracts ("do not" → "don't");
    professional, academic and technical expand them ("it's" → "it is");
    creative leaves the text as written (a rule cannot add imagery without inventing)."""
    label = WRITING_STYLES[target_style][0]
    return {
        "transformed": _restyle(content, target_style),
        "style_label": label,
        "provider": PROVIDER,
        "model": MODEL,
    }

"""Offline replacement candidates for one interview question: the chapter-question templates of
the requested type, filled with the chapter's key phrases, walked from a different starting
point on every regeneration and skipping every text the caller wants avoided.

The question type itself is chosen by the caller (the requested focus, else a different type
when the author rated the question low); here the rating only shapes the help text, which tells
the author what the new question replaces."""

from collections.abc import Callable

from autoauthor.ai.offline.common import PROVIDER
from autoauthor.ai.offline.interview import _CHAPTER_TEMPLATES, _EXAMPLES, _HELP_TEXT
from autoauthor.ai.text import key_phrases, strip_html

FEEDBACK_QUOTE_LIMIT = 200


def _texts(*, kind: str, values: dict, phrases: list[str], chapter_title: str) -> list[str]:
    """Every text the templates of `kind` give for this chapter, one per (template, topic)."""
    topics = [phrase.lower() for phrase in phrases] or [(chapter_title or "this topic").lower()]
    texts: list[str] = []
    for template in _CHAPTER_TEMPLATES[kind]:
        for topic in topics if "{topic}" in template else topics[:1]:
            texts.append(template.format(topic=topic, **values))
    return texts


def _help_text(kind: str, rated: dict) -> str:
    rating, feedback = rated.get("rating"), (rated.get("feedback") or "").strip()
    if rating is None and not feedback:
        return _HELP_TEXT[kind]
    note = f" This replaces a question you rated {rating}/5" if rating is not None else ""
    if feedback:
        note = (note or " This replaces a question you commented on") + (
            f' ("{feedback[:FEEDBACK_QUOTE_LIMIT]}")'
        )
    return _HELP_TEXT[kind] + note + "."


def replacement_questions(
    *,
    book_title: str,
    genre: str,
    target_audience: str,
    chapter_title: str,
    chapter_content: str,
    question_text: str,
    question_type: str,
    difficulty: str,
    rated: dict,
    history: list[dict],
    avoid: list[str],
    candidates: int,
    attempt: int,
    text_key: Callable[[str], str],
) -> dict:
    """Up to `candidates` texts of type `question_type` that are not in `avoid` (compared by
    `text_key`), starting one step further along the templates per earlier version of the
    question and per earlier attempt, so each regeneration asks something new."""
    phrases = key_phrases(strip_html(chapter_content) or chapter_title, 5)
    values = {
        "chapter": chapter_title or "this chapter",
        "book": book_title or "your book",
        "audience": target_audience or "your readers",
    }
    texts = _texts(kind=question_type, values=values, phrases=phrases, chapter_title=chapter_title)
    start = (len(history) + 1 + attempt * candidates) % len(texts)
    taken = {text_key(text) for text in [*avoid, question_text]}
    chosen: list[str] = []
    for text in texts[start:] + texts[:start]:
        if len(chosen) >= candidates:
            break
        if text_key(text) not in taken:
            taken.add(text_key(text))
            chosen.append(text)
    return {
        "questions": [
            {
                "question_text": text,
                "question_type": question_type,
                "difficulty": difficulty,
                "help_text": _help_text(question_type, rated),
                "examples": [_EXAMPLES[question_type]],
            }
            for text in chosen
        ],
        "provider": PROVIDER,
    }

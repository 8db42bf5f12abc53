"""Question drafts for one chapter (reference §3.5.3 steps 5-8): ask the AI layer, validate and
complete what it returned, and fill up with the template fallback when it returned too few
usable questions. Nothing here writes: `questions.services.generation` stores the drafts."""

import re

from autoauthor.ai import AIInvalidResponse, ai
from books.services.summary import contains_offensive_language
from questions.rules import (
    DEFAULT_DIFFICULTY,
    DIFFICULTIES,
    EXAMPLE_MAX,
    EXAMPLES_MAX,
    HELP_TEXT_MAX,
    QUESTION_TYPES,
    question_text_usable,
)
from questions.services.templates import template_questions


def _clean_text(value, limit: int) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()[:limit]


def question_drafts_complete(
    *, raw: list[dict], count: int, difficulty: str | None, focus: list[str] | None
) -> list[dict]:
    """Validate and complete the AI's raw questions (reference §3.5.3 step 7): texts shorter than
    10 or longer than 1000 characters, texts with an offensive word and repeated texts are
    dropped; an unknown type becomes the next type of the focus list (all five types when
    none), an unknown difficulty the requested one (medium when none); help text and examples
    are trimmed. At most `count` are kept."""
    requested = difficulty if difficulty in DIFFICULTIES else None
    cycle = list(dict.fromkeys(kind for kind in focus or [] if kind in QUESTION_TYPES)) or list(
        QUESTION_TYPES
    )
    seen: set[str] = set()
    out: list[dict] = []
    for item in raw:
        if len(out) >= count:
            break
        if not isinstance(item, dict):
            continue
        text = re.sub(r"\s+", " ", str(item.get("question_text") or "")).strip()
        if not question_text_usable(text) or text.casefold() in seen:
            continue
        if contains_offensive_language(text):
            continue
        seen.add(text.casefold())
        kind = str(item.get("question_type") or "").strip().lower()
        if kind not in QUESTION_TYPES:
            kind = cycle[len(out) % len(cycle)]
        level = str(item.get("difficulty") or "").strip().lower()
        if level not in DIFFICULTIES:
            level = requested or DEFAULT_DIFFICULTY
        examples = item.get("examples")
        if isinstance(examples, list):
            examples = [
                _clean_text(example, EXAMPLE_MAX)
                for example in examples
                if isinstance(example, str) and example.strip()
            ][:EXAMPLES_MAX] or None
        else:
            examples = None
        out.append(
            {
                "question_text": text,
                "question_type": kind,
                "difficulty": str(level),
                "help_text": _clean_text(item.get("help_text"), HELP_TEXT_MAX) or None,
                "examples": examples,
                "is_fallback": False,
            }
        )
    return out


def question_drafts_generate(
    *, book, chapter: dict, count: int, difficulty: str | None, focus: list[str] | None
) -> tuple[list[dict], str]:
    """(`count` question drafts, provider name) for `chapter` of `book`.

    The AI layer's questions come first; when it returns fewer than `count` usable ones (an
    unusable answer counts as none), template questions fill the rest. Any other AI error is
    raised unchanged, so the caller stores nothing."""
    try:
        answer = ai.chapter_questions(
            book_title=book.title,
            genre=book.genre or "",
            target_audience=book.target_audience or "",
            chapter_title=chapter.get("title") or "",
            chapter_content=chapter.get("content") or "",
            count=count,
            difficulty=difficulty or DEFAULT_DIFFICULTY,
            focus=focus or None,
        )
        raw, provider = answer.get("questions") or [], answer.get("provider") or "openai"
    except AIInvalidResponse:
        raw, provider = [], "openai"
    drafts = question_drafts_complete(raw=raw, count=count, difficulty=difficulty, focus=focus)
    if len(drafts) < count:
        drafts += template_questions(
            chapter_title=chapter.get("title") or "",
            count=count - len(drafts),
            difficulty=difficulty,
            focus=focus,
            exclude={draft["question_text"] for draft in drafts},
        )
    return drafts, provider

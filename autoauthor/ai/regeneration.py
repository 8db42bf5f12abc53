"""Replacement candidates for one interview question (single-question regeneration, reference §4
"#62"): the AI feature behind `POST .../questions/{qid}/regenerate`.

The provider is asked for a few candidates at once, each of the requested type, none repeating
the chapter's other questions or the question's own earlier versions, and written with the
author's rating of the replaced question in mind (a low rating asks for a different angle, a
comment says what to avoid). The questions service validates the candidates, drops duplicates
by `question_text_key` and stores one. Provider failures raise the classified errors of
`autoauthor.ai.errors` unchanged; nothing is cached (the point of the call is a new question).
"""

import re
import unicodedata

from autoauthor.ai import parsing
from autoauthor.ai.client import chat_completion
from autoauthor.ai.offline import regeneration as offline
from autoauthor.ai.prompts import _DIFFICULTY_GUIDANCE, _FOCUS_GUIDANCE, CHAPTER_CONTENT_LIMIT
from autoauthor.ai.service import PROVIDER, _parsed, ai
from questions.rules import DEFAULT_DIFFICULTY, DIFFICULTIES, QUESTION_TYPES

CANDIDATES = 3  # replacement candidates one provider call asks for
LOW_RATING = 2  # a rating at or below this (of 5) asks for a different angle
AVOID_LIMIT = 60  # question texts listed in the prompt as "do not repeat"


def question_text_key(text: str) -> str:
    """The form two question texts are compared in: Unicode-normalised, case-folded, with
    punctuation dropped and whitespace collapsed, so "What drives Ada?" and "what drives ada" are
    the same question."""
    folded = unicodedata.normalize("NFKC", str(text or "")).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


def is_low_rating(rating: int | None) -> bool:
    """Whether the author's rating says the question did not help (1–2 of 5)."""
    return rating is not None and rating <= LOW_RATING


def _feedback_lines(*, question_text: str, rating: int | None, feedback: str | None) -> list[str]:
    if rating is None and not feedback:
        return []
    lines = [f'The author rated the question being replaced ("{question_text}") {rating}/5.']
    if is_low_rating(rating):
        lines.append("It did not help: ask about a clearly different angle, not a rewording.")
    if feedback:
        lines.append(f"The author's comment on it: {feedback}")
    return lines


def _prompt_user(arguments: dict) -> str:
    parts = [
        f"Write {CANDIDATES} alternative interview questions for the chapter "
        f'"{arguments["chapter_title"]}" of the book "{arguments["book_title"]}". Each replaces '
        f'this question: "{arguments["question_text"]}".',
        f"Genre: {arguments['genre'] or 'Not specified'}",
        f"Target audience: {arguments['target_audience'] or 'General readers'}",
    ]
    content = arguments["chapter_content"].strip()
    if content:
        excerpt = content[:CHAPTER_CONTENT_LIMIT]
        parts.append(f"The chapter's content so far:\n{excerpt}")
    kind = arguments["question_type"]
    parts.append(f"Question type: {kind} ({_FOCUS_GUIDANCE[kind]}).")
    parts.append(_DIFFICULTY_GUIDANCE[arguments["difficulty"]])
    parts.extend(_feedback_lines(**arguments["rated"]))
    for earlier in arguments["history"]:
        parts.extend(_feedback_lines(**earlier))
    avoid = arguments["avoid"][:AVOID_LIMIT]
    if avoid:
        parts.append(
            "Do not repeat or reword any of these existing questions:\n"
            + "\n".join(f"- {text}" for text in avoid)
        )
    parts.append(
        "Answer with a JSON array only. Each item: "
        f'{{"question_text": "...", "question_type": "{kind}", '
        f'"difficulty": "{arguments["difficulty"]}", "help_text": "...", "examples": ["..."]}}'
    )
    return "\n\n".join(parts)


def _earlier_ratings(history: list[dict]) -> list[dict]:
    return [
        {
            "question_text": str(item.get("question_text") or ""),
            "rating": item.get("rating"),
            "feedback": item.get("feedback"),
        }
        for item in history
        if isinstance(item, dict)
    ]


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
    rating: int | None,
    feedback: str | None,
    history: list[dict],
    avoid: list[str],
    attempt: int = 0,
) -> dict:
    """Candidates to replace one question → {questions: [raw question dicts], provider, cached}.

    `question_type` is the type wanted (the caller resolved `focus` and the rating), `rating` and
    `feedback` the author's rating of the question being replaced, `history` the earlier
    versions of the question as {question_text, rating, feedback}, `avoid` the texts not to
    repeat, `attempt` how many times the caller already asked (the offline provider moves to
    further angles). Raw items: the caller validates them."""
    arguments = {
        "book_title": book_title or "",
        "genre": genre or "",
        "target_audience": target_audience or "",
        "chapter_title": chapter_title or "Chapter",
        "chapter_content": chapter_content or "",
        "question_text": question_text,
        "question_type": question_type if question_type in QUESTION_TYPES else QUESTION_TYPES[0],
        "difficulty": difficulty if difficulty in DIFFICULTIES else DEFAULT_DIFFICULTY,
        "rated": {"question_text": question_text, "rating": rating, "feedback": feedback},
        "history": _earlier_ratings(history),
        "avoid": [text for text in avoid if text],
    }
    if not ai.online():
        result = offline.replacement_questions(
            **arguments, candidates=CANDIDATES, attempt=attempt, text_key=question_text_key
        )
        return {**result, "cached": False}
    completion = chat_completion(
        feature="question_regeneration",
        system=(
            "You are a writing coach who interviews authors. You replace one interview question "
            "with a better, different one. You answer with valid JSON only."
        ),
        user=_prompt_user(arguments),
        temperature=0.8,
        max_tokens=1000,
    )
    questions = _parsed("question_regeneration", parsing.parse_chapter_questions, completion.text)
    return {"questions": questions, "provider": PROVIDER, "cached": False}

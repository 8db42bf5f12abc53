"""Offline chapter interview questions: templates per question type, filled with the chapter's
title, the book's title and audience and key phrases of the chapter's content."""

from autoauthor.ai.offline.common import PROVIDER, topic_at
from autoauthor.ai.text import key_phrases, strip_html
from questions.rules import DEFAULT_DIFFICULTY, QUESTION_TYPES

_CHAPTER_TEMPLATES: dict[str, tuple[str, ...]] = {
    "character": (
        'Who are the key people in "{chapter}", and what does each of them want?',
        'How does the main person in "{chapter}" change by the end of the chapter?',
        "What motivates the people involved in {topic}, and how can you show it?",
        'Which conflict or tension between people drives "{chapter}"?',
        'How do the relationships around {topic} develop during "{chapter}"?',
    ),
    "plot": (
        'What is the main event or argument of "{chapter}"?',
        'How does "{chapter}" move the whole of "{book}" forward?',
        'What obstacles or objections around {topic} must "{chapter}" deal with?',
        'What is the turning point or key insight of "{chapter}"?',
        'How does "{chapter}" connect to the chapters before and after it in "{book}"?',
    ),
    "setting": (
        'Where and when does "{chapter}" take place, and how will you describe it?',
        "What atmosphere or mood should readers feel while reading about {topic}?",
        "Which sensory or concrete details would make {topic} vivid for readers?",
        'How does the context of "{chapter}" shape what happens in it?',
        'Does the setting or context change during "{chapter}", and why?',
    ),
    "theme": (
        'What is the central message of "{chapter}" for {audience}?',
        "Which image, symbol or recurring idea could represent {topic}?",
        'How does "{chapter}" contribute to the overall meaning of "{book}"?',
        'What dilemma or hard choice about {topic} does "{chapter}" raise?',
        'How might different readers interpret what "{chapter}" says about {topic}?',
    ),
    "research": (
        'What research will make "{chapter}" accurate and credible?',
        "Which facts or figures about {topic} should you verify before publishing?",
        "What historical, cultural or scientific background does {topic} need?",
        'Which specialised terms in "{chapter}" need a definition for {audience}?',
        "Which experts or sources could you consult about {topic}?",
    ),
}
_HELP_TEXT = {
    "character": "Think about traits, backstory, motivations and how people develop.",
    "plot": "Consider the sequence of events, cause and effect, conflicts and resolution.",
    "setting": "Describe time, place and atmosphere, and how they affect the chapter.",
    "theme": "Reflect on the underlying messages, symbols and meaning.",
    "research": "List the facts, terminology and technical details to verify.",
}
_EXAMPLES = {
    "character": "She had always avoided conflict, until the day the project failed.",
    "plot": "The chapter opens with the failed launch, then explains what went wrong.",
    "setting": "A cramped office at dawn, the smell of burnt coffee in the air.",
    "theme": "Resilience: small failures teach more than easy successes.",
    "research": "Check the 2023 survey numbers and cite the original study.",
}


def chapter_questions(
    *,
    book_title: str,
    genre: str,
    target_audience: str,
    chapter_title: str,
    chapter_content: str,
    count: int,
    difficulty: str,
    focus: list[str] | None,
) -> dict:
    text = strip_html(chapter_content)
    phrases = key_phrases(text or chapter_title, 5)
    kinds = [kind for kind in (focus or []) if kind in QUESTION_TYPES] or list(QUESTION_TYPES)
    values = {
        "chapter": chapter_title or "this chapter",
        "book": book_title or "your book",
        "audience": target_audience or "your readers",
    }
    questions = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        template = _CHAPTER_TEMPLATES[kind][(index // len(kinds)) % 5]
        topic = topic_at(phrases, index, (chapter_title or "this topic").lower())
        questions.append(
            {
                "question_text": template.format(topic=topic, **values),
                "question_type": kind,
                "difficulty": difficulty or DEFAULT_DIFFICULTY,
                "help_text": _HELP_TEXT[kind],
                "examples": [_EXAMPLES[kind]],
            }
        )
    return {"questions": questions, "provider": PROVIDER}

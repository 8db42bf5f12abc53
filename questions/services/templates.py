"""The template fallback of reference §3.5.3: built-in interview questions used when the AI
provider returns too few usable questions. Every question built here carries `is_fallback`."""

from questions.models import QuestionType
from questions.rules import (
    DEFAULT_DIFFICULTY,
    QUESTION_TYPES,
    SUGGESTED_RESPONSE_LENGTH,
)

TYPE_ORDER = list(QUESTION_TYPES)

TEMPLATES: dict[str, list[str]] = {
    QuestionType.CHARACTER: [
        'Who are the main characters in "{title}", and what traits define them?',
        'How does the protagonist change over the course of "{title}"?',
        'What motivates the key characters to act as they do in "{title}"?',
        'What conflicts arise between the characters in "{title}"?',
        'How do the relationships between the characters evolve in "{title}"?',
    ],
    QuestionType.PLOT: [
        'What is the main event or conflict in "{title}"?',
        'How does "{title}" advance the overall story of the book?',
        'What obstacles stand in the way in "{title}", and how are they overcome?',
        'What is the turning point or climax of "{title}"?',
        'How does "{title}" connect to the events before and after it?',
    ],
    QuestionType.SETTING: [
        'Where does "{title}" take place, and how would you describe it?',
        'What atmosphere or mood should the setting of "{title}" create?',
        'Which sensory details bring the setting of "{title}" to life?',
        'How does the setting influence what happens in "{title}"?',
        'How does the setting change during "{title}"?',
    ],
    QuestionType.THEME: [
        'What themes or messages do you want to convey in "{title}"?',
        'Which symbols or motifs appear in "{title}"?',
        'How does "{title}" contribute to the overall meaning of the book?',
        'What moral dilemmas or hard questions does "{title}" explore?',
        'How might readers interpret what happens in "{title}"?',
    ],
    QuestionType.RESEARCH: [
        'What research would make "{title}" more accurate and authentic?',
        'Which technical details in "{title}" need to be verified?',
        'Which historical, cultural or scientific facts are relevant to "{title}"?',
        'Which specialised terms or concepts should "{title}" explain to readers?',
        'What expert knowledge or sources would strengthen "{title}"?',
    ],
}

HELP_TEXTS: dict[str, str] = {
    QuestionType.CHARACTER: (
        "Consider physical and psychological traits, backstory, and how each character develops."
    ),
    QuestionType.PLOT: (
        "Think about the sequence of events, cause and effect, the conflicts and their resolution."
    ),
    QuestionType.SETTING: (
        "Describe the time, the place and the atmosphere, and how they affect the story."
    ),
    QuestionType.THEME: (
        "Reflect on the underlying messages, symbols and the meaning readers should take away."
    ),
    QuestionType.RESEARCH: (
        "List the facts, terminology and technical details you need to check or explain."
    ),
}

EXAMPLES: dict[str, list[str]] = {
    QuestionType.CHARACTER: [
        "Maya is a stubborn engineer who hides her fear of failure behind constant work."
    ],
    QuestionType.PLOT: ["The team discovers the data was falsified, forcing a choice."],
    QuestionType.SETTING: ["A cramped workshop that smells of solder and old coffee at 3 a.m."],
    QuestionType.THEME: ["Trust has to be earned again after it has been broken."],
    QuestionType.RESEARCH: ["Check how long a transatlantic crossing took in 1850."],
}

TITLE_LIMIT = 200  # keeps every template question well under QUESTION_TEXT_MAX


def template_questions(
    *,
    chapter_title: str,
    count: int,
    difficulty: str | None,
    focus: list[str] | None,
    exclude: set[str] | frozenset[str] = frozenset(),
) -> list[dict]:
    """Up to `count` distinct template questions about `chapter_title`.

    The focus types (all five when none are given) take turns, each walking its own template
    list, so no text repeats; when the focus types run out of templates the other types fill
    in. Texts in `exclude` (case-insensitive) are skipped. Each item has the keys of a question
    draft: question_text, question_type, difficulty, help_text, examples, is_fallback=True.
    """
    title = (chapter_title or "").strip()[:TITLE_LIMIT] or "this chapter"
    level = difficulty if difficulty in SUGGESTED_RESPONSE_LENGTH else DEFAULT_DIFFICULTY
    primary = list(dict.fromkeys(kind for kind in focus or [] if kind in TEMPLATES)) or TYPE_ORDER
    secondary = [kind for kind in TYPE_ORDER if kind not in primary]
    seen = {text.casefold() for text in exclude}
    out: list[dict] = []
    for kinds in (primary, secondary):
        for index in range(len(TEMPLATES[QuestionType.PLOT])):
            for kind in kinds:
                if len(out) >= count:
                    return out
                text = TEMPLATES[kind][index].format(title=title)
                if text.casefold() in seen:
                    continue
                seen.add(text.casefold())
                out.append(
                    {
                        "question_text": text,
                        "question_type": str(kind),
                        "difficulty": str(level),
                        "help_text": HELP_TEXTS[kind],
                        "examples": list(EXAMPLES[kind]),
                        "is_fallback": True,
                    }
                )
    return out

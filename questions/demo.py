"""The questions part of `seed_demo` (autoauthor.core.registry): interview questions for the
first chapter of every demo book and the owner's answers to some of them, written through the
same services as the API (the offline AI provider answers when no OPENAI_API_KEY is set)."""

import logging

from autoauthor.ai.errors import AIError
from autoauthor.core.registry import DemoPart, DemoRun
from books.selectors import chapter_find, toc_chapter_ids
from questions.services import questions_generate, response_save

logger = logging.getLogger("autoauthor.demo")

# The owner's answers, by the title of the demo book template (books.services.demo).
DEMO_RESPONSES = {
    "The Lighthouse at Grey Point": [
        "Maren is sixty-three, stubborn and precise; she left Grey Point after her "
        "brother drowned and has never forgiven the village for closing ranks.",
        "The storm is the inciting event, but the real conflict is between Maren's need "
        "for the truth and the village's agreement to forget the Saint Brendan.",
    ],
    "Bread by Hand": [
        "Readers should understand that salt controls fermentation speed, not just flavour.",
    ],
}


def demo_questions_add(run: DemoRun, book, template: dict) -> None:
    """Three questions for the first chapter of the demo `book`, answered by the demo user as far
    as the template's answers go."""
    first = chapter_find(book=book, chapter_id=toc_chapter_ids(book.toc)[0], include_content=True)
    try:
        generated = questions_generate(
            book=book, chapter=first, user=run.owner, count=3, difficulty="medium", focus=None
        )
    except AIError as exc:
        # With OPENAI_API_KEY set the real provider answers; an unreachable provider must not
        # stop `make run`: the demo book simply has no questions yet.
        logger.warning("Demo questions for %s not generated: %s", book.pk, exc)
        return
    answers = DEMO_RESPONSES.get(template["book"]["title"], [])
    for question, text in zip(generated.questions, answers, strict=False):
        response_save(question=question, user=run.owner, response_text=text, status="completed")


DEMO_PART = DemoPart(book=demo_questions_add)

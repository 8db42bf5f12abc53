"""Question writes: generation and regeneration, responses, ratings and batch saves."""

from questions.services.generation import (
    GenerationResult,
    effective_count,
    question_drafts_complete,
    question_drafts_generate,
    questions_generate,
    questions_regenerate,
)
from questions.services.responses import (
    BATCH_MAX,
    FEEDBACK_MAX,
    RESPONSE_TEXT_MAX,
    rating_save,
    response_save,
    responses_batch_save,
    word_count,
)
from questions.services.templates import template_questions

__all__ = [
    "BATCH_MAX",
    "FEEDBACK_MAX",
    "RESPONSE_TEXT_MAX",
    "GenerationResult",
    "effective_count",
    "question_drafts_complete",
    "question_drafts_generate",
    "questions_generate",
    "questions_regenerate",
    "rating_save",
    "response_save",
    "responses_batch_save",
    "template_questions",
    "word_count",
]

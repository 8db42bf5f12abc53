"""Question writes: generation and regeneration, responses, ratings and batch saves."""

from questions.services.drafts import question_drafts_complete, question_drafts_generate
from questions.services.generation import (
    GenerationResult,
    questions_generate,
    questions_regenerate,
)
from questions.services.regeneration import (
    REGENERATION_MAX,
    RegenerationLimitReached,
    RegenerationResult,
    question_regenerate,
)
from questions.services.responses import (
    rating_save,
    response_save,
    responses_batch_save,
)
from questions.services.templates import template_questions

__all__ = [
    "GenerationResult",
    "REGENERATION_MAX",
    "RegenerationLimitReached",
    "RegenerationResult",
    "question_drafts_complete",
    "question_drafts_generate",
    "question_regenerate",
    "questions_generate",
    "questions_regenerate",
    "rating_save",
    "response_save",
    "responses_batch_save",
    "template_questions",
]

"""AI-assisted authoring: summary analysis, clarifying questions, TOC generation, chapter drafts
and style transformation. Each function checks the business rules, calls one feature of the AI
layer (`autoauthor.ai.ai`) and stores its result where the reference does.

AI failures are the classified errors of `autoauthor.ai.errors` (429/503/400/502 with
`retryable`, `retry_after`, `correlation_id`); they propagate before anything is written, so a
failed call never stores a partial result. Writes are single-document compare-and-swaps:
- analysis and clarifying questions are stored only if the summary they were computed from is
  still the book's summary (`summary_version` unchanged), else 409 `summary_changed`;
- generate-toc goes through `books.services.toc.toc_replace` (version + 1, `expected_version`
  honoured), and refuses to drop chapters that have content unless asked to (`overwrite`);
- a saved draft goes through `books.services.content.chapter_content_save` (versioned).

Modules: `analysis` (summary analysis, clarifying questions), `toc_generation`, `drafting`
(chapter drafts, style transformation), `enhancement` (text enhancement and dictation cleanup,
previews). Re-exports their public names for callers outside the package.
"""

from books.services.authoring.analysis import (
    CLARIFYING_DEFAULT,
    CLARIFYING_RANGE,
    SUMMARY_CHANGED,
    clarifying_count,
    clarifying_questions_generate,
    summary_analyze,
)
from books.services.authoring.drafting import (
    chapter_draft_generate,
    chapter_style_transform,
    draft_suggestions,
)
from books.services.authoring.enhancement import (
    chapter_text_enhance,
    chapter_transcription_enhance,
)
from books.services.authoring.toc_generation import chapters_with_content, toc_generate

__all__ = [
    "CLARIFYING_DEFAULT",
    "CLARIFYING_RANGE",
    "SUMMARY_CHANGED",
    "chapter_draft_generate",
    "chapter_style_transform",
    "chapter_text_enhance",
    "chapter_transcription_enhance",
    "chapters_with_content",
    "clarifying_count",
    "clarifying_questions_generate",
    "draft_suggestions",
    "summary_analyze",
    "toc_generate",
]

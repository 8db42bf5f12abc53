"""The AI feature API every app codes against (`from autoauthor.ai import ai`).

Which provider answers is decided per call: the OpenAI-compatible provider when OPENAI_API_KEY
is set, else the offline provider. Every result carries `"provider": "openai" | "offline"` and
`"cached"`. Failures of the real provider raise the classified errors of `autoauthor.ai.errors`;
nothing here returns an error dict.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings

from autoauthor.ai import offline, parsing, prompts
from autoauthor.ai.cache import cache_get, cache_key, cache_set
from autoauthor.ai.client import chat_completion
from autoauthor.ai.errors import AIInvalidRequest, AIInvalidResponse
from autoauthor.ai.styles import WRITING_STYLES
from autoauthor.core.errors import Invalid
from questions.rules import DEFAULT_DIFFICULTY, DIFFICULTIES, QUESTION_TYPES, REQUEST_COUNT_MAX

logger = logging.getLogger("autoauthor.ai")

PROVIDER = "openai"
CLARIFYING_MAX = 10
DRAFT_LENGTH_MIN = 100
DRAFT_LENGTH_MAX = 10000


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, int(value)))


def _parsed(feature: str, parse: Callable[[str], Any], text: str) -> Any:
    """`parse(text)`; an unusable answer is logged (with its correlation id and the start of
    the text) before it propagates as AIInvalidResponse."""
    try:
        return parse(text)
    except AIInvalidResponse as exc:
        logger.warning(
            "AI %s answer unusable (correlation_id=%s): %.500r", feature, exc.correlation_id, text
        )
        raise


def _responses(items: list[dict]) -> list[dict]:
    """Only `question` and `answer`, as trimmed strings (also the cache-key form)."""
    return [
        {
            "question": str(item.get("question", "")).strip(),
            "answer": str(item.get("answer", "")).strip(),
        }
        for item in items
        if isinstance(item, dict)
    ]


class AIService:
    """Feature methods; keyword-only, one per AI feature."""

    @staticmethod
    def online() -> bool:
        """True when the real provider is configured (OPENAI_API_KEY is set)."""
        return bool(settings.OPENAI_API_KEY)

    @staticmethod
    def _complete(feature: str, prompt: prompts.Prompt):
        return chat_completion(
            feature=feature,
            system=prompt.system,
            user=prompt.user,
            temperature=prompt.temperature,
            max_tokens=prompt.max_tokens,
        )

    def analyze_summary(
        self, *, summary: str, title: str, genre: str, target_audience: str
    ) -> dict:
        """Is the summary ready for TOC generation? → is_ready_for_toc, confidence_score,
        analysis, suggestions (≤ 3), word_count, character_count, meets_minimum_requirements
        (≥ 30 words and ≥ 150 characters, computed locally), provider, cached."""
        context = {
            "title": title or "",
            "genre": genre or "",
            "target_audience": target_audience or "",
        }
        if not self.online():
            return {**offline.analyze_summary(summary=summary, **context), "cached": False}
        key = cache_key("summary_analysis", {"summary": summary, **context})
        cached = cache_get(key)
        if cached is not None:
            return {**cached, "cached": True}
        completion = self._complete(
            "summary_analysis", prompts.summary_analysis(summary=summary, **context)
        )
        result = {
            **_parsed("summary_analysis", parsing.parse_summary_analysis, completion.text),
            **parsing.summary_metrics(summary),
            "provider": PROVIDER,
        }
        cache_set(key, result)
        return {**result, "cached": False}

    def clarifying_questions(
        self, *, summary: str, title: str, genre: str, target_audience: str, count: int
    ) -> dict:
        """`count` (1–10) questions that clarify the book's structure → {questions: [str],
        provider, cached}. The real provider's answers are cached (§3.5)."""
        count = _clamp(count, 1, CLARIFYING_MAX)
        context = {
            "title": title or "",
            "genre": genre or "",
            "target_audience": target_audience or "",
        }
        if not self.online():
            result = offline.clarifying_questions(summary=summary, count=count, **context)
            return {**result, "cached": False}
        key = cache_key("clarifying_questions", {"summary": summary, "count": count, **context})
        cached = cache_get(key)
        if cached is not None:
            return {**cached, "cached": True}
        completion = self._complete(
            "clarifying_questions",
            prompts.clarifying_questions(summary=summary, count=count, **context),
        )
        result = {
            "questions": _parsed(
                "clarifying_questions",
                lambda text: parsing.parse_question_list(text, count=count),
                completion.text,
            ),
            "provider": PROVIDER,
        }
        cache_set(key, result)
        return {**result, "cached": False}

    def generate_toc(
        self,
        *,
        summary: str,
        responses: list[dict],
        title: str,
        genre: str,
        target_audience: str,
    ) -> dict:
        """A TOC from the summary and the author's answers → {toc: {chapters, total_chapters,
        estimated_pages, structure_notes}, provider, cached}. Chapters have ids `ch<n>`, level 1,
        order, description and level-2 `subchapters`. An unusable answer raises
        AIInvalidResponse (502); it is never replaced by a placeholder."""
        answers = _responses(responses)
        context = {
            "title": title or "",
            "genre": genre or "",
            "target_audience": target_audience or "",
        }
        if not self.online():
            result = offline.generate_toc(summary=summary, responses=answers, **context)
            return {**result, "cached": False}
        key = cache_key("toc_generation", {"summary": summary, "responses": answers, **context})
        cached = cache_get(key)
        if cached is not None:
            return {**cached, "cached": True}
        completion = self._complete(
            "toc_generation",
            prompts.toc_generation(summary=summary, responses=answers, **context),
        )
        result = {
            "toc": _parsed("toc_generation", parsing.parse_toc, completion.text),
            "provider": PROVIDER,
        }
        cache_set(key, result)
        return {**result, "cached": False}

    def chapter_questions(
        self,
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
        """Interview questions for one chapter → {questions: [{question_text, question_type,
        difficulty, help_text, examples}], provider, cached}. Raw items: the caller validates
        types/lengths and fills gaps (e.g. with templates). Not cached."""
        count = _clamp(count, 1, REQUEST_COUNT_MAX)
        difficulty = difficulty if difficulty in DIFFICULTIES else DEFAULT_DIFFICULTY
        focus = [kind for kind in (focus or []) if kind in QUESTION_TYPES] or None
        arguments = {
            "book_title": book_title or "",
            "genre": genre or "",
            "target_audience": target_audience or "",
            "chapter_title": chapter_title or "Chapter",
            "chapter_content": chapter_content or "",
            "count": count,
            "difficulty": difficulty,
            "focus": focus,
        }
        if not self.online():
            return {**offline.chapter_questions(**arguments), "cached": False}
        completion = self._complete("chapter_questions", prompts.chapter_questions(**arguments))
        return {
            "questions": _parsed(
                "chapter_questions", parsing.parse_chapter_questions, completion.text
            ),
            "provider": PROVIDER,
            "cached": False,
        }

    def generate_draft(
        self,
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
        """A chapter draft from the author's answers → {draft, provider, model, truncated,
        cached}. Token limit sized to `target_length` (100–10000 words; clamp 500–4000 tokens);
        `truncated` is true when the provider stopped at that limit."""
        arguments = {
            "book_title": book_title or "",
            "genre": genre or "",
            "target_audience": target_audience or "",
            "chapter_title": chapter_title or "Chapter",
            "chapter_description": chapter_description or "",
            "question_responses": _responses(question_responses),
            "writing_style": (writing_style or "").strip() or None,
            "target_length": _clamp(target_length, DRAFT_LENGTH_MIN, DRAFT_LENGTH_MAX),
        }
        if not self.online():
            return {**offline.generate_draft(**arguments), "cached": False}
        completion = self._complete("chapter_draft", prompts.chapter_draft(**arguments))
        return {
            "draft": completion.text.strip(),
            "provider": PROVIDER,
            "model": completion.model,
            "truncated": completion.finish_reason == "length",
            "cached": False,
        }

    def transform_style(self, *, content: str, target_style: str) -> dict:
        """`content` rewritten in `target_style` (one of WRITING_STYLES) with every fact kept →
        {transformed, style_label, provider, model, cached}. An answer cut off at the token limit
        is a failure (AIInvalidRequest: the text is too long for one pass), never a partial
        rewrite."""
        if target_style not in WRITING_STYLES:
            raise Invalid(
                f"Unsupported writing style: '{target_style}'. Valid styles: "
                f"{', '.join(WRITING_STYLES)}.",
                code="unsupported_style",
            )
        if not self.online():
            return {
                **offline.transform_style(content=content, target_style=target_style),
                "cached": False,
            }
        completion = self._complete(
            "style_transform",
            prompts.style_transform(content=content, target_style=target_style),
        )
        if completion.finish_reason == "length":
            raise AIInvalidRequest(
                "This chapter is too long to transform in one pass. Try transforming a shorter "
                "section."
            )
        return {
            "transformed": completion.text.strip(),
            "style_label": WRITING_STYLES[target_style][0],
            "provider": PROVIDER,
            "model": completion.model,
            "cached": False,
        }


ai = AIService()

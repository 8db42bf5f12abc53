"""AI provider layer: `from autoauthor.ai import ai` and call its feature methods.

`ai.analyze_summary`, `ai.clarifying_questions`, `ai.generate_toc`, `ai.chapter_questions`,
`ai.generate_draft`, `ai.transform_style` — see `autoauthor.ai.service.AIService`. Failures raise
the classified errors re-exported here (all `DomainError`s rendered by the one handler).
"""

from autoauthor.ai.errors import (
    AIError,
    AIInvalidRequest,
    AIInvalidResponse,
    AINetworkError,
    AIRateLimit,
    AIServiceUnavailable,
)
from autoauthor.ai.prompts import DIFFICULTIES, QUESTION_TYPES, WRITING_STYLES
from autoauthor.ai.service import AIService, ai

__all__ = [
    "DIFFICULTIES",
    "QUESTION_TYPES",
    "WRITING_STYLES",
    "AIError",
    "AIInvalidRequest",
    "AIInvalidResponse",
    "AINetworkError",
    "AIRateLimit",
    "AIService",
    "AIServiceUnavailable",
    "ai",
]

"""AI provider layer: `from autoauthor.ai import ai` and call its feature methods.

`ai.analyze_summary`, `ai.clarifying_questions`, `ai.generate_toc`, `ai.chapter_questions`,
`ai.generate_draft`, `ai.transform_style` — see `autoauthor.ai.service.AIService`; text
enhancement and dictation cleanup are `enhance_text` and `enhance_transcription`
(`autoauthor.ai.enhancement`). Failures raise the classified errors re-exported here (all
`DomainError`s rendered by the one handler).
"""

from autoauthor.ai.enhancement import ENHANCEMENT_TYPES, enhance_text, enhance_transcription
from autoauthor.ai.errors import (
    AIError,
    AIInvalidRequest,
    AIInvalidResponse,
    AINetworkError,
    AIRateLimit,
    AIServiceUnavailable,
)
from autoauthor.ai.service import AIService, ai
from autoauthor.ai.styles import WRITING_STYLES

__all__ = [
    "ENHANCEMENT_TYPES",
    "WRITING_STYLES",
    "AIError",
    "AIInvalidRequest",
    "AIInvalidResponse",
    "AINetworkError",
    "AIRateLimit",
    "AIService",
    "AIServiceUnavailable",
    "ai",
    "enhance_text",
    "enhance_transcription",
]

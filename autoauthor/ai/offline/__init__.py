"""The offline provider: used when no OPENAI_API_KEY is configured, so every AI feature works on
a fresh machine. It is deterministic and built only from the inputs (the summary, the author's
answers, the book's title, genre and audience, the chapter's title and content); it never
pretends to be a language model: every result says `"provider": "offline"`.
"""

from autoauthor.ai.offline.common import MODEL, PROVIDER
from autoauthor.ai.offline.interview import chapter_questions
from autoauthor.ai.offline.planning import analyze_summary, clarifying_questions, generate_toc
from autoauthor.ai.offline.writing import generate_draft, transform_style

__all__ = [
    "MODEL",
    "PROVIDER",
    "analyze_summary",
    "chapter_questions",
    "clarifying_questions",
    "generate_draft",
    "generate_toc",
    "transform_style",
]

"""AI text enhancement and dictation cleanup of a chapter's text (reference #57 and #56): a
preview, nothing is stored and nothing is audited (as transform-style). The text comes with the
request — the editor's selection or the whole chapter — and the answer replaces it in the
editor only when the author applies it (the frontend keeps the text it had, to revert).

Rules, in the reference's order: the chapter must be in the book's TOC (404, before any AI
call is spent on a stale id); the text must have visible content (400); an enhancement type
must be one of `autoauthor.ai.ENHANCEMENT_TYPES` (400 naming the valid ones). The size limit is
the chapter content's (`books.rules.CONTENT_MAX_LENGTH`, checked by the input serializer).
AI failures propagate as the classified errors of `autoauthor.ai.errors`."""

from autoauthor.ai import enhance_text, enhance_transcription
from autoauthor.ai.text import strip_html
from autoauthor.core.errors import Invalid, NotFound
from books.models import Book
from books.rules import word_count
from books.selectors import toc_node_find
from books.services.toc import now_iso

CONTENT_REQUIRED = "Content is required for enhancement."
TRANSCRIPTION_REQUIRED = "Transcription is required for cleanup."


def _chapter_check(book: Book, chapter_id: str) -> None:
    if toc_node_find(book.toc, chapter_id) is None:
        raise NotFound("Chapter not found in table of contents", code="chapter_not_found")


def _has_text(content) -> bool:
    """True when `content` shows any text (an empty editor sends "<p></p>")."""
    return isinstance(content, str) and bool(strip_html(content))


def _answer(*, book: Book, chapter_id: str, content: str, result: dict, message: str) -> dict:
    enhanced = result["enhanced"]
    return {
        "success": True,
        "book_id": str(book.pk),
        "chapter_id": chapter_id,
        "enhanced": enhanced,
        "metadata": {
            "enhancement_type": result["enhancement_type"],
            "enhancement_label": result["enhancement_label"],
            "original_word_count": word_count(content),
            "enhanced_word_count": word_count(enhanced),
            "model_used": result["model"],
            "provider": result["provider"],
            "generated_at": now_iso(),
            "changed": enhanced != content,
            "changes": result["changes"],
        },
        "message": message,
        "provider": result["provider"],
    }


def chapter_text_enhance(*, book: Book, chapter_id: str, content: str, enhancement_type) -> dict:
    """`content` improved along one dimension (clarity, grammar, tone or vocabulary), every
    fact kept; returned, not stored. 404 for a chapter the TOC does not list; 400 for blank
    content ("Content is required for enhancement.") or an unknown type."""
    _chapter_check(book, chapter_id)
    if not _has_text(content):
        raise Invalid(CONTENT_REQUIRED, code="content_required")
    # The type is checked by the AI layer (400 naming the valid types), before any call.
    result = enhance_text(content=content, enhancement_type=enhancement_type)
    return _answer(
        book=book,
        chapter_id=chapter_id,
        content=content,
        result=result,
        message="Text enhanced successfully",
    )


def chapter_transcription_enhance(*, book: Book, chapter_id: str, content: str) -> dict:
    """Raw dictation cleaned up into readable prose (fillers, repeated words, capitals, full
    stops, paragraphs), the speaker's words kept; returned, not stored. 404 for a chapter the
    TOC does not list; 400 for blank content ("Transcription is required for cleanup.")."""
    _chapter_check(book, chapter_id)
    if not _has_text(content):
        raise Invalid(TRANSCRIPTION_REQUIRED, code="content_required")
    result = enhance_transcription(content=content)
    return _answer(
        book=book,
        chapter_id=chapter_id,
        content=content,
        result=result,
        message="Transcription cleaned up successfully",
    )

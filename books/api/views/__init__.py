"""The books API viewsets: `BookViewSet` (books/{book_id}/...) and `ChapterViewSet`
(books/{book_id}/chapters/{chapter_id}/...), each composed of small mixins by topic."""

from books.api.views.book_ai import BOOK_CONTEXT
from books.api.views.books import BookViewSet
from books.api.views.chapters import ChapterViewSet

__all__ = ["BOOK_CONTEXT", "BookViewSet", "ChapterViewSet"]

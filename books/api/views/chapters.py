"""ChapterViewSet: books/{book_id}/chapters and books/{book_id}/chapters/{chapter_id}, with
their sub-resources, composed of one mixin per topic (each declares its actions' rate-limit
scopes, concurrency caps and 403 verbs). `get_object()` is the chapter found in the caller's
book."""

from rest_framework.viewsets import GenericViewSet

from books.api.common import BookScopedMixin, DeclaredListSchema, combined
from books.api.views.chapter_ai import ChapterAiMixin
from books.api.views.chapter_content import ChapterContentMixin, ChapterReadingMixin
from books.api.views.chapter_structure import ChapterStructureMixin

_MIXINS = (ChapterStructureMixin, ChapterReadingMixin, ChapterContentMixin, ChapterAiMixin)


class ChapterViewSet(*_MIXINS, BookScopedMixin, GenericViewSet):
    lookup_url_kwarg = "chapter_id"
    schema = DeclaredListSchema()
    ratelimit_scopes = combined("ratelimit_scopes", *_MIXINS)
    concurrency_scopes = combined("concurrency_scopes", *_MIXINS)
    book_verbs = combined("book_verbs", *_MIXINS)

"""BookViewSet: books and books/{book_id}, and every book-level sub-resource, composed of one
mixin per topic (each declares its actions' rate-limit scopes, concurrency caps and 403 verbs)."""

from rest_framework.viewsets import GenericViewSet

from books.api.common import BookScopedMixin, combined
from books.api.views.book_ai import BookAiMixin
from books.api.views.book_collaborators import BookOwnershipMixin
from books.api.views.book_crud import BookCrudMixin
from books.api.views.book_export import BookExportMixin
from books.api.views.book_parts import BookAnswersMixin, BookCoverAuditMixin, BookSummaryMixin
from books.api.views.book_toc import BookTocMixin
from books.api.views.summary_revisions import BookSummaryRevisionsMixin

_MIXINS = (
    BookCrudMixin,
    BookSummaryMixin,
    BookSummaryRevisionsMixin,
    BookAnswersMixin,
    BookCoverAuditMixin,
    BookTocMixin,
    BookExportMixin,
    BookAiMixin,
    BookOwnershipMixin,
)


class BookViewSet(*_MIXINS, BookScopedMixin, GenericViewSet):
    lookup_url_kwarg = "book_id"
    ratelimit_scopes = combined("ratelimit_scopes", *_MIXINS)
    concurrency_scopes = combined("concurrency_scopes", *_MIXINS)
    book_verbs = combined("book_verbs", *_MIXINS)

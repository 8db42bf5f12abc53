"""Book-level routes (each answers with or without a trailing slash). Ids are matched as any
segment and parsed by the selector, so a malformed id is 404."""

from autoauthor.api.routers import route
from books.api import book_views as views

BOOK = r"books/(?P<book_id>[^/]+)"

urlpatterns = [
    route("books", views.BookListView.as_view(), "books-list"),
    route(BOOK, views.BookDetailView.as_view(), "books-detail"),
    route(f"{BOOK}/summary", views.BookSummaryView.as_view(), "books-summary"),
    route(
        f"{BOOK}/question-responses",
        views.BookQuestionResponsesView.as_view(),
        "books-question-responses",
    ),
    route(f"{BOOK}/toc-readiness", views.BookTocReadinessView.as_view(), "books-toc-readiness"),
    route(f"{BOOK}/cover-image", views.BookCoverImageView.as_view(), "books-cover-image"),
    route(f"{BOOK}/audit-log", views.BookAuditLogView.as_view(), "books-audit-log"),
]

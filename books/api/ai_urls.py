"""AI authoring routes (each answers with or without a trailing slash; ids are parsed by the
selector, so a malformed id is 404)."""

from autoauthor.api.routers import route
from books.api import ai_views as views

BOOK = r"books/(?P<book_id>[^/]+)"
CHAPTER = rf"{BOOK}/chapters/(?P<chapter_id>[^/]+)"

urlpatterns = [
    route(rf"{BOOK}/analyze-summary", views.AnalyzeSummaryView.as_view(), "books-analyze-summary"),
    route(
        rf"{BOOK}/generate-questions",
        views.ClarifyingQuestionsView.as_view(),
        "books-generate-questions",
    ),
    route(rf"{BOOK}/generate-toc", views.GenerateTocView.as_view(), "books-generate-toc"),
    route(
        rf"{CHAPTER}/generate-draft",
        views.GenerateDraftView.as_view(),
        "chapter-generate-draft",
    ),
    route(
        rf"{CHAPTER}/transform-style",
        views.TransformStyleView.as_view(),
        "chapter-transform-style",
    ),
]

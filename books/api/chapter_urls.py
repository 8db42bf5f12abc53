"""TOC and chapter routes. Literal paths under `chapters/` (metadata, tab-state, bulk-status,
batch-content) come before `chapters/<chapter_id>` so they are never taken for a chapter id."""

from autoauthor.api.routers import route
from books.api import chapter_views as views
from books.api import content_views

BOOK = r"books/(?P<book_id>[^/]+)"
CHAPTER = rf"{BOOK}/chapters/(?P<chapter_id>[^/]+)"

urlpatterns = [
    route(rf"{BOOK}/toc", views.TocView.as_view(), "book-toc"),
    route(rf"{BOOK}/chapters", views.ChapterListView.as_view(), "book-chapters"),
    route(
        rf"{BOOK}/chapters/metadata",
        content_views.ChapterMetadataView.as_view(),
        "chapters-metadata",
    ),
    route(
        rf"{BOOK}/chapters/tab-state", content_views.TabStateView.as_view(), "chapters-tab-state"
    ),
    route(rf"{BOOK}/chapters/bulk-status", views.BulkStatusView.as_view(), "chapters-bulk-status"),
    route(
        rf"{BOOK}/chapters/batch-content",
        content_views.BatchContentView.as_view(),
        "chapters-batch-content",
    ),
    route(CHAPTER, views.ChapterDetailView.as_view(), "chapter-detail"),
    route(rf"{CHAPTER}/content", content_views.ChapterContentView.as_view(), "chapter-content"),
    route(
        rf"{CHAPTER}/analytics", content_views.ChapterAnalyticsView.as_view(), "chapter-analytics"
    ),
]

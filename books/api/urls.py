"""Books API routes: book-level routes, then TOC and chapter routes (literal chapter paths are
declared before `chapters/<chapter_id>` inside chapter_urls)."""

from django.urls import include, path

urlpatterns = [
    path("", include("books.api.book_urls")),
    path("", include("books.api.chapter_urls")),
]

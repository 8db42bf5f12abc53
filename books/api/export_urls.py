"""Export routes (each answers with or without a trailing slash)."""

from autoauthor.api.routers import route
from books.api import export_views as views

EXPORT = r"books/(?P<book_id>[^/]+)/export"

urlpatterns = [
    route(f"{EXPORT}/formats", views.BookExportFormatsView.as_view(), "books-export-formats"),
    route(f"{EXPORT}/pdf", views.BookExportPdfView.as_view(), "books-export-pdf"),
    route(f"{EXPORT}/docx", views.BookExportDocxView.as_view(), "books-export-docx"),
    route(f"{EXPORT}/epub", views.BookExportEpubView.as_view(), "books-export-epub"),
    route(f"{EXPORT}/markdown", views.BookExportMarkdownView.as_view(), "books-export-markdown"),
]

"""Export endpoints: errors, headers, limits, timeout and the formats listing."""

import pytest
from bson import ObjectId
from django.urls import reverse

from books.models import ChapterAccessLog
from tests.export.conftest import build_book, create_book, download, export_url, put_toc

pytestmark = pytest.mark.django_db

FORMATS = ["pdf", "docx", "epub", "markdown"]
NO_CHAPTERS = (
    "This book has no chapters to export. Generate a table of contents and add some content first."
)
NO_CONTENT = (
    "This book has no chapter content yet. Add content to at least one chapter, or enable "
    "'Include empty chapters' to export the outline."
)
TIMEOUT = (
    "Export took too long and was stopped. This usually happens with very large books — try "
    "exporting fewer chapters, or try again in a moment."
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_book_without_chapters_is_400(api, fmt):
    book_id = create_book(api)
    response, _ = download(api, book_id, fmt, include_empty_chapters="true")
    assert response.status_code == 400
    assert response.json() == {"detail": NO_CHAPTERS, "code": "export_no_chapters"}
    assert not ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_book_without_content_is_400_unless_empty_chapters_are_included(api, fmt):
    book_id = create_book(api)
    put_toc(api, book_id, [("a", "Only Outline", "", "", [("a-1", "Sub Outline", "", "")])])
    response, _ = download(api, book_id, fmt)
    assert response.status_code == 400
    assert response.json() == {"detail": NO_CONTENT, "code": "export_no_content"}

    response, body = download(api, book_id, fmt, include_empty_chapters="true")
    assert response.status_code == 200
    assert len(body) == int(response["Content-Length"])


def test_outline_export_lists_every_chapter_as_empty(api):
    book_id = create_book(api)
    put_toc(api, book_id, [("a", "Only Outline", "", "", [("a-1", "Sub Outline", "", "")])])
    _, body = download(api, book_id, "markdown", include_empty_chapters="true")
    text = body.decode()
    assert "## Chapter 1: Only Outline\n\n*(No content yet)*" in text
    assert "### 1.1 Sub Outline\n\n*(No content yet)*" in text


def test_empty_parent_of_a_written_subchapter_stays_as_a_heading(api):
    book_id = build_book(
        api,
        [
            ("p", "Empty Parent", "Parent description", "", [("p-1", "Written", "", "<p>Hi</p>")]),
            ("q", "Dropped", "", "", []),
        ],
    )
    _, body = download(api, book_id, "markdown")
    text = body.decode()
    assert "## Chapter 1: Empty Parent\n\n*Parent description*\n\n\n### 1.1 Written\n\nHi" in text
    assert "Dropped" not in text and "(No content yet)" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_is_401(anon, fmt):
    response = anon.get(export_url(str(ObjectId()), fmt))
    assert response.status_code == 401


@pytest.mark.parametrize("fmt", FORMATS)
def test_other_users_book_is_403(api, other_api, book_id, fmt):
    response, _ = download(other_api, book_id, fmt)
    assert response.status_code == 403
    assert response.json()["detail"] == "Not authorized to export this book"
    assert not ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export").exists()


@pytest.mark.parametrize("fmt", [*FORMATS, "formats"])
@pytest.mark.parametrize("bad_id", ["not-an-id", "0123456789abcdef01234567"])
def test_missing_or_malformed_book_is_404(api, fmt, bad_id):
    response = api.get(export_url(bad_id, fmt))
    assert response.status_code == 404
    assert response.json()["detail"] == "Book not found"


def test_deleted_book_is_404(api, book_id):
    assert api.delete(reverse("book-detail", kwargs={"book_id": book_id})).status_code == 204
    response, _ = download(api, book_id, "pdf")
    assert response.status_code == 404


@pytest.mark.parametrize("page_size", ["a4", "legal", "Letter", "A5"])
def test_pdf_page_size_must_be_letter_or_a4(api, book_id, page_size):
    response, _ = download(api, book_id, "pdf", page_size=page_size)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [error["field"] for error in body["errors"]] == ["page_size"]


def test_include_empty_chapters_must_be_a_boolean(api, book_id):
    response, _ = download(api, book_id, "docx", include_empty_chapters="sometimes")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "include_empty_chapters"


def test_errors_are_json_even_when_the_client_accepts_only_the_file_type(api):
    response = api.get(export_url("nope", "pdf"), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "Book not found"


def test_routes_answer_with_a_trailing_slash(api, book_id):
    response = api.get(export_url(book_id, "markdown") + "/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"


@pytest.mark.parametrize(
    ("title", "disposition"),
    [
        ("My Book: Draft #1!", 'attachment; filename="My Book Draft 1.md"'),
        ("  spaced-out_title  ", 'attachment; filename="spaced-out_title.md"'),
        ("?!?", 'attachment; filename="untitled.md"'),
        (
            "Café déjà vu",
            'attachment; filename="Cafe deja vu.md"; '
            "filename*=UTF-8''Caf%C3%A9%20d%C3%A9j%C3%A0%20vu.md",
        ),
        ("漢字", "attachment; filename=\"untitled.md\"; filename*=UTF-8''%E6%BC%A2%E5%AD%97.md"),
    ],
)
def test_filename_keeps_only_safe_characters(api, title, disposition):
    book_id = build_book(api, [("c", "Chapter", "", "<p>Text</p>", [])], title=title)
    response, _ = download(api, book_id, "markdown")
    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition


def test_downloads_share_the_export_rate_limit(api, book_id, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export": "2/3600"}
    assert download(api, book_id, "markdown")[0].status_code == 200
    first = download(api, book_id, "epub")[0]
    assert first.status_code == 200
    assert first["X-RateLimit-Remaining"] == "0"
    limited = download(api, book_id, "pdf")[0]
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0
    # the formats listing is not limited
    formats = api.get(reverse("book-export-formats", kwargs={"book_id": book_id}))
    assert formats.status_code == 200
    assert ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export").count() == 2


def test_export_past_the_time_limit_is_504_and_the_pool_recovers(api, settings):
    paragraph = "<p>" + " ".join(f"word{n}" for n in range(400)) + "</p>"
    structure = [(f"c{n}", f"Chapter {n}", "", paragraph * 5, []) for n in range(24)]
    book_id = build_book(api, structure)

    settings.EXPORT_TIMEOUT_SECONDS = 0.001
    response, _ = download(api, book_id, "pdf")
    assert response.status_code == 504
    assert response.json() == {"detail": TIMEOUT, "code": "export_timeout"}
    assert not ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export").exists()

    settings.EXPORT_TIMEOUT_SECONDS = 120
    response, body = download(api, book_id, "markdown")
    assert response.status_code == 200
    text = body.decode()
    assert text.count("word399") == 24 * 5
    assert ChapterAccessLog.objects.filter(book_id=book_id, chapter_id="export").count() == 1


def test_formats_lists_every_format_with_book_stats(api, book_id):
    response = api.get(reverse("book-export-formats", kwargs={"book_id": book_id}))
    assert response.status_code == 200
    body = response.json()
    formats = {f["format"]: f for f in body["formats"]}
    assert list(formats) == ["pdf", "docx", "epub", "markdown"]
    assert formats["pdf"] == {
        "format": "pdf",
        "name": "PDF Document",
        "description": "Portable Document Format - ideal for reading and printing",
        "mime_type": "application/pdf",
        "extension": ".pdf",
        "available": True,
        "options": {
            "page_size": ["letter", "A4"],
            "include_empty_chapters": "boolean",
            "template_id": ["classic_fiction", "modern_nonfiction", "academic"],
            "custom_options": "json object",
        },
    }
    assert formats["docx"]["mime_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert formats["docx"]["options"] == {
        "include_empty_chapters": "boolean",
        "template_id": ["classic_fiction", "modern_nonfiction", "academic"],
        "custom_options": "json object",
    }
    assert "template_id" in formats["epub"]["options"]
    assert formats["markdown"]["options"] == {"include_empty_chapters": "boolean"}
    assert [t["id"] for t in body["templates"]] == [
        "classic_fiction",
        "modern_nonfiction",
        "academic",
    ]
    assert formats["epub"]["mime_type"] == "application/epub+zip"
    assert formats["markdown"]["extension"] == ".md"
    assert all(f["available"] for f in body["formats"])
    # 5 chapters flattened, 3 with visible content ("<p>  </p>" is empty); words of the
    # visible text (image alt text not counted)
    assert body["book_stats"] == {
        "total_chapters": 5,
        "chapters_with_content": 3,
        "total_word_count": 38,
        "estimated_pages": 1,
    }


def test_formats_of_an_empty_book_and_of_another_users_book(api, other_api):
    book_id = create_book(api)
    response = api.get(reverse("book-export-formats", kwargs={"book_id": book_id}))
    assert response.json()["book_stats"] == {
        "total_chapters": 0,
        "chapters_with_content": 0,
        "total_word_count": 0,
        "estimated_pages": 0,
    }
    response = other_api.get(reverse("book-export-formats", kwargs={"book_id": book_id}))
    assert response.status_code == 403
    assert response.json()["detail"] == "Not authorized to access this book"

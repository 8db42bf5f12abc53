"""Saves in sequence, as the frontend makes them: every one is accepted and the last one wins.

The frontend sends no `expected_version` on a summary save or a content autosave. Each save's
compare-and-swap filters on the version the previous save left; on the SQLite engine of `make
run` that version was stored as a different numeric type than the filter named, and every save
after the first answered 409 (fixed by shim 5 of autoauthor/embedded_mongo.py). These run on
the engine the suite runs on, which is SQLite by default.
"""

import pytest
from django.urls import reverse

from books.models import Book, Chapter
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

SAVES = 50


@pytest.fixture
def book(user):
    return BookFactory(owner=user, title="Rooftop Bees", genre="Hobbies")


def test_fifty_summary_saves_all_succeed_and_the_last_is_kept(api, book):
    url = reverse("book-summary", kwargs={"book_id": str(book.pk)})
    texts = [
        f"Save number {n}: a book about rooftop bees for city beginners." for n in range(SAVES)
    ]
    for text in texts:
        response = api.put(url, {"summary": text}, format="json")
        assert response.status_code == 200, (text, response.json())
        assert response.json()["summary"] == text
    assert api.get(url).json()["summary"] == texts[-1]
    book.refresh_from_db()
    assert book.summary == texts[-1] and book.summary_version == SAVES


def test_fifty_content_autosaves_without_expected_version_all_succeed(api, book):
    toc = reverse("book-toc", kwargs={"book_id": str(book.pk)})
    chapters = {"toc": {"chapters": [{"id": "ch1", "title": "Hives"}]}}
    assert api.put(toc, chapters, format="json").status_code == 200
    url = reverse("chapter-content", kwargs={"book_id": str(book.pk), "chapter_id": "ch1"})
    for n in range(1, SAVES + 1):
        response = api.patch(
            url, {"content": f"<p>Draft {n} of the hives chapter.</p>"}, format="json"
        )
        assert response.status_code == 200, (n, response.json())
    assert api.get(url).json()["content"] == f"<p>Draft {SAVES} of the hives chapter.</p>"
    assert Chapter.objects.get(book=book, chapter_id="ch1").version == SAVES


def test_analyze_summary_right_after_a_summary_save(api, book, settings):
    settings.OPENAI_API_KEY = ""  # the offline provider
    url = reverse("book-summary", kwargs={"book_id": str(book.pk)})
    analyze = reverse("book-analyze-summary", kwargs={"book_id": str(book.pk)})
    for text in (
        "Beekeeping on city rooftops for complete beginners, from permits to honey harvests.",
        "Beekeeping on city rooftops for beginners: hive placement, inspections and swarms.",
    ):
        assert api.put(url, {"summary": text}, format="json").status_code == 200
        response = api.post(analyze, {}, format="json")
        assert response.status_code == 200, response.json()
    assert Book.objects.get(pk=book.pk).summary_analysis

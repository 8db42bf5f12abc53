"""The index follows the writes (content, titles, TOC, answers, deletes), with Redis and
without it, costs a constant number of MongoDB commands per query whatever everyone else
stores, and is rebuilt by `reindex_search`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from books.services.books import book_delete
from questions.models import Question
from questions.services import response_save
from search.models import SearchEntry
from tests.search.conftest import hits, make_book, save_content, where

pytestmark = pytest.mark.django_db


def test_content_save_is_found_by_the_next_search(api, book):
    save_content(api, book, "ch1", "<p>A quiet harbour.</p>")
    assert where(hits(api, "harbour")) == [("content", "ch1")]
    save_content(api, book, "ch1", "<p>A loud market.</p>")
    assert hits(api, "harbour") == []
    assert where(hits(api, "market")) == [("content", "ch1")]


def test_title_change_is_found(api, book):
    response = api.patch(
        reverse("book-detail", args=[str(book.pk)]), {"title": "Albatross"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert where(hits(api, "albatross")) == [("title", None)]
    assert "title" not in where(hits(api, '"keeper of light"'))


def test_toc_change_renames_and_removes_chapters(api, book):
    save_content(api, book, "ch2", "<p>Dawn rescue with a lifeboat.</p>")
    assert where(hits(api, "lifeboat")) == [("content", "ch2")]
    current = api.get(reverse("book-toc", args=[str(book.pk)])).json()
    chapters = [c for c in current["toc"]["chapters"] if c["id"] == "ch1"]
    chapters[0]["title"] = "The Cormorant"
    response = api.put(
        reverse("book-toc", args=[str(book.pk)]),
        {"toc": {"chapters": chapters, "expected_version": current["version"]}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert where(hits(api, "cormorant")) == [("chapter_title", "ch1")]
    assert hits(api, "lifeboat") == []  # ch2 is gone with its content
    assert not SearchEntry.objects.filter(book_id=book.pk, chapter_id="ch2").exists()


def test_answer_save_and_update_are_found(api, user, book):
    from tests.questions.conftest import generate, question_url

    question = generate(api, book, "ch1", count=3)[0]
    url = question_url("question-response", book, question["id"])
    body = {"response_text": "The heron came first.", "status": "draft"}
    assert api.put(url, body, format="json").status_code == 200
    assert where(hits(api, "heron")) == [("answer", "ch1")]
    body["response_text"] = "The egret came first."
    assert api.put(url, body, format="json").status_code == 200
    assert hits(api, "heron") == []
    assert where(hits(api, "egret")) == [("answer", "ch1")]


def test_deleted_book_is_never_returned_and_its_entries_go(api, user, book):
    save_content(api, book, "ch1", "<p>Pelican.</p>")
    assert hits(api, "pelican")
    response = api.delete(reverse("book-detail", args=[str(book.pk)]))
    assert response.status_code in (200, 204), response.content
    assert hits(api, "pelican") == []
    assert not SearchEntry.objects.filter(book_id=book.pk).exists()


def test_half_deleted_book_is_hidden_at_once(api, user, book):
    from django.utils import timezone

    from books.models import Book

    save_content(api, book, "ch1", "<p>Gannet.</p>")
    assert hits(api, "gannet")
    # An interrupted delete: only `deleted_at` was set, every document is still there.
    Book.objects.filter(pk=book.pk).update(deleted_at=timezone.now())
    assert hits(api, "gannet") == []
    book_delete(book=Book.objects.get(pk=book.pk))
    assert not SearchEntry.objects.filter(book_id=book.pk).exists()


def test_account_deletion_removes_the_users_books_from_search(user, book, other_api, other_user):
    from books.services.collaborators import collaborator_add

    collaborator_add(book=book, email=other_user.email, role="viewer", actor_role="owner")
    assert hits(other_api, "keeper")
    user.delete()
    assert hits(other_api, "keeper") == []
    assert not SearchEntry.objects.filter(book_id=book.pk).exists()


def test_search_stays_current_without_redis(api, book, settings):
    settings.REDIS_ENABLED = False
    save_content(api, book, "ch1", "<p>Puffin.</p>")
    assert where(hits(api, "puffin")) == [("content", "ch1")]
    save_content(api, book, "ch1", "<p>Tern.</p>")
    assert hits(api, "puffin") == []


def test_unchanged_books_are_not_read_again(api, user, book, count_mongo_commands):
    save_content(api, book, "ch1", "<p>Skua.</p>")
    hits(api, "skua")  # refreshes the index
    with count_mongo_commands() as commands:
        assert hits(api, "skua")
    # readable_book_ids, the entries, the hit books, the hit chapters: no index refresh.
    assert len(commands) == 4, commands


def _library(owner, api, books: int) -> None:
    for n in range(books):
        other = make_book(owner, title=f"Library {n} of the cormorant")
        save_content(api, other, "ch1", "<p>The cormorant flew over the cormorant cliffs.</p>")


def _query_commands(api, count_mongo_commands) -> list[str]:
    hits(api, "cormorant")
    with count_mongo_commands() as commands:
        assert len(hits(api, "cormorant")) >= 2
        assert len(hits(api, "cormor*")) >= 2
    return list(commands)


def test_query_commands_do_not_grow_with_other_users_data(
    api, other_api, user, other_user, count_mongo_commands
):
    _library(user, api, 2)
    before = _query_commands(api, count_mongo_commands)
    _library(other_user, other_api, 6)
    assert _query_commands(api, count_mongo_commands) == before
    assert {hit["book_id"] for hit in hits(api, "cormorant")} <= {
        str(pk) for pk in user.books.values_list("pk", flat=True)
    }


def test_reindex_search_rebuilds_the_index(api, user, other_user, book):
    save_content(api, book, "ch1", "<p>Guillemot.</p>")
    theirs = make_book(other_user, title="Fulmar")
    SearchEntry.objects.all().delete()
    out = StringIO()
    call_command("reindex_search", "--user", user.email, stdout=out)
    assert "1 book" in out.getvalue()
    assert SearchEntry.objects.filter(book_id=book.pk, kind="content").exists()
    assert not SearchEntry.objects.filter(book_id=theirs.pk).exists()
    call_command("reindex_search", "--all", stdout=out)
    assert SearchEntry.objects.filter(book_id=theirs.pk, kind="title").exists()


def test_reindex_search_removes_entries_of_books_that_are_gone(book):
    from search.services import books_reindex

    books_reindex(books=[book])
    orphan = SearchEntry.objects.filter(book_id=book.pk).first()
    from bson import ObjectId

    SearchEntry.objects.filter(pk=orphan.pk).update(book_id=ObjectId(), key="gone:title")
    call_command("reindex_search", "--all", stdout=StringIO())
    assert not SearchEntry.objects.filter(key="gone:title").exists()


def test_answer_saved_through_the_service_is_found(user, api, book):
    from tests.questions.conftest import generate

    question = generate(api, book, "ch2", count=3)[0]
    hits(api, "kittiwake")  # index current before the answer exists
    response_save(
        question=Question.objects.get(pk=question["id"]),
        user=user,
        response_text="A kittiwake nests there.",
        status="completed",
    )
    assert where(hits(api, "kittiwake")) == [("answer", "ch2")]

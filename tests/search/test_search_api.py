"""GET /search: what is found, where it lives, how it is ranked and cut, and what is refused."""

import pytest
from django.urls import reverse

from books.models import Book
from questions.models import Question
from questions.services import response_save
from tests.search.conftest import hits, make_book, save_content, search, where

pytestmark = pytest.mark.django_db


def test_every_field_is_found_with_where_it_lives(api, user, book):
    Book.objects.filter(pk=book.pk).update(summary="Ada keeps the zephyr lamp burning.")
    book.refresh_from_db()
    book.title = "Zephyr Nights"
    book.save()
    save_content(api, book, "ch1-1", "<p>The zephyr blew all night.</p>")
    results = hits(api, "zephyr")
    assert sorted(where(results)) == [
        ("content", "ch1-1"),
        ("summary", None),
        ("title", None),
    ]
    content = next(hit for hit in results if hit["field"] == "content")
    assert content["book_id"] == str(book.pk)
    assert content["book_title"] == "Zephyr Nights"
    assert content["chapter_title"] == "A Storm Arrives"
    assert content["question_id"] is None
    assert where(hits(api, "lighthouse")) == [("chapter_title", "ch1")]
    assert where(hits(api, "keeps light")) == [("chapter_description", "ch1")]
    assert where(hits(api, "novel")) == [("description", None)]


def test_ranking_puts_titles_before_chapter_titles_before_content(api, user):
    content_book = make_book(user, title="Plain", description="")
    save_content(api, content_book, "ch2", "<p>A beacon, another beacon, a third beacon.</p>")
    chapter_book = make_book(user, title="Other", description="")
    toc = chapter_book.toc
    toc["chapters"][1]["title"] = "The Beacon"
    Book.objects.filter(pk=chapter_book.pk).update(toc=toc)
    title_book = make_book(user, title="Beacon", description="")
    results = hits(api, "beacon")
    assert [(hit["book_id"], hit["field"]) for hit in results] == [
        (str(title_book.pk), "title"),
        (str(chapter_book.pk), "chapter_title"),
        (str(content_book.pk), "content"),
    ]
    assert results[0]["score"] > results[1]["score"] > results[2]["score"]
    assert results[2]["matches"] == 3


def test_more_matches_in_a_field_rank_higher(api, user, book):
    save_content(api, book, "ch1", "<p>" + "otter " * 3 + "and the sea.</p>")
    save_content(api, book, "ch2", "<p>An otter swam past the rocks and the sea.</p>")
    assert where(hits(api, "otter")) == [("content", "ch1"), ("content", "ch2")]


def test_snippet_marks_matches_and_escapes_the_text(api, book):
    words = " ".join(f"w{n}" for n in range(60))
    escaped = "Fish &amp; &lt;b&gt;Kraken&lt;/b&gt; <em>kraken</em>"
    save_content(api, book, "ch1", f"<p>{words} {escaped} {words}</p>")
    (hit,) = hits(api, "kraken")
    snippet = hit["snippet"]
    assert "&amp; &lt;b&gt;<mark>Kraken</mark>&lt;/b&gt; <mark>kraken</mark>" in snippet
    assert "<em>" not in snippet  # markup of the content is not text
    assert snippet.startswith("…") and snippet.endswith("…")
    assert hit["matches"] == 2


def test_phrase_words_must_be_consecutive(api, book):
    save_content(api, book, "ch1", "<p>The red dragon slept.</p>")
    save_content(api, book, "ch2", "<p>A dragon, red with rage, woke.</p>")
    results = hits(api, '"red dragon"')
    assert where(results) == [("content", "ch1")]
    assert "<mark>red</mark> <mark>dragon</mark>" in results[0]["snippet"]
    assert sorted(where(hits(api, "red dragon"))) == [("content", "ch1"), ("content", "ch2")]


def test_prefix_matches_the_words_it_begins(api, book):
    save_content(api, book, "ch1", "<p>Dragons everywhere.</p>")
    save_content(api, book, "ch2", "<p>A drake, not a dragon.</p>")
    assert sorted(where(hits(api, "drag*"))) == [("content", "ch1"), ("content", "ch2")]
    assert where(hits(api, "dragon")) == [("content", "ch2")]
    assert where(hits(api, '"a drag*"')) == [("content", "ch2")]
    assert where(hits(api, '"dragons every"')) == []
    assert where(hits(api, '"dragons every*"')) == [("content", "ch1")]
    assert where(hits(api, "d*")) == []  # a one-letter prefix is the word "d"


def test_case_and_accents_are_ignored(api, book):
    save_content(api, book, "ch1", "<p>She ate an Éclair at the CAFÉ.</p>")
    assert where(hits(api, "eclair")) == [("content", "ch1")]
    assert where(hits(api, "ÉCLAIR cafe")) == [("content", "ch1")]
    assert "<mark>Éclair</mark>" in hits(api, "ecl*")[0]["snippet"]


def test_interview_answers_are_found_by_everyone_who_reads_the_book(
    api, other_api, user, other_user, book
):
    """An answer is the book's: a collaborator finds the one the owner saved, the owner finds
    the one a collaborator saved, and a stranger finds neither."""
    from books.services.collaborators import collaborator_add
    from tests.conftest import bearer_client
    from tests.factories import UserFactory
    from tests.questions.conftest import generate

    editor = UserFactory()
    collaborator_add(book=book, email=editor.email, role="editor", actor_role="owner")
    collaborator_add(book=book, email=other_user.email, role="viewer", actor_role="owner")
    first, second = generate(api, book, "ch1", count=3)[:2]
    response_save(
        question=Question.objects.get(pk=first["id"]),
        user=user,
        response_text="My grandmother's quilt inspired it.",
        status="draft",
    )
    response_save(
        question=Question.objects.get(pk=second["id"]),
        user=editor,
        response_text="The quilt hung by the lamp.",
        status="draft",
    )
    for client in (api, other_api, bearer_client(editor)):
        found = hits(client, "quilt")
        assert sorted(hit["question_id"] for hit in found) == sorted([first["id"], second["id"]])
        assert {(hit["field"], hit["chapter_id"]) for hit in found} == {("answer", "ch1")}
        assert {hit["chapter_title"] for hit in found} == {"The Lighthouse Keeper"}
    assert hits(bearer_client(UserFactory()), "quilt") == []


def test_another_users_data_is_never_returned(api, other_api, user, other_user, book):
    theirs = make_book(other_user, title="Secret Walrus")
    save_content(other_api, theirs, "ch1", "<p>walrus walrus</p>")
    assert hits(api, "walrus") == []
    save_content(api, book, "ch1", "<p>A walrus of my own.</p>")
    assert [hit["book_id"] for hit in hits(api, "walrus")] == [str(book.pk)]
    assert {hit["book_id"] for hit in hits(other_api, "walrus")} == {str(theirs.pk)}


def test_books_shared_with_the_caller_are_searched(api, other_api, user, other_user):
    from books.services.collaborators import collaborator_add

    theirs = make_book(other_user, title="Shared Narwhal")
    assert hits(api, "narwhal") == []
    collaborator_add(book=theirs, email=user.email, role="viewer", actor_role="owner")
    assert [hit["book_id"] for hit in hits(api, "narwhal")] == [str(theirs.pk)]


def test_book_id_limits_the_search_to_one_readable_book(api, other_user, user, book):
    second = make_book(user, title="Keeper Two")
    assert len(hits(api, "keeper")) >= 2
    assert {hit["book_id"] for hit in hits(api, "keeper", book_id=str(second.pk))} == {
        str(second.pk)
    }
    theirs = make_book(other_user, title="Keeper Three")
    for book_id in (str(theirs.pk), "not-an-id", "65f1c0ffee0ddba11ad0beef"):
        response = search(api, "keeper", book_id=book_id)
        assert response.status_code == 404, book_id
        assert response.json()["code"] == "book_not_found"


def test_limit_caps_the_results_and_total_counts_them(api, user):
    for n in range(4):
        make_book(user, title=f"Puffin {n}", description="")
    response = search(api, "puffin", limit=2)
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 2 and body["total"] == 4 and body["query"] == "puffin"


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "   "}, {"q": "?!…"}, {"q": "x" * 201}, {"q": "a", "limit": 0},
     {"q": "a", "limit": 51}, {"q": "a", "limit": "many"}],
)  # fmt: skip
def test_bad_queries_are_422(api, book, params):
    response = api.get(reverse("search"), params)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"


def test_search_needs_authentication(anon):
    assert anon.get(reverse("search"), {"q": "x"}).status_code == 401


def test_search_is_rate_limited(api, book, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/60"}
    assert [search(api, "keeper").status_code for _ in range(3)] == [200, 200, 429]

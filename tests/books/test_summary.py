"""Book summary (GET/PUT/PATCH with history), book-level question responses and readiness."""

import threading

import pytest
from bson import ObjectId
from django.urls import reverse

from books.models import Book
from books.services.summary import book_summary_update
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

SUMMARY = "A young wizard discovers a hidden world of magic and danger."
OTHER = "An old sailor tells the story of a voyage that changed his life."


def summary_url(book_id):
    return reverse("book-summary", kwargs={"book_id": str(book_id)})


def responses_url(book_id):
    return reverse("book-question-responses", kwargs={"book_id": str(book_id)})


def readiness_url(book_id):
    return reverse("book-toc-readiness", kwargs={"book_id": str(book_id)})


@pytest.fixture
def book(user):
    return BookFactory(owner=user)


# --- summary -----------------------------------------------------------------------------------


def test_get_summary_of_new_book(api, book):
    response = api.get(summary_url(book.pk))
    assert response.status_code == 200
    assert response.json() == {"summary": "", "summary_history": []}


@pytest.mark.parametrize("method", ["put", "patch"])
def test_save_summary_then_history_keeps_previous(api, book, method):
    first = getattr(api, method)(summary_url(book.pk), {"summary": SUMMARY}, format="json")
    assert first.status_code == 200
    assert first.json() == {"summary": SUMMARY, "summary_history": []}
    second = getattr(api, method)(summary_url(book.pk), {"summary": OTHER}, format="json")
    body = second.json()
    assert body["summary"] == OTHER
    assert [entry["summary"] for entry in body["summary_history"]] == [SUMMARY]
    assert body["summary_history"][0]["timestamp"]
    assert api.get(summary_url(book.pk)).json() == body
    book.refresh_from_db()
    assert book.summary == OTHER and book.summary_version == 2


def test_saving_the_same_summary_adds_no_history(api, book):
    api.put(summary_url(book.pk), {"summary": SUMMARY}, format="json")
    body = api.put(summary_url(book.pk), {"summary": SUMMARY}, format="json").json()
    assert body["summary_history"] == []


def test_history_keeps_the_last_20(api, book):
    texts = [f"Summary number {i:02d} of a book about many things." for i in range(23)]
    for text in texts:
        assert api.put(summary_url(book.pk), {"summary": text}, format="json").status_code == 200
    body = api.get(summary_url(book.pk)).json()
    assert body["summary"] == texts[-1]
    assert [entry["summary"] for entry in body["summary_history"]] == texts[2:22]


@pytest.mark.parametrize("method", ["put", "patch"])
@pytest.mark.parametrize(
    ("summary", "code", "detail"),
    [
        ("x" * 29, "summary_too_short", "Summary must be at least 30 characters."),
        ("x" * 2001, "summary_too_long", "Summary must be at most 2000 characters."),
        (
            "This story has a BASTARD villain in it, really.",
            "summary_inappropriate",
            "Summary contains inappropriate language.",
        ),
        (12345, "summary_required", None),
    ],
)
def test_summary_rules_are_the_same_on_put_and_patch(api, book, method, summary, code, detail):
    response = getattr(api, method)(summary_url(book.pk), {"summary": summary}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    if detail:
        assert body["detail"] == detail
    book.refresh_from_db()
    assert book.summary is None


def test_offensive_word_check_is_whole_word_any_case(api, book):
    rude = "The villain makes a real Dick move in chapter two of this tale."
    response = api.put(summary_url(book.pk), {"summary": rude}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "summary_inappropriate"
    clean = "A Dickensian tale set in Scunthorpe about class and ambition."
    assert api.put(summary_url(book.pk), {"summary": clean}, format="json").status_code == 200


def test_summary_boundaries_are_accepted(api, book):
    for text in ("y" * 30, "z" * 2000):
        assert api.put(summary_url(book.pk), {"summary": text}, format="json").status_code == 200


def test_put_without_summary_is_400(api, book):
    for body in ({}, {"summary": None}, {"summary": "   "}):
        response = api.put(summary_url(book.pk), body, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == "Summary is required and must be a string."


def test_patch_without_summary_changes_nothing(api, book):
    api.put(summary_url(book.pk), {"summary": SUMMARY}, format="json")
    for body in ({}, {"summary": None}):
        response = api.patch(summary_url(book.pk), body, format="json")
        assert response.status_code == 200
        assert response.json() == {"summary": SUMMARY, "summary_history": []}


@pytest.mark.parametrize("method", ["get", "put", "patch"])
def test_summary_ownership_and_ids(api, other_api, book, method):
    body = {"summary": SUMMARY}
    assert getattr(other_api, method)(summary_url(book.pk), body, format="json").status_code == 403
    for bad in ("nope", str(ObjectId())):
        assert getattr(api, method)(summary_url(bad), body, format="json").status_code == 404
    # ownership is checked before the body: a bad summary on another user's book is 403
    if method != "get":
        bad_body = {"summary": "short"}
        response = getattr(other_api, method)(summary_url(book.pk), bad_body, format="json")
        assert response.status_code == 403


def test_summary_requires_authentication(anon, book):
    assert anon.get(summary_url(book.pk)).status_code == 401
    assert anon.put(summary_url(book.pk), {"summary": SUMMARY}, format="json").status_code == 401


def test_stale_summary_save_retries_and_keeps_the_intermediate_text(api, book):
    """A save that read the book before another save landed must not drop that save's text."""
    stale = Book.objects.only("owner_id", "summary", "summary_history", "summary_version").get(
        pk=book.pk
    )
    api.put(summary_url(book.pk), {"summary": SUMMARY}, format="json")  # lands in between
    book_summary_update(book=stale, summary=OTHER)
    book.refresh_from_db()
    assert book.summary == OTHER
    assert [entry["summary"] for entry in book.summary_history] == [SUMMARY]
    assert book.summary_version == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_summary_saves_lose_no_history(user):
    book = BookFactory(owner=user)
    texts = [f"Concurrent summary number {i} with enough characters." for i in range(5)]
    barrier = threading.Barrier(len(texts))
    errors = []

    def save(text):
        from django.db import connection

        try:
            barrier.wait()
            current = Book.objects.only(
                "owner_id", "summary", "summary_history", "summary_version"
            ).get(pk=book.pk)
            book_summary_update(book=current, summary=text)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    book.refresh_from_db()
    # five saves: every text is either current or in the history, none lost
    seen = [entry["summary"] for entry in book.summary_history] + [book.summary]
    assert sorted(seen) == sorted(texts)
    assert book.summary_version == 5


# --- question responses ------------------------------------------------------------------------

ANSWERS = [
    {"question": "Who is the hero?", "answer": "A wizard."},
    {"question": "Where?", "answer": "A castle.", "extra": "dropped"},
]


def test_responses_not_provided(api, book):
    response = api.get(responses_url(book.pk))
    assert response.status_code == 200
    assert response.json() == {"responses": [], "status": "not_provided"}


def test_put_responses_then_get(api, book):
    book.clarifying_questions = {"questions": ["Who?"], "status": "pending"}
    book.save(update_fields=["clarifying_questions"])
    response = api.put(responses_url(book.pk), {"responses": ANSWERS}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"book_id", "responses_saved", "answered_at", "ready_for_toc_generation"}
    assert body["book_id"] == str(book.pk) and body["responses_saved"] == 2
    assert body["ready_for_toc_generation"] is True
    stored = api.get(responses_url(book.pk)).json()
    assert stored["status"] == "completed"
    assert stored["answered_at"] == body["answered_at"]
    assert stored["responses"] == [
        {"question": "Who is the hero?", "answer": "A wizard."},
        {"question": "Where?", "answer": "A castle."},
    ]
    book.refresh_from_db()
    assert book.clarifying_questions == {"questions": ["Who?"], "status": "answered"}


def test_put_responses_without_questions_writes_no_empty_questions(api, book):
    response = api.put(responses_url(book.pk), {}, format="json")
    assert response.status_code == 200 and response.json()["responses_saved"] == 0
    book.refresh_from_db()
    assert book.clarifying_questions is None
    assert book.question_responses["status"] == "completed"


@pytest.mark.parametrize(
    ("responses", "detail"),
    [
        ("text", "Responses must be provided as a list"),
        (["text"], "Response 0 must be an object"),
        ([{"question": "Q"}], "Response 0 must contain 'question' and 'answer' fields"),
        ([ANSWERS[0], {"question": "Q", "answer": "  "}], "Answer for question 1 cannot be empty"),
        ([{"question": "Q", "answer": 5}], "Response 0: 'question' and 'answer' must be strings"),
    ],
)
def test_put_responses_rules_are_400(api, book, responses, detail):
    response = api.put(responses_url(book.pk), {"responses": responses}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == detail
    book.refresh_from_db()
    assert book.question_responses is None


@pytest.mark.parametrize("method", ["get", "put"])
def test_responses_ownership_and_ids(api, other_api, anon, book, method):
    body = {"responses": ANSWERS}
    response = getattr(other_api, method)(responses_url(book.pk), body, format="json")
    assert response.status_code == 403
    assert getattr(api, method)(responses_url("bad"), body, format="json").status_code == 404
    assert getattr(anon, method)(responses_url(book.pk), body, format="json").status_code == 401


# --- readiness -----------------------------------------------------------------------------------


def test_readiness_without_analysis(api, book):
    words = " ".join(["word"] * 30)
    api.put(summary_url(book.pk), {"summary": words + " " + "x" * 40}, format="json")
    response = api.get(readiness_url(book.pk))
    assert response.status_code == 200
    assert response.json() == {
        "is_ready_for_toc": False,
        "confidence_score": 0.0,
        "analysis": "Summary analysis not yet completed. Please run analysis first.",
        "suggestions": ["Run summary analysis to get readiness assessment"],
        "word_count": 31,
        "character_count": len(words) + 41,
        "meets_minimum_requirements": True,
    }


def test_readiness_uses_stored_analysis(api, book):
    book.summary = SUMMARY
    book.summary_analysis = {
        "is_ready_for_toc": True,
        "confidence_score": 0.9,
        "analysis": "Good",
        "suggestions": ["More conflict"],
        "meets_minimum_requirements": True,
        "analyzed_at": "2026-01-01T00:00:00+00:00",
    }
    book.save(update_fields=["summary", "summary_analysis"])
    body = api.get(readiness_url(book.pk)).json()
    assert body == {
        "is_ready_for_toc": True,
        "confidence_score": 0.9,
        "analysis": "Good",
        "suggestions": ["More conflict"],
        "word_count": len(SUMMARY.split()),
        "character_count": len(SUMMARY),
        "meets_minimum_requirements": True,
    }


def test_readiness_ownership_and_ids(api, other_api, anon, book):
    assert other_api.get(readiness_url(book.pk)).status_code == 403
    assert api.get(readiness_url(str(ObjectId()))).status_code == 404
    assert anon.get(readiness_url(book.pk)).status_code == 401

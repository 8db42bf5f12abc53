"""PUT/GET .../questions/{question_id}/response and POST .../questions/{question_id}/rating."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from questions.models import Question, QuestionRating, QuestionResponse
from questions.services import response_save
from tests.questions.conftest import generate, make_book, question_url

pytestmark = pytest.mark.django_db

RESPONSE = "question-response"
RATING = "question-rating"
UNKNOWN_ID = "65f1c0ffee0ddba11ad0beef"


def put(api, book, question_id, body, chapter_id="ch1"):
    return api.put(question_url(RESPONSE, book, question_id, chapter_id), body, format="json")


# --- PUT response --------------------------------------------------------------------------------


def test_first_save_creates_the_response(api, book, user, questions):
    question = questions[0]
    response = put(
        api,
        book,
        question["id"],
        {"response_text": "Ada climbs  the\nstairs", "status": "completed", "word_count": 99},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True and body["message"] == "Response saved successfully"
    saved = body["response"]
    assert set(saved) == {
        "id",
        "question_id",
        "user_id",
        "response_text",
        "word_count",
        "status",
        "created_at",
        "updated_at",
        "last_edited_at",
        "version",
        "metadata",
    }
    assert saved["question_id"] == question["id"] and saved["user_id"] == str(user.pk)
    assert saved["version"] == 1  # 0 is "no answer yet"
    assert saved["response_text"] == "Ada climbs  the\nstairs"
    assert saved["word_count"] == 4  # recomputed, the client's 99 is ignored
    assert saved["status"] == "completed"
    assert saved["metadata"] == {"edit_history": []}
    assert QuestionResponse.objects.get().response_text == "Ada climbs  the\nstairs"
    assert AuditLog.objects.filter(action="question_response_create", target_id=saved["id"])


def test_update_keeps_one_response_and_records_history(api, book, questions):
    question_id = questions[0]["id"]
    first = put(api, book, question_id, {"response_text": "one two three"}).json()["response"]
    assert first["status"] == "draft"  # default
    second = put(api, book, question_id, {"response_text": "one", "status": "completed"})
    assert second.status_code == 200
    updated = second.json()["response"]
    assert updated["id"] == first["id"] and updated["created_at"] == first["created_at"]
    assert updated["word_count"] == 1 and updated["status"] == "completed"
    history = updated["metadata"]["edit_history"]
    assert len(history) == 1 and history[0]["word_count"] == 3
    assert QuestionResponse.objects.count() == 1
    audit = AuditLog.objects.get(action="question_response_update")
    assert audit.changes == {"status": ["draft", "completed"], "word_count": [3, 1]}
    fetched = api.get(question_url(RESPONSE, book, question_id)).json()["response"]
    assert fetched == updated


def test_edit_history_keeps_the_newest_50(book, user):
    question = Question.objects.create(
        chapter_document=_chapter_document(book),
        book=book,
        chapter_id="ch1",
        user=user,
        question_text="What happens on the first night?",
        question_type="plot",
    )
    for words in range(1, 56):
        response, created = response_save(
            question=question, user=user, response_text="w " * words, status="draft"
        )
        assert created is (words == 1)
    history = QuestionResponse.objects.get().edit_history
    assert len(history) == 50
    # entries hold the previous word count: the newest 50 are the counts 5..54
    assert [entry["word_count"] for entry in history] == list(range(5, 55))
    assert response.word_count == 55


def _chapter_document(book):
    from books.services.toc import chapter_document_ensure

    return chapter_document_ensure(book=book, chapter_id="ch1")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "response_text"),
        ({"response_text": ""}, "response_text"),
        ({"response_text": "   \n\t "}, "response_text"),
        ({"response_text": None}, "response_text"),
        ({"response_text": "fine", "status": "published"}, "status"),
        ({"response_text": "x" * 100_001}, "response_text"),
    ],
)
def test_response_validation(api, book, questions, body, field):
    response = put(api, book, questions[0]["id"], body)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not QuestionResponse.objects.exists()


@pytest.mark.parametrize("question_id", [UNKNOWN_ID, "not-an-id"])
def test_unknown_or_malformed_question_is_404(api, book, questions, question_id):
    response = put(api, book, question_id, {"response_text": "text"})
    assert response.status_code == 404
    assert response.json()["code"] == "question_not_found"
    assert api.get(question_url(RESPONSE, book, question_id)).status_code == 404


def test_question_of_another_chapter_is_404(api, book, questions):
    other = generate(api, book, "ch2", count=3)[0]
    response = put(api, book, other["id"], {"response_text": "text"})  # path says ch1
    assert response.status_code == 404
    assert response.json()["code"] == "question_not_found"
    assert not QuestionResponse.objects.exists()


def test_question_of_another_book_is_404(api, user, book, questions):
    second = make_book(user)
    response = put(api, second, questions[0]["id"], {"response_text": "text"})
    assert response.status_code == 404


def test_response_access_control(api, other_api, anon, book, questions):
    question_id = questions[0]["id"]
    assert put(anon, book, question_id, {"response_text": "x"}).status_code == 401
    forbidden = put(other_api, book, question_id, {"response_text": "x"})
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "not_book_owner"
    assert other_api.get(question_url(RESPONSE, book, question_id)).status_code == 403
    assert anon.get(question_url(RESPONSE, book, question_id)).status_code == 401
    assert put(api, book, question_id, {"response_text": "x"}, chapter_id="ch9").status_code == 404
    url = reverse(
        RESPONSE,
        kwargs={"book_id": UNKNOWN_ID, "chapter_id": "ch1", "question_id": question_id},
    )
    assert api.put(url, {"response_text": "x"}, format="json").status_code == 404
    assert not QuestionResponse.objects.exists()


def test_get_response_without_one(api, book, questions):
    response = api.get(question_url(RESPONSE, book, questions[0]["id"]))
    assert response.status_code == 200
    assert response.json() == {"response": None, "has_response": False, "success": True}


def test_get_response_with_one(api, book, questions):
    put(api, book, questions[0]["id"], {"response_text": "hello there"})
    body = api.get(question_url(RESPONSE, book, questions[0]["id"])).json()
    assert body["has_response"] is True and body["response"]["response_text"] == "hello there"
    assert api.get(question_url(RESPONSE, book, questions[1]["id"])).json()["response"] is None


# --- ratings -------------------------------------------------------------------------------------


def rate(api, book, question_id, body):
    return api.post(question_url(RATING, book, question_id), body, format="json")


def test_rating_create_then_update(api, book, user, questions):
    question_id = questions[0]["id"]
    first = rate(
        api,
        book,
        question_id,
        {"rating": 4, "feedback": "Useful", "question_id": "ignored", "user_id": "ignored"},
    )
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["success"] is True and body["message"] == "Question rated successfully"
    created = body["rating"]
    assert set(created) == {
        "id",
        "question_id",
        "user_id",
        "rating",
        "feedback",
        "created_at",
        "updated_at",
    }
    assert created["question_id"] == question_id and created["user_id"] == str(user.pk)
    assert (created["rating"], created["feedback"]) == (4, "Useful")
    second = rate(api, book, question_id, {"rating": 2}).json()["rating"]
    assert second["id"] == created["id"]
    assert second["created_at"] == created["created_at"]  # kept on update
    assert (second["rating"], second["feedback"]) == (2, None)
    assert QuestionRating.objects.count() == 1
    assert AuditLog.objects.filter(action="question_rating_create").count() == 1
    assert AuditLog.objects.get(action="question_rating_update").changes["rating"] == [4, 2]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "rating"),
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "good"}, "rating"),
        ({"rating": 3, "feedback": "x" * 2001}, "feedback"),
    ],
)
def test_rating_validation(api, book, questions, body, field):
    response = rate(api, book, questions[0]["id"], body)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert not QuestionRating.objects.exists()


def test_rating_access_control_and_unknown_question(api, other_api, anon, book, questions):
    question_id = questions[0]["id"]
    assert rate(anon, book, question_id, {"rating": 5}).status_code == 401
    assert rate(other_api, book, question_id, {"rating": 5}).status_code == 403
    unknown = rate(api, book, UNKNOWN_ID, {"rating": 5})
    assert unknown.status_code == 404 and unknown.json()["code"] == "question_not_found"
    assert rate(api, book, "bad", {"rating": 5}).status_code == 404
    assert not QuestionRating.objects.exists()

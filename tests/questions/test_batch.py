"""POST .../questions/responses/batch."""

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from questions.models import QuestionResponse
from tests.questions.conftest import chapter_url, generate, make_book

pytestmark = pytest.mark.django_db

BATCH = "question-responses-batch"


def post(api, book, items, chapter_id="ch1"):
    return api.post(chapter_url(BATCH, book, chapter_id), items, format="json")


def test_batch_saves_new_and_updated_responses(api, book, questions):
    first = post(api, book, [{"question_id": questions[0]["id"], "response_text": "old text"}])
    assert first.status_code == 200 and first.json()["saved"] == 1
    items = [
        {"question_id": questions[0]["id"], "response_text": "new text here"},
        {"question_id": questions[1]["id"], "response_text": "done", "status": "completed"},
    ]
    response = post(api, book, items)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert (body["total"], body["saved"], body["failed"]) == (2, 2, 0)
    assert body["errors"] is None
    assert body["message"] == "Batch save completed: 2/2 responses saved successfully"
    assert body["request_id"]
    assert [r["is_update"] for r in body["results"]] == [True, False]
    assert [r["index"] for r in body["results"]] == [0, 1]
    saved = {str(r.question_id): r for r in QuestionResponse.objects.all()}
    assert saved[questions[0]["id"]].response_text == "new text here"
    assert saved[questions[0]["id"]].edit_history[0]["word_count"] == 2
    assert saved[questions[1]["id"]].status == "completed"
    assert body["results"][1]["response_id"] == str(saved[questions[1]["id"]].pk)
    audit = AuditLog.objects.filter(action="save_question_responses_batch").first()
    assert audit.target_id == "ch1" and audit.changes["saved"] == 2


def test_batch_with_valid_foreign_missing_and_invalid_items(
    api, other_api, user, book, other_book, questions
):
    other_chapter = generate(api, book, "ch2", count=3)[0]
    second_book = make_book(user)
    other_book_question = generate(api, second_book, count=3)[0]
    foreign = generate(other_api, other_book, count=3)[0]  # another user's question
    items = [
        {"question_id": questions[0]["id"], "response_text": "valid one"},
        {"question_id": foreign["id"], "response_text": "foreign user"},
        {"question_id": other_chapter["id"], "response_text": "other chapter"},
        {"question_id": other_book_question["id"], "response_text": "other book"},
        {"question_id": "65f1c0ffee0ddba11ad0beef", "response_text": "missing"},
        {"question_id": "not-an-id", "response_text": "malformed"},
        {"response_text": "no id"},
        {"question_id": questions[1]["id"]},
        {"question_id": questions[2]["id"], "response_text": "   "},
        {"question_id": questions[3]["id"], "response_text": "bad status", "status": "done"},
        {"question_id": questions[4]["id"], "response_text": "valid two", "status": "completed"},
    ]
    response = post(api, book, items)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is False
    assert (body["total"], body["saved"], body["failed"]) == (11, 2, 9)
    assert body["message"] == "Batch save completed: 2/11 responses saved successfully"
    results = body["results"]
    assert [r["index"] for r in results] == list(range(11))
    assert [r["success"] for r in results] == [True] + [False] * 9 + [True]
    errors = {r["index"]: r["error"] for r in results if not r["success"]}
    for index in (1, 2, 3, 4, 5):
        assert errors[index] == "Question not found in this chapter"
    assert errors[6] == "Missing question_id"
    assert errors[7] == "Missing response_text"
    assert errors[8] == "Missing response_text"
    assert errors[9].startswith("Invalid status")
    assert [e["index"] for e in body["errors"]] == list(range(1, 10))
    assert results[1]["question_id"] == foreign["id"]
    # nothing was saved for any failed item
    assert sorted(str(r.question_id) for r in QuestionResponse.objects.all()) == sorted(
        [questions[0]["id"], questions[4]["id"]]
    )


@pytest.mark.parametrize(
    "item",
    [
        "not an object",
        {"question_id": ["x"], "response_text": "a list as the id"},
        {"question_id": "65f1c0ffee0ddba11ad0beef", "response_text": None},
        {"question_id": "65f1c0ffee0ddba11ad0beef", "response_text": 42},
        {"question_id": "65f1c0ffee0ddba11ad0beef", "response_text": "x", "status": ["draft"]},
    ],
)
def test_batch_items_of_the_wrong_type_are_422_and_nothing_is_saved(api, book, questions, item):
    # Found by schemathesis: a body that violates the documented types was answered 200.
    valid = {"question_id": questions[0]["id"], "response_text": "valid"}
    response = post(api, book, [valid, item])
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert not QuestionResponse.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "No responses provided"),
        ({"question_id": "x", "response_text": "y"}, None),
        ("text", None),
    ],
)
def test_batch_body_must_be_a_non_empty_array(api, book, questions, body, message):
    response = post(api, book, body)
    assert response.status_code == 422
    if message:
        assert [e["message"] for e in response.json()["errors"]] == [message]


def test_batch_limit_is_100(api, book, questions):
    item = {"question_id": questions[0]["id"], "response_text": "same text"}
    too_many = post(api, book, [item] * 101)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["message"] == (
        "Batch size exceeds maximum of 100 responses"
    )
    assert not QuestionResponse.objects.exists()
    exactly = post(api, book, [item] * 100)
    assert exactly.status_code == 200 and exactly.json()["saved"] == 100
    assert QuestionResponse.objects.count() == 1
    assert len(QuestionResponse.objects.get().edit_history) == 50


def test_batch_access_control(api, other_api, anon, book, questions):
    items = [{"question_id": questions[0]["id"], "response_text": "text"}]
    assert post(anon, book, items).status_code == 401
    assert post(other_api, book, items).status_code == 403
    assert post(api, book, items, chapter_id="ch9").status_code == 404
    url = reverse(BATCH, kwargs={"book_id": "65f1c0ffee0ddba11ad0beef", "chapter_id": "ch1"})
    assert api.post(url, items, format="json").status_code == 404
    assert not QuestionResponse.objects.exists()

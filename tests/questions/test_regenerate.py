"""POST .../regenerate-questions?preserve_responses=..."""

import json

import pytest
from django.urls import reverse

from accounts.models import AuditLog
from questions.models import Question, QuestionRating, QuestionResponse
from tests.questions.conftest import chapter_url, generate, question_url

pytestmark = pytest.mark.django_db

REGENERATE = "chapter-regenerate-questions"


def regenerate(api, book, body=None, chapter_id="ch1", **params):
    url = chapter_url(REGENERATE, book, chapter_id)
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return api.post(url, body or {}, format="json")


def answer(api, book, question, status="draft"):
    url = question_url("question-response", book, question["id"], question["chapter_id"])
    response = api.put(url, {"response_text": "an answer", "status": status}, format="json")
    assert response.status_code == 200


def rate(api, book, question):
    url = question_url("question-rating", book, question["id"])
    assert api.post(url, {"rating": 5}, format="json").status_code == 200


def test_preserve_keeps_answered_and_replaces_unanswered(api, book, questions):
    answer(api, book, questions[1], "completed")
    answer(api, book, questions[3])
    rate(api, book, questions[0])  # unanswered but rated: replaced, its rating goes with it
    response = regenerate(api, book, preserve_responses="true")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["preserved_count"], body["new_count"], body["total"]) == (2, 3, 5)
    assert len(body["questions"]) == 3
    old_ids = {q["id"] for q in questions}
    assert not old_ids & {q["id"] for q in body["questions"]}
    assert [q["order"] for q in body["questions"]] == [5, 6, 7]  # after the preserved ones
    remaining = set(map(str, Question.objects.values_list("pk", flat=True)))
    assert remaining == {questions[1]["id"], questions[3]["id"]} | {
        q["id"] for q in body["questions"]
    }
    assert QuestionResponse.objects.count() == 2
    assert not QuestionRating.objects.exists()
    listed = api.get(chapter_url("question-list", book)).json()
    assert listed["total"] == 5
    audit = AuditLog.objects.get(action="regenerate_questions")
    assert audit.changes["preserve_responses"] is True
    assert audit.changes["deleted_count"] == 3 and audit.changes["preserved_count"] == 2


def test_preserve_is_the_default(api, book, questions):
    answer(api, book, questions[0])
    body = regenerate(api, book).json()
    assert body["preserved_count"] == 1
    assert Question.objects.filter(pk=questions[0]["id"]).exists()


def scripted_questions(fake_openai, count=3):
    items = [
        {"question_text": f"What does Ada notice on watch number {n}?", "question_type": "plot"}
        for n in range(count)
    ]
    fake_openai.reply(json.dumps(items))


def test_preserve_with_everything_answered_generates_nothing(api, book, fake_openai):
    scripted_questions(fake_openai)
    questions = generate(api, book, count=3)
    for question in questions:
        answer(api, book, question)
    calls = fake_openai.calls
    body = regenerate(api, book, preserve_responses="true").json()
    assert body["questions"] == [] and body["new_count"] == 0
    assert body["preserved_count"] == 3 and body["total"] == 3
    assert body["provider"] is None
    assert fake_openai.calls == calls  # the provider was not asked
    assert Question.objects.count() == 3


def test_without_preserve_everything_is_replaced(api, book, questions):
    answer(api, book, questions[0], "completed")
    rate(api, book, questions[0])
    response = regenerate(api, book, {"count": 4, "focus": ["theme"]}, preserve_responses="false")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["preserved_count"], body["new_count"], body["total"]) == (0, 4, 4)
    assert {q["question_type"] for q in body["questions"]} == {"theme"}
    assert [q["order"] for q in body["questions"]] == [1, 2, 3, 4]
    assert set(map(str, Question.objects.values_list("pk", flat=True))) == {
        q["id"] for q in body["questions"]
    }
    assert not QuestionResponse.objects.exists()
    assert not QuestionRating.objects.exists()


def test_regenerate_only_touches_its_chapter(api, book, questions):
    others = generate(api, book, "ch2", count=3)
    answer(api, book, others[0])
    regenerate(api, book, preserve_responses="false")
    assert Question.objects.filter(chapter_id="ch2").count() == 3
    assert QuestionResponse.objects.count() == 1


def test_failed_generation_leaves_old_questions_in_place(api, book, fake_openai):
    scripted_questions(fake_openai)
    questions = generate(api, book, count=3)
    answer(api, book, questions[0], "completed")
    rate(api, book, questions[1])
    before = sorted(map(str, Question.objects.values_list("pk", flat=True)))
    fake_openai.fail(500, times=10)
    calls = fake_openai.calls
    response = regenerate(api, book, preserve_responses="false")
    assert response.status_code == 503
    assert response.json()["code"] == "ai_service_unavailable"
    assert fake_openai.calls - calls == 3  # the provider really was asked, and retried
    assert sorted(map(str, Question.objects.values_list("pk", flat=True))) == before
    assert QuestionResponse.objects.count() == 1 and QuestionRating.objects.count() == 1
    assert not AuditLog.objects.filter(action="regenerate_questions").exists()


def test_invalid_input_is_422(api, book, questions):
    bad_flag = regenerate(api, book, preserve_responses="maybe")
    assert bad_flag.status_code == 422
    assert bad_flag.json()["errors"][0]["field"] == "preserve_responses"
    bad_count = regenerate(api, book, {"count": 0})
    assert bad_count.status_code == 422
    assert Question.objects.count() == 5


def test_regenerate_access_control(api, other_api, anon, book, questions):
    assert regenerate(anon, book).status_code == 401
    assert regenerate(other_api, book).status_code == 403
    assert regenerate(api, book, chapter_id="ch9").status_code == 404
    url = reverse(REGENERATE, kwargs={"book_id": "65f1c0ffee0ddba11ad0beef", "chapter_id": "x"})
    assert api.post(url, {}, format="json").status_code == 404
    assert Question.objects.count() == 5


def test_regenerate_is_rate_limited_two_per_window(api, book, questions, reference_limits):
    assert regenerate(api, book, preserve_responses="false").status_code == 200
    assert regenerate(api, book, preserve_responses="false").status_code == 200
    limited = regenerate(api, book, preserve_responses="false")
    assert limited.status_code == 429

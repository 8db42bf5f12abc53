"""POST /books/{id}/chapters/{chapter_id}/generate-questions."""

import json

import pytest

from accounts.models import AuditLog
from questions.models import Question
from tests.questions.conftest import chapter_url, generate, make_book

pytestmark = pytest.mark.django_db

URL = "chapter-generate-questions"


def test_generate_default_count_shape_and_storage(api, book, user):
    response = api.post(chapter_url(URL, book), {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "questions",
        "generation_id",
        "total",
        "preserved_count",
        "new_count",
        "fallback_count",
        "provider",
    }
    assert body["total"] == 10 and len(body["questions"]) == 10
    assert body["provider"] == "offline"
    assert body["preserved_count"] is None and body["new_count"] is None
    first = body["questions"][0]
    assert set(first) == {
        "id",
        "book_id",
        "chapter_id",
        "question_text",
        "question_type",
        "difficulty",
        "category",
        "order",
        "metadata",
        "generated_at",
        "is_fallback",
        "regeneration_count",
        "has_response",
        "response_status",
    }
    assert first["regeneration_count"] == 0
    assert first["book_id"] == str(book.pk) and first["chapter_id"] == "ch1"
    assert first["category"] == "development"
    assert first["has_response"] is False and first["response_status"] == "not_answered"
    assert set(first["metadata"]) == {"suggested_response_length", "help_text", "examples"}
    assert first["metadata"]["suggested_response_length"] == "200-300 words"
    assert "The Lighthouse Keeper" in " ".join(q["question_text"] for q in body["questions"])
    assert [q["order"] for q in body["questions"]] == list(range(1, 11))
    stored = Question.objects.filter(book=book, chapter_id="ch1", user=user)
    assert stored.count() == 10
    # generated_at is stored and equals what the API returned
    one = stored.get(pk=first["id"])
    assert one.generated_at.isoformat().replace("+00:00", "Z") == first["generated_at"]
    assert one.chapter_document.chapter_id == "ch1"
    audit = AuditLog.objects.get(action="generate_questions", target_id="ch1")
    assert audit.actor_id == str(user.pk)
    assert audit.changes["questions_generated"] == 10
    assert audit.changes["book_id"] == str(book.pk)


@pytest.mark.parametrize(("count", "produced"), [(1, 3), (3, 3), (7, 7), (20, 20), (50, 20)])
def test_count_is_clamped_to_3_to_20(api, book, count, produced):
    assert len(generate(api, book, count=count)) == produced


def test_null_count_means_default(api, book):
    assert len(generate(api, book, count=None)) == 10


def test_difficulty_and_focus(api, book):
    questions = generate(api, book, count=4, difficulty="hard", focus=["plot", "theme", "plot"])
    assert {q["question_type"] for q in questions} == {"plot", "theme"}
    assert {q["difficulty"] for q in questions} == {"hard"}
    assert {q["metadata"]["suggested_response_length"] for q in questions} == {"300-500 words"}


def test_new_questions_are_appended_after_existing_ones(api, book, user):
    generate(api, book, count=3)
    second = generate(api, book, count=3)
    assert [q["order"] for q in second] == [4, 5, 6]
    assert Question.objects.filter(book=book, chapter_id="ch1").count() == 6


def test_subchapter_questions(api, book):
    questions = generate(api, book, "ch1-1", count=3)
    assert {q["chapter_id"] for q in questions} == {"ch1-1"}
    assert "A Storm Arrives" in " ".join(q["question_text"] for q in questions)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"count": 0}, "count"),
        ({"count": 51}, "count"),
        ({"count": "many"}, "count"),
        ({"difficulty": "extreme"}, "difficulty"),
        ({"focus": ["romance"]}, "focus.0"),
        ({"focus": "plot"}, "focus"),
    ],
)
def test_validation_errors_are_422(api, book, body, field):
    response = api.post(chapter_url(URL, book), body, format="json")
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "validation_error"
    assert field in [error["field"] for error in data["errors"]]
    assert not Question.objects.exists()


def test_body_that_is_not_an_object_is_422(api, book):
    response = api.post(chapter_url(URL, book), [1, 2], format="json")
    assert response.status_code == 422


def test_malformed_json_is_400(api, book):
    response = api.generic("POST", chapter_url(URL, book), "{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_requires_authentication(anon, book):
    response = anon.post(chapter_url(URL, book), {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_other_users_book_is_403(other_api, book):
    response = other_api.post(chapter_url(URL, book), {}, format="json")
    assert response.status_code == 403
    assert not Question.objects.exists()


@pytest.mark.parametrize("book_id", ["not-an-id", "65f1c0ffee0ddba11ad0beef"])
def test_missing_or_malformed_book_is_404(api, book_id):
    from django.urls import reverse

    url = reverse(URL, kwargs={"book_id": book_id, "chapter_id": "ch1"})
    response = api.post(url, {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "book_not_found"


def test_chapter_not_in_toc_is_404(api, book):
    response = api.post(chapter_url(URL, book, "ch9"), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "chapter_not_found"
    assert not Question.objects.exists()


def test_book_without_toc_is_404(api, user):
    from tests.factories import BookFactory

    bare = BookFactory(owner=user)
    response = api.post(chapter_url(URL, bare), {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "chapter_not_found"


def test_rate_limited_after_three_per_window(api, book, reference_limits):
    for _ in range(3):
        assert api.post(chapter_url(URL, book), {"count": 3}, format="json").status_code == 200
    response = api.post(chapter_url(URL, book), {"count": 3}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


# --- real provider (fake OpenAI-compatible server) ------------------------------------------------


def ai_items(*texts, kind="plot"):
    return json.dumps(
        [
            {
                "question_text": text,
                "question_type": kind,
                "difficulty": "easy",
                "help_text": "Think it through.",
                "examples": ["An example"],
            }
            for text in texts
        ]
    )


def test_provider_questions_are_used_and_prompt_names_the_chapter(api, book, fake_openai):
    texts = [f"What does Ada see from the lamp room on night {n}?" for n in range(1, 4)]
    fake_openai.reply(ai_items(*texts))
    response = api.post(chapter_url(URL, book), {"count": 3}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provider"] == "openai" and body["fallback_count"] == 0
    assert [q["question_text"] for q in body["questions"]] == texts
    assert all(q["is_fallback"] is False for q in body["questions"])
    assert body["questions"][0]["metadata"]["suggested_response_length"] == "100-200 words"
    prompt = fake_openai.prompt()
    assert "The Lighthouse Keeper" in prompt and "The Keeper of Light" in prompt
    assert "Generate 3" in prompt


def test_too_few_usable_questions_are_filled_from_templates(api, book, fake_openai):
    good = "How does Ada feel when the lamp fails for the first time?"
    fake_openai.reply(ai_items(good, "Too short", good, kind="character"))  # 1 usable
    response = api.post(chapter_url(URL, book), {"count": 5, "focus": ["setting"]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    questions = body["questions"]
    assert len(questions) == 5 and body["fallback_count"] == 4
    assert questions[0]["question_text"] == good and questions[0]["is_fallback"] is False
    assert all(q["is_fallback"] is True for q in questions[1:])
    assert {q["question_type"] for q in questions[1:]} == {"setting"}
    assert len({q["question_text"] for q in questions}) == 5
    assert Question.objects.filter(is_fallback=True).count() == 4


def test_unusable_provider_answer_falls_back_to_templates(api, book, fake_openai):
    fake_openai.reply("I cannot help with that")
    response = api.post(chapter_url(URL, book), {"count": 3}, format="json")
    assert response.status_code == 200, response.content
    questions = response.json()["questions"]
    assert len(questions) == 3 and all(q["is_fallback"] for q in questions)
    assert all("The Lighthouse Keeper" in q["question_text"] for q in questions)


def test_provider_failure_is_503_and_stores_nothing(api, book, fake_openai):
    fake_openai.fail(500, times=10)
    response = api.post(chapter_url(URL, book), {"count": 3}, format="json")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "ai_service_unavailable" and body["retryable"] is True
    assert fake_openai.calls == 3  # retried, then gave up
    assert not Question.objects.exists()
    assert not AuditLog.objects.filter(action="generate_questions").exists()


def test_questions_are_per_book(api, user, book):
    second = make_book(user)
    generate(api, book, count=3)
    generate(api, second, count=4)
    assert Question.objects.filter(book=book).count() == 3
    assert Question.objects.filter(book=second).count() == 4


def test_provider_items_are_validated_and_completed(api, book, fake_openai):
    items = [
        {"question_text": "What does the shit storm do to Ada's lamp?", "question_type": "plot"},
        {"question_text": "How   does Ada\nprepare for the night watch?", "question_type": "x"},
        {"question_text": "How does Ada prepare for the night watch?", "question_type": "plot"},
        {"question_text": "Why does Ada stay on the island?", "difficulty": "impossible"},
        {"question_text": "x" * 1001},
        "not an object",
    ]
    fake_openai.reply(json.dumps(items))
    response = api.post(
        chapter_url(URL, book),
        {"count": 4, "difficulty": "easy", "focus": ["theme"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    questions = response.json()["questions"]
    assert [q["is_fallback"] for q in questions] == [False, False, True, True]
    first, second = questions[0], questions[1]
    assert first["question_text"] == "How does Ada prepare for the night watch?"
    assert first["question_type"] == "theme"  # unknown type: the focus list's next type
    assert second["question_text"] == "Why does Ada stay on the island?"
    assert second["difficulty"] == "easy"  # unknown difficulty: the requested one
    assert all("shit" not in q["question_text"] for q in questions)

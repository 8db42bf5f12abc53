"""AI authoring endpoints through the HTTP API: the offline provider (no key configured) and the
real openai client against the local fake server for the error mappings."""

import json

import pytest
from django.urls import reverse

from books.models import Book, Chapter
from tests.factories import BookFactory

SUMMARY = (
    "Beekeeping on city rooftops for complete beginners. The book starts with hive placement and "
    "permits, then covers colony inspections, swarm prevention and honey harvests. It ends with "
    "seasonal checklists and stories from neighbours who learned to love the bees."
)
ANSWERS = [
    {"question": "Who is the reader?", "answer": "Apartment dwellers with access to a flat roof."},
    {
        "question": "Which examples will you use?",
        "answer": "Varroa mite treatment in my first winter and a failed queen introduction.",
    },
]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    """Tests below call an endpoint more often than its production limit allows."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        **{
            scope: "100/60"
            for scope in (
                "analyze_summary",
                "clarifying_questions",
                "generate_toc",
                "generate_draft",
                "transform_style",
            )
        },
    }


@pytest.fixture
def book(user):
    return BookFactory(
        owner=user,
        title="Rooftop Bees",
        genre="Hobbies",
        target_audience="city beginners",
        summary=SUMMARY,
    )


def url(name, book, **kwargs):
    return reverse(name, kwargs={"book_id": str(book.pk), **kwargs})


def post(client, path, body=None):
    return client.post(path, body if body is not None else {}, format="json")


def generate_toc(api, book, body=None):
    return post(api, url("book-generate-toc", book), body or {"question_responses": ANSWERS})


def assert_ai_error(response, status, code, *, retryable):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "retryable", "retry_after", "correlation_id"}
    assert body["code"] == code and body["retryable"] is retryable
    assert len(body["correlation_id"]) == 36 and body["detail"]
    return body


# --- offline provider: every endpoint answers with input-dependent content -------------------


def test_analyze_summary_offline_stores_analysis_read_by_readiness(api, book, offline):
    response = post(api, url("book-analyze-summary", book))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provider"] == "offline" and body["book_id"] == str(book.pk)
    analysis = body["analysis"]
    assert analysis["word_count"] == len(SUMMARY.split())
    assert analysis["character_count"] == len(SUMMARY)
    assert analysis["meets_minimum_requirements"] is True
    assert "Rooftop Bees" in analysis["analysis"]
    book.refresh_from_db()
    assert book.summary_analysis["analyzed_at"] == body["analyzed_at"]
    assert book.summary_analysis["is_ready_for_toc"] == analysis["is_ready_for_toc"]
    readiness = api.get(url("book-toc-readiness", book)).json()
    assert readiness["analysis"] == analysis["analysis"]
    assert readiness["confidence_score"] == analysis["confidence_score"]


def test_analyze_summary_requires_summary(api, user, offline):
    empty = BookFactory(owner=user, summary="")
    response = post(api, url("book-analyze-summary", empty))
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Book summary is required for analysis",
        "code": "summary_required",
    }
    empty.refresh_from_db()
    assert empty.summary_analysis is None


def test_clarifying_questions_offline_name_the_book_and_are_stored(api, book, offline):
    response = post(api, url("book-generate-questions", book), {"num_questions": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provider"] == "offline" and body["total_questions"] == 5
    assert all("Rooftop Bees" in question for question in body["questions"])
    assert any("city beginners" in question for question in body["questions"])
    book.refresh_from_db()
    assert book.clarifying_questions["questions"] == body["questions"]
    assert book.clarifying_questions["status"] == "pending"
    assert book.clarifying_questions["generated_at"] == body["generated_at"]


@pytest.mark.parametrize("value", [None, 9, 2, "5", True])
def test_clarifying_question_count_out_of_range_means_four(api, book, offline, value):
    body = {} if value is None else {"num_questions": value}
    response = post(api, url("book-generate-questions", book), body)
    assert response.status_code == 200
    assert response.json()["total_questions"] == 4


def test_generate_toc_offline_derives_from_summary_and_answers(api, book, offline):
    response = generate_toc(api, book)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provider"] == "offline" and body["success"] is True
    assert body["version"] == 1 and body["status"] == "generated"
    chapters = body["toc"]["chapters"]
    assert body["chapters_count"] == len(chapters) >= 3
    text = json.dumps(chapters).lower()
    assert "hive placement" in text and "swarm prevention" in text  # from the summary
    assert "varroa" in text or "queen introduction" in text  # from the answers
    assert [chapter["id"] for chapter in chapters][:2] == ["ch1", "ch2"]
    stored = api.get(url("book-toc", book)).json()
    assert stored["version"] == 1 and stored["status"] == "generated"
    assert [c["title"] for c in stored["toc"]["chapters"]] == [c["title"] for c in chapters]
    assert stored["generated_at"] == body["generated_at"]


def test_generate_toc_uses_stored_answers_and_increments_version(api, book, offline):
    book.question_responses = {"responses": ANSWERS, "status": "completed"}
    book.save()
    first = post(api, url("book-generate-toc", book))
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 1
    second = post(api, url("book-generate-toc", book), {"expected_version": 1})
    assert second.status_code == 200, second.content
    assert second.json()["version"] == 2  # never reset to 1
    # a regenerated TOC gets fresh chapter ids: nothing of the replaced chapters carries over
    first_ids = {c["id"] for c in first.json()["toc"]["chapters"]}
    assert first_ids.isdisjoint({c["id"] for c in second.json()["toc"]["chapters"]})
    book.refresh_from_db()
    assert book.toc_version == 2


def test_generate_toc_stale_expected_version_is_409(api, book, offline):
    assert generate_toc(api, book).status_code == 200
    response = generate_toc(api, book, {"question_responses": ANSWERS, "expected_version": 0})
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    assert response.json()["current_version"] == 1
    book.refresh_from_db()
    assert book.toc_version == 1


def test_generate_toc_refuses_to_drop_content_unless_overwrite(api, book, offline):
    first = generate_toc(api, book).json()
    chapter_id = first["toc"]["chapters"][1]["id"]
    saved = api.patch(
        reverse("chapter-content", kwargs={"book_id": str(book.pk), "chapter_id": chapter_id}),
        {"content": "<p>Two hives fit on a small roof.</p>"},
        format="json",
    )
    assert saved.status_code == 200, saved.content
    refused = generate_toc(api, book)
    assert refused.status_code == 409
    assert refused.json()["code"] == "toc_has_content"
    assert refused.json()["chapters_with_content"] == [chapter_id]
    book.refresh_from_db()
    assert book.toc_version == 1
    assert Chapter.objects.get(book=book, chapter_id=chapter_id).content.startswith("<p>Two")

    replaced = generate_toc(api, book, {"question_responses": ANSWERS, "overwrite": True})
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["version"] == 2
    assert not Chapter.objects.filter(book=book, chapter_id=chapter_id).exists()
    assert all(c["content"] == "" for c in replaced.json()["toc"]["chapters"])


def test_empty_editor_markup_is_not_content(api, book, offline):
    first = generate_toc(api, book).json()
    chapter_id = first["toc"]["chapters"][0]["id"]
    Chapter.objects.filter(book=book, chapter_id=chapter_id).update(content="<p></p>")
    assert generate_toc(api, book).status_code == 200


def test_generate_toc_preconditions(api, user, book, offline):
    no_answers = post(api, url("book-generate-toc", book))
    assert no_answers.status_code == 400
    assert no_answers.json()["detail"] == "Question responses are required for TOC generation"
    no_summary = BookFactory(owner=user, summary=None)
    response = generate_toc(api, no_summary)
    assert response.status_code == 400
    assert response.json()["detail"] == "Book summary is required for TOC generation"
    bad_item = generate_toc(api, book, {"question_responses": [{"question": "Q?"}]})
    assert bad_item.status_code == 400
    assert bad_item.json()["detail"] == "Response 0 must contain 'question' and 'answer' fields"
    book.refresh_from_db()
    assert book.toc is None and book.toc_version == 0


def test_generate_draft_offline_uses_answers_and_can_be_saved(api, book, offline):
    chapter_id = generate_toc(api, book).json()["toc"]["chapters"][1]["id"]
    draft_url = url("chapter-generate-draft", book, chapter_id=chapter_id)
    preview = post(api, draft_url, {"question_responses": ANSWERS, "target_length": 800})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["provider"] == "offline" and body["saved"] is False
    assert body["content_version"] is None
    for item in ANSWERS:
        assert item["answer"] in body["draft"]
    assert body["metadata"]["target_length"] == 800
    assert body["metadata"]["word_count"] == len(body["draft"].split())
    assert body["metadata"]["model_used"] and body["suggestions"]
    # a preview writes nothing: the chapter has no document (no write yet)
    assert not Chapter.objects.filter(book=book, chapter_id=chapter_id).exists()

    saved = post(
        api, draft_url, {"question_responses": ANSWERS, "save": True, "expected_version": 0}
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["saved"] is True and saved.json()["content_version"] == 1
    stored = Chapter.objects.get(book=book, chapter_id=chapter_id)
    assert stored.content == saved.json()["draft"] and stored.version == 1
    assert stored.word_count == len(stored.content.split())

    stale = post(
        api, draft_url, {"question_responses": ANSWERS, "save": True, "expected_version": 0}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict" and stale.json()["current_version"] == 1


def test_generate_draft_validation(api, book, offline):
    chapter_id = generate_toc(api, book).json()["toc"]["chapters"][0]["id"]
    draft_url = url("chapter-generate-draft", book, chapter_id=chapter_id)
    missing = post(api, draft_url, {})
    assert missing.status_code == 400
    assert missing.json()["detail"] == (
        "Question responses are required for draft generation. Please provide Q&A pairs."
    )
    bad = post(api, draft_url, {"question_responses": [{"question": "Q"}]})
    assert bad.status_code == 400
    assert bad.json()["detail"] == "Each question response must have 'question' and 'answer' fields"
    unknown = post(
        api, url("chapter-generate-draft", book, chapter_id="nope"), {"question_responses": ANSWERS}
    )
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Chapter not found in table of contents"
    lenient = post(api, draft_url, {"question_responses": ANSWERS, "target_length": 50})
    assert lenient.json()["metadata"]["target_length"] == 2000


def test_transform_style_offline(api, book, offline):
    transform_url = url("chapter-transform-style", book, chapter_id="any")
    response = post(
        api,
        transform_url,
        {"content": "We're keeping 3 hives. Don't open them in rain.", "target_style": "academic"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["transformed"] == "We are keeping 3 hives. Do not open them in rain."
    assert body["provider"] == "offline"
    assert body["metadata"]["style_label"] == "Academic"
    assert body["metadata"]["original_word_count"] == 9
    bad_style = post(api, transform_url, {"content": "Text", "target_style": "poetic"})
    assert bad_style.status_code == 400
    assert bad_style.json()["detail"].startswith("Unsupported writing style: 'poetic'.")
    empty = post(api, transform_url, {"content": "   ", "target_style": "academic"})
    assert empty.status_code == 400
    assert empty.json()["detail"] == "Content is required for style transformation."


# --- ownership, authentication, validation, rate limits --------------------------------------


ENDPOINTS = [
    ("book-analyze-summary", {}),
    ("book-generate-questions", {}),
    ("book-generate-toc", {}),
    ("chapter-generate-draft", {"chapter_id": "ch1"}),
    ("chapter-transform-style", {"chapter_id": "ch1"}),
]


@pytest.mark.parametrize("name,extra", ENDPOINTS)
def test_access_rules(api, other_api, anon, book, offline, name, extra):
    path = url(name, book, **extra)
    assert post(anon, path).status_code == 401
    forbidden = post(other_api, path)
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "not_book_owner"
    assert forbidden.json()["detail"].startswith("Not authorized to ")
    for book_id in ("not-an-id", "0123456789abcdef01234567"):
        missing = post(api, reverse(name, kwargs={"book_id": book_id, **extra}))
        assert missing.status_code == 404
        assert missing.json()["code"] == "book_not_found"
    book.refresh_from_db()
    assert book.summary_analysis is None and book.toc is None


def test_malformed_bodies_are_422(api, book, offline):
    bad_version = generate_toc(api, book, {"expected_version": "abc"})
    assert bad_version.status_code == 422
    assert bad_version.json()["errors"][0]["field"] == "expected_version"
    bad_save = post(api, url("chapter-generate-draft", book, chapter_id="ch1"), {"save": "maybe"})
    assert bad_save.status_code == 422
    not_object = post(api, url("book-generate-questions", book), [1, 2])
    assert not_object.status_code == 422


def test_generate_toc_rate_limit(api, book, offline, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "generate_toc": "2/300"}
    assert generate_toc(api, book).status_code == 200
    assert generate_toc(api, book).status_code == 200
    limited = generate_toc(api, book)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited" and int(limited["Retry-After"]) > 0


# --- the real provider through the HTTP API ---------------------------------------------------


def test_generate_toc_through_provider_prompt_and_store(api, book, fake_openai):
    toc = {
        "chapters": [
            {"id": "ch1", "title": "Why Bees on Roofs", "description": "Intro", "subchapters": []},
            {
                "id": "ch2",
                "title": "Inspections",
                "subchapters": [{"id": "ch2-1", "title": "Mites"}, {"id": "ch2-2", "title": "Q"}],
            },
        ],
        "estimated_pages": 90,
        "structure_notes": "Seasonal",
    }
    fake_openai.reply(json.dumps(toc))
    response = generate_toc(api, book)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["provider"] == "openai" and body["version"] == 1 and body["has_subchapters"]
    assert [c["id"] for c in body["toc"]["chapters"]] == ["ch1", "ch2"]
    prompt = fake_openai.prompt()
    for text in (SUMMARY, "Rooftop Bees", "Hobbies", "city beginners"):
        assert text in prompt
    for item in ANSWERS:
        assert item["question"] in prompt and item["answer"] in prompt
    assert Book.objects.get(pk=book.pk).toc["chapters"][1]["subchapters"][0]["title"] == "Mites"


def test_malformed_toc_is_502_and_stores_nothing(api, book, fake_openai):
    fake_openai.reply('{"chapters": "none"}')
    response = generate_toc(api, book)
    assert_ai_error(response, 502, "ai_invalid_response", retryable=True)
    book.refresh_from_db()
    assert book.toc is None and book.toc_version == 0
    assert not Chapter.objects.filter(book=book).exists()


def test_upstream_rate_limit_is_429_with_retry_after(api, book, fake_openai):
    fake_openai.fail(429, headers={"Retry-After": "12"})
    response = post(api, url("book-analyze-summary", book))
    body = assert_ai_error(response, 429, "ai_rate_limit", retryable=True)
    assert body["retry_after"] == 12 and response["Retry-After"] == "12"
    book.refresh_from_db()
    assert book.summary_analysis is None


def test_upstream_500_is_retried_then_503(api, book, fake_openai, settings):
    chapter_id = "ch1"
    book.toc = {"chapters": [{"id": chapter_id, "title": "Intro", "subchapters": []}]}
    book.toc_version = 1
    book.save()
    fake_openai.fail(500, times=settings.AI_MAX_RETRIES)
    response = post(
        api,
        url("chapter-generate-draft", book, chapter_id=chapter_id),
        {"question_responses": ANSWERS, "save": True},
    )
    body = assert_ai_error(response, 503, "ai_service_unavailable", retryable=True)
    assert body["retry_after"] >= 1 and response["Retry-After"] == str(body["retry_after"])
    assert fake_openai.calls == settings.AI_MAX_RETRIES
    assert not Chapter.objects.filter(book=book, chapter_id=chapter_id, version__gt=0).exists()


def test_upstream_timeout_is_503(api, book, fake_openai, settings):
    settings.OPENAI_TIMEOUT_SECONDS = 0.2
    settings.AI_MAX_RETRIES = 1
    fake_openai.reply("too late", delay=2)
    response = post(
        api,
        url("chapter-transform-style", book, chapter_id="ch1"),
        {"content": "Some text.", "target_style": "technical"},
    )
    assert_ai_error(response, 503, "ai_network_error", retryable=True)


def test_upstream_bad_request_is_400(api, book, fake_openai):
    fake_openai.fail(400, message="maximum context length")
    response = post(api, url("book-generate-questions", book))
    body = assert_ai_error(response, 400, "ai_invalid_request", retryable=False)
    assert body["retry_after"] is None and "Retry-After" not in response
    book.refresh_from_db()
    assert book.clarifying_questions is None


def test_identical_question_request_is_served_from_cache(api, book, fake_openai):
    fake_openai.reply("1. Which roofs are safe?\n2. How many hives?\n3. Which season?\n4. Cost?")
    first = post(api, url("book-generate-questions", book))
    second = post(api, url("book-generate-questions", book))
    assert first.status_code == second.status_code == 200
    assert first.json()["questions"] == second.json()["questions"]
    assert second.json()["provider"] == "openai"
    assert fake_openai.calls == 1
    assert "exactly 4 clarifying questions" in fake_openai.prompt()


def test_truncated_style_transform_is_reported(api, book, fake_openai):
    fake_openai.reply("Cut off", finish_reason="length")
    response = post(
        api,
        url("chapter-transform-style", book, chapter_id="ch1"),
        {"content": "Long text.", "target_style": "creative"},
    )
    body = assert_ai_error(response, 400, "ai_invalid_request", retryable=False)
    assert "shorter section" in body["detail"]

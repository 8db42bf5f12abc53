"""The provider layer (`autoauthor.ai`) with the real openai client against a local fake server."""

import copy
import json

import pytest
from django.conf import settings as django_settings

from autoauthor.ai import (
    AIInvalidRequest,
    AIInvalidResponse,
    AINetworkError,
    AIRateLimit,
    AIServiceUnavailable,
    ai,
)
from autoauthor.ai.cache import cache_key
from autoauthor.api.exceptions import status_of

SUMMARY = (
    "Sourdough baking for busy parents: how to keep a starter alive on a weekly schedule, "
    "bake two loaves on Sunday, and troubleshoot dense crumb with simple experiments."
)
BOOK = {"title": "Weekend Sourdough", "genre": "Cooking", "target_audience": "busy parents"}
ANSWERS = [
    {"question": "Who is the reader?", "answer": "Parents with toddlers and no stand mixer."},
    {"question": "Which examples?", "answer": "My failed rye loaf and the overnight fridge trick."},
]
TOC_JSON = {
    "chapters": [
        {
            "id": "ch1",
            "title": "Starter Care",
            "description": "Feeding on a schedule",
            "level": 1,
            "order": 1,
            "subchapters": [
                {"id": "ch1-1", "title": "Feeding", "description": "", "level": 2, "order": 1},
                {"id": "ch1-2", "title": "Storing", "description": "", "level": 2, "order": 2},
            ],
        },
        {"id": "ch2", "title": "Sunday Bake", "description": "Two loaves", "level": 1, "order": 2},
    ],
    "total_chapters": 2,
    "estimated_pages": 120,
    "structure_notes": "From starter to loaf",
}


def assert_book_context(prompt: str):
    assert SUMMARY in prompt
    for value in BOOK.values():
        assert value in prompt


# --- successful answers ----------------------------------------------------------------------


def test_analyze_summary_parses_labelled_answer(fake_openai):
    fake_openai.reply(
        "READINESS: Ready\nCONFIDENCE: 0.82\nANALYSIS: Clear scope.\n"
        "SUGGESTIONS: Name the audience. Add examples. Mention length. Extra one."
    )
    result = ai.analyze_summary(summary=SUMMARY, **BOOK)
    assert result["provider"] == "openai"
    assert result["is_ready_for_toc"] is True
    assert result["confidence_score"] == 0.82
    assert result["analysis"] == "Clear scope."
    assert result["suggestions"] == ["Name the audience", "Add examples", "Mention length"]
    assert result["word_count"] == len(SUMMARY.split())
    assert result["character_count"] == len(SUMMARY)
    assert fake_openai.calls == 1
    assert_book_context(fake_openai.prompt())
    request = fake_openai.requests[0]
    assert request["json"]["model"] == "test-model"
    assert request["json"]["temperature"] == 0.3
    assert request["auth"] == "Bearer test"


def test_needs_work_is_not_ready(fake_openai):
    fake_openai.reply("READINESS: Needs Work\nCONFIDENCE: high\nANALYSIS: Vague.\nSUGGESTIONS:")
    result = ai.analyze_summary(summary=SUMMARY, **BOOK)
    assert result["is_ready_for_toc"] is False
    assert result["confidence_score"] == 0.5
    assert result["suggestions"] == []


def test_clarifying_questions_prompt_carries_count_and_book(fake_openai):
    fake_openai.reply(
        "Here you go:\n1. Who reads it?\n2. How long is each bake?\n- What tools are needed?\n"
        "3. Not a question.\n4. Which mistakes matter most?\n5. What about gluten-free?"
    )
    result = ai.clarifying_questions(summary=SUMMARY, count=4, **BOOK)
    assert result["questions"] == [
        "Who reads it?",
        "How long is each bake?",
        "What tools are needed?",
        "Which mistakes matter most?",
    ]
    assert result["provider"] == "openai"
    prompt = fake_openai.prompt()
    assert_book_context(prompt)
    assert "exactly 4 clarifying questions" in prompt


def test_toc_prompt_carries_answers_and_result_is_normalized(fake_openai):
    fake_openai.reply("Sure! Here is the TOC:\n```json\n" + json.dumps(TOC_JSON) + "\n```")
    result = ai.generate_toc(summary=SUMMARY, responses=ANSWERS, **BOOK)
    toc = result["toc"]
    assert result["provider"] == "openai"
    assert [c["title"] for c in toc["chapters"]] == ["Starter Care", "Sunday Bake"]
    assert [s["id"] for s in toc["chapters"][0]["subchapters"]] == ["ch1-1", "ch1-2"]
    assert toc["chapters"][1]["subchapters"] == []
    assert toc["total_chapters"] == 2 and toc["estimated_pages"] == 120
    prompt = fake_openai.prompt()
    assert_book_context(prompt)
    for item in ANSWERS:
        assert f"Q: {item['question']}\nA: {item['answer']}" in prompt
    assert "6 to 12 main chapters" in prompt


def test_toc_wrapped_in_table_of_contents_and_missing_ids(fake_openai):
    data = {"table_of_contents": {"chapters": [{"title": "One"}, {"title": "Two", "id": "x"}]}}
    fake_openai.reply(json.dumps(data))
    toc = ai.generate_toc(summary=SUMMARY, responses=ANSWERS, **BOOK)["toc"]
    assert [(c["id"], c["title"], c["order"], c["level"]) for c in toc["chapters"]] == [
        ("ch1", "One", 1, 1),
        ("x", "Two", 2, 1),
    ]
    assert toc["estimated_pages"] == 50


def test_toc_plain_numbered_list_is_accepted(fake_openai):
    fake_openai.reply("Chapter 1: Starter Basics\nChapter 2: The Sunday Bake\nThanks!")
    toc = ai.generate_toc(summary=SUMMARY, responses=ANSWERS, **BOOK)["toc"]
    assert [c["title"] for c in toc["chapters"]] == ["Starter Basics", "The Sunday Bake"]


@pytest.mark.parametrize(
    "answer",
    [
        "I cannot help with that.",
        '{"chapters": []}',
        '{"chapters": [{"title": "  "}]}',
        '{"chapters": [{"title": "Cut off", "subchapters": [',
    ],
)
def test_unusable_toc_is_invalid_response(fake_openai, answer):
    fake_openai.reply(answer)
    with pytest.raises(AIInvalidResponse) as info:
        ai.generate_toc(summary=SUMMARY, responses=ANSWERS, **BOOK)
    assert status_of(info.value) == 502
    assert info.value.code == "ai_invalid_response"
    assert fake_openai.calls == 1  # an unusable answer is not retried


def test_chapter_questions_prompt_and_parse(fake_openai):
    items = [
        {
            "question_text": "What does the starter smell like when ready?",
            "question_type": "Setting",
            "difficulty": "easy",
            "help_text": "Describe it",
            "examples": ["Like yoghurt", 3],
        },
        {"no_text": True},
    ]
    fake_openai.reply("```json\n" + json.dumps(items) + "\n```")
    result = ai.chapter_questions(
        book_title="Weekend Sourdough",
        genre="Cooking",
        target_audience="busy parents",
        chapter_title="Starter Care",
        chapter_content="<p>Feed it flour and water.</p>",
        count=7,
        difficulty="easy",
        focus=["setting", "bogus"],
    )
    assert result["questions"] == [
        {
            "question_text": "What does the starter smell like when ready?",
            "question_type": "setting",
            "difficulty": "easy",
            "help_text": "Describe it",
            "examples": ["Like yoghurt"],
        }
    ]
    prompt = fake_openai.prompt()
    assert 'Generate 7 interview-style questions about the chapter "Starter Care"' in prompt
    assert "Feed it flour and water." in prompt and "busy parents" in prompt
    assert "setting (" in prompt and "bogus" not in prompt


def test_draft_tokens_sized_to_target_and_model_from_settings(fake_openai):
    fake_openai.reply("A short draft.", times=3)
    arguments = dict(
        book_title="Weekend Sourdough",
        genre="Cooking",
        target_audience="busy parents",
        chapter_title="Starter Care",
        chapter_description="Feeding on a schedule",
        question_responses=ANSWERS,
        writing_style="warm",
    )
    result = ai.generate_draft(target_length=1500, **arguments)
    assert result == {
        "draft": "A short draft.",
        "provider": "openai",
        "model": "fake-model",
        "truncated": False,
        "cached": False,
    }
    ai.generate_draft(target_length=100, **arguments)
    ai.generate_draft(target_length=10000, **arguments)
    tokens = [request["json"]["max_tokens"] for request in fake_openai.requests]
    assert tokens[0] > 1500 and 500 <= tokens[0] <= 4000
    assert tokens[1:] == [500, 4000]
    prompt = fake_openai.prompt(0)
    assert "Approximately 1500 words" in prompt and "Writing Style: warm" in prompt
    assert "Author's Response: Parents with toddlers and no stand mixer." in prompt
    assert {request["json"]["model"] for request in fake_openai.requests} == {"test-model"}


def test_truncated_draft_is_flagged(fake_openai):
    fake_openai.reply("A draft that stops mid", finish_reason="length")
    result = ai.generate_draft(
        book_title="B",
        genre="",
        target_audience="",
        chapter_title="C",
        chapter_description="",
        question_responses=ANSWERS,
        writing_style=None,
        target_length=500,
    )
    assert result["truncated"] is True


def test_style_transform_and_truncation(fake_openai):
    fake_openai.reply("Formal text.").reply("Cut", finish_reason="length")
    result = ai.transform_style(content="hey there, it's me", target_style="professional")
    assert result["transformed"] == "Formal text." and result["style_label"] == "Professional"
    assert "hey there, it's me" in fake_openai.prompt()
    with pytest.raises(AIInvalidRequest) as info:
        ai.transform_style(content="long text", target_style="academic")
    assert "too long to transform in one pass" in info.value.detail
    assert info.value.retryable is False


# --- upstream failures -----------------------------------------------------------------------


def test_rate_limit_with_retry_after_is_not_slept_on(fake_openai):
    fake_openai.fail(429, headers={"Retry-After": "7"})
    with pytest.raises(AIRateLimit) as info:
        ai.clarifying_questions(summary=SUMMARY, count=4, **BOOK)
    error = info.value
    assert (status_of(error), error.code, error.retryable, error.retry_after) == (
        429,
        "ai_rate_limit",
        True,
        7,
    )
    assert len(error.correlation_id) == 36
    assert fake_openai.calls == 1


def test_rate_limit_without_header_is_retried(fake_openai):
    fake_openai.fail(429, times=2).reply("1. Who reads it?\n2. Why bake on Sundays?")
    result = ai.clarifying_questions(summary=SUMMARY, count=2, **BOOK)
    assert result["questions"] == ["Who reads it?", "Why bake on Sundays?"]
    assert fake_openai.calls == 3


def test_server_error_retried_max_retries_then_unavailable(fake_openai, settings):
    settings.AI_MAX_RETRIES = 4
    fake_openai.fail(500, times=4)
    with pytest.raises(AIServiceUnavailable) as info:
        ai.analyze_summary(summary=SUMMARY, **BOOK)
    assert fake_openai.calls == 4
    assert status_of(info.value) == 503 and info.value.retryable is True
    assert info.value.retry_after >= 1


def test_server_error_then_success(fake_openai):
    fake_openai.fail(503).reply("READINESS: Ready\nCONFIDENCE: 0.9\nANALYSIS: ok\nSUGGESTIONS: a")
    assert ai.analyze_summary(summary=SUMMARY, **BOOK)["is_ready_for_toc"] is True
    assert fake_openai.calls == 2


def test_timeout_is_retried_then_network_error(fake_openai, settings):
    settings.OPENAI_TIMEOUT_SECONDS = 0.2
    settings.AI_MAX_RETRIES = 2
    fake_openai.reply("too late", delay=2, times=2)
    with pytest.raises(AINetworkError) as info:
        ai.analyze_summary(summary=SUMMARY, **BOOK)
    assert fake_openai.calls == 2
    assert status_of(info.value) == 503 and info.value.retryable is True
    assert "did not answer within 0.2 seconds" in info.value.detail


def test_unreachable_provider_is_network_error(settings, closed_port):
    settings.OPENAI_API_KEY = "test"
    settings.OPENAI_BASE_URL = f"http://127.0.0.1:{closed_port}/v1"
    settings.AI_RETRY_BASE_SECONDS = 0.001
    with pytest.raises(AINetworkError) as info:
        ai.transform_style(content="text", target_style="technical")
    assert info.value.code == "ai_network_error"


def test_bad_request_is_not_retried(fake_openai):
    fake_openai.fail(400, message="context length exceeded")
    with pytest.raises(AIInvalidRequest) as info:
        ai.transform_style(content="text", target_style="technical")
    assert fake_openai.calls == 1
    assert status_of(info.value) == 400 and info.value.retryable is False
    assert info.value.retry_after is None


def test_bad_credentials_are_unavailable_not_retried(fake_openai):
    fake_openai.fail(401)
    with pytest.raises(AIServiceUnavailable) as info:
        ai.transform_style(content="text", target_style="technical")
    assert fake_openai.calls == 1 and info.value.retryable is False


@pytest.mark.parametrize(
    "body",
    [
        b"<html>proxy error</html>",
        json.dumps({"id": "x", "object": "chat.completion", "choices": []}).encode(),
        json.dumps(
            {"choices": [{"index": 0, "message": {"role": "assistant", "content": ""}}]}
        ).encode(),
    ],
)
def test_garbage_answers_are_invalid_response(fake_openai, body):
    fake_openai.raw(200, body)
    with pytest.raises(AIInvalidResponse):
        ai.analyze_summary(summary=SUMMARY, **BOOK)


def test_analysis_without_readiness_is_invalid_response(fake_openai):
    fake_openai.reply("I think it is quite good overall.")
    with pytest.raises(AIInvalidResponse):
        ai.analyze_summary(summary=SUMMARY, **BOOK)


# --- cache -----------------------------------------------------------------------------------


def test_identical_request_is_served_from_cache(fake_openai):
    fake_openai.reply(json.dumps(TOC_JSON)).reply(json.dumps(TOC_JSON))
    first = ai.generate_toc(summary=SUMMARY, responses=ANSWERS, **BOOK)
    second = ai.generate_toc(summary=SUMMARY, responses=copy.deepcopy(ANSWERS), **BOOK)
    assert fake_openai.calls == 1
    assert (first["cached"], second["cached"]) == (False, True)
    assert second["toc"] == first["toc"] and second["provider"] == "openai"
    changed = [*ANSWERS, {"question": "More?", "answer": "Yes"}]
    ai.generate_toc(summary=SUMMARY, responses=changed, **BOOK)
    assert fake_openai.calls == 2


def test_cache_key_layout_and_value_in_redis(fake_openai):
    from django.core.cache import cache

    fake_openai.reply("1. Who reads it?")
    ai.clarifying_questions(summary=SUMMARY, count=1, **BOOK)
    key = cache_key("clarifying_questions", {"summary": SUMMARY, "count": 1, **BOOK})
    assert key.startswith("ai_cache:clarifying_questions:") and len(key.split(":")[2]) == 64
    assert cache.get(key) == {"questions": ["Who reads it?"], "provider": "openai"}
    assert 0 < cache.ttl(key) <= django_settings.AI_CACHE_TTL


def test_cache_disabled_setting(fake_openai, settings):
    settings.AI_CACHE_ENABLED = False
    fake_openai.reply("1. Who reads it?", times=2)
    ai.clarifying_questions(summary=SUMMARY, count=1, **BOOK)
    ai.clarifying_questions(summary=SUMMARY, count=1, **BOOK)
    assert fake_openai.calls == 2


def test_redis_down_still_answers_uncached(fake_openai, settings, closed_port):
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = f"redis://127.0.0.1:{closed_port}/0"
    settings.CACHES = caches
    fake_openai.reply("1. Who reads it?", times=2)
    for _ in range(2):
        assert ai.clarifying_questions(summary=SUMMARY, count=1, **BOOK)["questions"] == [
            "Who reads it?"
        ]
    assert fake_openai.calls == 2


# --- offline provider ------------------------------------------------------------------------


def test_offline_is_deterministic_and_input_dependent(offline):
    first = ai.generate_toc(summary=SUMMARY, responses=ANSWERS, **BOOK)
    again = ai.generate_toc(summary=SUMMARY, responses=ANSWERS, **BOOK)
    other = ai.generate_toc(
        summary="Urban beekeeping on rooftops: hive placement, neighbours and honey harvests.",
        responses=[{"question": "Q", "answer": "Swarm control in crowded cities."}],
        **BOOK,
    )
    assert first == again
    assert first["provider"] == "offline"
    titles = " ".join(c["title"] for c in first["toc"]["chapters"]).lower()
    other_titles = " ".join(c["title"] for c in other["toc"]["chapters"]).lower()
    assert "starter" in titles or "sourdough" in titles
    assert "fridge" in titles or "rye" in titles or "toddlers" in titles  # from the answers
    assert "swarm" in other_titles and "hive" in other_titles
    questions = ai.clarifying_questions(summary=SUMMARY, count=5, **BOOK)["questions"]
    assert len(questions) == 5 and all("Weekend Sourdough" in q for q in questions)


def test_offline_transform_style_is_fact_preserving(offline):
    text = "It's 42 grams. Don't skip the salt, I'm serious."
    professional = ai.transform_style(content=text, target_style="professional")
    assert professional["transformed"] == "It is 42 grams. Do not skip the salt, I am serious."
    assert professional["provider"] == "offline"
    conversational = ai.transform_style(
        content="It is 42 grams. Do not skip it.", target_style="conversational"
    )
    assert conversational["transformed"] == "It's 42 grams. Don't skip it."

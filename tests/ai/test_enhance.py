"""AI text enhancement (`enhance-text`: clarity, grammar, tone, vocabulary) and dictation cleanup
(`enhance-transcription`) through the HTTP API: the offline provider's real edits for each type,
the rules and their order (404 chapter, 400 content/type, 422 shape), ownership, the rate limits
(10/h per user and scope), preview only (nothing stored), and the real openai client against the
local fake server (prompt, answer, what changed, error mapping)."""

import pytest
from django.urls import resolve, reverse

from accounts.models import AuditLog
from books.models import Book, Chapter
from books.rules import CONTENT_MAX_LENGTH
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db

TOC = {
    "chapters": [
        {
            "id": "ch1",
            "title": "The Lamp",
            "subchapters": [{"id": "ch1-1", "title": "The Stairs", "level": 2}],
        }
    ]
}
SCOPES = ("enhance_text", "enhance_transcription")


@pytest.fixture(autouse=True)
def _generous_rate_limits(settings):
    """Tests below call an endpoint more often than its production limit allows (except the
    rate-limit test, which puts the production values back)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **dict.fromkeys(SCOPES, "100/60")}


@pytest.fixture
def book(user):
    return BookFactory(owner=user, toc=TOC, toc_version=2)


def enhance_url(book, chapter_id="ch1", name="chapter-enhance-text"):
    return reverse(name, kwargs={"book_id": str(book.pk), "chapter_id": chapter_id})


def transcription_url(book, chapter_id="ch1"):
    return enhance_url(book, chapter_id, "chapter-enhance-transcription")


def enhance(client, book, content, enhancement_type, chapter_id="ch1"):
    body = {"content": content, "enhancement_type": enhancement_type}
    return client.post(enhance_url(book, chapter_id), body, format="json")


def clean_up(client, book, content, chapter_id="ch1"):
    return client.post(transcription_url(book, chapter_id), {"content": content}, format="json")


def kinds(body) -> dict[str, int]:
    return {change["kind"]: change["count"] for change in body["metadata"]["changes"]}


# --- the offline provider: each type does real, fact-preserving work --------------------------

GRAMMAR_IN = (
    "<p>the the lamp flickered . ada climbed the stairs ,counting each one.</p>"
    "<p>i said <strong>hello</strong> to her .</p>"
)
GRAMMAR_OUT = (
    "<p>The lamp flickered. Ada climbed the stairs, counting each one.</p>"
    "<p>I said <strong>hello</strong> to her.</p>"
)
CLARITY_IN = (
    "In order to finish, we worked late due to the fact that the deadline was near. It is "
    "important to note that the team, which had been working on the project for many months "
    "without a break, was tired, and the manager decided that everyone would take a long "
    "weekend to recover before the launch."
)
CLARITY_OUT = (
    "To finish, we worked late because the deadline was near. The team, which had been working "
    "on the project for many months without a break, was tired. The manager decided that "
    "everyone would take a long weekend to recover before the launch."
)
TONE_IN = "<p>I think that it's a great plan!!! We don't know yet. It's been a long year.</p>"
TONE_OUT = "<p>It is a great plan! We do not know yet. It's been a long year.</p>"
VOCABULARY_IN = "<p>The results were very good. Very bad weather came. It was really important.</p>"
VOCABULARY_OUT = "<p>The results were excellent. Terrible weather came. It was crucial.</p>"


@pytest.mark.parametrize(
    "enhancement_type,label,content,expected,changes",
    [
        (
            "grammar",
            "Grammar",
            GRAMMAR_IN,
            GRAMMAR_OUT,
            {"spacing": 4, "doubled_word": 1, "capital_i": 1, "sentence_case": 2},
        ),
        (
            "clarity",
            "Clarity",
            CLARITY_IN,
            CLARITY_OUT,
            {"redundant_phrase": 3, "long_sentence": 1, "sentence_case": 1},
        ),
        ("tone", "Tone", TONE_IN, TONE_OUT, {"hedge": 1, "contraction": 2, "punctuation": 1}),
        ("vocabulary", "Vocabulary", VOCABULARY_IN, VOCABULARY_OUT, {"weak_word": 3}),
    ],
)
def test_each_enhancement_type_offline(
    api, book, offline, enhancement_type, label, content, expected, changes
):
    response = enhance(api, book, content, enhancement_type)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enhanced"] == expected
    assert body["success"] is True and body["provider"] == "offline"
    assert body["book_id"] == str(book.pk) and body["chapter_id"] == "ch1"
    assert body["message"] == "Text enhanced successfully"
    metadata = body["metadata"]
    assert metadata["enhancement_type"] == enhancement_type
    assert metadata["enhancement_label"] == label
    assert metadata["original_word_count"] == len(content.split())
    assert metadata["enhanced_word_count"] == len(expected.split())
    assert metadata["provider"] == "offline" and metadata["model_used"] == "offline-heuristic-v1"
    assert metadata["changed"] is True
    assert {k: v for k, v in kinds(body).items() if k in changes} == changes
    assert all(change["description"] for change in metadata["changes"])


def test_the_four_types_differ_on_the_same_text(api, book, offline):
    text = (
        "<p>i think that it's very good , and in order to win we we don't stop!!</p><p>the end</p>"
    )
    types = ("clarity", "grammar", "tone", "vocabulary")
    answers = {kind: enhance(api, book, text, kind).json()["enhanced"] for kind in types}
    assert answers == {
        "clarity": "<p>I think that it's very good, and to win we we don't stop!!</p>"
        "<p>The end</p>",
        "grammar": "<p>I think that it's very good, and in order to win we don't stop!!</p>"
        "<p>The end</p>",
        "tone": "<p>It is very good, and in order to win we we do not stop!</p><p>The end</p>",
        "vocabulary": "<p>i think that it's excellent , and in order to win we we don't stop!!</p>"
        "<p>the end</p>",
    }


def test_text_that_needs_nothing_comes_back_unchanged(api, book, offline):
    text = "<p>The lamp flickered. Ada climbed the stairs.</p>"
    body = enhance(api, book, text, "grammar").json()
    assert body["enhanced"] == text
    assert body["metadata"]["changed"] is False and body["metadata"]["changes"] == []


TRANSCRIPT_HTML = (
    "<p>um so we went to the the store and uh it was closed. I I think it was, like, a holiday. "
    "you know, the owner told us. er we left. then we went home, you know, and ate</p>"
)
CLEANED_HTML = (
    "<p>So we went to the store and it was closed. I think it was a holiday. The owner told "
    "us. We left.</p><p>Then we went home, and ate.</p>"
)


def test_transcription_cleanup_offline_html(api, book, offline):
    response = clean_up(api, book, TRANSCRIPT_HTML)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enhanced"] == CLEANED_HTML
    assert body["message"] == "Transcription cleaned up successfully"
    assert body["provider"] == "offline"
    metadata = body["metadata"]
    assert metadata["enhancement_type"] == "transcription"
    assert metadata["enhancement_label"] == "Dictation Cleanup"
    assert kinds(body) == {
        "filler": 6,
        "repeated_word": 2,
        "sentence_case": 4,
        "end_punctuation": 1,
        "paragraph": 1,
    }


def test_transcription_cleanup_offline_plain_text_paragraphs(api, book, offline):
    spoken = (
        "um we set out at dawn. the sea was calm. uh the wind rose at noon. the mast creaked. "
        "we turned back. the the harbour lights were on.\n\nnext morning i called the coastguard"
    )
    body = clean_up(api, book, spoken).json()
    assert body["enhanced"] == (
        "We set out at dawn. The sea was calm. The wind rose at noon. The mast creaked.\n\n"
        "We turned back. The harbour lights were on.\n\nNext morning I called the coastguard."
    )
    assert kinds(body)["paragraph"] == 1 and kinds(body)["filler"] == 2


def test_transcription_lines_are_sentences_of_their_paragraph(api, book, offline):
    text = "<p>we left<br>then um we went home</p><ul><li>uh oars</li></ul>"
    enhanced = clean_up(api, book, text).json()["enhanced"]
    assert enhanced == "<p>We left.<br>Then we went home.</p><ul><li>Oars</li></ul>"


def test_markup_and_meaningful_words_are_kept(api, book, offline):
    text = (
        '<h2 class="title">the plan</h2><p>you know the answer, i.e. the umbrella.</p>'
        "<pre>um   uh the the</pre><p>we had had enough of the <em>um</em>brella</p>"
        "<p>the <strong>ca</strong>t sat. um <b>Ada</b> left</p>"
    )
    body = clean_up(api, book, text).json()
    assert body["enhanced"] == (
        '<h2 class="title">The plan</h2><p>You know the answer, i.e. the umbrella.</p>'
        "<pre>um   uh the the</pre><p>We had had enough of the <em>um</em>brella.</p>"
        "<p>The <strong>ca</strong>t sat. <b>Ada</b> left.</p>"
    )


def test_sentence_case_across_inline_markup(api, book, offline):
    text = "<p>the <strong>ca</strong>t sat. then <em>ada</em> left. <b>she</b> ran.</p>"
    body = enhance(api, book, text, "grammar").json()
    assert body["enhanced"] == (
        "<p>The <strong>ca</strong>t sat. Then <em>ada</em> left. <b>She</b> ran.</p>"
    )


def test_grammar_keeps_what_only_looks_wrong(api, book, offline):
    text = "We had had enough. He said that that was fine. Buy an iPhone. see www.example.org now"
    body = enhance(api, book, text, "grammar").json()
    assert body["enhanced"] == (
        "We had had enough. He said that that was fine. Buy an iPhone. See www.example.org now"
    )


def test_nothing_is_stored(api, book, offline):
    audits = AuditLog.objects.count()
    assert enhance(api, book, GRAMMAR_IN, "grammar").status_code == 200
    assert clean_up(api, book, TRANSCRIPT_HTML).status_code == 200
    stored = Book.objects.get(pk=book.pk)
    assert stored.toc == TOC and stored.toc_version == 2
    assert not Chapter.objects.filter(book_id=book.pk).exists()
    assert AuditLog.objects.count() == audits


# --- rules and their order ---------------------------------------------------------------------


def test_chapter_must_be_in_the_toc_before_anything_else(api, book, offline):
    assert enhance(api, book, "Text.", "grammar", chapter_id="ch1-1").status_code == 200
    for response in (
        enhance(api, book, "", "nonsense", chapter_id="nope"),
        clean_up(api, book, "", chapter_id="nope"),
    ):
        assert response.status_code == 404
        assert response.json() == {
            "detail": "Chapter not found in table of contents",
            "code": "chapter_not_found",
        }
    no_toc = BookFactory(owner=book.owner)
    assert enhance(api, no_toc, "Text.", "grammar").status_code == 404


@pytest.mark.parametrize("content", ["", "   \n", "<p></p>", "<p> &nbsp; </p>"])
def test_blank_content_is_400(api, book, offline, content):
    response = enhance(api, book, content, "grammar")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Content is required for enhancement.",
        "code": "content_required",
    }
    response = clean_up(api, book, content)
    assert response.status_code == 400
    assert response.json()["detail"] == "Transcription is required for cleanup."
    missing = api.post(enhance_url(book), {"enhancement_type": "tone"}, format="json")
    assert missing.json()["code"] == "content_required"


@pytest.mark.parametrize("enhancement_type", ["seo", "", "Grammar", None])
def test_unknown_type_is_400_naming_the_valid_ones(api, book, offline, enhancement_type):
    body = {"content": "Some text."}
    if enhancement_type is not None:
        body["enhancement_type"] = enhancement_type
    response = api.post(enhance_url(book), body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"Unsupported enhancement type: '{enhancement_type or ''}'. Valid types: "
        "clarity, grammar, tone, vocabulary.",
        "code": "unsupported_enhancement_type",
    }


def test_malformed_bodies_are_422(api, book, offline):
    for url, body, field in (
        (enhance_url(book), {"content": 5, "enhancement_type": "tone"}, "content"),
        (transcription_url(book), {"content": ["text"]}, "content"),
        (enhance_url(book), {"content": "x", "enhancement_type": {"a": 1}}, "enhancement_type"),
    ):
        response = api.post(url, body, format="json")
        assert response.status_code == 422, response.content
        assert response.json()["errors"][0]["field"] == field
    assert api.post(enhance_url(book), [1, 2], format="json").status_code == 422


def test_content_over_the_chapter_limit_is_422(api, book, offline):
    response = clean_up(api, book, "a" * (CONTENT_MAX_LENGTH + 1))
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "content" and error["code"] == "max_length"


def test_a_whole_chapter_at_the_limit_is_enhanced_offline(api, book, offline):
    paragraph = "<p>the the lamp flickered . ada climbed , counting each one</p>"
    content = paragraph * (CONTENT_MAX_LENGTH // len(paragraph))
    body = clean_up(api, book, content).json()
    cleaned = "<p>The lamp flickered. Ada climbed, counting each one.</p>"
    assert body["enhanced"] == cleaned * (CONTENT_MAX_LENGTH // len(paragraph))


# --- access and limits -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["chapter-enhance-text", "chapter-enhance-transcription"])
def test_access_rules(api, other_api, anon, book, offline, name):
    body = {"content": "Text.", "enhancement_type": "grammar"}
    path = enhance_url(book, name=name)
    assert anon.post(path, body, format="json").status_code == 401
    forbidden = other_api.post(path, body, format="json")
    assert forbidden.status_code == 403
    assert forbidden.json() == {
        "detail": "Not authorized to enhance content for this book",
        "code": "not_book_owner",
    }
    for book_id in ("not-an-id", "0123456789abcdef01234567"):
        missing = api.post(
            reverse(name, kwargs={"book_id": book_id, "chapter_id": "ch1"}), body, format="json"
        )
        assert missing.status_code == 404 and missing.json()["code"] == "book_not_found"


def test_ten_per_hour_per_user_and_scope(api, other_api, other_user, book, offline, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **dict.fromkeys(SCOPES, "10/3600")}
    for _ in range(10):
        assert enhance(api, book, "Text.", "grammar").status_code == 200
    limited = enhance(api, book, "Text.", "grammar")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert 0 < int(limited["Retry-After"]) <= 3600
    assert clean_up(api, book, "um text").status_code == 200  # its own scope
    theirs = BookFactory(owner=other_user, toc=TOC)
    assert enhance(other_api, theirs, "Text.", "grammar").status_code == 200  # per user


def test_production_limits_and_ai_concurrency_scope(book):
    from autoauthor.settings.api import _DEFAULT_RATE_LIMITS

    assert {scope: _DEFAULT_RATE_LIMITS[scope] for scope in SCOPES} == dict.fromkeys(
        SCOPES, "10/3600"
    )
    for url, action in ((enhance_url(book), "enhance_text"), (transcription_url(book), None)):
        view = resolve(url).func.cls
        action = action or "enhance_transcription"
        # The AI quota and plan checks find AI actions by this scope.
        assert view.concurrency_scopes[action] == "ai"
        assert view.ratelimit_scopes[action] == action


def test_an_ai_slot_is_taken_and_given_back(api, user, book, offline, settings):
    from autoauthor.api import concurrency

    held = [
        concurrency.slot_acquire(scope="ai", ident=str(user.pk))
        for _ in range(settings.CONCURRENCY_LIMITS["ai"]["per_user"])
    ]
    for response in (enhance(api, book, "Text.", "tone"), clean_up(api, book, "um text")):
        assert response.status_code == 429, response.content
        assert response.json()["code"] == "too_many_concurrent"
    for lease in held:
        concurrency.slot_release(lease=lease)
    for _ in range(3):  # the slot of each call is released after it
        assert enhance(api, book, "Text.", "tone").status_code == 200


# --- the real provider (openai client against the fake server) ---------------------------------


def test_enhance_text_through_the_provider(api, book, fake_openai):
    fake_openai.reply("<p>The lamp flickered; Ada climbed the stairs.</p>")
    response = enhance(api, book, "<p>the lamp flickered . ada climbed the stairs.</p>", "clarity")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enhanced"] == "<p>The lamp flickered; Ada climbed the stairs.</p>"
    assert body["provider"] == "openai" and body["metadata"]["provider"] == "openai"
    assert body["metadata"]["model_used"] == "fake-model"
    assert body["metadata"]["enhancement_label"] == "Clarity"
    # "the" → "The", "flickered . ada" → "flickered; Ada": two reworded runs of words
    assert body["metadata"]["changes"] == [
        {"kind": "reworded", "count": 2, "description": "Reworded passages"}
    ]
    request = fake_openai.requests[0]["json"]
    assert request["model"] == "test-model"
    assert request["temperature"] == 0.3 and request["max_tokens"] == 4000
    prompt = fake_openai.prompt()
    assert "<p>the lamp flickered . ada climbed the stairs.</p>" in prompt
    assert "Improve this text: Clarity" in prompt and "redundant" in prompt
    assert "Preserve every fact" in prompt and "HTML" in prompt


def test_enhance_transcription_through_the_provider(api, book, fake_openai):
    fake_openai.reply("```html\n<p>We left.</p><p>Then we went home.</p>\n```")
    response = clean_up(api, book, "<p>um we left then uh we went home</p>")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enhanced"] == "<p>We left.</p><p>Then we went home.</p>"
    assert body["metadata"]["enhancement_type"] == "transcription"
    assert body["metadata"]["enhanced_word_count"] == 5
    prompt = fake_openai.prompt()
    assert "voice transcription" in prompt and '"you know"' in prompt
    assert "<p> elements" in prompt and "<p>um we left then uh we went home</p>" in prompt


def test_rules_are_checked_before_the_provider_is_called(api, book, fake_openai):
    assert enhance(api, book, "Text.", "seo").status_code == 400
    assert enhance(api, book, "Text.", "tone", chapter_id="nope").status_code == 404
    assert clean_up(api, book, "<p></p>").status_code == 400
    assert fake_openai.calls == 0


@pytest.mark.parametrize(
    "call,message",
    [
        (lambda api, book: enhance(api, book, "Long text.", "tone"), "enhancing a shorter"),
        (lambda api, book: clean_up(api, book, "long dictation"), "cleaning up a shorter"),
    ],
)
def test_truncated_answer_is_400_never_a_shortened_text(api, book, fake_openai, call, message):
    fake_openai.reply("<p>Cut", finish_reason="length")
    response = call(api, book)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "ai_invalid_request" and body["retryable"] is False
    assert message in body["detail"] and "enhanced" not in body


def test_provider_failures_are_the_ai_errors(api, book, fake_openai, settings):
    fake_openai.fail(500, times=settings.AI_MAX_RETRIES)
    unavailable = enhance(api, book, "Some text.", "grammar")
    assert unavailable.status_code == 503
    assert unavailable.json()["code"] == "ai_service_unavailable"
    assert fake_openai.calls == settings.AI_MAX_RETRIES
    fake_openai.fail(429, headers={"Retry-After": "12"})
    limited = clean_up(api, book, "um some text")
    assert limited.status_code == 429 and limited["Retry-After"] == "12"
    assert limited.json()["code"] == "ai_rate_limit"


def test_an_empty_answer_is_502_not_an_empty_chapter(api, book, fake_openai):
    fake_openai.reply("```html\n\n```")
    response = enhance(api, book, "<p>Some text.</p>", "grammar")
    assert response.status_code == 502, response.content
    assert response.json()["code"] == "ai_invalid_response"


def test_what_changed_is_counted_on_the_visible_words(offline):
    from autoauthor.ai.enhancement import diff_changes

    assert diff_changes("<p>a b c d</p>", "<p>a <b>b</b> c d</p>") == []
    assert diff_changes("a b c d", "a x c") == [
        {"kind": "reworded", "count": 1, "description": "Reworded passages"},
        {"kind": "removed", "count": 1, "description": "Removed words or passages"},
    ]
    long_text = "word " * 20001
    assert diff_changes(long_text, "word") == [
        {"kind": "rewrite", "count": 1, "description": "Rewrote the text"}
    ]

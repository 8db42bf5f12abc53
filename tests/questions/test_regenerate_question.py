"""POST .../questions/{question_id}/regenerate: one question replaced in place (same id and
order), never a duplicate of another question of the chapter, shaped by the author's rating,
at most five times (429 `regeneration_limit_reached`), with the offline provider and with the
real openai client against the fake OpenAI server of tests/ai. The last tests race two
regenerations of one question against each other."""

import json
import threading
import time

import pytest
from django.db import connections
from django.urls import resolve, reverse

from accounts.models import AuditLog
from autoauthor.ai.regeneration import question_text_key
from books.selectors import chapter_find
from questions import services
from questions.models import Question, QuestionRating, QuestionResponse
from questions.services.regeneration import _template_draft
from questions.services.templates import TEMPLATES
from tests.questions.conftest import generate, question_url

pytestmark = pytest.mark.django_db

REGENERATE = "question-regenerate"


@pytest.fixture(autouse=True)
def generous_regeneration_limit(settings):
    """2 regenerations per 3 minutes would stop the tests that regenerate more often; the
    rate-limit test puts the reference value back."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "regenerate_question": "1000/180"}


def regenerate(api, book, question_id, body=None, chapter_id="ch1"):
    url = question_url(REGENERATE, book, question_id, chapter_id)
    return api.post(url, {} if body is None else body, format="json")


def keys_of_chapter(chapter_id="ch1") -> list[str]:
    texts = Question.objects.filter(chapter_id=chapter_id).values_list("question_text", flat=True)
    return [question_text_key(text) for text in texts]


def answer(api, book, question_id, text="An answer about the keeper."):
    url = question_url("question-response", book, question_id)
    assert api.put(url, {"response_text": text}, format="json").status_code == 200


def rate(api, book, question_id, rating, feedback=None):
    url = question_url("question-rating", book, question_id)
    body = {"rating": rating, "feedback": feedback}
    assert api.post(url, body, format="json").status_code == 200


# --- offline provider -----------------------------------------------------------------------------


def test_replaces_the_question_in_place(api, book, questions):
    target = questions[2]
    response = regenerate(api, book, target["id"])
    assert response.status_code == 200, response.content
    new = response.json()
    assert (new["id"], new["order"], new["chapter_id"]) == (
        target["id"],
        target["order"],
        target["chapter_id"],
    )
    assert new["question_text"] != target["question_text"]
    assert new["question_type"] == target["question_type"]  # no focus, no low rating
    assert new["difficulty"] == target["difficulty"]
    assert new["regeneration_count"] == 1 and new["is_fallback"] is False
    assert new["has_response"] is False and new["response_status"] == "not_answered"
    assert Question.objects.count() == 5
    listed = api.get(reverse("question-list", kwargs={"book_id": book.pk, "chapter_id": "ch1"}))
    assert [q["id"] for q in listed.json()["questions"]] == [q["id"] for q in questions]
    assert listed.json()["questions"][2]["question_text"] == new["question_text"]
    assert len(set(keys_of_chapter())) == 5
    stored = Question.objects.get(pk=target["id"])
    assert stored.regeneration_history[0]["question_text"] == target["question_text"]
    audit = AuditLog.objects.get(action="regenerate_question")
    assert audit.target_id == target["id"] and audit.book_id == str(book.pk)
    assert audit.changes["regeneration_count"] == [0, 1]
    assert audit.changes["provider"] == "offline"


def test_focus_sets_the_type(api, book, questions):
    character = next(q for q in questions if q["question_type"] == "character")
    response = regenerate(api, book, character["id"], {"focus": "theme"})
    assert response.status_code == 200, response.content
    assert response.json()["question_type"] == "theme"
    assert regenerate(api, book, character["id"], {"focus": None}).status_code == 200


def test_invalid_focus_is_422_and_changes_nothing(api, book, questions):
    for body in ({"focus": "romance"}, {"focus": ["theme"]}, {"focus": 3}):
        response = regenerate(api, book, questions[0]["id"], body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == "focus"
    stored = Question.objects.get(pk=questions[0]["id"])
    assert stored.regeneration_count == 0
    assert stored.question_text == questions[0]["question_text"]
    assert regenerate(api, book, questions[0]["id"], ["theme"]).status_code == 422


def test_capped_at_five_regenerations(api, book, questions):
    target = questions[1]
    texts = {question_text_key(target["question_text"])}
    for count in range(1, 6):
        response = regenerate(api, book, target["id"])
        assert response.status_code == 200, response.content
        assert response.json()["regeneration_count"] == count
        texts.add(question_text_key(response.json()["question_text"]))
    assert len(texts) == 6  # every version differs from every earlier one
    limited = regenerate(api, book, target["id"], {"focus": "plot"})
    assert limited.status_code == 429
    body = limited.json()
    assert body["code"] == "regeneration_limit_reached" and body["regeneration_count"] == 5
    assert body["regeneration_limit"] == 5 and "maximum number of regenerations" in body["detail"]
    assert "Retry-After" not in limited  # waiting does not help: the cap is for good
    stored = Question.objects.get(pk=target["id"])
    assert stored.regeneration_count == 5 and len(stored.regeneration_history) == 5
    assert AuditLog.objects.filter(action="regenerate_question").count() == 5


def test_never_duplicates_a_question_of_the_chapter(api, book):
    generate(api, book, count=20, focus=["plot"])
    target = Question.objects.order_by("order").first()
    for _ in range(5):
        response = regenerate(api, book, target.pk, {"focus": "plot"})
        assert response.status_code == 200, response.content
        keys = keys_of_chapter()
        assert len(keys) == len(set(keys)) == 20
    history = Question.objects.get(pk=target.pk).regeneration_history
    versions = [question_text_key(item["question_text"]) for item in history]
    assert question_text_key(response.json()["question_text"]) not in versions


def test_template_fallback_when_every_template_is_taken():
    chapter = {"title": "The Lighthouse Keeper"}
    every = {
        question_text_key(text.format(title=chapter["title"]))
        for texts in TEMPLATES.values()
        for text in texts
    }
    draft = _template_draft(chapter=chapter, kind="theme", difficulty="easy", taken=every)
    assert question_text_key(draft["question_text"]) not in every
    assert draft["question_type"] == "theme" and draft["is_fallback"] is True
    taken = every | {question_text_key(draft["question_text"])}
    again = _template_draft(chapter=chapter, kind="theme", difficulty="easy", taken=taken)
    assert question_text_key(again["question_text"]) not in taken


def test_low_rating_moves_to_another_type_and_clears_the_old_answer(api, book, questions):
    target = next(q for q in questions if q["question_type"] == "plot")
    answer(api, book, target["id"])
    rate(api, book, target["id"], 1, "Too vague for a memoir chapter")
    response = regenerate(api, book, target["id"])
    assert response.status_code == 200, response.content
    new = response.json()
    assert new["question_type"] == "setting"  # the type after plot
    assert "rated 1/5" in new["metadata"]["help_text"]
    assert "Too vague for a memoir chapter" in new["metadata"]["help_text"]
    assert new["has_response"] is False
    assert not QuestionResponse.objects.filter(question_id=target["id"]).exists()
    assert not QuestionRating.objects.filter(question_id=target["id"]).exists()
    got = api.get(question_url("question-response", book, target["id"])).json()
    assert got["has_response"] is False
    entry = Question.objects.get(pk=target["id"]).regeneration_history[0]
    assert (entry["rating"], entry["feedback"]) == (1, "Too vague for a memoir chapter")
    assert entry["question_type"] == "plot"
    audit = AuditLog.objects.get(action="regenerate_question")
    assert audit.changes["response_cleared"] is True and audit.changes["rating_cleared"] is True
    progress = api.get(
        reverse("chapter-question-progress", kwargs={"book_id": book.pk, "chapter_id": "ch1"})
    ).json()
    assert progress["total"] == 5 and progress["in_progress"] == 0


def test_focus_wins_over_a_low_rating_and_a_good_rating_keeps_the_type(api, book, questions):
    plot = next(q for q in questions if q["question_type"] == "plot")
    rate(api, book, plot["id"], 2)
    assert regenerate(api, book, plot["id"], {"focus": "plot"}).json()["question_type"] == "plot"
    theme = next(q for q in questions if q["question_type"] == "theme")
    rate(api, book, theme["id"], 5)
    assert regenerate(api, book, theme["id"]).json()["question_type"] == "theme"


def test_other_questions_and_answers_are_untouched(api, book, questions):
    answer(api, book, questions[0]["id"])
    rate(api, book, questions[0]["id"], 4)
    before = {q.pk: q.question_text for q in Question.objects.exclude(pk=questions[1]["id"])}
    assert regenerate(api, book, questions[1]["id"]).status_code == 200
    after = {q.pk: q.question_text for q in Question.objects.exclude(pk=questions[1]["id"])}
    assert after == before
    assert QuestionResponse.objects.count() == 1 and QuestionRating.objects.count() == 1


def test_access_control_and_unknown_questions(api, other_api, anon, book, questions):
    target = questions[0]["id"]
    assert regenerate(anon, book, target).status_code == 401
    assert regenerate(other_api, book, target).status_code == 403
    for missing in ("65f1c0ffee0ddba11ad0beef", "not-an-id"):
        response = regenerate(api, book, missing)
        assert response.status_code == 404 and response.json()["code"] == "question_not_found"
    elsewhere = generate(api, book, "ch2", count=3)[0]["id"]
    wrong_chapter = regenerate(api, book, elsewhere, chapter_id="ch1")
    assert wrong_chapter.status_code == 404
    assert wrong_chapter.json()["code"] == "question_not_found"
    assert regenerate(api, book, target, chapter_id="ch9").json()["code"] == "chapter_not_found"
    assert not Question.objects.filter(regeneration_count__gt=0).exists()
    assert not AuditLog.objects.filter(action="regenerate_question").exists()


def test_rate_limited_two_per_window_and_an_ai_operation(api, book, questions, settings):
    settings.REDIS_ENABLED = False  # counted in process memory (see reference_limits)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "regenerate_question": "2/180"}
    assert regenerate(api, book, questions[0]["id"]).status_code == 200
    assert regenerate(api, book, questions[1]["id"]).status_code == 200
    limited = regenerate(api, book, questions[2]["id"])
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert Question.objects.get(pk=questions[2]["id"]).regeneration_count == 0
    view = resolve(question_url(REGENERATE, book, questions[0]["id"])).func.cls
    assert view.concurrency_scopes["regenerate"] == "ai"  # AI quota and plans find it so


# --- the real client against the fake OpenAI server ---------------------------------------------


def candidates(*texts, kind="theme"):
    items = [{"question_text": text, "question_type": kind, "help_text": "Why."} for text in texts]
    return json.dumps(items)


def provider_questions(api, book, fake_openai, count=3):
    texts = [f"What does Ada remember about the storm of year {n}?" for n in range(count)]
    fake_openai.reply(candidates(*texts, kind="plot"))
    return generate(api, book, count=count)


def test_provider_candidate_used_and_duplicates_skipped(api, book, fake_openai):
    questions = provider_questions(api, book, fake_openai)
    rate(api, book, questions[0]["id"], 1, "I have no children in this book")
    sibling = questions[1]["question_text"]
    fresh = "Which belief about the sea does Ada give up in this chapter?"
    fake_openai.reply(candidates(sibling.upper().replace("?", " !"), fresh))
    response = regenerate(api, book, questions[0]["id"], {"focus": "theme"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["question_text"] == fresh and body["question_type"] == "theme"
    assert body["is_fallback"] is False and fake_openai.calls == 2
    prompt = fake_openai.prompt()
    assert questions[0]["question_text"] in prompt  # the question being replaced
    assert "1/5" in prompt and "I have no children in this book" in prompt
    assert sibling in prompt and "Question type: theme" in prompt
    assert "The Lighthouse Keeper" in prompt


def test_duplicates_on_every_attempt_fall_back_to_a_template(api, book, fake_openai):
    questions = provider_questions(api, book, fake_openai)
    sibling = questions[1]["question_text"]
    fake_openai.reply(candidates(sibling, questions[0]["question_text"]), times=3)
    response = regenerate(api, book, questions[0]["id"], {"focus": "research"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert fake_openai.calls == 1 + 3  # the generation, then three regeneration attempts
    assert body["is_fallback"] is True and body["question_type"] == "research"
    assert len(set(keys_of_chapter())) == 3
    audit = AuditLog.objects.get(action="regenerate_question")
    assert audit.changes["provider_calls"] == 3 and audit.changes["provider"] == "openai"


def test_unusable_answers_fall_back_to_a_template(api, book, fake_openai):
    questions = provider_questions(api, book, fake_openai)
    fake_openai.reply("I cannot help with that", times=3)
    response = regenerate(api, book, questions[2]["id"])
    assert response.status_code == 200, response.content
    assert response.json()["is_fallback"] is True
    assert response.json()["question_type"] == "plot"


def test_provider_failure_changes_nothing(api, book, fake_openai):
    questions = provider_questions(api, book, fake_openai)
    answer(api, book, questions[0]["id"])
    fake_openai.fail(500, times=10)
    response = regenerate(api, book, questions[0]["id"])
    assert response.status_code == 503 and response.json()["code"] == "ai_service_unavailable"
    stored = Question.objects.get(pk=questions[0]["id"])
    assert stored.question_text == questions[0]["question_text"]
    assert stored.regeneration_count == 0 and stored.regeneration_history == []
    assert QuestionResponse.objects.filter(question_id=questions[0]["id"]).exists()
    assert not AuditLog.objects.filter(action="regenerate_question").exists()


# --- two regenerations of one question at once ------------------------------------------------


def race(fake_openai, settings, book, user, question_pk, replies):
    """Two regenerations of the question, both reading it before either writes: each provider
    call is held by the fake server until both have arrived. Returns both outcomes."""
    settings.OPENAI_TIMEOUT_SECONDS = 60
    for texts in replies:
        fake_openai.reply(candidates(*texts), delay=60)
    chapter = chapter_find(book=book, chapter_id="ch1", include_content=True)
    calls_before = fake_openai.calls
    outcomes = [None, None]

    def one(slot):
        try:
            question = Question.objects.get(pk=question_pk)
            outcomes[slot] = services.question_regenerate(
                book=book, chapter=chapter, question=question, user=user, focus="theme"
            )
        except services.RegenerationLimitReached as error:
            outcomes[slot] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while fake_openai.calls < calls_before + 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake_openai.calls == calls_before + 2, "both regenerations must reach the provider"
    fake_openai._released.set()  # the fake server's hold (tests/ai/fake_openai.py): let go
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_regenerations_both_count(api, user, book, fake_openai, settings):
    question = provider_questions(api, book, fake_openai)[0]
    first = ("Which promise does Ada break in this chapter, and why?",)
    second = ("What does the light mean to Ada after the storm?",)
    outcomes = race(fake_openai, settings, book, user, question["id"], [first, second])
    assert all(isinstance(o, services.RegenerationResult) for o in outcomes), outcomes
    stored = Question.objects.get(pk=question["id"])
    assert stored.regeneration_count == 2  # neither regeneration was lost
    history = [item["question_text"] for item in stored.regeneration_history]
    assert history[0] == question["question_text"]
    assert {history[1], stored.question_text} == {first[0], second[0]}
    counts = sorted(
        tuple(row.changes["regeneration_count"])
        for row in AuditLog.objects.filter(action="regenerate_question")
    )
    assert counts == [(0, 1), (1, 2)]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_regenerations_never_both_take_the_last_slot(
    api, user, book, fake_openai, settings
):
    question = provider_questions(api, book, fake_openai)[0]
    earlier = [{"question_text": f"Earlier version number {n}?"} for n in range(4)]
    Question.objects.filter(pk=question["id"]).update(
        regeneration_count=4, regeneration_history=earlier
    )
    first = ("Which promise does Ada break in this chapter, and why?",)
    second = ("What does the light mean to Ada after the storm?",)
    outcomes = race(fake_openai, settings, book, user, question["id"], [first, second])
    won = [o for o in outcomes if isinstance(o, services.RegenerationResult)]
    refused = [o for o in outcomes if isinstance(o, services.RegenerationLimitReached)]
    assert (len(won), len(refused)) == (1, 1), outcomes
    stored = Question.objects.get(pk=question["id"])
    assert stored.regeneration_count == 5 and len(stored.regeneration_history) == 5
    assert stored.question_text == won[0].question.question_text
    assert AuditLog.objects.filter(action="regenerate_question").count() == 1


def test_database_commands_do_not_grow_with_the_chapter(api, book, count_mongo_commands):
    """A regeneration costs the same number of MongoDB commands in a chapter of 3 questions as
    in one of 20 (the other questions are read with one query)."""
    sent = []
    for chapter_id, count in (("ch1", 3), ("ch2", 20)):
        target = generate(api, book, chapter_id, count=count)[1]
        with count_mongo_commands() as commands:
            response = regenerate(api, book, target["id"], chapter_id=chapter_id)
        assert response.status_code == 200, response.content
        sent.append(len(commands))
    assert sent[0] == sent[1], sent

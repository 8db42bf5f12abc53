"""AI endpoints with ?async=true: the same checks, then a job run by a real worker against the
fake OpenAI-compatible server; the job's result is the endpoint's 200 body, its error the
endpoint's error (AI codes kept)."""

import json

import pytest
from django.urls import reverse

from autoauthor.celery import app as celery_app
from books.models import Book, Chapter
from jobs.models import Job
from questions.models import Question
from tests.ai.fake_openai import FakeOpenAI
from tests.factories import BookFactory
from tests.jobs.conftest import finished, wait_for_job
from tests.servers import celery_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

SUMMARY = (
    "Beekeeping on city rooftops for complete beginners: hive placement, permits, inspections, "
    "swarm prevention and honey harvests, with seasonal checklists and neighbours' stories."
)
ANSWERS = [{"question": "Who is the reader?", "answer": "Apartment dwellers with a flat roof."}]
TOC = {
    "chapters": [
        {"id": "ch1", "title": "Why Bees on Roofs", "description": "Intro", "subchapters": []},
        {"id": "ch2", "title": "Inspections", "subchapters": [{"id": "ch2-1", "title": "Mites"}]},
    ],
    "estimated_pages": 90,
    "structure_notes": "Seasonal",
}


@pytest.fixture(scope="module")
def provider():
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ai_worker(provider, django_db_setup, django_db_blocker):
    env = {
        "OPENAI_API_KEY": "test",
        "OPENAI_BASE_URL": provider.url,
        "OPENAI_MODEL": "test-model",
        "OPENAI_TIMEOUT_SECONDS": "10",
        "AI_MAX_RETRIES": "2",
        "AI_RETRY_BASE_SECONDS": "0.01",
        "AI_CACHE_ENABLED": "false",
    }
    with django_db_blocker.unblock():
        celery_app.control.purge()
        with celery_worker(env=env, concurrency=2, name="ai") as process:
            yield process


@pytest.fixture(autouse=True)
def _fresh_script(provider):
    provider.script.clear()
    provider.requests.clear()


@pytest.fixture
def book(user):
    return BookFactory(owner=user, title="Rooftop Bees", genre="Hobbies", summary=SUMMARY)


def with_toc(book):
    book.toc = {"chapters": [{"id": "ch1", "title": "Intro", "subchapters": []}]}
    book.toc_version = 1
    book.save()
    return book


def test_generate_toc_as_a_job(ai_worker, provider, api, book):
    provider.reply(json.dumps(TOC), delay=1.5)
    path = reverse("book-generate-toc", kwargs={"book_id": str(book.pk)})
    response = api.post(f"{path}?async=true", {"question_responses": ANSWERS}, format="json")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["kind"] == "generate_toc" and job["status"] == "queued"
    assert job["params"] == {"question_responses": ANSWERS, "overwrite": False}
    seen = []
    done = wait_for_job(api, job["id"], finished, seen=seen)
    assert done["status"] == "done", done
    assert any(body["progress"]["stage"] == "waiting for the AI provider" for body in seen)
    result = done["result"]
    assert result["provider"] == "openai" and result["version"] == 1
    assert [c["id"] for c in result["toc"]["chapters"]] == ["ch1", "ch2"]
    assert result["book_id"] == str(book.pk) and result["success"] is True
    assert done["download_url"] is None
    assert Book.objects.get(pk=book.pk).toc["chapters"][1]["subchapters"][0]["title"] == "Mites"
    assert "Apartment dwellers" in provider.prompt()
    response = api.get(reverse("job-download", kwargs={"job_id": job["id"]}))
    assert response.status_code == 404 and response.json()["code"] == "job_has_no_file"


def test_generate_draft_as_a_job_saves_the_draft(ai_worker, provider, api, book):
    with_toc(book)
    draft = "The first warm morning, the hive hummed louder than the traffic below. " * 5
    provider.reply(draft.strip())
    path = reverse("chapter-generate-draft", kwargs={"book_id": str(book.pk), "chapter_id": "ch1"})
    body = {"question_responses": ANSWERS, "save": True}
    response = api.post(f"{path}?async=true", body, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["params"]["chapter_id"] == "ch1"
    done = wait_for_job(api, response.json()["id"], finished)
    assert done["status"] == "done", done
    assert done["result"]["draft"] == draft.strip()
    assert done["result"]["metadata"]["provider"] == "openai"
    stored = Chapter.objects.get(book=book, chapter_id="ch1")
    assert stored.content == draft.strip() and stored.version == 1


def test_generate_questions_as_a_job(ai_worker, provider, api, book, user):
    with_toc(book)
    texts = [f"What does the keeper check on rooftop visit number {n}?" for n in range(1, 4)]
    items = [
        {
            "question_text": text,
            "question_type": "plot",
            "difficulty": "easy",
            "help_text": "Think it through.",
            "examples": ["An example"],
        }
        for text in texts
    ]
    provider.reply(json.dumps(items))
    path = reverse(
        "chapter-generate-questions", kwargs={"book_id": str(book.pk), "chapter_id": "ch1"}
    )
    response = api.post(f"{path}?async=1", {"count": 3}, format="json")
    assert response.status_code == 202, response.content
    done = wait_for_job(api, response.json()["id"], finished)
    assert done["status"] == "done", done
    assert [q["question_text"] for q in done["result"]["questions"]] == texts
    assert done["result"]["provider"] == "openai" and done["result"]["total"] == 3
    assert Question.objects.filter(book=book, chapter_id="ch1", user=user).count() == 3


def test_provider_failure_lands_in_the_job_error(ai_worker, provider, api, book):
    provider.fail(500, times=2)
    path = reverse("book-generate-toc", kwargs={"book_id": str(book.pk)})
    response = api.post(f"{path}?async=true", {"question_responses": ANSWERS}, format="json")
    done = wait_for_job(api, response.json()["id"], finished)
    assert done["status"] == "failed", done
    error = done["error"]
    assert error["code"] == "ai_service_unavailable" and error["retryable"] is True
    assert set(error) == {"detail", "code", "retryable", "retry_after", "correlation_id"}
    assert done["result"] is None
    assert provider.calls == 2
    assert Book.objects.get(pk=book.pk).toc_version == 0


def test_async_keeps_the_endpoints_checks(api, other_api, book):
    path = reverse("book-generate-toc", kwargs={"book_id": str(book.pk)})
    response = other_api.post(f"{path}?async=true", {}, format="json")
    assert response.status_code == 403
    response = api.post(f"{path}?async=true", {"expected_version": -1}, format="json")
    assert response.status_code == 422
    response = api.post(f"{path}?async=maybe", {}, format="json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "async"
    assert not Job.objects.exists()
    # Without async (or async=false) the endpoint answers inline as before (offline provider).
    response = api.post(f"{path}?async=false", {"question_responses": ANSWERS}, format="json")
    assert response.status_code == 200 and response.json()["provider"] == "offline"
    assert not Job.objects.exists()

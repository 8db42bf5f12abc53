"""Fixtures of the chapter-question tests: a book with a two-level TOC, URL helpers and
questions generated through the API (offline provider unless a test scripts the fake OpenAI
server of tests/ai)."""

import pytest
from django.urls import reverse

from tests.ai.conftest import fake_openai  # noqa: F401 - the AI tests' fake server fixture
from tests.factories import BookFactory

TOC = {
    "chapters": [
        {
            "id": "ch1",
            "title": "The Lighthouse Keeper",
            "description": "Meet Ada, who keeps the light.",
            "level": 1,
            "order": 1,
            "subchapters": [
                {
                    "id": "ch1-1",
                    "title": "A Storm Arrives",
                    "description": "The first storm.",
                    "level": 2,
                    "order": 1,
                }
            ],
        },
        {
            "id": "ch2",
            "title": "Rescue at Dawn",
            "description": "The rescue.",
            "level": 1,
            "order": 2,
            "subchapters": [],
        },
    ],
    "total_chapters": 2,
    "estimated_pages": 40,
    "structure_notes": "",
    "status": "edited",
}


def make_book(owner, **extra):
    import copy

    return BookFactory(owner=owner, toc=copy.deepcopy(TOC), toc_version=1, **extra)


@pytest.fixture(autouse=True)
def generous_generation_limits(settings):
    """Generation is limited per user (3 per 2 min, 2 regenerations per 3 min); tests that set
    up several chapters need more. The rate-limit tests put the reference values back."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "chapter_questions_generate": "1000/120",
        "chapter_questions_regenerate": "1000/180",
    }


@pytest.fixture
def reference_limits(settings):
    """The reference's limits, counted in process memory: the test Redis database is shared
    with every other test run on this machine, and their per-test flush would reset our
    counters mid-test (the Redis counting itself is tested in tests/api)."""
    settings.REDIS_ENABLED = False
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "chapter_questions_generate": "3/120",
        "chapter_questions_regenerate": "2/180",
    }


@pytest.fixture
def book(user):
    return make_book(user, title="The Keeper of Light", genre="Fiction")


@pytest.fixture
def other_book(other_user):
    return make_book(other_user)


def chapter_url(name: str, book, chapter_id: str = "ch1", **extra) -> str:
    return reverse(name, kwargs={"book_id": str(book.pk), "chapter_id": chapter_id, **extra})


def question_url(name: str, book, question_id, chapter_id: str = "ch1") -> str:
    return chapter_url(name, book, chapter_id, question_id=str(question_id))


def generate(api, book, chapter_id: str = "ch1", **body) -> list[dict]:
    response = api.post(
        chapter_url("chapter-generate-questions", book, chapter_id), body, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["questions"]


@pytest.fixture
def questions(api, book) -> list[dict]:
    """Five questions of chapter ch1, generated through the API."""
    return generate(api, book, count=5)

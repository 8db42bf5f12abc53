"""Fixtures of the search tests: books written through the API, and a search helper."""

import copy

import pytest
from django.urls import reverse

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
                {"id": "ch1-1", "title": "A Storm Arrives", "description": "", "level": 2}
            ],
        },
        {"id": "ch2", "title": "Rescue at Dawn", "description": "", "level": 1, "order": 2},
    ]
}


def make_book(owner, **extra):
    return BookFactory(owner=owner, toc=copy.deepcopy(TOC), toc_version=1, **extra)


def save_content(api, book, chapter_id: str, content: str) -> None:
    response = api.patch(
        reverse("chapter-content", args=[str(book.pk), chapter_id]),
        {"content": content},
        format="json",
    )
    assert response.status_code == 200, response.content


def search(api, q=None, **params):
    if q is not None:
        params["q"] = q
    return api.get(reverse("search"), params)


def hits(api, q, **params) -> list[dict]:
    response = search(api, q, **params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def where(results) -> list[tuple]:
    return [(hit["field"], hit["chapter_id"]) for hit in results]


@pytest.fixture(autouse=True)
def generous_limits(settings):
    """The search limit (60/min) is tested on its own; the others write more often."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "search": "1000/60",
        "chapter_questions_generate": "1000/120",
    }


@pytest.fixture
def book(user):
    return make_book(user, title="The Keeper of Light", description="A novel about a storm.")

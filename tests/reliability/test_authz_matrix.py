"""Authorization matrix: every route of the URL conf whose pattern carries a book, chapter,
question or user id, with every method its view implements, is called with the first user's real
ids by a second user (must be 403 or 404 and show none of the first user's data) and by an
anonymous client (must be 401). Afterwards the first user's data is intact.

Routes are enumerated from `get_resolver()`, so a route added later is covered automatically; a
body that passes input validation is sent for each write (a view that validates before it checks
ownership would otherwise hide behind a 422), and the test fails when a write route has no body
listed here, so new write routes get one.
"""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.conftest import bearer_client
from tests.reliability.support import SEED_SUMMARY, SEED_TOC

ID_GROUPS = {"book_id", "chapter_id", "question_id", "user_id", "job_id"}
METHODS = ("get", "post", "put", "patch", "delete")
CONTENT = "Ada climbed the stairs of the lighthouse, counting the storms she had survived."
TITLE = "Secret Manuscript Of Author One"


def route_methods(callback) -> list[str]:
    """The HTTP methods a route's view answers: a viewset's mapped actions, else the methods of
    a plain view class."""
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return [m for m in METHODS if m in actions]
    view_class = getattr(callback, "view_class", None)
    return [m for m in METHODS if view_class is not None and hasattr(view_class, m)]


def id_routes():
    """(route name, url kwargs names, methods) for every id-carrying route, recursively."""

    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry)
            elif isinstance(entry, URLPattern):
                yield entry

    routes = []
    for entry in walk(get_resolver()):
        groups = set(entry.pattern.regex.groupindex)
        if not groups & ID_GROUPS:
            continue
        methods = route_methods(entry.callback)
        assert entry.name, f"unnamed id route {entry.pattern}"
        routes.append((entry.name, tuple(sorted(groups)), tuple(methods)))
    return routes


ROUTES = id_routes()
CASES = [(name, groups, method) for name, groups, methods in ROUTES for method in methods]


def valid_body(name: str, method: str, owner) -> tuple[object, str]:
    """A body that passes input validation for (route, method); (body, format)."""
    bodies = {
        ("user-detail", "put"): {"first_name": "Mallory"},
        ("book-detail", "put"): {"title": "Hijacked"},
        ("book-detail", "patch"): {"title": "Hijacked"},
        ("book-summary", "put"): {"summary": SEED_SUMMARY},
        ("book-summary", "patch"): {"summary": SEED_SUMMARY},
        ("book-question-responses", "put"): {
            "responses": [{"question": "Who?", "answer": "Mallory."}]
        },
        ("book-toc", "put"): {"toc": {"chapters": [{"title": "Hijacked"}]}},
        ("chapter-list", "post"): {"title": "Injected", "order": 9},
        ("chapter-tab-state", "post"): {
            "active_chapter_id": "ch1",
            "open_tab_ids": ["ch1"],
            "tab_order": ["ch1"],
        },
        ("chapter-bulk-status", "patch"): {"chapter_ids": ["ch1"], "status": "completed"},
        ("chapter-batch-content", "post"): {"chapter_ids": ["ch1", "ch2"]},
        ("chapter-detail", "put"): {"title": "Hijacked"},
        ("chapter-detail", "delete"): {},
        ("chapter-content", "patch"): {"content": "overwritten"},
        ("chapter-revision-restore", "post"): {"expected_version": 1},
        ("book-summary-revision-restore", "post"): {},
        ("book-analyze-summary", "post"): {},
        ("book-generate-questions", "post"): {},
        ("book-generate-toc", "post"): {"overwrite": True},
        ("chapter-generate-draft", "post"): {
            "question_responses": [{"question": "Who?", "answer": "Mallory."}]
        },
        ("chapter-transform-style", "post"): {"content": "Text.", "target_style": "professional"},
        ("chapter-enhance-text", "post"): {"content": "Text.", "enhancement_type": "grammar"},
        ("chapter-enhance-transcription", "post"): {"content": "um text"},
        ("chapter-generate-questions", "post"): {"count": 3},
        ("chapter-regenerate-questions", "post"): {"count": 3},
        ("question-responses-batch", "post"): [
            {"question_id": "000000000000000000000000", "response_text": "x"}
        ],
        ("question-response", "put"): {"response_text": "overwritten"},
        ("question-rating", "post"): {"rating": 1},
        ("question-regenerate", "post"): {"focus": "theme"},
        ("export-job-list", "post"): {"format": "pdf"},
        ("book-collaborator-list", "post"): {"email": "friend@example.com", "role": "editor"},
        ("book-collaborator-detail", "patch"): {"role": "viewer"},
        ("book-collaborator-detail", "delete"): None,
        ("book-transfer-ownership", "post"): {"email": "friend@example.com"},
        ("job-detail", "delete"): None,
        ("book-detail", "delete"): None,
        ("user-detail", "delete"): None,
    }
    if (name, method) == ("book-cover-image", "post"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        png = (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00"
            b"\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05"
            b"\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
        )
        return {"file": SimpleUploadedFile("c.png", png, content_type="image/png")}, "multipart"
    if method == "get":
        return None, "json"
    assert (name, method) in bodies, f"add a valid body for {method.upper()} {name}"
    return bodies[(name, method)], "json"


@pytest.fixture
def victim(user, api, settings):
    """The first user's data, created through the API: book, summary, TOC, content, questions
    with an answer and a rating, and an export job (queued: no worker runs here)."""
    settings.RATELIMIT_ENABLE = False
    settings.OPENAI_API_KEY = ""
    book = api.post(reverse("book-list"), {"title": TITLE}, format="json").json()
    book_id = book["id"]
    assert api.put(reverse("book-summary", kwargs={"book_id": book_id}), {"summary": SEED_SUMMARY},
                   format="json").status_code == 200  # fmt: skip
    assert api.put(reverse("book-toc", kwargs={"book_id": book_id}), {"toc": SEED_TOC},
                   format="json").status_code == 200  # fmt: skip
    chapter = {"book_id": book_id, "chapter_id": "ch1"}
    assert api.patch(reverse("chapter-content", kwargs=chapter), {"content": CONTENT},
                     format="json").status_code == 200  # fmt: skip
    generated = api.post(reverse("chapter-generate-questions", kwargs=chapter), {"count": 3},
                         format="json")  # fmt: skip
    assert generated.status_code == 200, generated.content
    questions = generated.json()["questions"]
    question_id = questions[0]["id"]
    answer = "My secret answer about the keeper"
    saved = api.put(
        reverse("question-response", kwargs={**chapter, "question_id": question_id}),
        {"response_text": answer},
        format="json",
    )
    assert saved.status_code == 200
    job = api.post(reverse("export-job-list", kwargs={"book_id": book_id}), {"format": "markdown"},
                   format="json")  # fmt: skip
    assert job.status_code == 202, job.content
    return {
        "kwargs": {
            "book_id": book_id,
            "chapter_id": "ch1",
            "question_id": question_id,
            "user_id": str(user.pk),
            "job_id": job.json()["id"],
            "revision": "1",  # the first revision of the content and of the summary
            "other": "1",
        },
        # Nothing of this may reach another user.
        "secrets": [
            TITLE,
            book_id,
            user.email,
            CONTENT[:40],
            answer,
            saved.json()["response"]["id"],
            job.json()["id"],
            *[q["question_text"] for q in questions],
            *[q["id"] for q in questions[1:]],
            *[c["title"] for c in SEED_TOC["chapters"]],
        ],
        "question_id": question_id,
    }


def call(client: APIClient, method: str, url: str, body, fmt: str):
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, format=fmt)


def test_matrix_covers_every_id_route():
    names = {name for name, _, _ in ROUTES}
    # A few anchors: if enumeration breaks, the matrix must not silently pass on nothing.
    assert {"book-detail", "chapter-content", "question-response", "user-detail",
            "job-detail", "job-download"} <= names  # fmt: skip
    assert len(CASES) >= 40


@pytest.mark.django_db(transaction=True)
def test_other_user_and_anonymous_are_refused_everywhere(victim, other_user, user, api):
    intruder = bearer_client(other_user)
    anonymous = APIClient()
    problems = []
    for name, groups, method in CASES:
        url = reverse(name, kwargs={g: victim["kwargs"][g] for g in groups})
        body, fmt = valid_body(name, method, user)
        response = call(intruder, method, url, body, fmt)
        text = response.content.decode(errors="replace")
        if response.status_code not in (403, 404):
            problems.append(f"{method.upper()} {name}: other user got {response.status_code}")
        leaked = [s for s in victim["secrets"] if s and s in text and s not in url]
        if leaked:
            problems.append(f"{method.upper()} {name}: other user saw {leaked}")
        if response.status_code in (403, 404):
            assert json.loads(text)["code"], text  # the one error shape
        body, fmt = valid_body(name, method, user)
        response = call(anonymous, method, url, body, fmt)
        if response.status_code != 401:
            problems.append(f"{method.upper()} {name}: anonymous got {response.status_code}")
        elif any(s in response.content.decode(errors="replace") for s in victim["secrets"][:1]):
            problems.append(f"{method.upper()} {name}: anonymous saw data")
    assert not problems, "\n".join(problems)

    # Nothing of the first user's was changed or removed.
    kwargs = victim["kwargs"]
    book = api.get(reverse("book-detail", kwargs={"book_id": kwargs["book_id"]}))
    assert book.status_code == 200 and book.json()["title"] == TITLE
    chapter = {"book_id": kwargs["book_id"], "chapter_id": "ch1"}
    content = api.get(reverse("chapter-content", kwargs=chapter)).json()
    assert content["content"] == CONTENT and content["title"] == SEED_TOC["chapters"][0]["title"]
    toc = api.get(reverse("book-toc", kwargs={"book_id": kwargs["book_id"]})).json()
    assert [c["id"] for c in toc["toc"]["chapters"]] == ["ch1", "ch2"]
    response = api.get(
        reverse("question-response", kwargs={**chapter, "question_id": victim["question_id"]})
    ).json()
    assert response["response"]["response_text"] == "My secret answer about the keeper"
    assert api.get(reverse("user-me")).status_code == 200
    job = api.get(reverse("job-detail", kwargs={"job_id": kwargs["job_id"]}))
    assert job.status_code == 200 and job.json()["status"] == "queued"  # not cancelled

"""Concurrent first saves through a real threaded server (pytest-django's live_server): both
requests succeed and one document remains (the unique index refuses the second insert, which
is retried as an update)."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from accounts.models import AuditLog
from accounts.services.tokens import token_pair_create
from questions.models import QuestionRating, QuestionResponse
from tests.questions.conftest import generate, question_url

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4  # one question per round, two simultaneous first saves each


def call(base: str, token: str, method: str, path: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def at_once(*calls):
    """Run the zero-argument callables at the same moment (a barrier lines them up)."""
    barrier = threading.Barrier(len(calls))

    def start(fn):
        barrier.wait(timeout=30)
        return fn()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(start, calls))


def test_two_concurrent_first_response_saves_both_succeed(live_server, api, user, book):
    questions = generate(api, book, count=ROUNDS)
    token = token_pair_create(user=user)["access"]
    for question in questions:
        path = question_url("question-response", book, question["id"])
        results = at_once(
            lambda p=path: call(live_server.url, token, "PUT", p, {"response_text": "first a"}),
            lambda p=path: call(live_server.url, token, "PUT", p, {"response_text": "second b c"}),
        )
        assert [status for status, _ in results] == [200, 200], results
        ids = {body["response"]["id"] for _, body in results}
        assert len(ids) == 1  # both answers name the same stored response
        stored = QuestionResponse.objects.filter(question_id=question["id"])
        assert stored.count() == 1
        response = stored.get()
        assert response.response_text in {"first a", "second b c"}
        # one save created it, the other updated it (recording the first one's word count)
        assert len(response.edit_history) == 1
        assert (
            AuditLog.objects.filter(
                action="question_response_create", target_id=str(response.pk)
            ).count()
            == 1
        )
        assert (
            AuditLog.objects.filter(
                action="question_response_update", target_id=str(response.pk)
            ).count()
            == 1
        )


def test_two_concurrent_first_ratings_both_succeed(live_server, api, user, book):
    questions = generate(api, book, count=ROUNDS)
    token = token_pair_create(user=user)["access"]
    for question in questions:
        path = question_url("question-rating", book, question["id"])
        results = at_once(
            lambda p=path: call(live_server.url, token, "POST", p, {"rating": 2}),
            lambda p=path: call(live_server.url, token, "POST", p, {"rating": 5}),
        )
        assert [status for status, _ in results] == [200, 200], results
        assert len({body["rating"]["id"] for _, body in results}) == 1
        ratings = QuestionRating.objects.filter(question_id=question["id"])
        assert ratings.count() == 1 and ratings.get().rating in {2, 5}

"""An unreachable broker: queueing a job answers 503 `queue_unavailable` at once, and the job it
created is failed with that error, never left queued with no message; the rest of the API keeps
answering (through a real server whose broker address answers nothing)."""

import pytest

from accounts.services.tokens import token_pair_create
from jobs.models import Job
from tests.jobs.conftest import build_book
from tests.reliability.support import Http
from tests.servers import api_server, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_queueing_without_a_broker_is_503_and_the_job_is_failed(user):
    book = build_book(user, chapters=1)
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    # tests/settings.py makes the server read its broker from TEST_CELERY_BROKER_URL
    with api_server(env={"TEST_CELERY_BROKER_URL": dead_broker}) as base:
        http = Http(base, token_pair_create(user=user)["access"], timeout=30)
        queued = http.post(f"/api/v1/books/{book.pk}/exports", {"format": "pdf"})
        health = http.get("/api/v1/health")
    assert queued.status == 503, queued.raw
    assert queued.body["code"] == "queue_unavailable"
    assert health.status == 200  # the API itself is unaffected
    job = Job.objects.get(book=book)
    assert job.status == "failed"
    assert job.error["code"] == "queue_unavailable"

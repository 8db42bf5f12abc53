"""A worker SIGKILLed in the middle of a job: the job is retried by another worker and done, or
failed `worker_lost` once out of attempts; never left running."""

from contextlib import ExitStack

import pytest

from autoauthor.celery import app as celery_app
from jobs.models import Job
from tests.jobs.conftest import build_book, exports_url, finished, wait_for_job
from tests.servers import celery_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]


def kill_mid_job(api, user, stack: ExitStack, *, rescuer: bool):
    """Queue a slow export, let a lone worker start it (progress recorded), SIGKILL it; with
    `rescuer`, a second worker is starting meanwhile (it finds an empty queue). Returns the job
    id, the killed worker and the rescuer (or None)."""
    celery_app.control.purge()
    book = build_book(user, chapters=40, paragraphs=60, title="Lost Worker Book")
    doomed = stack.enter_context(celery_worker(concurrency=1, name="doomed"))
    job_id = api.post(exports_url(book.pk), {"format": "pdf"}, format="json").json()["id"]
    wait_for_job(
        api, job_id, lambda body: body["progress"]["stage"].startswith("chapter"), timeout=60
    )
    second = None
    if rescuer:
        second = stack.enter_context(celery_worker(concurrency=1, name="rescuer", wait=False))
    doomed.kill()
    job = Job.objects.get(pk=job_id)
    assert (job.status, job.attempts, job.worker) == ("running", 1, doomed.hostname)
    return job_id, second


def test_a_lost_workers_job_is_retried_by_another_worker(api, user):
    with ExitStack() as stack:
        job_id, rescuer = kill_mid_job(api, user, stack, rescuer=True)
        rescuer.wait_ready()
        done = wait_for_job(api, job_id, finished, timeout=90)
    assert done["status"] == "done", done
    assert done["attempts"] == 2
    assert Job.objects.get(pk=job_id).worker == rescuer.hostname
    response = api.get(done["download_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_lost_workers_job_out_of_attempts_fails_when_read(api, user, settings):
    settings.JOBS_MAX_ATTEMPTS = 1
    with ExitStack() as stack:
        job_id, _ = kill_mid_job(api, user, stack, rescuer=False)
    # No worker is left: reading the job notices the stale heartbeat and fails it.
    failed = wait_for_job(api, job_id, finished, timeout=30)
    assert failed["status"] == "failed"
    assert failed["error"] == {
        "detail": "The worker running this job stopped before it finished. Please try again.",
        "code": "worker_lost",
    }
    assert failed["attempts"] == 1
    assert failed["download_url"] is None

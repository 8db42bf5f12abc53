"""Job test fixtures: books built through the services, a real Celery worker process, and a
bounded wait for a job to reach a state (polling the public API)."""

import time

import pytest
from django.urls import reverse

from autoauthor.celery import app as celery_app
from books.services.content import chapter_content_save
from books.services.toc import toc_replace
from tests.factories import BookFactory
from tests.servers import celery_worker

PARAGRAPH = (
    "<p>The keeper climbed the spiral stairs again, counting every step, listening to the "
    "storm beat against the glass while the lamp turned and the sea answered below.</p>"
)


def build_book(owner, *, chapters: int = 3, paragraphs: int = 2, title: str = "Job Book"):
    """A book of `owner` with `chapters` top-level chapters, each with `paragraphs` paragraphs
    of content, written through the TOC and content services."""
    book = BookFactory(owner=owner, title=title)
    toc = {
        "chapters": [
            {"id": f"ch{n}", "title": f"Chapter Title {n}", "description": "", "subchapters": []}
            for n in range(1, chapters + 1)
        ]
    }
    toc_replace(book=book, toc=toc, expected_version=None, actor=owner)
    book.refresh_from_db()
    for n in range(1, chapters + 1):
        chapter_content_save(
            book=book,
            chapter_id=f"ch{n}",
            content=f"<h2>Part {n}</h2>" + PARAGRAPH * paragraphs,
            expected_version=None,
            actor=owner,
        )
    book.refresh_from_db()
    return book


def job_url(job_id: str) -> str:
    return reverse("job-detail", kwargs={"job_id": job_id})


def download_url(job_id: str) -> str:
    return reverse("job-download", kwargs={"job_id": job_id})


def exports_url(book_id) -> str:
    return reverse("export-job-list", kwargs={"book_id": str(book_id)})


def wait_for_job(client, job_id: str, until, *, timeout: float = 60, seen: list | None = None):
    """Poll GET /jobs/{id} until `until(body)`; every body read is appended to `seen`."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(job_url(job_id))
        assert response.status_code == 200, response.content
        body = response.json()
        if seen is not None:
            seen.append(body)
        if until(body):
            return body
        assert time.monotonic() < deadline, f"job never got there: {body}"
        time.sleep(0.05)


def finished(body) -> bool:
    return body["status"] in {"done", "failed", "cancelled"}


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker):
    """One real worker process for the module (2 threads), on an emptied queue."""
    with django_db_blocker.unblock():
        celery_app.control.purge()
        with celery_worker(concurrency=2) as process:
            yield process


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """Polling a job reads it many times a second; the limits have their own tests."""
    settings.RATELIMIT_ENABLE = False

"""POST /books/{id}/exports input and access rules, and the job endpoints' errors (no worker
is needed: the jobs stay queued)."""

import pytest
from bson import ObjectId

from jobs.models import Job
from tests.factories import BookFactory
from tests.jobs.conftest import build_book, download_url, exports_url, job_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({}, "format", "required"),
        ({"format": "odt"}, "format", "invalid_choice"),
        ({"format": "pdf", "colour": "red"}, "colour", "invalid"),
        ({"format": "pdf", "template_id": "classic"}, "template_id", "invalid_template"),
        ({"format": "pdf", "template_id": 7}, "template_id", "invalid"),
        ({"format": "pdf", "options": {"include_empty_chapters": 1}}, None, "invalid"),
        ({"format": "pdf", "options": {"margins": 2}}, "options.margins", "invalid"),
        ({"format": "pdf", "options": {"page_size": "A3"}}, "options.page_size", "invalid_choice"),
        ({"format": "epub", "options": {"page_size": "A4"}}, "options.page_size", "invalid"),
        ({"format": "pdf", "options": []}, "options.non_field_errors", "invalid"),
        ({"format": "pdf", "options": {"include_empty_chapters": "maybe"}}, None, "invalid"),
    ],
)
def test_bad_input_is_422(api, user, body, field, code):
    book = BookFactory(owner=user)
    response = api.post(exports_url(book.pk), body, format="json")
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    if field is not None:
        assert field.replace(".non_field_errors", "") in {error["field"] for error in errors}
    assert code in {error["code"] for error in errors}, errors
    assert not Job.objects.exists()


def test_body_that_is_not_an_object_is_422(api, user):
    book = BookFactory(owner=user)
    response = api.post(exports_url(book.pk), ["pdf"], format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_another_users_book_is_403_and_unknown_books_404(api, other_user, anon, user):
    book = BookFactory(owner=other_user)
    response = api.post(exports_url(book.pk), {"format": "pdf"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_book_owner"
    for book_id in (ObjectId(), "not-an-id"):
        response = api.post(exports_url(book_id), {"format": "pdf"}, format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "book_not_found"
    assert anon.post(exports_url(book.pk), {"format": "pdf"}, format="json").status_code == 401
    assert not Job.objects.exists()


def test_queued_job_reads_cancels_and_is_not_downloadable(api, other_api, user):
    book = build_book(user, chapters=1)
    response = api.post(
        exports_url(book.pk), {"format": "pdf", "options": {"page_size": "A4"}}, format="json"
    )
    assert response.status_code == 202
    job = response.json()
    assert job["params"]["options"] == {"include_empty_chapters": False, "page_size": "A4"}
    assert api.get(job_url(job["id"])).json()["status"] == "queued"
    response = api.get(download_url(job["id"]))
    assert response.status_code == 409
    assert response.json()["code"] == "job_not_ready"
    assert other_api.delete(job_url(job["id"])).status_code == 404
    response = api.delete(job_url(job["id"]))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["finished_at"]
    assert api.delete(job_url(job["id"])).json()["code"] == "job_finished"
    # A cancelled job is not reused: the same request queues a new one.
    again = api.post(
        exports_url(book.pk), {"format": "pdf", "options": {"page_size": "A4"}}, format="json"
    )
    assert again.status_code == 202 and again.json()["id"] != job["id"]


@pytest.mark.parametrize("job_id", ["nope", "65f1c0ffee0ddba11ad0beef"])
def test_unknown_or_malformed_job_is_404(api, job_id):
    for url in (job_url(job_id), download_url(job_id)):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "Job not found.", "code": "not_found"}


def test_job_creation_is_rate_limited(api, user, settings):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "export_job_create": "2/60"}
    book = build_book(user, chapters=1)
    statuses = [
        api.post(exports_url(book.pk), {"format": fmt}, format="json").status_code
        for fmt in ("pdf", "docx", "epub")
    ]
    assert statuses == [202, 202, 429]

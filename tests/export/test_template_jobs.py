"""Export jobs (POST /books/{id}/exports) take the same template and custom options as the
synchronous exports: checked when queued (422 naming the field, as every error of that input),
kept in the job's params, and rendered by a real worker."""

import io

import docx
import pytest

from jobs.models import Job
from tests.jobs.conftest import (
    build_book,
    download_url,
    exports_url,
    finished,
    wait_for_job,
    worker,  # noqa: F401 - the real Celery worker fixture
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATELIMIT_ENABLE = False


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"format": "pdf", "template_id": "classic"}, "template_id", "Unknown export template"),
        (
            {"format": "pdf", "options": {"custom_options": {"font_size": 40}}},
            "options.custom_options.font_size",
            "between 8 and 18",
        ),
        (
            {"format": "docx", "options": {"custom_options": {"fontSize": 12}}},
            "options.custom_options.fontSize",
            "Unknown custom option",
        ),
        (
            {"format": "epub", "options": {"custom_options": {"margins": {"top": "1"}}}},
            "options.custom_options.margins.top",
            "must be a number",
        ),
        ({"format": "pdf", "options": {"custom_options": "{}"}}, "options.custom_options", None),
        ({"format": "markdown", "template_id": "academic"}, "template_id", "pdf, docx and epub"),
        (
            {"format": "markdown", "options": {"custom_options": {"font_size": 12}}},
            "options.custom_options",
            "pdf, docx and epub",
        ),
    ],
)
def test_bad_template_input_is_422(api, user, body, field, message):
    book = build_book(user, chapters=1, paragraphs=1)
    response = api.post(exports_url(book.pk), body, format="json")
    assert response.status_code == 422, response.content
    errors = {error["field"]: error["message"] for error in response.json()["errors"]}
    assert field in errors, errors
    if message is not None:
        assert message in errors[field]
    assert not Job.objects.exists()


def test_a_template_export_job_keeps_its_options(api, user):
    book = build_book(user, chapters=1, paragraphs=1)
    body = {
        "format": "pdf",
        "template_id": "classic_fiction",
        "options": {"custom_options": {"font_size": 12, "margins": {"inside": 0.9}}},
    }
    response = api.post(exports_url(book.pk), body, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["params"] == {
        "format": "pdf",
        "template_id": "classic_fiction",
        "options": {
            "include_empty_chapters": False,
            "page_size": "6x9",
            "template_id": "classic_fiction",
            "custom_options": {"font_size": 12.0, "margins": {"inside": 0.9}},
        },
    }
    # another override is another file: not deduplicated into the first job
    body["options"]["custom_options"]["font_size"] = 13
    again = api.post(exports_url(book.pk), body, format="json")
    assert again.status_code == 202 and again.json()["id"] != response.json()["id"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_a_worker_renders_the_template(worker, api, user):  # noqa: F811
    book = build_book(user, chapters=2, paragraphs=2, title="Template Job Book")
    body = {
        "format": "docx",
        "template_id": "modern_nonfiction",
        "options": {"custom_options": {"font_size": 13}},
    }
    job = api.post(exports_url(book.pk), body, format="json").json()
    done = wait_for_job(api, job["id"], finished, timeout=120)
    assert done["status"] == "done", done
    response = api.get(download_url(job["id"]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    assert document.styles["Normal"].font.name == "Calibri"
    assert document.styles["Normal"].font.size.pt == 13
    assert round(document.sections[0].page_width.inches, 1) == 8.5

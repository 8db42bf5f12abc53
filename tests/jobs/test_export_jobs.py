"""Export jobs against a real Celery worker: lifecycle with progress, download, access,
dedup, cancel (queued and running), expiry and purge."""

import io
import re

import pytest
from pypdf import PdfReader

from jobs.models import Job
from tests.jobs.conftest import (
    build_book,
    download_url,
    exports_url,
    finished,
    job_url,
    wait_for_job,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

STAGE = re.compile(r"^chapter (\d+) of (\d+)$")


def test_export_job_runs_with_progress_and_downloads_a_pdf(worker, api, other_api, anon, user):
    # Big enough that rendering takes several seconds: progress is written once a second.
    book = build_book(user, chapters=60, paragraphs=80, title="Progress Book")
    response = api.post(exports_url(book.pk), {"format": "pdf"}, format="json")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued"
    assert job["kind"] == "export"
    assert job["book_id"] == str(book.pk)
    assert job["params"] == {
        "format": "pdf",
        "template_id": None,
        "options": {"include_empty_chapters": False, "page_size": "letter"},
    }
    assert job["download_url"] is None
    assert job["result"] is None and job["error"] is None

    seen = []
    done = wait_for_job(api, job["id"], finished, timeout=120, seen=seen)
    assert done["status"] == "done", done
    assert done["progress"] == {"percent": 100, "stage": "done"}
    assert done["attempts"] == 1
    assert done["started_at"] and done["finished_at"] and done["expires_at"]
    chapter_stages = [
        (int(m[1]), int(m[2]), body["progress"]["percent"])
        for body in seen
        if body["status"] == "running" and (m := STAGE.match(body["progress"]["stage"]))
    ]
    assert len({index for index, _, _ in chapter_stages}) >= 2, seen  # progress moved
    assert {total for _, total, _ in chapter_stages} == {60}
    percents = [body["progress"]["percent"] for body in seen]
    assert percents == sorted(percents)
    assert all(0 < percent < 100 for _, _, percent in chapter_stages)

    assert done["download_url"].endswith(download_url(job["id"]))
    response = api.get(download_url(job["id"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Progress Book.pdf"'
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    reader = PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages[:6])
    assert "Progress Book" in text
    assert "Chapter Title 1" in text

    for client, status in ((other_api, 404), (anon, 401)):
        for url in (job_url(job["id"]), download_url(job["id"])):
            response = client.get(url)
            assert response.status_code == status, (url, response.content)
            assert response.json()["code"] == (
                "not_found" if status == 404 else "not_authenticated"
            )
        assert client.delete(job_url(job["id"])).status_code == status
    listed = other_api.get("/api/v1/jobs")
    assert listed.status_code == 200 and listed.json() == []
    listed = api.get("/api/v1/jobs")
    assert [row["id"] for row in listed.json()] == [job["id"]]
    assert listed["X-Total-Count"] == "1"


def test_cancel_a_running_and_a_queued_job(worker, api, user):
    """Two slow exports take both worker threads; a third waits in the queue. Cancelling the
    queued one is immediate and the worker skips it; a running one stops within seconds."""
    book = build_book(user, chapters=40, paragraphs=60, title="Cancel Book")
    running = []
    for page_size in ("letter", "A4"):
        response = api.post(
            exports_url(book.pk), {"format": "pdf", "options": {"page_size": page_size}}, "json"
        )
        assert response.status_code == 202, response.content
        running.append(response.json()["id"])
    for job_id in running:
        wait_for_job(api, job_id, lambda body: body["status"] == "running", timeout=30)
    queued = api.post(exports_url(book.pk), {"format": "markdown"}, format="json").json()
    assert api.get(job_url(queued["id"])).json()["status"] == "queued"

    response = api.delete(job_url(queued["id"]))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    response = api.delete(job_url(running[0]))
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"

    # The other running export finishes; the worker then takes the cancelled one and skips it.
    assert wait_for_job(api, running[1], finished, timeout=120)["status"] == "done"
    stopped = Job.objects.get(pk=running[0])
    assert stopped.status == "cancelled" and stopped.file_name == ""
    assert stopped.progress_percent < 100
    skipped = Job.objects.get(pk=queued["id"])
    assert (skipped.status, skipped.attempts, skipped.started_at) == ("cancelled", 0, None)
    assert api.get(download_url(running[0])).json()["code"] == "job_not_ready"

    response = api.delete(job_url(running[1]))
    assert response.status_code == 409
    assert response.json()["code"] == "job_finished"


def test_unchanged_book_is_served_from_the_stored_file(worker, api, user):
    from books.services.content import chapter_content_save

    book = build_book(user, chapters=3, title="Dedup Book")
    body = {"format": "markdown", "options": {"include_empty_chapters": True}}
    first = api.post(exports_url(book.pk), body, format="json")
    assert first.status_code == 202
    job_id = first.json()["id"]
    again = api.post(exports_url(book.pk), body, format="json")
    assert again.status_code in (200, 202) and again.json()["id"] == job_id
    wait_for_job(api, job_id, finished)

    again = api.post(exports_url(book.pk), body, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == job_id and again.json()["status"] == "done"
    other_options = api.post(exports_url(book.pk), {"format": "markdown"}, format="json")
    assert other_options.json()["id"] != job_id

    chapter_content_save(
        book=book, chapter_id="ch2", content="<p>Rewritten.</p>", expected_version=None, actor=user
    )
    changed = api.post(exports_url(book.pk), body, format="json")
    assert changed.status_code == 202
    new_id = changed.json()["id"]
    assert new_id != job_id
    wait_for_job(api, new_id, finished)
    text = b"".join(api.get(download_url(new_id)).streaming_content).decode()
    assert "Rewritten." in text
    old_text = b"".join(api.get(download_url(job_id)).streaming_content).decode()
    assert "Rewritten." not in old_text


def test_expired_files_are_gone_and_purged(worker, api, user, settings):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.utils import timezone

    call_command("purge_jobs", stdout=io.StringIO())  # files of earlier tests' jobs
    book = build_book(user, chapters=2, title="Expiry Book")
    kept = api.post(exports_url(book.pk), {"format": "markdown"}, format="json").json()["id"]
    expiring = api.post(exports_url(book.pk), {"format": "epub"}, format="json").json()["id"]
    old = api.post(exports_url(book.pk), {"format": "docx"}, format="json").json()["id"]
    for job_id in (kept, expiring, old):
        assert wait_for_job(api, job_id, finished)["status"] == "done"
    expiring_file = Job.objects.get(pk=expiring).file_name
    old_file = Job.objects.get(pk=old).file_name
    assert default_storage.exists(expiring_file) and default_storage.exists(old_file)

    now = timezone.now()
    Job.objects.filter(pk=expiring).update(expires_at=now - timedelta(seconds=1))
    Job.objects.filter(pk=old).update(
        expires_at=now - timedelta(days=40), finished_at=now - timedelta(days=40)
    )
    orphan = default_storage.save("exports/65f1c0ffee0ddba11ad0beef/export.pdf", ContentFile(b"x"))

    response = api.get(download_url(expiring))
    assert response.status_code == 410
    assert response.json()["code"] == "export_expired"
    # An expired export is not reused: the same request renders again.
    again = api.post(exports_url(book.pk), {"format": "epub"}, format="json")
    assert again.status_code == 202 and again.json()["id"] != expiring
    wait_for_job(api, again.json()["id"], finished)

    out = io.StringIO()
    call_command("purge_jobs", "--dry-run", stdout=out)
    assert "Would delete 1 expired file(s), 1 old job(s), 1 orphaned" in out.getvalue()
    assert default_storage.exists(expiring_file)
    out = io.StringIO()
    call_command("purge_jobs", stdout=out)
    assert "Deleted 1 expired file(s), 1 old job(s), 1 orphaned file folder(s)." in out.getvalue()
    assert "Purging jobs: 3/3 (100%) done in " in out.getvalue()  # the operator's progress
    assert not default_storage.exists(expiring_file)
    assert not default_storage.exists(old_file)
    assert not default_storage.exists(orphan)
    assert not Job.objects.filter(pk=old).exists()
    assert Job.objects.get(pk=expiring).file_name == ""
    assert api.get(download_url(expiring)).status_code == 410
    assert api.get(download_url(kept)).status_code == 200
    out = io.StringIO()
    call_command("purge_jobs", stdout=out)
    assert "Deleted 0 expired file(s), 0 old job(s), 0 orphaned" in out.getvalue()


def test_export_rules_fail_the_job_with_the_api_error(worker, api, user):
    from tests.factories import BookFactory

    book = BookFactory(owner=user, title="Empty Book")
    job_id = api.post(exports_url(book.pk), {"format": "docx"}, format="json").json()["id"]
    failed = wait_for_job(api, job_id, finished)
    assert failed["status"] == "failed"
    assert failed["error"] == {
        "detail": "This book has no chapters to export. Generate a table of contents and add "
        "some content first.",
        "code": "export_no_chapters",
    }
    assert failed["download_url"] is None and failed["finished_at"]
    response = api.get(download_url(job_id))
    assert response.status_code == 409 and response.json()["code"] == "job_not_ready"


def test_a_queued_job_whose_message_was_lost_is_published_again(worker, api, user):
    """As after a crash between the job's creation and its publication (or a broker that lost
    its data): the job row exists, no message does. A worker's reaper publishes it again."""
    from datetime import timedelta

    from django.utils import timezone

    book = build_book(user, chapters=2, title="Lost Message Book")
    job = Job.objects.create(
        owner=user,
        book=book,
        kind="export",
        params={"format": "markdown", "template_id": None, "options": {}},
        published_at=timezone.now() - timedelta(hours=1),
    )
    done = wait_for_job(api, str(job.pk), finished, timeout=60)
    assert done["status"] == "done", done
    assert done["attempts"] == 1

"""Access-log retention: `manage.py purge_access_logs` (works on every server) and the TTL index
the migration creates where the server accepts it."""

import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from books.models import ChapterAccessLog
from books.services.access_logs import access_logs_purge
from tests.factories import BookFactory
from tests.servers import ROOT, free_port

pytestmark = pytest.mark.django_db


def make_logs(book, user, *, days_old: float, count: int):
    when = timezone.now() - timedelta(days=days_old)
    ChapterAccessLog.objects.bulk_create(
        ChapterAccessLog(user=user, book=book, chapter_id="c1", access_type="view", timestamp=when)
        for _ in range(count)
    )


TTL_INDEX = "access_logs_ttl_idx"


def ttl_seconds() -> int:
    return 90 * 24 * 60 * 60


@pytest.fixture
def without_ttl_index():
    """The server without the TTL index (as on servers that refuse TTL indexes), so old logs
    stay until the purge removes them; the index is put back afterwards."""
    collection = connection.database["chapter_access_logs"]
    collection.drop_index(TTL_INDEX)
    try:
        yield
    finally:
        collection.create_index(
            [("timestamp", 1)], name=TTL_INDEX, expireAfterSeconds=ttl_seconds()
        )


@pytest.fixture
def logs(user, without_ttl_index):
    book = BookFactory(owner=user)
    make_logs(book, user, days_old=120, count=7)
    make_logs(book, user, days_old=91, count=3)
    make_logs(book, user, days_old=89, count=4)
    make_logs(book, user, days_old=0, count=2)
    return book


def test_purge_command_deletes_only_old_logs_in_batches(logs):
    out = StringIO()
    call_command("purge_access_logs", "--days", "90", "--batch-size", "4", stdout=out)
    text = out.getvalue()
    assert "Deleted 10 access logs older than 90 days" in text
    # progress per batch (autoauthor.progress), then its final line
    assert "Deleting access logs: 4/10 (40%)" in text and "access logs: 8/10 (80%)" in text
    assert "Deleting access logs: 10/10 (100%) done in" in text
    assert ChapterAccessLog.objects.count() == 6
    cutoff = timezone.now() - timedelta(days=90)
    assert not ChapterAccessLog.objects.filter(timestamp__lt=cutoff).exists()


def test_purge_dry_run_deletes_nothing(logs):
    out = StringIO()
    call_command("purge_access_logs", "--days", "100", "--dry-run", stdout=out)
    assert "Dry run: 7 access logs older than 100 days would be deleted" in out.getvalue()
    assert ChapterAccessLog.objects.count() == 16


def test_purge_default_is_90_days(logs):
    call_command("purge_access_logs", stdout=StringIO())
    assert ChapterAccessLog.objects.count() == 6


@pytest.mark.parametrize("args", [["--days", "0"], ["--batch-size", "0"]])
def test_purge_rejects_bad_arguments(args):
    with pytest.raises(CommandError):
        call_command("purge_access_logs", *args, stdout=StringIO())


def test_purge_service_returns_count(logs):
    assert access_logs_purge(days=90, dry_run=True) == 10
    assert access_logs_purge(days=90) == 10
    assert access_logs_purge(days=90) == 0


def test_purge_failure_is_a_non_zero_exit(tmp_path):
    """A database that cannot be reached ends the command with a message and exit status 1."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MONGODB_URI": f"mongodb://127.0.0.1:{free_port()}/?directConnection=true",
        "MONGODB_SERVER_SELECTION_TIMEOUT_MS": "300",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "purge_access_logs", "--days", "90"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert "Purging access logs failed" in result.stderr


def test_ttl_index_exists_on_the_timestamp():
    indexes = {
        index["name"]: index for index in connection.database["chapter_access_logs"].list_indexes()
    }
    ttl = indexes[TTL_INDEX]
    assert dict(ttl["key"]) == {"timestamp": 1}
    assert ttl["expireAfterSeconds"] == ttl_seconds()


def test_embedded_server_expires_logs_through_the_ttl_index(user):
    """On the embedded server the TTL index takes effect at once; a real MongoDB removes expired
    documents on its own schedule (about every 60 s), so there this is skipped."""
    if connection.connection.admin.command("buildInfo").get("gitVersion") != "mongoeco":
        pytest.skip("real MongoDB: TTL deletions are asynchronous")
    book = BookFactory(owner=user)
    make_logs(book, user, days_old=91, count=2)
    make_logs(book, user, days_old=89, count=1)
    assert ChapterAccessLog.objects.count() == 1

"""purge_audit_log, healthcheck, create_editor and export_book."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import timezone

from accounts.models import AuditLog, User
from accounts.services.roles import EDITOR_PERMISSIONS, EDITORS_GROUP
from books.models import ChapterAccessLog
from tests.factories import TEST_PASSWORD
from tests.servers import ROOT, free_port

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


# --- purge_audit_log (purge_access_logs is the books app's: tests/books/test_books_access_logs.py)


def audit_row(days_old, action="login"):
    row = AuditLog.objects.create(action=action, resource_type="user", target_id="x")
    AuditLog.objects.filter(pk=row.pk).update(timestamp=timezone.now() - timedelta(days=days_old))
    return row


def test_purge_audit_log_deletes_old_rows_and_records_the_purge(db):
    old = [audit_row(400) for _ in range(3)]
    recent = audit_row(5)

    out = run("purge_audit_log", "--days", "365", "--dry-run")
    assert "Dry run: 3 audit rows older than 365 days would be deleted" in out
    assert AuditLog.objects.filter(pk__in=[row.pk for row in old]).count() == 3

    out = run("purge_audit_log", "--days", "365", "--batch-size", "2")
    assert "Deleting audit rows: 2/3 (66%)" in out  # progress per batch
    assert "Deleted 3 audit rows older than 365 days" in out
    assert not AuditLog.objects.filter(pk__in=[row.pk for row in old]).exists()
    assert AuditLog.objects.filter(pk=recent.pk).exists()
    purge = AuditLog.objects.get(action="audit_log_purge")
    assert purge.actor_id == "system" and purge.changes["deleted"] == 3


@pytest.mark.parametrize("args", [["--days", "0"], ["--days", "30", "--batch-size", "0"]])
def test_purge_audit_log_refuses_bad_arguments(db, args):
    with pytest.raises(CommandError):
        run("purge_audit_log", *args)


def test_purge_audit_log_requires_days(db):
    with pytest.raises(CommandError, match="--days"):
        run("purge_audit_log")


# --- healthcheck ---------------------------------------------------------------------------------


def test_healthcheck_exits_0_when_mongodb_and_redis_answer(db):
    out = run("healthcheck")
    assert "mongodb: ok" in out and "redis: ok" in out


def test_healthcheck_exits_1_when_redis_is_down(db):
    closed = f"redis://127.0.0.1:{free_port()}/15"
    caches = {
        **settings.CACHES,
        "ratelimit": {**settings.CACHES["ratelimit"], "LOCATION": closed},
    }
    with override_settings(CACHES=caches):
        out = io.StringIO()
        with pytest.raises(SystemExit) as exited:
            call_command("healthcheck", stdout=out, stderr=io.StringIO())
    assert exited.value.code == 1
    assert "redis: unavailable" in out.getvalue() and "mongodb: ok" in out.getvalue()


def test_healthcheck_exits_1_when_mongodb_is_down(db):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "MONGODB_URI": f"mongodb://127.0.0.1:{free_port()}/?directConnection=true",
        "MONGODB_SERVER_SELECTION_TIMEOUT_MS": "1000",
    }
    result = subprocess.run(
        [sys.executable, str(Path(ROOT) / "manage.py"), "healthcheck", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 1, result.stderr
    assert '"mongodb": {"status": "unavailable"' in result.stdout


# --- create_editor -------------------------------------------------------------------------------


def test_create_editor_creates_a_staff_editor_with_a_generated_password(db):
    out = run("create_editor", "New.Editor@Example.com")
    user = User.objects.get(email="new.editor@example.com")
    password = out.split("Generated password: ")[1].strip()
    assert user.check_password(password) and len(password) >= 20
    assert user.is_staff and not user.is_superuser and user.is_active
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert user.has_perm("books.change_chapter") and not user.has_perm("accounts.delete_user")
    assert "Created editor new.editor@example.com" in out


def test_create_editor_promotes_an_existing_user_and_reasserts_the_group(user):
    group = Group.objects.create(name=EDITORS_GROUP)
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    out = run("create_editor", user.email)
    user.refresh_from_db()
    assert "Promoted editor" in out and "Generated password" not in out
    assert user.is_staff and user.check_password(TEST_PASSWORD)  # password kept
    perms = {
        f"{perm.content_type.app_label}.{perm.codename}"
        for perm in Group.objects.get(name=EDITORS_GROUP).permissions.all()
    }
    assert perms == set(EDITOR_PERMISSIONS)
    assert AuditLog.objects.filter(
        action="user_update", target_id=str(user.pk), actor_id="system"
    ).exists()


def test_create_editor_with_password(db):
    out = run("create_editor", "ed@example.com", "--password", "another-Horse-9-battery")
    assert "Password set as given." in out
    assert User.objects.get(email="ed@example.com").check_password("another-Horse-9-battery")


def test_create_editor_refuses_a_weak_password(db):
    with pytest.raises(CommandError, match="password"):
        run("create_editor", "weak@example.com", "--password", "123")
    assert not User.objects.filter(email="weak@example.com").exists()


# --- export_book ---------------------------------------------------------------------------------


def test_export_book_markdown_and_pdf(book, tmp_path):
    target = tmp_path / "book.md"
    out = run("export_book", str(book.pk), "--format", "markdown", "--output", str(target))
    text = target.read_text()
    assert "The Lighthouse at Grey Point" in text and "The beacon went dark." in text
    assert "Tide Tables" in text and "Exported" in out
    assert ChapterAccessLog.objects.filter(book=book, access_type="export_markdown").exists()

    pdf = tmp_path / "book.pdf"
    run("export_book", str(book.pk), "--format", "pdf", "--output", str(pdf), "--page-size", "A4")
    assert pdf.read_bytes().startswith(b"%PDF")

    with pytest.raises(CommandError, match="exists"):
        run("export_book", str(book.pk), "--format", "markdown", "--output", str(target))
    run("export_book", str(book.pk), "--format", "epub", "--output", str(target), "--force")
    assert target.read_bytes().startswith(b"PK")  # an EPUB is a zip


def test_export_book_failures_exit_non_zero(book, user, tmp_path):
    from tests.factories import BookFactory

    with pytest.raises(CommandError, match="not found"):
        run("export_book", "0" * 24, "--format", "pdf", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="not found"):
        run("export_book", "nonsense", "--format", "pdf", "--output", str(tmp_path / "x"))
    empty = BookFactory(owner=user)
    with pytest.raises(CommandError, match="no chapters"):
        run("export_book", str(empty.pk), "--format", "docx", "--output", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="invalid choice"):
        run("export_book", str(book.pk), "--format", "odt", "--output", str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_every_command_has_help():
    for name in (
        "seed_demo",
        "purge_access_logs",
        "purge_audit_log",
        "check_indexes",
        "export_book",
        "healthcheck",
        "create_editor",
        "validate_data",
    ):
        with pytest.raises(SystemExit) as exited:
            call_command(name, "--help", stdout=io.StringIO())
        assert exited.value.code == 0

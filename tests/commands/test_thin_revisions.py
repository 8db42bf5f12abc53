"""`manage.py thin_revisions`: the REVISION_RETENTION tiers applied to every chapter (all of the
last day, the last of each hour for a week, the last of each day after), its dry run, progress
and errors. Ages are given by the stored dates, relative to now."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from books.models import ChapterRevision
from books.services.revisions.retention import Tier, retention_tiers
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("thin_revisions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def add(book, chapter_id, ages):
    """Revisions of one chapter written `ages` ago (timedeltas), numbered oldest first."""
    now = timezone.now()
    ordered = sorted(ages, reverse=True)
    ChapterRevision.objects.bulk_create(
        ChapterRevision(
            book_id=book.pk,
            chapter_id=chapter_id,
            number=n,
            source="autosave",
            content=f"{chapter_id} {n}",
            created_at=now - age,
            updated_at=now - age,
        )
        for n, age in enumerate(ordered, start=1)
    )


def kept(book, chapter_id) -> list[str]:
    rows = ChapterRevision.objects.filter(book_id=book.pk, chapter_id=chapter_id)
    return sorted(rows.values_list("content", flat=True), key=lambda c: int(c.split()[1]))


def hour_start_ago(hours: int) -> timedelta:
    """The age of the start of the hour `hours` hours ago (so offsets stay in that hour)."""
    now = timezone.now()
    start = (now - timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
    return now - start


def test_the_default_tiers_thin_by_age(user):
    book = BookFactory(owner=user)
    day = timedelta(days=1)
    recent = [timedelta(minutes=m) for m in (5, 30, 90, 600)]  # last day: all stay
    hour = hour_start_ago(48)  # three revisions in one hour two days ago: the last stays
    same_hour = [hour - timedelta(minutes=m) for m in (10, 20, 30)]
    old_day = 30 * day  # two in one day a month ago: the last stays
    start = timezone.now() - old_day
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    old = [timezone.now() - (midnight + timedelta(hours=h)) for h in (2, 20)]
    add(book, "a", recent + same_hour + old)
    add(book, "b", [timedelta(days=3)])  # alone in its hour: stays
    before = len(recent + same_hour + old)
    output = run()
    assert "Deleted 3 of 6 old revisions" in output
    contents = kept(book, "a")
    assert len(contents) == before - 3
    assert contents[0] == "a 2"  # of the old day, the later one (20:00) stayed
    assert contents[1] == "a 5"  # of the hour two days ago, the last one (30 minutes in)
    assert kept(book, "b") == ["b 1"]
    assert "Deleted 0 of 3 old revisions" in run()  # nothing more to do


def test_dry_run_counts_and_deletes_nothing(user):
    book = BookFactory(owner=user)
    hour = hour_start_ago(30)
    add(book, "a", [hour - timedelta(minutes=m) for m in (5, 15, 25, 35)])
    output = run("--dry-run")
    assert "Dry run: 3 of 4 old revisions would be deleted" in output
    assert len(kept(book, "a")) == 4


def test_progress_lines_and_bad_arguments(user, settings):
    book = BookFactory(owner=user)
    add(book, "a", [timedelta(days=2, minutes=m) for m in range(3)])
    output = run()
    assert "Thinning revisions:" in output and "done in" in output
    with pytest.raises(CommandError, match="--batch-size"):
        run("--batch-size", "0")
    settings.REVISION_RETENTION = "1d=all,7d=1h"
    with pytest.raises(CommandError, match="last tier"):
        run()


def test_a_smaller_batch_size_gives_the_same_result(user):
    book = BookFactory(owner=user)
    for chapter_id in ("a", "b", "c"):
        add(book, chapter_id, [timedelta(days=2, minutes=m) for m in (1, 2, 3, 4)])
    by_chapter = {cid: kept(book, cid) for cid in "abc"}
    run("--batch-size", "2")
    for chapter_id, contents in by_chapter.items():
        remaining = kept(book, chapter_id)
        assert set(remaining) <= set(contents) and 1 <= len(remaining) <= 2


@pytest.mark.parametrize(
    "value,tiers",
    [
        ("1d=all,7d=1h,*=1d", (Tier(86400, None), Tier(604800, 3600), Tier(None, 86400))),
        ("*=all", (Tier(None, None),)),
        ("12h=all, *=30m", (Tier(43200, None), Tier(None, 1800))),
    ],
)
def test_retention_setting_is_parsed(value, tiers):
    assert retention_tiers(value) == tiers


@pytest.mark.parametrize("value", ["", "1d=all", "7d=all,1d=1h,*=1d", "1x=all,*=1d", "*=0d"])
def test_bad_retention_settings_are_refused(value):
    with pytest.raises(ImproperlyConfigured):
        retention_tiers(value)

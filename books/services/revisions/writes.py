"""Writing chapter revisions: one per content save, collapsing the editor's autosaves.

`chapter_revision_record` runs in the same service call as every content save, right after the
chapter's compare-and-swap succeeded (so the revision's `number` is the version that swap
produced: two concurrent saves get different versions, hence different revisions, and neither's
text is lost). Cost: ONE MongoDB command when an autosave extends the newest revision (the
common case while an author types) or for the first revision of a chapter; two when an
autosave starts a new revision (the collapse update matched nothing, then the insert).

Collapse rule: an `autosave` by the same author as the newest revision — which must be the one
of the version this save replaced, so no other save came in between — started less than
REVISION_COLLAPSE_SECONDS ago (default 600) replaces that revision's text and moves it to the
new number, in one `update` filtered on all of that. Anything else inserts a new revision.
The window runs from the revision's creation, not from its last write: an author typing all day
gives one revision per window, not one for the day.

If the process dies between the content swap and this write, that version has no revision (the
text is still the chapter's content, and the next save records its own); never the reverse.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from books.models import Chapter, ChapterRevision, RevisionSource
from books.rules import word_count
from books.services.revisions.retention import keep_all_seconds, retention_tiers, revisions_to_drop
from books.services.toc import actor_id_of

# An insert whose number passes a multiple of this thins the chapter's old revisions (bounded
# work, at most THIN_SCAN_LIMIT rows read): storage stays bounded between command runs too.
THIN_EVERY_VERSIONS = 50
THIN_SCAN_LIMIT = 2000


def revision_key(*, book_id, chapter_id: str, number: int) -> str:
    return f"{book_id}:{chapter_id}:{number}"


def chapter_revision_record(*, chapter: Chapter, previous: int, source: str, actor) -> None:
    """Keep the text `chapter` was just saved with (version `chapter.version`, saved over
    version `previous`, at `chapter.updated_at`) as a revision, collapsing it into the newest
    one when the collapse rule allows (see the module docstring). Idempotent per number: a
    leftover revision with the same key is overwritten."""
    book_id, chapter_id = chapter.book_id, chapter.chapter_id
    number, content = chapter.version, chapter.content
    now = chapter.updated_at or timezone.now()
    author = actor_id_of(actor)
    key = revision_key(book_id=book_id, chapter_id=chapter_id, number=number)
    text = {
        "content": content,
        "word_count": word_count(content),
        "size": len(content.encode("utf-8")),
        "updated_at": now,
    }
    if source == RevisionSource.AUTOSAVE and previous > 0:
        window = timedelta(seconds=settings.REVISION_COLLAPSE_SECONDS)
        extended = ChapterRevision.objects.filter(
            unique_key=revision_key(book_id=book_id, chapter_id=chapter_id, number=previous),
            author_id=author,
            source=RevisionSource.AUTOSAVE,
            created_at__gte=now - window,
        ).update(number=number, unique_key=key, **text)
        if extended:
            return
    revision = ChapterRevision(
        book_id=book_id,
        chapter_id=chapter_id,
        number=number,
        author_id=author,
        source=source,
        created_at=now,
        **text,
    )
    try:
        ChapterRevision.objects.bulk_create([revision])  # fills unique_key, one insert
    except IntegrityError:
        # A revision of a deleted chapter with the same id whose cascade was interrupted.
        ChapterRevision.objects.filter(unique_key=key).update(
            author_id=author, source=source, created_at=now, **text
        )
    if previous // THIN_EVERY_VERSIONS != number // THIN_EVERY_VERSIONS:
        chapter_revisions_thin(book_id=book_id, chapter_id=chapter_id, now=now)


def chapter_revisions_thin(*, book_id, chapter_id: str, now=None) -> int:
    """Delete the revisions of one chapter the REVISION_RETENTION tiers no longer keep (only
    those past the keep-all age are read, at most THIN_SCAN_LIMIT newest of them). Returns the
    number deleted."""
    now = now or timezone.now()
    tiers = retention_tiers()
    cutoff = now - timedelta(seconds=min(keep_all_seconds(tiers), 10**9))
    rows = ChapterRevision.objects.filter(
        book_id=book_id, chapter_id=chapter_id, updated_at__lt=cutoff
    ).order_by("-number")
    pairs = list(rows.values_list("pk", "updated_at")[:THIN_SCAN_LIMIT])
    drop = revisions_to_drop(tiers, pairs, now=now)
    return revisions_delete(drop)


def revisions_delete(pks: list) -> int:
    """Delete revisions by pk with one command: nothing points at them and nothing audits them,
    so Django's collector (which would load them first) is not needed."""
    if not pks:
        return 0
    batch = ChapterRevision.objects.filter(pk__in=pks)
    return batch._raw_delete(batch.db)

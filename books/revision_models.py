"""Chapter revisions: the kept states of a chapter's content (books.services.revisions).
Re-exported by `books.models`."""

from django.db import models
from django.utils import timezone

from books.models import CompositeUniqueKey
from books.rules import CHAPTER_ID_MAX_LENGTH


class RevisionSource(models.TextChoices):
    """What wrote a chapter revision. Only `autosave` revisions collapse (the editor saves every
    few seconds); every other source starts a revision of its own."""

    AUTOSAVE = "autosave"
    API = "api"
    DRAFT = "draft"
    ADMIN = "admin"
    RESTORE = "restore"
    BATCH = "batch"
    SNAPSHOT = "snapshot"  # the content a restore replaced, when no revision held it yet


class ChapterRevision(CompositeUniqueKey):
    """One kept state of a chapter's content (books.services.revisions).

    `number` is the chapter's content `version` that produced this text (so revisions are
    ordered by the chapter's own compare-and-swap and never share a number); collapsed autosaves
    move the newest revision up to the latest version, so numbers increase with gaps.
    `created_at` is when the revision was started (the collapse window runs from it),
    `updated_at` when its text was last written (the age thinning goes by). Keyed by
    (book, chapter_id, number) through `unique_key`; the compound index serves the newest-first
    list without a scan. Deleted with the book (foreign key) and with the chapter
    (`chapter_documents_delete`)."""

    unique_key_fields = ("book_id", "chapter_id", "number")

    book = models.ForeignKey("books.Book", on_delete=models.CASCADE, related_name="revisions")
    chapter_id = models.CharField(max_length=CHAPTER_ID_MAX_LENGTH)
    number = models.IntegerField()
    author_id = models.CharField(max_length=64, null=True, blank=True)
    source = models.CharField(max_length=16, choices=RevisionSource.choices)
    content = models.TextField(blank=True, default="")
    word_count = models.IntegerField(default=0)
    size = models.IntegerField(default=0)  # UTF-8 bytes of `content`
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "chapter_revisions"
        indexes = [
            models.Index(
                fields=["book", "chapter_id", "-number"], name="revision_book_chapter_num_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.book_id}:{self.chapter_id}#{self.number}"

"""Books, their table of contents and chapters, and chapter access logs.

Storage design (MongoDB without multi-document transactions on the embedded server):
- `Book.toc` holds the TOC *structure* (chapters, nested subchapters, their titles, descriptions,
  order, level and any extra keys clients send) and `Book.toc_version` is its integer version.
  Every structural write is one compare-and-swap on the book document (`toc_version` = expected),
  so concurrent writers get 409 instead of overwriting each other.
- `Chapter` holds what changes while an author writes: content, its own `version`, status,
  word count, reading time. One document per chapter, keyed by (book, chapter_id), so saves to
  different chapters never touch the same document, and a content save is a CAS on `version`.
  It is created when the chapter is first written (content, status, questions); before that,
  readers show a new chapter's defaults.
- A chapter is visible only while the TOC lists it; a Chapter document without a TOC entry is
  an orphan left by an interrupted write, invisible to readers and removed by `validate_data`.
"""

import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_mongodb_backend.fields import ArrayField, ObjectIdField

from accounts.models import AuditedModel
from books.rules import (
    BOOK_AUDIENCE_MAX,
    BOOK_DESCRIPTION_MAX,
    BOOK_GENRE_MAX,
    BOOK_SUBTITLE_MAX,
    BOOK_TITLE_MAX,
    CHAPTER_ID_MAX_LENGTH,
    SUMMARY_MAX_CHARS,
    URL_MAX,
)


class CompositeKeyManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.fill_unique_key()
        return super().bulk_create(objs, *args, **kwargs)


class CompositeUniqueKey(models.Model):
    """Uniqueness of a pair of fields through one indexed string field, `unique_key`.

    The embedded server checks a compound unique index by scanning the whole collection on every
    insert (measured: 50 chapter inserts took 2 s with 300 chapters stored and kept growing),
    while a single-field unique index is checked through the index on the embedded server and on
    MongoDB alike. The key is derived from `unique_key_fields` on every save and bulk insert, and
    a plain compound index on the same fields still serves lookups.
    """

    unique_key = models.CharField(max_length=200, unique=True, editable=False)
    unique_key_fields: tuple[str, ...] = ()

    objects = CompositeKeyManager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_unique_key()
        super().save(*args, **kwargs)

    def fill_unique_key(self) -> None:
        self.unique_key = ":".join(str(getattr(self, name)) for name in self.unique_key_fields)


class JSONTextField(models.TextField):
    """JSON kept in the database as one string: for a document-sized value that is always read
    and written whole and never queried inside (the TOC structure).

    The embedded server pays per stored value on every read and update (its codec validates
    and copies each one): a 50-chapter TOC held as nested BSON made every update of its book
    cost 5-8 ms and every read 1.6 ms; as one string, 0.9 and 0.4 ms. Values stored as nested
    documents by earlier versions are still read (migration 0004 rewrites them)."""

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))


class ChapterStatus(models.TextChoices):
    """A chapter's writing status. The frontend's status components know `in_progress` only
    (the reference spells it `in-progress`, which they cannot render): that spelling is stored
    and sent; the reference's is still accepted on input (`chapter_status_normalize`) and
    migration 0005 rewrote the stored values."""

    DRAFT = "draft", "Draft"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    PUBLISHED = "published", "Published"


# Spellings accepted on input for a status, mapped to the stored one.
CHAPTER_STATUS_ALIASES = {"in-progress": ChapterStatus.IN_PROGRESS.value}


def chapter_status_normalize(value):
    """The stored spelling of a chapter status given in any accepted spelling (other values are
    returned unchanged, for the caller's validation to refuse)."""
    return CHAPTER_STATUS_ALIASES.get(value, value) if isinstance(value, str) else value


class Book(AuditedModel):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="books"
    )
    title = models.CharField(max_length=BOOK_TITLE_MAX)
    subtitle = models.CharField(max_length=BOOK_SUBTITLE_MAX, null=True, blank=True)
    description = models.TextField(max_length=BOOK_DESCRIPTION_MAX, null=True, blank=True)
    genre = models.CharField(max_length=BOOK_GENRE_MAX, null=True, blank=True)
    target_audience = models.CharField(max_length=BOOK_AUDIENCE_MAX, null=True, blank=True)
    cover_image_url = models.CharField(max_length=URL_MAX, null=True, blank=True)
    cover_thumbnail_url = models.CharField(max_length=URL_MAX, null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    published = models.BooleanField(default=False)
    # Who the book is shared with: [{user_id, role, added_at}] (books.services.collaborators),
    # loaded with the book by every book-scoped request, so the role check costs no command.
    # `collaborator_ids` holds the same users' ids, for the shared-book list: a scalar array
    # (multikey index) because the embedded server evaluates a path into an array of
    # subdocuments (`collaborators.user_id`) in Python over every book, and `$in` on a scalar
    # array in SQL. Both change together with `collaborators_version` in one compare-and-swap.
    collaborators = models.JSONField(default=list, blank=True)
    collaborator_ids = ArrayField(ObjectIdField(), default=list, blank=True)
    collaborators_version = models.IntegerField(default=0)
    toc_items = models.JSONField(default=list, blank=True)  # legacy field kept for API parity

    summary = models.TextField(max_length=SUMMARY_MAX_CHARS, null=True, blank=True)
    summary_history = models.JSONField(default=list, blank=True)
    # Incremented by every summary write: the compare-and-swap token that keeps concurrent
    # summary saves from losing history entries (books.services.books.book_summary_update).
    summary_version = models.IntegerField(default=0)
    summary_analysis = models.JSONField(null=True, blank=True)
    clarifying_questions = models.JSONField(null=True, blank=True)
    question_responses = models.JSONField(null=True, blank=True)

    toc = JSONTextField(null=True, blank=True)  # the structure, read and written whole
    toc_version = models.IntegerField(default=0)

    # Set first when a book is being deleted: readers stop seeing it at once, and an
    # interrupted cascade can be finished later (validate_data --fix).
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    audit_resource_type = "book"

    @property
    def audit_book_id(self) -> str:
        return str(self.pk)

    audit_length_fields = ("description", "summary")
    audit_ignore_fields = (
        "updated_at",
        "created_at",
        "toc",
        "summary_history",
        "summary_version",
        "collaborator_ids",
        "collaborators_version",
    )

    class Meta:
        db_table = "books"
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="owner_updated_idx"),
            models.Index(fields=["collaborator_ids"], name="book_collaborator_ids_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class Chapter(CompositeUniqueKey):
    unique_key_fields = ("book_id", "chapter_id")

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="chapters")
    chapter_id = models.CharField(max_length=CHAPTER_ID_MAX_LENGTH)
    content = models.TextField(blank=True, default="")
    version = models.IntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=ChapterStatus.choices, default=ChapterStatus.DRAFT
    )
    word_count = models.IntegerField(default=0)
    estimated_reading_time = models.IntegerField(default=0)
    # What an export sees in `content` (books.export.document.content_stats), stored by every
    # content save so that /export/formats and the export's chapter selection never parse the
    # HTML: `word_count` above is the reference's whitespace count of the raw HTML (and is left
    # alone by saves with auto_update_metadata=false), these two are always current.
    visible_word_count = models.IntegerField(default=0)
    has_visible_content = models.BooleanField(default=False)
    last_modified = models.DateTimeField(null=True, blank=True)
    is_active_tab = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "chapters"
        indexes = [models.Index(fields=["book", "chapter_id"], name="book_chapter_idx")]

    def __str__(self) -> str:
        return f"{self.book_id}:{self.chapter_id}"


class AccessType(models.TextChoices):
    VIEW = "view"
    EDIT = "edit"
    CREATE = "create"
    DELETE = "delete"
    STATUS_UPDATE = "status_update"
    TAB_STATE = "tab_state"
    READ_CONTENT = "read_content"
    UPDATE_CONTENT = "update_content"
    BATCH_READ_CONTENT = "batch_read_content"
    EXPORT_PDF = "export_pdf"
    EXPORT_DOCX = "export_docx"
    EXPORT_EPUB = "export_epub"
    EXPORT_MARKDOWN = "export_markdown"


class ChapterAccessLog(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chapter_access_logs"
    )
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="access_logs")
    chapter_id = models.CharField(max_length=CHAPTER_ID_MAX_LENGTH)
    access_type = models.CharField(max_length=32, choices=AccessType.choices)
    timestamp = models.DateTimeField(default=timezone.now)
    session_id = models.CharField(max_length=128, null=True, blank=True)
    tab_order = models.JSONField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "chapter_access_logs"
        indexes = [
            models.Index(fields=["user", "book", "-timestamp"], name="user_book_timestamp_idx"),
            models.Index(
                fields=["book", "chapter_id", "-timestamp"], name="book_chapter_timestamp_idx"
            ),
            models.Index(
                fields=["user", "access_type", "-timestamp"], name="user_access_type_ts_idx"
            ),
        ]


# Chapter revisions live in a module of their own (this one would pass 300 lines); imported
# here so that `books.models` names every model of the app.
from books.revision_models import ChapterRevision, RevisionSource  # noqa: E402, F401

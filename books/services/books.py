"""Book writes: create, update, cascade delete, summary, book-level question responses and the
cover image.

Audit rows (collection audit_logs; actor = the requesting user, `system` in commands; target =
the book id; resource_type "book"):
- `book_create`, `book_update`, `book_delete`: written by the generic receivers of
  accounts/signals.py on Book saves and deletes. `changes` is {field: [old, new]} of the fields
  that changed (description and summary by length); an update that changes nothing writes
  nothing. The soft-delete marker (`deleted_at`) is a plain update and writes no row: the delete
  is recorded once, as `book_delete`, when the document goes.
- `summary_update`: explicit (the summary is a compare-and-swap, not a plain save);
  changes {"summary": [old length, new length]}.
- `question_responses_update`: explicit; changes {"question_responses": [old count, new count]}.
- `cover_image_upload`: explicit; changes {"cover_image_url": [old, new],
  "cover_thumbnail_url": [old, new]} (URLs longer than 200 characters by length).
"""

import io
import logging
import re
import uuid
import warnings
from datetime import timedelta
from urllib.parse import unquote, urlparse

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, models
from django.db.models import F
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts.models import AuditedModel
from accounts.services.audit import LONG_TEXT, audit_record
from autoauthor.api.errors import Conflict, Invalid, NotFound
from autoauthor.queries import one_or_none
from autoauthor.transactions import atomic_if_supported
from books.models import Book
from books.selectors import BOOK_NOT_FOUND

logger = logging.getLogger("books.services")

# Fields a client may set on create/update (BookCreate/BookUpdate of the reference).
BOOK_EDITABLE_FIELDS = (
    "title",
    "subtitle",
    "description",
    "genre",
    "target_audience",
    "cover_image_url",
    "metadata",
    "published",
)

SUMMARY_MIN_CHARS = 30
SUMMARY_MAX_CHARS = 2000
SUMMARY_HISTORY_LIMIT = 20
# A summary save re-reads and retries its compare-and-swap this many times before giving up
# with 409 (each retry means another save landed in between; its text went to the history).
SUMMARY_CAS_ATTEMPTS = 5
OFFENSIVE_WORDS = (
    "fuck",
    "shit",
    "bitch",
    "asshole",
    "bastard",
    "dick",
    "cunt",
    "nigger",
    "faggot",
    "slut",
    "whore",
)
_OFFENSIVE_RE = re.compile(
    r"\b(?:" + "|".join(map(re.escape, OFFENSIVE_WORDS)) + r")\b", re.IGNORECASE
)

COVER_ALLOWED_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif")
COVER_ALLOWED_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
COVER_MAX_BYTES = 5 * 1024 * 1024
COVER_MAX_SIZE = (1200, 1800)
COVER_THUMBNAIL_SIZE = (300, 450)
COVER_JPEG_QUALITY = 85
COVER_DIR = "cover_images"
COVER_CAS_ATTEMPTS = 5


def _now_iso() -> str:
    return timezone.now().isoformat()


# --- Create, update ----------------------------------------------------------------------------


def book_create(*, owner, data: dict) -> Book:
    """Create a book owned by `owner` from validated BookCreate fields. `toc_items` and
    `collaborators` start empty and `published` false (the reference's defaults); the generic
    receiver writes the `book_create` audit row."""
    fields = {name: data[name] for name in BOOK_EDITABLE_FIELDS if name in data}
    fields.pop("published", None)  # not settable on create (reference BookCreate)
    if fields.get("metadata") is None:
        fields["metadata"] = {}
    now = timezone.now()
    return Book.objects.create(owner=owner, created_at=now, updated_at=now, **fields)


def book_update(*, book: Book, data: dict) -> Book:
    """Apply validated BookUpdate fields to `book` (PUT and PATCH share this rule).

    A key that is absent or null leaves the field unchanged (the reference's rule; `title` can
    never be null, the input refuses it); an empty string clears an optional text field;
    `metadata` is replaced wholesale, not merged. Only the fields that change are written, with
    `updated_at`, in one single-document update, so a concurrent TOC or summary write is never
    overwritten; concurrent updates of the same field are last-writer-wins (as the reference).
    Nothing changed: no write, no audit row."""
    changed = []
    for name in BOOK_EDITABLE_FIELDS:
        value = data.get(name)
        if value is None or getattr(book, name) == value:
            continue
        setattr(book, name, value)
        changed.append(name)
    if not changed:
        return book
    book.updated_at = timezone.now()
    try:
        book.save(update_fields=[*changed, "updated_at"])
    except DatabaseError as exc:  # the document vanished (deleted) since it was read
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found") from exc
    return book


# --- Delete (cascade) ----------------------------------------------------------------------------


def _raw_deletable(model) -> bool:
    """Rows nobody points at and nobody audits can be deleted with one command, without loading
    them (access logs can be many); everything else goes through Django's collector so nested
    cascades and audit receivers run."""
    return not issubclass(model, AuditedModel) and not model._meta.related_objects


def _book_children_delete(*, book_pk) -> dict[str, int]:
    """Delete every row of every model with a cascading foreign key to Book (chapters, access
    logs and, when their app adds them, questions, responses and ratings — each through the
    collector, so their own cascades follow). New models join by declaring the foreign key."""
    counts: dict[str, int] = {}
    for relation in Book._meta.related_objects:
        if getattr(relation, "on_delete", None) is not models.CASCADE:
            continue
        model = relation.related_model
        queryset = model._base_manager.filter(**{relation.field.attname: book_pk})
        if _raw_deletable(model):
            per_model = {model._meta.label: queryset._raw_delete(queryset.db)}
        else:
            _, per_model = queryset.delete()
        for label, deleted in per_model.items():
            table = apps.get_model(label)._meta.db_table
            counts[table] = counts.get(table, 0) + deleted
    return counts


def book_delete(*, book: Book) -> dict[str, int]:
    """Delete `book` and everything that belongs to it; audit rows stay.

    Order (safe to retry, never a visible half-state): 1) set `deleted_at` with one
    single-document update, so the book disappears from every read at once (selectors filter
    `deleted_at=None`); 2) delete the children (`_book_children_delete`); 3) delete the book
    document (the receiver writes `book_delete`); 4) best effort, delete its stored cover files.
    Steps 2-3 run in a transaction on a real replica set. If the process dies after step 1,
    running this again (or `book_purge_deleted`) finishes the work. Returns the number of
    deleted rows per collection."""
    if book.deleted_at is None:
        Book.objects.filter(pk=book.pk, deleted_at=None).update(deleted_at=timezone.now())
    with atomic_if_supported():
        current = one_or_none(
            Book.objects.filter(pk=book.pk).only(
                "owner_id", "title", "cover_image_url", "cover_thumbnail_url", "deleted_at"
            )
        )
        if current is None:
            return {}  # another run finished it
        book_pk = current.pk  # Model.delete() resets the instance's pk
        counts = _book_children_delete(book_pk=book_pk)
        current.delete()
    counts[Book._meta.db_table] = 1
    for url in (current.cover_image_url, current.cover_thumbnail_url):
        _cover_file_delete(book_pk=book_pk, url=url)
    return counts


def book_purge_deleted(*, older_than: timedelta = timedelta(minutes=5)) -> int:
    """Finish deletes that were interrupted after the book was marked deleted: every book whose
    `deleted_at` is older than `older_than` (so an in-flight delete is left to finish itself)
    goes through `book_delete`. Returns the number of books purged."""
    cutoff = timezone.now() - older_than
    purged = 0
    for book in Book.objects.filter(deleted_at__lt=cutoff).only("deleted_at"):
        if book_delete(book=book):
            purged += 1
    return purged


# --- Summary -------------------------------------------------------------------------------------


def summary_validate(*, summary, partial: bool) -> str | None:
    """The summary text to store, or None when a PATCH sends no summary (nothing to write).

    Rules (the same for PUT and PATCH): a string of 30-2000 characters (after trimming
    surrounding whitespace) without any word of OFFENSIVE_WORDS (whole words, any case).
    Broken rules are 400 with the reference's messages."""
    if summary is None and partial:
        return None
    if not isinstance(summary, str) or (not partial and not summary.strip()):
        message = "Summary must be a string." if partial else None
        raise Invalid(
            message or "Summary is required and must be a string.", code="summary_required"
        )
    text = summary.strip()
    if len(text) < SUMMARY_MIN_CHARS:
        raise Invalid(
            f"Summary must be at least {SUMMARY_MIN_CHARS} characters.", code="summary_too_short"
        )
    if len(text) > SUMMARY_MAX_CHARS:
        raise Invalid(
            f"Summary must be at most {SUMMARY_MAX_CHARS} characters.", code="summary_too_long"
        )
    if _OFFENSIVE_RE.search(text):
        raise Invalid("Summary contains inappropriate language.", code="summary_inappropriate")
    return text


def book_summary_update(*, book: Book, summary: str) -> Book:
    """Store a validated summary. A previous non-empty summary that differs goes to the history
    as {summary, timestamp} (the last 20 are kept).

    Concurrency: the write is a compare-and-swap on `summary_version`; when another save landed
    between read and write, the book is re-read (its summary now goes to the history) and the
    swap retried, up to SUMMARY_CAS_ATTEMPTS times, then 409 `summary_conflict`. So concurrent
    saves never lose a history entry. Saving the current text again writes nothing. Audit:
    `summary_update`."""
    current = book
    for _ in range(SUMMARY_CAS_ATTEMPTS):
        old = current.summary or ""
        if old == summary:
            return current
        history = list(current.summary_history or [])
        if old:
            history.append({"summary": old, "timestamp": _now_iso()})
        history = history[-SUMMARY_HISTORY_LIMIT:]
        now = timezone.now()
        swapped = Book.objects.filter(
            pk=book.pk, deleted_at=None, summary_version=current.summary_version
        ).update(
            summary=summary,
            summary_history=history,
            summary_version=F("summary_version") + 1,
            updated_at=now,
        )
        if swapped:
            audit_record(
                action="summary_update",
                resource_type="book",
                target_id=str(book.pk),
                changes={"summary": [len(old), len(summary)]},
            )
            current.summary, current.summary_history = summary, history
            current.summary_version += 1
            current.updated_at = now
            return current
        current = one_or_none(
            Book.objects.filter(pk=book.pk, deleted_at=None).only(
                "owner_id", "summary", "summary_history", "summary_version"
            )
        )
        if current is None:
            raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    raise Conflict(
        "The summary was changed by other requests at the same time; please retry.",
        code="summary_conflict",
    )


# --- Book-level question responses ----------------------------------------------------------------


RESPONSES_MAX_ITEMS = 50
RESPONSE_QUESTION_MAX_CHARS = 1000
RESPONSE_ANSWER_MAX_CHARS = 10000


def question_responses_validate(*, responses) -> list[dict]:
    """The `responses` of a PUT as [{question, answer}] (extra keys dropped). Missing is an
    empty list (as the reference). 400 with the reference's messages (0-based index) when it
    is not a list, an item is not an object, lacks `question` or `answer`, or an answer is
    blank; fixed quirks: a non-string question or answer is 400 (was a 500), and the list and
    texts are bounded (50 items, questions 1000 and answers 10000 characters)."""
    if responses is None:
        return []
    if not isinstance(responses, list):
        raise Invalid("Responses must be provided as a list", code="invalid_responses")
    if len(responses) > RESPONSES_MAX_ITEMS:
        raise Invalid(
            f"At most {RESPONSES_MAX_ITEMS} responses can be saved", code="invalid_responses"
        )
    cleaned = []
    for index, item in enumerate(responses):
        if not isinstance(item, dict):
            raise Invalid(f"Response {index} must be an object", code="invalid_responses")
        if "question" not in item or "answer" not in item:
            raise Invalid(
                f"Response {index} must contain 'question' and 'answer' fields",
                code="invalid_responses",
            )
        question, answer = item["question"], item["answer"]
        if not isinstance(question, str) or not isinstance(answer, str):
            raise Invalid(
                f"Response {index}: 'question' and 'answer' must be strings",
                code="invalid_responses",
            )
        if not answer.strip():
            raise Invalid(f"Answer for question {index} cannot be empty", code="empty_answer")
        if len(question) > RESPONSE_QUESTION_MAX_CHARS or len(answer) > RESPONSE_ANSWER_MAX_CHARS:
            raise Invalid(
                f"Response {index} is too long (question at most "
                f"{RESPONSE_QUESTION_MAX_CHARS}, answer at most {RESPONSE_ANSWER_MAX_CHARS} "
                "characters)",
                code="invalid_responses",
            )
        cleaned.append({"question": question, "answer": answer})
    return cleaned


def book_question_responses_update(*, book: Book, responses: list[dict]) -> dict:
    """Store the answers to the book's clarifying questions as
    {responses, answered_at, status: "completed"} and, when clarifying questions exist, mark
    them `answered` (no empty object is written when there are none).

    One single-document write, a compare-and-swap on the clarifying questions as read, so a
    concurrent question generation is never overwritten (re-read and retried, then 409).
    Audit: `question_responses_update`."""
    current = book
    for _ in range(SUMMARY_CAS_ATTEMPTS):
        answered_at = _now_iso()
        stored = {"responses": responses, "answered_at": answered_at, "status": "completed"}
        questions = current.clarifying_questions
        update: dict = {"question_responses": stored, "updated_at": timezone.now()}
        if isinstance(questions, dict) and questions:
            update["clarifying_questions"] = {**questions, "status": "answered"}
        filters: dict = {"pk": book.pk, "deleted_at": None}
        if questions is None:
            filters["clarifying_questions__isnull"] = True
        else:
            filters["clarifying_questions"] = questions
        if Book.objects.filter(**filters).update(**update):
            previous = (current.question_responses or {}).get("responses") or []
            audit_record(
                action="question_responses_update",
                resource_type="book",
                target_id=str(book.pk),
                changes={"question_responses": [len(previous), len(responses)]},
            )
            return stored
        current = one_or_none(
            Book.objects.filter(pk=book.pk, deleted_at=None).only(
                "owner_id", "clarifying_questions", "question_responses"
            )
        )
        if current is None:
            raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    raise Conflict(
        "The book's questions changed while the answers were being saved; please retry.",
        code="responses_conflict",
    )


# --- Cover image ---------------------------------------------------------------------------


def _cover_validate(upload) -> None:
    name = (upload.name or "").lower()
    if not name.endswith(COVER_ALLOWED_EXTENSIONS):
        raise Invalid(
            f"Invalid file type. Allowed types: {', '.join(COVER_ALLOWED_EXTENSIONS)}",
            code="invalid_file_type",
        )
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in COVER_ALLOWED_CONTENT_TYPES:
        raise Invalid(
            f"Invalid content type. Allowed types: {', '.join(COVER_ALLOWED_CONTENT_TYPES)}",
            code="invalid_content_type",
        )
    if upload.size > COVER_MAX_BYTES:
        raise Invalid("File too large. Maximum size: 5MB", code="file_too_large")


def _open_image(upload) -> Image.Image:
    """Open, verify and fully decode the upload; anything Pillow refuses (including
    decompression bombs) is 400 "Invalid image file"."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                probe.verify()
            upload.seek(0)
            image = Image.open(upload)
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise Invalid("Invalid image file", code="invalid_image") from exc
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: alpha (RGBA, LA) and palette (P, possibly with transparency) images are
    composited onto a white background; other modes are converted."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=COVER_JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def cover_image_process(upload) -> tuple[bytes, bytes]:
    """Validate an uploaded cover (extension, content type, at most 5 MiB, a real image) and
    return (cover, thumbnail) as JPEG bytes: flattened onto white, shrunk (aspect kept, Lanczos)
    to fit 1200x1800, thumbnail fitting 300x450, quality 85, optimised. Covers are always stored
    as JPEG: after flattening there is no transparency left for PNG/WebP/GIF to keep."""
    _cover_validate(upload)
    image = _open_image(upload)
    try:
        cover = _flatten(image)
        if cover.width > COVER_MAX_SIZE[0] or cover.height > COVER_MAX_SIZE[1]:
            cover.thumbnail(COVER_MAX_SIZE, Image.Resampling.LANCZOS)
        thumbnail = cover.copy()
        thumbnail.thumbnail(COVER_THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
        return _jpeg_bytes(cover), _jpeg_bytes(thumbnail)
    except (OSError, ValueError) as exc:
        raise Invalid("Invalid image file", code="invalid_image") from exc
    finally:
        image.close()


def _cover_storage_name(*, book_pk, url: str | None) -> str | None:
    """The storage name behind a cover URL this service stored for this book, else None. Only
    names under cover_images/<book id>/ qualify, so a URL a client typed into
    `cover_image_url` can never make us delete someone else's file."""
    if not url:
        return None
    path = unquote(urlparse(url).path)
    prefix = f"{COVER_DIR}/{book_pk}/"
    index = path.find(prefix)
    if index < 0:
        return None
    name = path[index:]
    if ".." in name.split("/") or "\\" in name:
        return None
    return name


def _cover_file_delete(*, book_pk, url: str | None) -> None:
    """Best effort: a file that cannot be deleted is logged, never an error for the client."""
    name = _cover_storage_name(book_pk=book_pk, url=url)
    if name is None:
        return
    try:
        default_storage.delete(name)
    except Exception:  # storage backends raise their own error types (OSError, botocore, ...)
        logger.warning("Could not delete cover file %s", name, exc_info=True)


def _audit_value(value: str | None):
    return value if value is None or len(value) <= LONG_TEXT else {"length": len(value)}


def book_cover_upload(*, book: Book, upload) -> Book:
    """Store a new cover image and its thumbnail for `book` through Django's default storage
    (local media, or S3 when AWS_S3_BUCKET is set) under cover_images/<book id>/, then point
    the book at their storage URLs and delete the files they replace.

    The pointer update is a compare-and-swap on the URLs as read: when another upload won in
    between, the swap is retried against its URLs, so every replaced file is deleted by exactly
    the writer that replaced it and no file is orphaned. If the book was deleted meanwhile the
    new files are removed again (404). Audit: `cover_image_upload`."""
    cover_bytes, thumbnail_bytes = cover_image_process(upload)
    stem = f"{COVER_DIR}/{book.pk}/{uuid.uuid4().hex}"
    cover_name = default_storage.save(f"{stem}.jpg", ContentFile(cover_bytes))
    thumbnail_name = default_storage.save(f"{stem}_thumb.jpg", ContentFile(thumbnail_bytes))
    cover_url = default_storage.url(cover_name)
    thumbnail_url = default_storage.url(thumbnail_name)

    current = book
    for _ in range(COVER_CAS_ATTEMPTS):
        old_cover, old_thumbnail = current.cover_image_url, current.cover_thumbnail_url
        now = timezone.now()
        swapped = Book.objects.filter(
            pk=book.pk,
            deleted_at=None,
            cover_image_url=old_cover,
            cover_thumbnail_url=old_thumbnail,
        ).update(cover_image_url=cover_url, cover_thumbnail_url=thumbnail_url, updated_at=now)
        if swapped:
            for url in (old_cover, old_thumbnail):
                if url not in (cover_url, thumbnail_url):
                    _cover_file_delete(book_pk=book.pk, url=url)
            audit_record(
                action="cover_image_upload",
                resource_type="book",
                target_id=str(book.pk),
                changes={
                    "cover_image_url": [_audit_value(old_cover), _audit_value(cover_url)],
                    "cover_thumbnail_url": [
                        _audit_value(old_thumbnail),
                        _audit_value(thumbnail_url),
                    ],
                },
            )
            current.cover_image_url, current.cover_thumbnail_url = cover_url, thumbnail_url
            current.updated_at = now
            return current
        current = one_or_none(
            Book.objects.filter(pk=book.pk, deleted_at=None).only(
                "owner_id", "cover_image_url", "cover_thumbnail_url"
            )
        )
        if current is None:
            break
    for name in (cover_name, thumbnail_name):
        default_storage.delete(name)
    if current is None:
        raise NotFound(BOOK_NOT_FOUND, code="book_not_found")
    raise Conflict(
        "The cover was replaced by other uploads at the same time; please retry.",
        code="cover_conflict",
    )

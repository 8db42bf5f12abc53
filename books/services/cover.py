"""Book cover image: validation, processing to JPEG, storage and replacement.

Audit: `cover_image_upload` (explicit; actor = the requesting user; target = the book id;
resource_type "book"); changes {"cover_image_url": [old, new], "cover_thumbnail_url": [old, new]}
(URLs longer than 200 characters by length).
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from accounts.services.audit import LONG_TEXT, audit_record
from autoauthor.core.errors import Conflict, Invalid, NotFound
from autoauthor.images import (
    IMAGE_CONTENT_TYPES,
    IMAGE_EXTENSIONS,
    IMAGE_JPEG_QUALITY,
    IMAGE_MAX_BYTES,
    IMAGE_MAX_PIXELS,
    image_jpeg_encode,
    image_upload_decode,
    stored_image_delete,
    stored_image_name,
)
from autoauthor.queries import one_or_none
from books.models import Book
from books.read_cache import invalidates
from books.selectors import BOOK_NOT_FOUND

COVER_ALLOWED_EXTENSIONS = IMAGE_EXTENSIONS
COVER_ALLOWED_CONTENT_TYPES = IMAGE_CONTENT_TYPES
COVER_MAX_BYTES = IMAGE_MAX_BYTES
COVER_MAX_PIXELS = IMAGE_MAX_PIXELS
COVER_MAX_SIZE = (1200, 1800)
COVER_THUMBNAIL_SIZE = (300, 450)
COVER_JPEG_QUALITY = IMAGE_JPEG_QUALITY
COVER_DIR = "cover_images"
COVER_CAS_ATTEMPTS = 5


def cover_image_process(upload) -> tuple[bytes, bytes]:
    """Validate an uploaded cover and return (cover, thumbnail) as JPEG bytes: flattened onto
    white, shrunk (aspect kept, Lanczos) to fit 1200x1800, thumbnail fitting 300x450, quality
    85, optimised. Covers are always stored as JPEG: after flattening there is no transparency
    left for PNG/WebP/GIF to keep.

    The checks and the decoding are `autoauthor.images.image_upload_decode`: JPEG/PNG/WebP/GIF
    of at most 5 MiB (400), and at most 25 megapixels read from the header before anything is
    decoded (413 `image_too_large`; a decompression bomb never reaches the decoder)."""
    cover = image_upload_decode(
        upload=upload, fit=COVER_MAX_SIZE, max_bytes=COVER_MAX_BYTES, max_pixels=COVER_MAX_PIXELS
    )
    try:
        thumbnail = cover.copy()
        thumbnail.thumbnail(COVER_THUMBNAIL_SIZE, Image.Resampling.LANCZOS)
    except (OSError, ValueError) as exc:
        raise Invalid("Invalid image file", code="invalid_image") from exc
    return (
        image_jpeg_encode(image=cover, quality=COVER_JPEG_QUALITY),
        image_jpeg_encode(image=thumbnail, quality=COVER_JPEG_QUALITY),
    )


def _cover_folder(book_pk) -> str:
    return f"{COVER_DIR}/{book_pk}/"


def _cover_storage_name(*, book_pk, url: str | None) -> str | None:
    """The storage name behind a cover URL this service stored for this book, else None. Only
    names under cover_images/<book id>/ qualify, so a URL a client typed into
    `cover_image_url` can never make us delete someone else's file."""
    return stored_image_name(url=url, folder=_cover_folder(book_pk))


def cover_file_delete(*, book_pk, url: str | None) -> None:
    """Best effort: a file that cannot be deleted is logged, never an error for the client."""
    stored_image_delete(url=url, folder=_cover_folder(book_pk))


def _audit_value(value: str | None):
    return value if value is None or len(value) <= LONG_TEXT else {"length": len(value)}


def _cover_files_store(*, book: Book, upload) -> tuple[str, str]:
    """Process `upload` and store the cover and its thumbnail under a fresh name; returns their
    storage names."""
    cover_bytes, thumbnail_bytes = cover_image_process(upload)
    stem = f"{COVER_DIR}/{book.pk}/{uuid.uuid4().hex}"
    cover_name = default_storage.save(f"{stem}.jpg", ContentFile(cover_bytes))
    thumbnail_name = default_storage.save(f"{stem}_thumb.jpg", ContentFile(thumbnail_bytes))
    return cover_name, thumbnail_name


def _cover_reread(book: Book) -> Book | None:
    """The live book's current cover URLs (None once deleted)."""
    return one_or_none(
        Book.objects.filter(pk=book.pk, deleted_at=None).only(
            "owner_id", "cover_image_url", "cover_thumbnail_url"
        )
    )


@invalidates
def book_cover_upload(*, book: Book, upload) -> Book:
    """Store a new cover image and its thumbnail for `book` through Django's default storage
    (local media, or S3 when AWS_S3_BUCKET is set) under cover_images/<book id>/, then point
    the book at their storage URLs and delete the files they replace.

    The pointer update is a compare-and-swap on the URLs as read: when another upload won in
    between, the swap is retried against its URLs, so every replaced file is deleted by exactly
    the writer that replaced it and no file is orphaned. If the book was deleted meanwhile the
    new files are removed again (404). Audit: `cover_image_upload`."""
    cover_name, thumbnail_name = _cover_files_store(book=book, upload=upload)
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
                    cover_file_delete(book_pk=book.pk, url=url)
            audit_record(
                action="cover_image_upload",
                resource_type="book",
                target_id=str(book.pk),
                book_id=str(book.pk),
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
        current = _cover_reread(book)
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

"""POST /books/{id}/cover-image with real images made by Pillow, stored in a temporary media
directory through Django's default storage."""

import io
from pathlib import Path

import pytest
from bson import ObjectId
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from books.models import Book
from tests.factories import BookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.MEDIA_URL = "/media/"
    return tmp_path


def image_bytes(size=(100, 150), mode="RGB", fmt="PNG", color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(api, book_id, content, name="cover.png", content_type="image/png"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return api.post(
        reverse("book-cover-image", kwargs={"book_id": str(book_id)}),
        {"file": file},
        format="multipart",
    )


def stored_path(media_root: Path, url: str) -> Path:
    assert url.startswith("/media/")
    return media_root / url.removeprefix("/media/")


def test_upload_large_transparent_png(api, user, media_root):
    book = BookFactory(owner=user)
    big = image_bytes(size=(2400, 2400), mode="RGBA", color=(0, 0, 255, 0))  # fully transparent
    response = upload(api, book.pk, big)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"message", "cover_image_url", "cover_thumbnail_url", "book_id"}
    assert body["message"] == "Cover image uploaded successfully"
    assert body["book_id"] == str(book.pk)
    assert f"cover_images/{book.pk}/" in body["cover_image_url"]

    with Image.open(stored_path(media_root, body["cover_image_url"])) as cover:
        assert cover.format == "JPEG" and cover.mode == "RGB"
        assert cover.size == (1200, 1200)  # shrunk to fit 1200x1800, aspect kept
        red, green, blue = cover.getpixel((600, 600))
        assert min(red, green, blue) >= 250  # transparency flattened onto white
    with Image.open(stored_path(media_root, body["cover_thumbnail_url"])) as thumb:
        assert thumb.size == (300, 300)

    book.refresh_from_db()
    assert book.cover_image_url == body["cover_image_url"]
    assert book.cover_thumbnail_url == body["cover_thumbnail_url"]
    # the public book response shows the cover
    detail = api.get(reverse("book-detail", kwargs={"book_id": str(book.pk)})).json()
    assert detail["cover_image_url"] == body["cover_image_url"]


@pytest.mark.parametrize(
    ("size", "mode", "fmt", "name", "content_type", "expected"),
    [
        ((640, 480), "RGB", "JPEG", "c.jpg", "image/jpeg", (640, 480)),
        ((100, 3600), "P", "GIF", "c.gif", "image/gif", (50, 1800)),
        ((1300, 500), "LA", "PNG", "c.PNG", "image/png", (1200, 462)),
        ((400, 400), "RGB", "WEBP", "c.webp", "image/webp", (400, 400)),
    ],
)
def test_upload_formats_and_resizing(
    api, user, media_root, size, mode, fmt, name, content_type, expected
):
    book = BookFactory(owner=user)
    color = 128 if mode in ("P", "LA") else (10, 20, 30)
    if mode == "LA":
        color = (128, 255)
    response = upload(api, book.pk, image_bytes(size, mode, fmt, color), name, content_type)
    assert response.status_code == 200, response.json()
    with Image.open(stored_path(media_root, response.json()["cover_image_url"])) as cover:
        assert cover.mode == "RGB"
        assert cover.size == expected
    with Image.open(stored_path(media_root, response.json()["cover_thumbnail_url"])) as thumb:
        assert thumb.width <= 300 and thumb.height <= 450


def test_new_upload_deletes_the_previous_files(api, user, media_root):
    book = BookFactory(owner=user)
    first = upload(api, book.pk, image_bytes()).json()
    second = upload(api, book.pk, image_bytes(color=(0, 255, 0))).json()
    assert second["cover_image_url"] != first["cover_image_url"]
    assert not stored_path(media_root, first["cover_image_url"]).exists()
    assert not stored_path(media_root, first["cover_thumbnail_url"]).exists()
    assert stored_path(media_root, second["cover_image_url"]).exists()
    assert stored_path(media_root, second["cover_thumbnail_url"]).exists()


def test_upload_never_deletes_files_it_did_not_store_for_this_book(api, user, media_root):
    other_book = BookFactory(owner=user)
    other = upload(api, other_book.pk, image_bytes()).json()
    book = BookFactory(owner=user, cover_image_url=other["cover_image_url"])
    assert upload(api, book.pk, image_bytes()).status_code == 200
    assert stored_path(media_root, other["cover_image_url"]).exists()


@pytest.mark.parametrize(
    ("name", "content_type", "content", "code", "detail"),
    [
        (
            "cover.bmp",
            "image/bmp",
            None,
            "invalid_file_type",
            "Invalid file type. Allowed types: .jpg, .jpeg, .png, .webp, .gif",
        ),
        (
            "cover.png",
            "application/octet-stream",
            None,
            "invalid_content_type",
            "Invalid content type. Allowed types: image/jpeg, image/png, image/webp, image/gif",
        ),
        (
            "cover.png",
            "image/png",
            b"\0" * (5 * 1024 * 1024 + 1),
            "file_too_large",
            "File too large. Maximum size: 5MB",
        ),
        ("cover.png", "image/png", b"this is not an image", "invalid_image", "Invalid image file"),
        (
            "cover.png",
            "image/png",
            "truncated",
            "invalid_image",
            "Invalid image file",
        ),
    ],
)
def test_upload_validation_is_400(api, user, media_root, name, content_type, content, code, detail):
    book = BookFactory(owner=user)
    if content is None:
        content = image_bytes()
    elif content == "truncated":
        content = image_bytes(size=(300, 300))[:200]
    response = upload(api, book.pk, content, name, content_type)
    assert response.status_code == 400
    assert response.json() == {"detail": detail, "code": code}
    book.refresh_from_db()
    assert book.cover_image_url is None
    assert not (media_root / "cover_images").exists()


def test_upload_without_file_is_422(api, user):
    book = BookFactory(owner=user)
    response = api.post(
        reverse("book-cover-image", kwargs={"book_id": str(book.pk)}), {}, format="multipart"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["file"]


def test_upload_ownership_ids_and_auth(api, other_api, anon, user, media_root):
    book = BookFactory(owner=user)
    assert upload(other_api, book.pk, image_bytes()).status_code == 403
    assert upload(api, "bad-id", image_bytes()).status_code == 404
    assert upload(api, ObjectId(), image_bytes()).status_code == 404
    assert upload(anon, book.pk, image_bytes()).status_code == 401
    assert not (media_root / "cover_images").exists()
    assert Book.objects.get(pk=book.pk).cover_image_url is None


def test_deleting_the_book_deletes_its_cover_files(api, user, media_root):
    book = BookFactory(owner=user)
    body = upload(api, book.pk, image_bytes()).json()
    assert api.delete(reverse("book-detail", kwargs={"book_id": str(book.pk)})).status_code == 204
    assert not stored_path(media_root, body["cover_image_url"]).exists()
    assert not stored_path(media_root, body["cover_thumbnail_url"]).exists()


def test_s3_cover_urls_are_plain_and_map_back_to_their_storage_name(settings, user):
    """With S3 configured (AWS_S3_BUCKET), stored cover URLs must not expire, and the delete
    of a replaced cover finds the object key from the URL. URL building is local (no network)."""
    from storages.backends.s3 import S3Storage

    from books.services.cover import _cover_storage_name

    storage = S3Storage(
        bucket_name="covers-bucket",
        region_name="eu-west-1",
        access_key="AKIAEXAMPLE",
        secret_key="secret",
        querystring_auth=settings.AWS_QUERYSTRING_AUTH,
    )
    book = BookFactory(owner=user)
    name = f"cover_images/{book.pk}/abc.jpg"
    url = storage.url(name)
    assert "X-Amz-Signature" not in url and "Expires" not in url
    assert _cover_storage_name(book_pk=book.pk, url=url) == name
    assert _cover_storage_name(book_pk=ObjectId(), url=url) is None
    assert _cover_storage_name(book_pk=book.pk, url="https://evil.example/x.jpg") is None
    traversal = f"/media/cover_images/{book.pk}/../../etc/passwd"
    assert _cover_storage_name(book_pk=book.pk, url=traversal) is None


def test_stale_upload_replaces_the_upload_that_landed_in_between(api, user, media_root):
    """Two uploads racing: the one that read the book first retries its swap against the
    other's URLs and deletes the files it replaces, so no file is orphaned."""
    from books.services.cover import book_cover_upload

    book = BookFactory(owner=user)
    stale = Book.objects.only("owner_id", "cover_image_url", "cover_thumbnail_url").get(pk=book.pk)
    between = upload(api, book.pk, image_bytes()).json()
    result = book_cover_upload(
        book=stale,
        upload=SimpleUploadedFile("late.png", image_bytes(), content_type="image/png"),
    )
    book.refresh_from_db()
    assert book.cover_image_url == result.cover_image_url != between["cover_image_url"]
    assert not stored_path(media_root, between["cover_image_url"]).exists()
    assert not stored_path(media_root, between["cover_thumbnail_url"]).exists()
    stored = sorted(p.name for p in (media_root / "cover_images" / str(book.pk)).iterdir())
    assert len(stored) == 2  # exactly the winner's cover and thumbnail

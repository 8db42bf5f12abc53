"""POST /users/me/avatar with real images made by Pillow, stored in a temporary media directory
through Django's default storage: the cover upload's checks, one JPEG fitting 400x400, the old
file replaced, `avatar_url` on the profile, an audit row, 5 uploads a minute."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import AuditLog, User
from accounts.services.avatars import user_avatar_upload
from autoauthor.core.errors import NotFound
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
TOO_LARGE = {
    "detail": "Image too large. Maximum: 25 megapixels (width x height)",
    "code": "image_too_large",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_URL = "/media/"
    return tmp_path / "media"


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> bytes:
    """A 9400 x 9400 palette PNG (88 Mpx; one colour, so a few KB)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    Image.new("P", (9400, 9400), 0).save(path, format="PNG")
    return path.read_bytes()


def image_bytes(size=(100, 150), mode="RGB", fmt="PNG", color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def oversized_webp_header() -> bytes:
    """A real 300 x 200 WebP whose header declares a 16000 x 16000 canvas."""
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (1, 2, 3, 100)).save(buffer, format="WEBP", exif=b"Exif\0\0")
    data = bytearray(buffer.getvalue())
    data[24:27] = (16000 - 1).to_bytes(3, "little")
    data[27:30] = (16000 - 1).to_bytes(3, "little")
    return bytes(data)


def upload(client, content, name="me.png", content_type="image/png"):
    # As HEAD's ProfilePictureUpload sends it: multipart form-data, the picture in `file`.
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(reverse("user-me-avatar"), {"file": file}, format="multipart")


def stored_path(media_root: Path, url: str) -> Path:
    assert url.startswith("/media/")
    return media_root / url.removeprefix("/media/")


def stored_files(media_root: Path) -> list[Path]:
    return sorted(p for p in media_root.rglob("*") if p.is_file())


def test_upload_stores_a_jpeg_and_answers_the_profile(api, user, media_root):
    big = image_bytes(size=(1600, 800), mode="RGBA", color=(0, 0, 255, 0))  # transparent
    response = upload(api, big)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == str(user.pk) and body["email"] == user.email
    url = body["avatar_url"]
    assert url.startswith(f"/media/avatars/{user.pk}/") and url.endswith(".jpg")
    with Image.open(stored_path(media_root, url)) as avatar:
        assert avatar.format == "JPEG" and avatar.mode == "RGB"
        assert avatar.size == (400, 200)  # fits 400x400, aspect kept
        assert min(avatar.getpixel((200, 100))) >= 250  # transparency flattened onto white
    user.refresh_from_db()
    assert user.avatar_url == url
    # The next request sees it (the authentication cache dropped its copy of the user).
    assert api.get(reverse("user-me")).json()["avatar_url"] == url
    row = AuditLog.objects.get(action="avatar_upload")
    assert row.actor_id == row.target_id == str(user.pk)
    assert row.resource_type == "user"
    assert row.changes == {"avatar_url": [None, url]}


def test_small_images_are_not_enlarged(api, media_root):
    url = upload(
        api, image_bytes(size=(64, 48), fmt="GIF", mode="P", color=3), "a.gif", "image/gif"
    )
    with Image.open(stored_path(media_root, url.json()["avatar_url"])) as avatar:
        assert avatar.size == (64, 48)


def test_a_new_upload_replaces_the_old_file(api, user, media_root):
    first = upload(api, image_bytes()).json()["avatar_url"]
    second = upload(api, image_bytes(fmt="JPEG"), "me.jpg", "image/jpeg").json()["avatar_url"]
    assert first != second
    assert not stored_path(media_root, first).exists()
    assert stored_files(media_root) == [stored_path(media_root, second)]
    changes = [
        row.changes["avatar_url"]
        for row in AuditLog.objects.filter(action="avatar_upload").order_by("timestamp")
    ]
    assert changes == [[None, first], [first, second]]


def test_files_this_service_did_not_store_for_the_user_are_never_deleted(
    api, user, other_user, media_root
):
    theirs = upload(bearer_client(other_user), image_bytes()).json()["avatar_url"]
    # A user points their profile at someone else's avatar file (PATCH accepts any URL) ...
    patched = api.patch(
        reverse("user-me"), {"avatar_url": f"http://localhost{theirs}"}, format="json"
    )
    assert patched.status_code == 200
    mine = upload(api, image_bytes()).json()["avatar_url"]
    # ... and their own upload replaces only the pointer, never that file.
    assert stored_path(media_root, theirs).exists()
    assert stored_path(media_root, mine).exists()


@pytest.mark.parametrize(
    ("name", "content_type", "content", "code"),
    [
        ("me.bmp", "image/png", None, "invalid_file_type"),
        ("me.png", "application/pdf", None, "invalid_content_type"),
        ("me.png", "image/png", b"this is not an image", "invalid_image"),
        ("me.png", "image/png", "truncated", "invalid_image"),
        ("me.png", "image/png", "bmp-as-png", "invalid_image"),
        ("me.png", "image/png", b"\0" * (5 * MiB + 1), "file_too_large"),
    ],
)
def test_invalid_files_are_400_and_nothing_changes(
    api, user, media_root, name, content_type, content, code
):
    if content is None:
        content = image_bytes()
    elif content == "truncated":
        content = image_bytes(size=(300, 300))[:200]
    elif content == "bmp-as-png":  # the bytes must be one of the four formats, whatever the name
        content = image_bytes(fmt="BMP")
    response = upload(api, content, name, content_type)
    assert response.status_code == 400
    assert response.json()["code"] == code
    user.refresh_from_db()
    assert user.avatar_url is None
    assert stored_files(media_root) == []
    assert not AuditLog.objects.filter(action="avatar_upload").exists()


@pytest.mark.parametrize("kind", ["bomb", "webp"])
def test_decompression_bombs_are_413_before_decoding(api, user, media_root, bomb, kind):
    content, name, content_type = (
        (bomb, "me.png", "image/png")
        if kind == "bomb"
        else (oversized_webp_header(), "me.webp", "image/webp")
    )
    assert len(content) < 100 * 1024
    response = upload(api, content, name, content_type)
    assert response.status_code == 413
    assert response.json() == TOO_LARGE
    user.refresh_from_db()
    assert user.avatar_url is None
    assert stored_files(media_root) == []


def test_missing_or_empty_file_is_422(api, media_root):
    missing = api.post(reverse("user-me-avatar"), {}, format="multipart")
    assert missing.status_code == 422
    assert [error["field"] for error in missing.json()["errors"]] == ["file"]
    empty = upload(api, b"")
    assert empty.status_code == 422
    assert [error["field"] for error in empty.json()["errors"]] == ["file"]
    as_json = api.post(reverse("user-me-avatar"), {"file": "x"}, format="json")
    assert as_json.status_code in (415, 422)
    assert stored_files(media_root) == []


def test_anonymous_upload_is_401(anon, media_root):
    assert upload(anon, image_bytes()).status_code == 401
    assert stored_files(media_root) == []


def test_the_sixth_upload_in_a_minute_is_429(api, settings, media_root):
    assert settings.RATE_LIMITS["upload_avatar"] == "5/60"
    codes = [upload(api, image_bytes()).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert len(stored_files(media_root)) == 1  # each upload replaced the one before


def test_a_stale_upload_replaces_the_upload_that_landed_in_between(api, user, media_root):
    """Two uploads racing: the one that read the user first retries its swap against the other's
    URL and deletes the file it replaces, so no file is orphaned and no upload is lost."""
    stale = User.objects.get(pk=user.pk)
    between = upload(api, image_bytes()).json()["avatar_url"]
    result = user_avatar_upload(
        user=stale, upload=SimpleUploadedFile("late.png", image_bytes(), content_type="image/png")
    )
    user.refresh_from_db()
    assert user.avatar_url == result.avatar_url != between
    assert stored_files(media_root) == [stored_path(media_root, result.avatar_url)]
    row = AuditLog.objects.filter(action="avatar_upload").order_by("-timestamp").first()
    assert row.changes == {"avatar_url": [between, result.avatar_url]}


def test_an_account_deactivated_during_the_upload_keeps_no_file(user, media_root):
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(NotFound):
        user_avatar_upload(
            user=user, upload=SimpleUploadedFile("me.png", image_bytes(), content_type="image/png")
        )
    assert stored_files(media_root) == []
    assert User.objects.get(pk=user.pk).avatar_url is None


def test_deleting_the_account_deletes_its_avatar_file(api, user, media_root):
    url = upload(api, image_bytes()).json()["avatar_url"]
    assert stored_path(media_root, url).exists()
    assert api.delete(reverse("user-me")).status_code == 200
    assert stored_files(media_root) == []


def test_clearing_avatar_url_deletes_the_uploaded_file(api, user, media_root):
    url = upload(api, image_bytes()).json()["avatar_url"]
    kept = api.patch(reverse("user-me"), {"bio": "unrelated"}, format="json")
    assert kept.status_code == 200 and stored_path(media_root, url).exists()
    cleared = api.patch(reverse("user-me"), {"avatar_url": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["avatar_url"] is None
    assert stored_files(media_root) == []

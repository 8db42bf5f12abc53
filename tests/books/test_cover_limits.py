"""Cover uploads are bounded: a decompression bomb (a tiny file declaring a huge canvas) is refused
from its header before anything decodes it, a live gunicorn worker's peak memory stays bounded,
and uploads are rate-limited."""

import io
import json
import os
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.services.tokens import token_pair_create
from books.models import Book
from tests.factories import BookFactory
from tests.servers import api_server

TOO_LARGE = {
    "detail": "Image too large. Maximum: 25 megapixels (width x height)",
    "code": "image_too_large",
}
MiB = 1024 * 1024


def png_bytes(size, mode="P", color=0) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> bytes:
    """The tester's file: a 9400 x 9400 palette PNG (88 Mpx; one colour, so a few KB)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    Image.new("P", (9400, 9400), 0).save(path, format="PNG")
    data = path.read_bytes()
    assert len(data) < 100 * 1024
    return data


@pytest.fixture(scope="module")
def at_budget() -> bytes:
    """Exactly 25 Mpx (5000 x 5000), the largest canvas accepted."""
    return png_bytes((5000, 5000), color=3)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.MEDIA_URL = "/media/"
    return tmp_path / "media"


def upload(api, book_id, content, name="cover.png", content_type="image/png"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return api.post(
        reverse("book-cover-image", kwargs={"book_id": str(book_id)}),
        {"file": file},
        format="multipart",
    )


def stored_files(media_root: Path) -> list[Path]:
    return sorted(p for p in media_root.rglob("*") if p.is_file())


def oversized_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (5001, 5000), (10, 20, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


def oversized_webp_header() -> bytes:
    """A real 300 x 200 extended WebP whose header declares a 16000 x 16000 canvas: Pillow's WebP
    decoder would allocate that canvas (2 GB) when the file is opened."""
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 200), (1, 2, 3, 100)).save(buffer, format="WEBP", exif=b"Exif\0\0")
    data = bytearray(buffer.getvalue())
    assert data[12:16] == b"VP8X"
    data[24:27] = (16000 - 1).to_bytes(3, "little")
    data[27:30] = (16000 - 1).to_bytes(3, "little")
    return bytes(data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "content_type"),
    [
        ("bomb", "bomb.png", "image/png"),
        ("jpeg", "big.jpg", "image/jpeg"),
        ("webp", "big.webp", "image/webp"),
    ],
)
def test_oversized_canvas_is_413_and_nothing_is_stored(
    api, user, media_root, bomb, kind, name, content_type
):
    book = BookFactory(owner=user)
    first = upload(api, book.pk, png_bytes((100, 150), mode="RGB", color=(1, 2, 3)))
    assert first.status_code == 200
    before = stored_files(media_root)
    assert len(before) == 2

    content = {"bomb": bomb, "jpeg": oversized_jpeg(), "webp": oversized_webp_header()}[kind]
    response = upload(api, book.pk, content, name, content_type)
    assert response.status_code == 413, response.content
    assert response.json() == TOO_LARGE
    book.refresh_from_db()
    assert book.cover_image_url == first.json()["cover_image_url"]
    assert book.cover_thumbnail_url == first.json()["cover_thumbnail_url"]
    assert stored_files(media_root) == before


@pytest.mark.django_db
def test_a_canvas_of_exactly_25_megapixels_is_accepted(api, user, media_root, at_budget):
    book = BookFactory(owner=user)
    response = upload(api, book.pk, at_budget)
    assert response.status_code == 200, response.content
    cover_url = response.json()["cover_image_url"]
    with Image.open(media_root / cover_url.removeprefix("/media/")) as cover:
        assert cover.size == (1200, 1200)
        assert cover.mode == "RGB"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_large_photo_is_shrunk_upright(api, user, media_root, fmt):
    """The bounded decoder (JPEG at a reduced libjpeg scale, bands of rows, integer reduction)
    still honours EXIF orientation 6 (rotate 90 degrees clockwise) and the 1200x1800 fit."""
    photo = Image.new("RGB", (4000, 3000), (255, 0, 0))
    photo.paste((0, 0, 255), (0, 0, 2000, 1500))  # top-left quadrant blue
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    photo.save(buffer, format=fmt, exif=exif.tobytes())
    name, content_type = ("p.jpg", "image/jpeg") if fmt == "JPEG" else ("p.png", "image/png")
    book = BookFactory(owner=user)
    response = upload(api, book.pk, buffer.getvalue(), name, content_type)
    assert response.status_code == 200, response.content
    cover_url = response.json()["cover_image_url"]
    with Image.open(media_root / cover_url.removeprefix("/media/")) as cover:
        assert cover.size == (1200, 1600)
        red, _, blue = cover.getpixel((900, 300))  # the blue quadrant is now top-right
        assert blue > 200 and red < 50
        red, _, blue = cover.getpixel((300, 300))
        assert red > 200 and blue < 50


@pytest.mark.django_db
def test_a_file_of_another_format_than_its_name_says_is_400(api, user, media_root):
    """Only JPEG, PNG, WebP and GIF are parsed, whatever the name and content type claim."""
    book = BookFactory(owner=user)
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50)).save(buffer, format="TIFF")
    response = upload(api, book.pk, buffer.getvalue())
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid image file", "code": "invalid_image"}
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_the_eleventh_upload_in_a_minute_is_429(api, user, media_root):
    assert django_settings.RATE_LIMITS["cover_upload"] == "10/60"
    book = BookFactory(owner=user)
    image = png_bytes((60, 90), mode="RGB", color=(9, 9, 9))
    codes = [upload(api, book.pk, image).status_code for _ in range(10)]
    assert codes == [200] * 10
    response = upload(api, book.pk, image)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert set(response.json()) == {"detail", "code"}
    assert 1 <= int(response["Retry-After"]) <= 60
    assert len(stored_files(media_root)) == 2  # the 429 stored nothing; replaced files went


# --- a live gunicorn worker ------------------------------------------------------------------


def multipart_post(url: str, token: str, content: bytes, name: str, content_type: str):
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _status(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as status:
        return dict(line.rstrip("\n").split(":\t", 1) for line in status if ":\t" in line)


def server_peak_rss(base: str) -> dict[int, int]:
    """{pid: VmHWM in bytes} of the gunicorn master serving `base` (a child of this process)
    and of its workers: the peak resident memory of each since it started."""
    bind = f"127.0.0.1:{urlparse(base).port}".encode()
    pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]

    def cmdline(pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                return file.read().split(b"\0")
        except OSError:
            return []

    def parent(pid):
        try:
            return int(_status(pid)["PPid"])
        except (OSError, KeyError):
            return None

    masters = [p for p in pids if parent(p) == os.getpid() and bind in cmdline(p)]
    assert len(masters) == 1, masters
    tree = masters + [p for p in pids if parent(p) == masters[0]]
    assert len(tree) == 2  # the master and its one worker
    return {pid: int(_status(pid)["VmHWM"].split()[0]) * 1024 for pid in tree}


@pytest.mark.django_db(transaction=True)
def test_live_worker_memory_stays_bounded(user, tmp_path, bomb, at_budget):
    """Through gunicorn, as the tester did (one worker went from 123 MB to 1,075 MB): the bomb
    does not move the worker's peak RSS, and the largest accepted canvas, decoded, raises it by
    far less than a full-size RGBA copy plus its RGB copy would (25 Mpx x 7 bytes = 167 MiB)."""
    book = BookFactory(owner=user)
    token = token_pair_create(user=user)["access"]
    env = {"MEDIA_ROOT": str(tmp_path / "live-media"), "MEDIA_URL": "/media/"}
    with api_server(env=env, workers=1) as base:
        url = f"{base}/api/v1/books/{book.pk}/cover-image"
        small = png_bytes((120, 180), mode="RGB", color=(50, 60, 70))
        status, body = multipart_post(url, token, small, "small.png", "image/png")
        assert status == 200, body  # warms the worker up: Pillow and the storage are loaded
        before = server_peak_rss(base)

        status, body = multipart_post(url, token, bomb, "bomb.png", "image/png")
        assert (status, body) == (413, TOO_LARGE)
        after_bomb = server_peak_rss(base)
        assert set(after_bomb) == set(before)  # no worker died and was replaced
        growth = max(after_bomb[pid] - before[pid] for pid in before)
        assert growth < 20 * MiB, f"the bomb raised a peak RSS by {growth / MiB:.0f} MiB"

        status, body = multipart_post(url, token, at_budget, "big.png", "image/png")
        assert status == 200, body
        after_big = server_peak_rss(base)
        assert set(after_big) == set(before)
        growth = max(after_big[pid] - before[pid] for pid in before)
        assert growth < 120 * MiB, f"a 25 Mpx cover raised a peak RSS by {growth / MiB:.0f} MiB"
    assert Book.objects.get(pk=book.pk).cover_image_url == body["cover_image_url"]

"""Uploaded images: the one checked, memory-bounded decoder every image upload goes through (book
covers in `books.services.cover`, user avatars in `accounts.services.avatars`), the JPEG
re-encoding of what it returns, and the rule that finds (and deletes) a stored file behind a URL
only inside the folder its upload service owns.

A small compressed file can declare a huge canvas: an 86 KB palette PNG of 9400 x 9400 pixels
decodes to 88 MB, and the RGBA and RGB copies a resize makes took one worker to 1 GB. Hence:
- only the four web formats are parsed (`Image.open(formats=...)`), whatever the name claims;
- the pixel count is read from the header (`Image.open` is lazy; a WebP canvas size is read from
  its first bytes, because Pillow's WebP decoder allocates the canvas when the file is opened)
  and an image above `max_pixels` is refused before anything is decoded: 413 `image_too_large`.
  Pillow's own DecompressionBombError (above 2 x `Image.MAX_IMAGE_PIXELS`, raised while opening)
  answers the same. Pillow's DecompressionBombWarning is not turned into an error with
  `warnings.catch_warnings`: that switches the filters of the whole process, and gunicorn runs
  requests in threads; the budget check below it is the gate;
- a JPEG is decoded at the smallest libjpeg scale (1/2 ... 1/8) that still covers the target box
  (`draft`);
- the decoded image is flattened onto white and reduced by an integer factor in bands of rows,
  so beside the decoded source (at most `max_pixels` x 4 bytes) only one band and the reduced
  image exist at a time; the final Lanczos resize works on the reduced image.
"""

import io
import logging
import math
import struct
from urllib.parse import unquote, urlparse

from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from autoauthor.core.errors import Invalid, TooLarge

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif")
IMAGE_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 25_000_000
IMAGE_JPEG_QUALITY = 85

logger = logging.getLogger("autoauthor.images")
# Source pixels flattened at a time (a band of 1 Mpx is at most 4 MB as RGBA).
_BAND_PIXELS = 1_000_000
# The integer reduction leaves at least this factor to the Lanczos resize (Pillow's thumbnail
# default), so the result matches a direct Lanczos resize.
_REDUCING_GAP = 2
_WHITE = (255, 255, 255)
# EXIF orientation -> the transpose that shows the image upright (as ImageOps.exif_transpose).
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_ORIENTATION = 0x0112


class ImageTooLarge(TooLarge):
    """The image declares more pixels than the upload accepts (413), however small the file."""

    code = "image_too_large"


def _too_large(max_pixels: int) -> ImageTooLarge:
    return ImageTooLarge(
        f"Image too large. Maximum: {max_pixels // 1_000_000} megapixels (width x height)"
    )


def _invalid_image() -> Invalid:
    return Invalid("Invalid image file", code="invalid_image")


def _check_file(upload, *, max_bytes: int) -> None:
    name = (upload.name or "").lower()
    if not name.endswith(IMAGE_EXTENSIONS):
        raise Invalid(
            f"Invalid file type. Allowed types: {', '.join(IMAGE_EXTENSIONS)}",
            code="invalid_file_type",
        )
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in IMAGE_CONTENT_TYPES:
        raise Invalid(
            f"Invalid content type. Allowed types: {', '.join(IMAGE_CONTENT_TYPES)}",
            code="invalid_content_type",
        )
    if upload.size > max_bytes:
        raise Invalid(
            f"File too large. Maximum size: {max_bytes // (1024 * 1024)}MB", code="file_too_large"
        )


def _webp_canvas(head: bytes) -> tuple[int, int] | None:
    """The canvas size a WebP file declares in its first 30 bytes (lossy, lossless or extended
    header), else None."""
    if len(head) < 30 or head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        return None
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and head[20] == 0x2F:
        bits = struct.unpack("<I", head[21:25])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return (
            int.from_bytes(head[24:27], "little") + 1,
            int.from_bytes(head[27:30], "little") + 1,
        )
    return None


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise _too_large(max_pixels)


def _open(upload, *, max_pixels: int) -> Image.Image:
    """Open lazily (header only), refuse an oversized canvas, verify the file's structure and
    open it again (a verified image cannot be loaded). Nothing is decoded here."""
    upload.seek(0)
    canvas = _webp_canvas(upload.read(30))
    if canvas is not None:
        _check_pixels(canvas, max_pixels)
    upload.seek(0)
    with Image.open(upload, formats=IMAGE_FORMATS) as probe:
        size = probe.size
        _check_pixels(size, max_pixels)
        probe.verify()
    upload.seek(0)
    image = Image.open(upload, formats=IMAGE_FORMATS)
    if image.size != size:  # the same bytes give the same header; anything else is refused
        raise _invalid_image()
    return image


def _fit_size(size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The size `Image.thumbnail(box)` gives an image of `size`: aspect kept, never enlarged."""
    width, height = size
    x, y = box
    if x >= width and y >= height:
        return size

    def round_aspect(number: float, key) -> int:
        return max(min(math.floor(number), math.ceil(number), key=key), 1)

    aspect = width / height
    if x / y >= aspect:
        x = round_aspect(y * aspect, key=lambda n: abs(aspect - n / y))
    else:
        y = round_aspect(x / aspect, key=lambda n: 0 if n == 0 else abs(aspect - x / n))
    return x, y


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: alpha (RGBA, LA, PA) and palette images (possibly with transparency) are
    composited onto a white background; other modes are converted."""
    if image.mode in ("RGBA", "LA", "PA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _flatten_reduced(image: Image.Image, factor: int) -> Image.Image:
    """`image` flattened to RGB and shrunk by `factor` (box average), one band of rows at a
    time; a band's height is a multiple of `factor`, so the bands join exactly."""
    width, height = image.size
    out = Image.new("RGB", (math.ceil(width / factor), math.ceil(height / factor)), _WHITE)
    rows = max(1, _BAND_PIXELS // (width * factor)) * factor
    for top in range(0, height, rows):
        band = _flatten(image.crop((0, top, width, min(height, top + rows))))
        if factor > 1:
            band = band.reduce(factor)
        out.paste(band, (0, top // factor))
    return out


def image_upload_decode(
    *,
    upload,
    fit: tuple[int, int],
    max_bytes: int = IMAGE_MAX_BYTES,
    max_pixels: int = IMAGE_MAX_PIXELS,
) -> Image.Image:
    """The uploaded image as an upright RGB image on white that fits `fit` (aspect kept, never
    enlarged, Lanczos), decoded with bounded memory.

    Refused: another extension or content type than JPEG/PNG/WebP/GIF (400 `invalid_file_type`,
    `invalid_content_type`), a file above `max_bytes` (400 `file_too_large`), bytes that are not
    one of those four formats or do not decode (400 `invalid_image`), and a canvas of more than
    `max_pixels` pixels, found from the header before any decoding (413 `image_too_large`)."""
    _check_file(upload, max_bytes=max_bytes)
    try:
        image = _open(upload, max_pixels=max_pixels)
    except Image.DecompressionBombError as exc:
        raise _too_large(max_pixels) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error) as exc:
        raise _invalid_image() from exc
    try:
        # JPEG and WebP carry EXIF in the header; a PNG's eXIf chunk may follow the pixels, so
        # getexif() loads a PNG first (the budget is already checked).
        orientation = image.getexif().get(_EXIF_ORIENTATION)
        method = _ORIENTATION.get(orientation)
        upright = image.size[::-1] if orientation in (5, 6, 7, 8) else image.size
        target = _fit_size(upright, fit)
        if orientation in (5, 6, 7, 8):
            target = target[::-1]  # the size before the transpose
        image.draft("RGB", target)  # JPEG only: decode at 1/2 ... 1/8 scale, still >= target
        image.load()
        factor = max(
            1,
            min(
                image.width // (target[0] * _REDUCING_GAP),
                image.height // (target[1] * _REDUCING_GAP),
            ),
        )
        result = _flatten_reduced(image, factor)
        if result.size != target:
            result = result.resize(target, Image.Resampling.LANCZOS)
        if method is not None:
            result = result.transpose(method)
        return result
    except Image.DecompressionBombError as exc:
        raise _too_large(max_pixels) from exc
    except (OSError, ValueError, SyntaxError, struct.error) as exc:
        raise _invalid_image() from exc
    finally:
        image.close()


def image_jpeg_encode(*, image: Image.Image, quality: int = IMAGE_JPEG_QUALITY) -> bytes:
    """`image` (RGB, as `image_upload_decode` returns it) re-encoded as an optimised JPEG: what is
    stored never is the uploaded bytes, so nothing but pixels (no metadata, no payload appended
    to the file) survives an upload. 400 `invalid_image` if the encoder fails."""
    buffer = io.BytesIO()
    try:
        image.save(buffer, format="JPEG", quality=quality, optimize=True)
    except (OSError, ValueError) as exc:
        raise _invalid_image() from exc
    return buffer.getvalue()


def stored_image_name(*, url: str | None, folder: str) -> str | None:
    """The storage name behind `url` when it lies under `folder` (e.g. "avatars/<user id>/"),
    else None. A URL a client typed into a URL field can so never make an upload service
    delete a file outside the folder that service stores into."""
    if not url:
        return None
    path = unquote(urlparse(url).path)
    index = path.find(folder)
    if index < 0:
        return None
    name = path[index:]
    if ".." in name.split("/") or "\\" in name:
        return None
    return name


def stored_image_delete(*, url: str | None, folder: str) -> None:
    """Delete the file behind `url` if it lies under `folder`. Best effort: a file that cannot
    be deleted is logged, never an error for the client (its replacement is already stored)."""
    name = stored_image_name(url=url, folder=folder)
    if name is None:
        return
    try:
        default_storage.delete(name)
    except Exception:  # storage backends raise their own error types (OSError, botocore, ...)
        logger.warning("Could not delete stored image %s", name, exc_info=True)

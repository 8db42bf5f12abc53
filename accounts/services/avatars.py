"""User avatars: the uploaded picture goes through the same checks and decoder as a book cover
(`autoauthor.images`: JPEG/PNG/WebP/GIF, 5 MiB, 25 megapixels read from the header before any
decoding), is re-encoded as one JPEG fitting 400x400 (the reference's avatar size; no
thumbnail), and is stored through Django's default storage (local media, or S3 when
AWS_S3_BUCKET is set) under avatars/<user id>/, replacing the previous one.

Audit: `avatar_upload` (explicit, the pointer moves by a compare-and-swap `update()`, which sends
no signal; actor = the requesting user; target = the user id; resource_type "user"); changes
{"avatar_url": [old, new]} (URLs longer than 200 characters by length).
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts import auth_cache
from accounts.models import User
from accounts.services.audit import LONG_TEXT, audit_record
from autoauthor.core.errors import Conflict, NotFound
from autoauthor.images import (
    image_jpeg_encode,
    image_upload_decode,
    stored_image_delete,
)
from autoauthor.queries import one_or_none

AVATAR_SIZE = (400, 400)
AVATAR_DIR = "avatars"
AVATAR_CAS_ATTEMPTS = 5


def avatar_folder(user_pk) -> str:
    """The storage folder of one user's avatars: only files in it are ever deleted for them."""
    return f"{AVATAR_DIR}/{user_pk}/"


def avatar_image_process(upload) -> bytes:
    """Validate an uploaded avatar and return it as JPEG bytes: upright, flattened onto white,
    shrunk to fit 400x400 (aspect kept, never enlarged, Lanczos). Refusals are those of
    `autoauthor.images.image_upload_decode` (400 for the file's type, size and bytes, 413
    `image_too_large` for the canvas)."""
    return image_jpeg_encode(image=image_upload_decode(upload=upload, fit=AVATAR_SIZE))


def avatar_file_delete(*, user_pk, url: str | None) -> None:
    """Delete the avatar file behind `url` if this service stored it for this user (a URL typed
    into the profile's `avatar_url` never makes us delete anything). Best effort."""
    stored_image_delete(url=url, folder=avatar_folder(user_pk))


def _audit_value(value: str | None):
    return value if value is None or len(value) <= LONG_TEXT else {"length": len(value)}


def _avatar_reread(user: User) -> User | None:
    """The active account's current avatar URL (None once deleted or deactivated)."""
    return one_or_none(User.objects.filter(pk=user.pk, is_active=True).only("avatar_url"))


def _swapped(*, user: User, old: str | None, new: str, now) -> None:
    """After the winning swap: forget the cached user, delete the replaced file, audit."""
    auth_cache.forget(user.pk)  # update() sends no signal
    if old != new:
        avatar_file_delete(user_pk=user.pk, url=old)
    audit_record(
        action="avatar_upload",
        resource_type="user",
        target_id=str(user.pk),
        changes={"avatar_url": [_audit_value(old), _audit_value(new)]},
    )
    user.avatar_url, user.updated_at = new, now
    user.audit_remember()  # the stored state: a later save records only its own changes


def user_avatar_upload(*, user: User, upload) -> User:
    """Store a new avatar for `user` and point the profile's `avatar_url` at its storage URL,
    deleting the file it replaces.

    The pointer update is a compare-and-swap on the URL as read: when another upload (or a
    profile edit of `avatar_url`) won in between, the swap is retried against the URL it
    stored, so every replaced file is deleted by exactly the writer that replaced it and none
    is orphaned; a single writer never loses. If the account was deleted or deactivated
    meanwhile, the new file is removed again (404)."""
    content = avatar_image_process(upload)
    name = default_storage.save(
        f"{avatar_folder(user.pk)}{uuid.uuid4().hex}.jpg", ContentFile(content)
    )
    url = default_storage.url(name)
    current = user
    for _ in range(AVATAR_CAS_ATTEMPTS):
        old = current.avatar_url
        now = timezone.now()
        if User.objects.filter(pk=user.pk, is_active=True, avatar_url=old).update(
            avatar_url=url, updated_at=now
        ):
            _swapped(user=user, old=old, new=url, now=now)
            return user
        current = _avatar_reread(user)
        if current is None:
            break
    default_storage.delete(name)
    if current is None:
        raise NotFound("User not found", code="user_not_found")
    raise Conflict(
        "The avatar was replaced by other uploads at the same time; please retry.",
        code="avatar_conflict",
    )

"""AI response cache (reference §3.5): identical inputs within AI_CACHE_TTL seconds get the stored
answer without calling the provider.

Keys are `ai_cache:<feature>:<sha256 of the canonical JSON of the inputs and the model>`. Values
go through Django's `default` cache (django-redis with IGNORE_EXCEPTIONS): when Redis is down a
read is a miss and a write is dropped, so the feature keeps working, only uncached. Only answers
of the real provider are cached; the offline provider is deterministic and free.
"""

import hashlib
import json
import logging
from typing import Any

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger("autoauthor.ai")


def cache_key(feature: str, inputs: dict[str, Any]) -> str:
    """`ai_cache:<feature>:<hash>`; the hash covers every input and the configured model."""
    canonical = json.dumps(
        {"inputs": inputs, "model": settings.OPENAI_MODEL},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return f"ai_cache:{feature}:{hashlib.sha256(canonical.encode()).hexdigest()}"


def _enabled() -> bool:
    return bool(settings.AI_CACHE_ENABLED) and settings.AI_CACHE_TTL > 0


def cache_get(key: str) -> dict | None:
    if not _enabled():
        return None
    try:
        value = caches["default"].get(key)
    except Exception as exc:  # a misconfigured or unreachable cache is a miss, never an error
        logger.warning("AI cache read failed (%s); continuing without cache", exc)
        return None
    return value if isinstance(value, dict) else None


def cache_set(key: str, value: dict) -> None:
    if not _enabled():
        return
    try:
        caches["default"].set(key, value, timeout=settings.AI_CACHE_TTL)
    except Exception as exc:
        logger.warning("AI cache write failed (%s); continuing without cache", exc)

"""Dependency checks used by the health endpoint and the `healthcheck` command."""

import time

from django.conf import settings
from django.db import connection
from redis.exceptions import RedisError

from autoauthor.core.database import is_database_unavailable


def check_mongodb() -> dict:
    """Ping MongoDB through the project's pool; `ok` with its latency, else `unavailable`."""
    started = time.perf_counter()
    try:
        connection.ensure_connection()
        connection.connection.admin.command("ping")
    except Exception as exc:  # any failure means "not usable" for health purposes
        return {
            "status": "unavailable",
            "error": "unreachable" if is_database_unavailable(exc) else exc.__class__.__name__,
        }
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def check_redis() -> dict:
    """Ping Redis (the rate-limit alias); `disabled` when REDIS_ENABLED is false."""
    if not settings.REDIS_ENABLED:
        return {"status": "disabled"}
    from django_redis import get_redis_connection

    try:
        get_redis_connection(settings.RATELIMIT_USE_CACHE).ping()
    except RedisError:
        return {"status": "unavailable"}
    return {"status": "ok"}


def overall() -> tuple[str, dict]:
    """("healthy" | "degraded" | "unhealthy", checks)."""
    checks = {"mongodb": check_mongodb(), "redis": check_redis()}
    if checks["mongodb"]["status"] != "ok":
        return "unhealthy", checks
    if checks["redis"]["status"] != "ok":
        return "degraded", checks
    return "healthy", checks

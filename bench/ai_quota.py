"""AI quota benchmark: what one reservation (and one refund) costs, with Redis counting and with
MongoDB alone (Redis down or disabled).

Starts an embedded MongoDB-compatible server (SQLite engine unless --engine memory), migrates,
creates one user and times `quota_reserve` + `quota_refund` pairs in one thread, then eight
threads reserving at once. Prints milliseconds per operation and the MongoDB commands each sends.
Redis is REDIS_URL's (default redis://127.0.0.1:6379/15; --redis names another; the database is
flushed).

Usage: PYTHONPATH=. .venv/bin/python bench/ai_quota.py [--engine sqlite|memory] [--n 200]
"""

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.embedded import database_start  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def timed(fn, n: int) -> tuple[float, float]:
    """(median, p95) milliseconds of `n` calls of `fn`."""
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def measure(label: str, user, n: int) -> None:
    from accounts.services.ai_quota import quota_refund, quota_reserve
    from tests.mongo_commands import recording

    def pair():
        quota_refund(reservation=quota_reserve(user=user))

    pair()  # the first reservation of a period creates its rows
    with recording() as reserve_commands:
        reservation = quota_reserve(user=user)
    with recording() as refund_commands:
        quota_refund(reservation=reservation)
    median, p95 = timed(pair, n)
    with ThreadPoolExecutor(8) as pool:
        start = time.perf_counter()
        list(pool.map(lambda _: quota_reserve(user=user), range(n)))
        parallel = (time.perf_counter() - start) * 1000 / n
    print(
        f"{label:>12}: reserve+refund median {median:.2f} ms, p95 {p95:.2f} ms; "
        f"8 threads {parallel:.2f} ms/reservation; MongoDB commands: reserve "
        f"{len(reserve_commands)} {reserve_commands}, refund {len(refund_commands)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "memory"])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--redis", default=None)
    args = parser.parse_args()
    if args.redis:
        os.environ["TEST_REDIS_URL"] = args.redis
    from tests import mongo_commands

    mongo_commands.install()
    server = database_start(engine=args.engine, prefix="bench-quota-")
    try:
        from django.conf import settings
        from django_redis import get_redis_connection

        get_redis_connection("ratelimit").flushdb()
        from accounts.models import User

        settings.AI_QUOTA_LIMITS = {"free": {"daily": 10**9, "monthly": 10**9}}
        user = User.objects.create_user(email="bench-quota@example.com", password="x" * 12)
        print(f"engine {args.engine}, {args.n} operations each")
        measure("redis", user, args.n)
        settings.REDIS_ENABLED = False
        measure("mongodb-only", user, args.n)
    finally:
        server.stop()


if __name__ == "__main__":
    main()

"""500 concurrent operations against the configured MongoDB pool (maxPoolSize 50 by default).

Reports how many operations completed, how many checkouts failed (waitQueueTimeoutMS) and the
largest number of connections checked out / open at once, from the project's pool listener.

Usage: python bench/pool_load.py [--operations 500] [--concurrency 500]
(MONGODB_URI must point at a running server; without it an embedded one is started.)
"""

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_load(client, *, operations: int, concurrency: int, database: str) -> dict:
    """Run `operations` find_one/insert pairs from `concurrency` threads through `client`."""
    from pymongo.errors import PyMongoError

    from autoauthor.mongo_monitoring import pool_stats

    collection = client[database]["pool_load"]
    pool_stats.reset()
    errors: dict[str, int] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(min(concurrency, operations))

    def one(n: int) -> bool:
        if n < barrier.parties:
            barrier.wait(timeout=30)  # start the first wave together: real contention
        try:
            collection.insert_one({"n": n})
            collection.find_one({"n": n})
            return True
        except PyMongoError as exc:
            with lock:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            return False

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as executor:
        completed = sum(executor.map(one, range(operations)))
    elapsed = time.monotonic() - started
    collection.drop()
    stats = pool_stats.snapshot()
    return {
        "operations": operations,
        "concurrency": concurrency,
        "completed": completed,
        "errors": errors,
        "checkout_failures": stats["checkout_failures"],
        "max_checked_out": stats["peak_checked_out"],
        "max_open_connections": stats["peak_open_connections"],
        "seconds": round(elapsed, 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operations", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=500)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "autoauthor.settings")
    os.environ.setdefault("DEBUG", "true")
    embedded = None
    if not os.environ.get("MONGODB_URI"):
        from autoauthor.embedded_mongo import EmbeddedMongo

        embedded = EmbeddedMongo(engine="memory")
        os.environ["MONGODB_URI"] = embedded.start(timeout=120)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        connection.ensure_connection()
        result = run_load(
            connection.connection,
            operations=args.operations,
            concurrency=args.concurrency,
            database=settings.DATABASE_NAME,
        )
        result["maxPoolSize"] = settings.MONGODB_POOL_OPTIONS["maxPoolSize"]
        result["waitQueueTimeoutMS"] = settings.MONGODB_POOL_OPTIONS["waitQueueTimeoutMS"]
        for key, value in result.items():
            print(f"{key:>22}: {value}")
    finally:
        if embedded is not None:
            embedded.stop()


if __name__ == "__main__":
    main()

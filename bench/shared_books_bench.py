"""Shared-book list benchmark: what finding a user's books costs once books can be shared.

Starts an embedded MongoDB-compatible server (SQLite engine unless --engine memory), migrates,
stores --others books of other users (every tenth shared with the measured user) and 20 books of
the measured user, then times the owner-only filter (what the list used before sharing), the
owner-or-collaborator filter `book_list` uses now, and `readable_book_ids`. Prints milliseconds
(median, p95) of each.

Usage: PYTHONPATH=. .venv/bin/python bench/shared_books_bench.py [--engine sqlite|memory]
       [--others 2000] [--n 50]
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.embedded import database_start  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def timed(fn, n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def seed(others: int):
    from accounts.models import User
    from books.models import Book

    me = User.objects.create_user(email="bench-shared@example.com", password="x" * 12)
    owners = [
        User.objects.create_user(email=f"bench-owner{i}@example.com", password="x" * 12)
        for i in range(10)
    ]
    entry = {"user_id": str(me.pk), "role": "viewer", "added_at": None}
    books = [
        Book(
            owner=owners[i % 10],
            title=f"Other {i}",
            toc={"chapters": [{"id": "c", "title": "x" * 200}]},
            collaborators=[entry] if i % 10 == 0 else [],
            collaborator_ids=[me.pk] if i % 10 == 0 else [],
        )
        for i in range(others)
    ]
    Book.objects.bulk_create(books, batch_size=50)
    Book.objects.bulk_create(Book(owner=me, title=f"Mine {i}") for i in range(20))
    return me, owners[1]  # owners[1] owns 100 books and has none shared with them


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engine", default="sqlite", choices=["sqlite", "memory"])
    parser.add_argument("--others", type=int, default=2000)
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    server = database_start(engine=args.engine, prefix="bench-shared-")
    try:
        from books.models import Book
        from books.selectors import readable_book_ids
        from books.selectors.access import readable_filter

        me, loner = seed(args.others)
        print(f"engine {args.engine}, {args.others} books of others, {args.n} runs each")
        for who, user in (("sharer", me), ("no shared", loner)):
            owner_only = Book.objects.filter(owner=user, deleted_at=None)
            shared = Book.objects.filter(readable_filter(user), deleted_at=None)
            for label, queryset in (("owner only", owner_only), ("owner or shared", shared)):
                queryset = queryset.values_list("pk", flat=True)
                median, p95 = timed(lambda q=queryset: list(q.all()), args.n)
                print(f"{who:>9} {label:>16}: {len(list(queryset))} ids, median {median:.1f} "
                      f"ms, p95 {p95:.1f} ms")  # fmt: skip
        median, p95 = timed(lambda: readable_book_ids(me), args.n)
        print(f"readable_book_ids: median {median:.1f} ms, p95 {p95:.1f} ms")
    finally:
        server.stop()


if __name__ == "__main__":
    main()

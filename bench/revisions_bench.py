"""Revision storage per chapter: 1,000 autosaves of a growing chapter through the service layer
(`chapter_content_save`, the path of PATCH .../content), then `thin_revisions`.

Scenarios (one fresh chapter each, one author, the default settings: 600 s collapse window,
tiers `1d=all,7d=1h,*=1d`):
- `typing`: an autosave every 5 s (83 minutes of writing): the window collapses them;
- `sessions`: 50 writing sessions a day apart, 20 autosaves 5 s apart in each;
- `worst`: an autosave every 15 minutes (beyond the window: every save is a revision of its
  own) for 10.4 days.
Time is simulated: `django.utils.timezone.now` is replaced by a clock the bench advances (a
benchmark, not a test: nothing is asserted), so days of autosaves take seconds. Printed per
scenario: revisions kept and their bytes (BSON documents as stored, read back with pymongo)
right after the saves (content saves thin now and then on their own), after the command, and
after the command 30 days later (nobody edited the chapter since), against the bytes had every
save been kept.

Usage: .venv/bin/python bench/revisions_bench.py [--saves 1000] [--engine memory|sqlite]
(`make bench` runs it too, in its own process, after the load table.)
"""

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import stack_start, stack_stop  # noqa: E402

SENTENCE = "The keeper climbed the stairs and counted the storms she had survived. "
SCENARIOS = {  # name: (autosaves per session, seconds between autosaves, seconds between sessions)
    "typing": (None, 5, 0),
    "sessions": (20, 5, 86400),
    "worst": (None, 900, 0),
}


class Clock:
    """The simulated now (each scenario starts it its span before the real now)."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


def _stored_bytes(book_id, chapter_id: str) -> tuple[int, int]:
    """(revisions, bytes of their BSON documents) of one chapter, as stored."""
    import bson
    from django.db import connection

    collection = connection.database["chapter_revisions"]
    docs = list(collection.find({"book_id": book_id, "chapter_id": chapter_id}))
    return len(docs), sum(len(bson.encode(doc)) for doc in docs)


def _run_scenario(name: str, saves: int, user, clock: Clock, real_now) -> dict:
    from books.models import Book
    from books.services.content import chapter_content_save
    from books.services.revisions import revisions_thin

    per_session, every, gap = SCENARIOS[name]
    sessions = 1 if per_session is None else -(-saves // per_session)
    span = saves * every + sessions * gap
    clock.now = real_now - timedelta(seconds=span)
    book = Book.objects.create(owner=user, title=f"Revisions: {name}")
    book.toc = {"chapters": [{"id": "c1", "title": "Chapter one"}]}
    book.save(update_fields=["toc"])
    content, all_bytes = "", 0
    for n in range(saves):
        if per_session is not None and n and n % per_session == 0:
            clock.now += timedelta(seconds=gap)
        clock.now += timedelta(seconds=every)
        content += SENTENCE
        all_bytes += len(content.encode())
        chapter_content_save(
            book=book, chapter_id="c1", content=content, expected_version=None, actor=user
        )
    before = _stored_bytes(book.pk, "c1")
    revisions_thin(now=clock.now)
    after = _stored_bytes(book.pk, "c1")
    revisions_thin(now=clock.now + timedelta(days=30))  # nobody edits it for a month
    idle = _stored_bytes(book.pk, "c1")
    return {
        "scenario": name,
        "saves": saves,
        "span_days": round(span / 86400, 1),
        "final_content_bytes": len(content.encode()),
        "content_bytes_if_all_kept": all_bytes,
        "revisions_before_thinning": before[0],
        "bytes_before_thinning": before[1],
        "revisions_after_thinning": after[0],
        "bytes_after_thinning": after[1],
        "revisions_30_days_later": idle[0],
        "bytes_30_days_later": idle[1],
    }


def revisions_measure(saves: int = 1000) -> list[dict]:
    """Every scenario on the database Django is configured for (Django set up already)."""
    import uuid

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    user = get_user_model().objects.create_user(f"revisions-{uuid.uuid4().hex[:8]}@bench.test")
    real = timezone.now
    clock = Clock(real())
    timezone.now = clock  # every `timezone.now()` call reads the simulated clock
    try:
        return [_run_scenario(name, saves, user, clock, real()) for name in SCENARIOS]
    finally:
        timezone.now = real


def print_report(rows: list[dict]) -> None:
    print("\nrevision storage per chapter (one author; tiers 1d=all,7d=1h,*=1d; window 600 s)")
    print(f"{'scenario':<9} {'saves':>5} {'days':>5} {'final KB':>8} {'all kept KB':>11} "
          f"{'revs':>5} {'KB':>8} {'thinned revs':>12} {'KB':>8} {'+30 d revs':>10} "
          f"{'KB':>7}")  # fmt: skip
    for r in rows:
        print(
            f"{r['scenario']:<9} {r['saves']:>5} {r['span_days']:>5} "
            f"{r['final_content_bytes'] / 1024:>8.1f} "
            f"{r['content_bytes_if_all_kept'] / 1024:>11.1f} "
            f"{r['revisions_before_thinning']:>5} {r['bytes_before_thinning'] / 1024:>8.1f} "
            f"{r['revisions_after_thinning']:>12} {r['bytes_after_thinning'] / 1024:>8.1f} "
            f"{r['revisions_30_days_later']:>10} {r['bytes_30_days_later'] / 1024:>7.1f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=1000)
    parser.add_argument("--engine", choices=["sqlite", "memory"], default="memory")
    args = parser.parse_args()
    stack = stack_start(engine=args.engine, database="autoauthor_revisions_bench")
    try:
        os.environ.update(stack.env)
        os.environ["MONGODB_URI"] = stack.mongo_uri
        os.environ["DJANGO_SETTINGS_MODULE"] = "autoauthor.settings"
        import django

        django.setup()
        rows = revisions_measure(args.saves)
    finally:
        stack_stop(stack)
    print_report(rows)


if __name__ == "__main__":
    main()

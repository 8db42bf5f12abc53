"""Search benchmark: query latency for one user's library, and how it grows with the size of
that library and with everyone else's data.

Starts its own embedded MongoDB server (fresh database; `--engine memory|sqlite`) and uses
Redis at TEST_REDIS_URL (default redis://127.0.0.1:6379/13; the index freshness check reads
the book tokens there; `make bench` passes its REDIS_URL). Seeds through the ORM with bulk
inserts: books with a TOC, chapters with HTML content of `--words` words drawn from a
Zipf-like vocabulary, a planted phrase in 1 chapter in 10. Builds the index through the real
indexing service (`books_reindex`, timed), then runs queries through the search service
(`search_run`, what GET /search calls, without HTTP): a frequent word, a rare word, a prefix
and a phrase, `--repeat` times each, printing p50/p99 and the MongoDB commands of one query.
Phases: the user's library at a quarter of its size, at full size, then with other users'
libraries of the same size (`--others` of them). Last, the first query after a chapter save
(the refresh of one book).

Usage: .venv/bin/python bench/search_bench.py [--books 50 --chapters 30 --words 2000]
       [--others 1 10] [--repeat 30] [--engine memory|sqlite] [--quick]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.embedded import database_start  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
# Seeding writes megabytes of index: no 5 s operation timeout (the API's) for the bench.
os.environ.setdefault("MONGODB_TIMEOUT_MS", "0")
os.environ.setdefault("MONGODB_SOCKET_TIMEOUT_MS", "600000")

SYLLABLES = "ka lo mi ne ru ta se vo pi da ge lu mo ri sa te no ba ho zu".split()
PHRASE = "silver harbor"


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Text:
    """Chapter HTML of n words, Zipf-like (word i drawn with weight 1/(i+1))."""

    def __init__(self, seed: int = 7, size: int = 5000):
        self.rng = random.Random(seed)
        self.words = vocabulary(size, self.rng)
        self.weights = [1 / (rank + 1) for rank in range(size)]

    def html(self, words: int, *, phrase: bool) -> str:
        drawn = self.rng.choices(self.words, weights=self.weights, k=words)
        if phrase:
            drawn[words // 2 : words // 2 + 2] = PHRASE.split()
        paragraphs = [" ".join(drawn[i : i + 100]) for i in range(0, words, 100)]
        return "".join(f"<p>{p}.</p>" for p in paragraphs)


def seed_library(owner, *, books: int, chapters: int, words: int, text: Text) -> list:
    """`books` books of `owner` with `chapters` chapters of `words` words, bulk inserted, then
    indexed through the service; returns the books. Prints the seeding and indexing rates."""
    from books.models import Book, Chapter
    from search.services import books_reindex

    started = time.perf_counter()
    made = []
    for n in range(books):
        toc = {
            "chapters": [
                {"id": f"c{c}", "title": f"Chapter {c} {text.rng.choice(text.words)}", "level": 1}
                for c in range(chapters)
            ]
        }
        made.append(Book(owner=owner, title=f"Book {n} {text.rng.choice(text.words)}", toc=toc))
    Book.objects.bulk_create(made)
    for book in made:
        Chapter.objects.bulk_create(
            [
                Chapter(book=book, chapter_id=f"c{c}", content=text.html(words, phrase=c % 10 == 0))
                for c in range(chapters)
            ]
        )
    seeded = time.perf_counter() - started
    started = time.perf_counter()
    for start in range(0, len(made), 5):
        books_reindex(books=made[start : start + 5])
    indexed = time.perf_counter() - started
    total_words = books * chapters * words
    print(
        f"  seeded {books} books x {chapters} chapters x {words} words in {seeded:.1f} s; "
        f"indexed in {indexed:.1f} s ({total_words / max(indexed, 1e-9):,.0f} words/s)",
        flush=True,
    )
    return made


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def queries(text: Text) -> dict[str, str]:
    frequent, rare = text.words[0], text.words[len(text.words) // 2]
    return {"frequent word": frequent, "rare word": rare, "prefix": "ka*", "phrase": f'"{PHRASE}"'}


def measure(user, text: Text, repeat: int, label: str) -> None:
    from search.services import search_run

    print(f"{label}", flush=True)
    for name, query in queries(text).items():
        search_run(user=user, query=query)  # the index refresh, if any, is not measured
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            result = search_run(user=user, query=query)
            times.append((time.perf_counter() - started) * 1000)
        COMMANDS.clear()
        search_run(user=user, query=query)
        print(
            f"  {name:<14} {query:<16} p50 {statistics.median(times):8.1f} ms  "
            f"p99 {percentile(times, 0.99):8.1f} ms  matches {result['total']:>6}  "
            f"commands {len(COMMANDS)}",
            flush=True,
        )


COMMANDS: list[str] = []


def install_counter() -> None:
    from pymongo import monitoring

    class Counter(monitoring.CommandListener):
        def started(self, event):
            COMMANDS.append(event.command_name)

        def succeeded(self, event):
            pass

        def failed(self, event):
            pass

    monitoring.register(Counter())


def measure_refresh(user, book, text: Text, words: int, repeat: int) -> None:
    """The first query after a content save re-reads that one book."""
    from books.models import Chapter
    from books.read_cache import book_changed
    from search.services import search_run

    times = []
    for n in range(max(3, repeat // 5)):
        Chapter.objects.filter(book=book, chapter_id="c1").update(
            content=text.html(words, phrase=False) + f"<p>edit{n}</p>"
        )
        book_changed(book_id=book.pk, owner_id=book.owner_id)  # what the content service does
        started = time.perf_counter()
        search_run(user=user, query=f"edit{n}")
        times.append((time.perf_counter() - started) * 1000)
    print(
        f"  first query after a chapter save: p50 {statistics.median(times):.1f} ms, "
        f"max {max(times):.1f} ms",
        flush=True,
    )


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--books", type=int, default=50)
    parser.add_argument("--chapters", type=int, default=30)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--others", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--engine", choices=("memory", "sqlite"), default="memory")
    parser.add_argument("--quick", action="store_true", help="5 books x 10 chapters x 300 words")
    args = parser.parse_args()
    if args.quick:
        args.books, args.chapters, args.words, args.repeat = 5, 10, 300, 10
    return args


def main() -> None:
    args = parse_args()
    install_counter()  # before Django creates its MongoClient
    # Redis is not flushed: the bench's keys name its own fresh ObjectIds.
    server = database_start(
        engine=args.engine, prefix="search-bench-", database_name="search_bench", shm=True
    )
    try:
        from tests.factories import UserFactory

        text = Text()
        user = UserFactory()
        shape = {"chapters": args.chapters, "words": args.words, "text": text}
        print(f"engine {args.engine}; the user's library: {args.books} books", flush=True)
        quarter = max(1, args.books // 4)
        mine = seed_library(user, books=quarter, **shape)
        measure(user, text, args.repeat, f"user with {quarter} books, nobody else")
        mine += seed_library(user, books=args.books - quarter, **shape)
        measure(user, text, args.repeat, f"user with {args.books} books, nobody else")
        others = 0
        for multiple in sorted(args.others):
            while others < multiple:
                seed_library(UserFactory(), books=args.books, **shape)
                others += 1
            measure(user, text, args.repeat, f"plus {others} other users of the same size")
        measure_refresh(user, mine[0], text, args.words, args.repeat)
    finally:
        server.stop()


if __name__ == "__main__":
    main()

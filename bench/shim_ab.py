"""What one embedded-server shim is worth: the same commands against two servers started side by
side, one with every shim and one without the shim named, interleaved in rounds.

Each server gets the same collection of chapter-like documents (ObjectIds, datetimes, an
indexed book id, a unique key, 60 words of content); then, per round and per server, each
command 40 times from one client: an insert, a compare-and-swap update by `_id` as Django sends
it (`update_many` of an update pipeline), a find by `_id`, the 50 documents of a book, the same
with the projection a `defer("content")` sends. Prints each command's median over the rounds of
the per-round p50, for both servers, and their ratio.

Usage: python bench/shim_ab.py --shim atomic_copies [--engine memory|sqlite] [--documents 1000]
       [--rounds 5]
"""

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autoauthor.embedded_mongo import SHIMS, EmbeddedMongo  # noqa: E402
from bench.engine_shims_bench import median_ms  # noqa: E402

REPEAT = 40
FIELDS = ["_id", "book_id", "chapter_id", "unique_key", "version", "status", "updated_at"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shim", required=True, choices=SHIMS)
    parser.add_argument("--engine", choices=["memory", "sqlite"], default="memory")
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    return parser.parse_args()


def start(engine: str, disabled: list[str]) -> EmbeddedMongo:
    workdir = Path(tempfile.mkdtemp(prefix="shim-ab-"))
    path = workdir / "mongo.sqlite" if engine == "sqlite" else None
    server = EmbeddedMongo(engine=engine, path=path, disabled_shims=disabled)
    server.start(timeout=120)
    return server


def seeded(uri: str, documents: int):
    """The chapters collection of a fresh database: (collection, a book id, a document id)."""
    from bson import ObjectId
    from pymongo import MongoClient

    chapters = MongoClient(uri)["shim_ab"]["chapters"]
    chapters.create_index("book_id")
    chapters.create_index("unique_key", unique=True)
    books = [ObjectId() for _ in range(max(1, documents // 50))]
    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
    rows = [
        {
            "book_id": books[n % len(books)],
            "chapter_id": f"{n:032x}",
            "unique_key": f"{books[n % len(books)]}:{n}",
            "version": 1,
            "status": "draft",
            "content": "<p>" + "word " * 60 + "</p>",
            "created_at": now,
            "updated_at": now,
        }
        for n in range(documents)
    ]
    for start_at in range(0, documents, 200):
        chapters.insert_many(rows[start_at : start_at + 200])
    return chapters, books[0], chapters.find_one({"book_id": books[0]})["_id"]


def commands(chapters, book_id, document_id) -> dict:
    from bson import ObjectId

    projection = {field: 1 for field in FIELDS}
    cas = {"$and": [{"_id": document_id}, {"status": "draft"}]}
    return {
        "insert one": lambda: chapters.database["logs"].insert_one(
            {"actor": ObjectId(), "at": datetime.datetime.now(), "changes": {"n": 1}}
        ),
        "CAS update": lambda: chapters.update_many(
            cas, [{"$set": {"content": {"$literal": f"<p>{time.time()}</p>"}}}]
        ),
        "find by _id": lambda: chapters.find_one({"_id": document_id}),
        "a book's 50": lambda: list(chapters.aggregate([{"$match": {"book_id": book_id}}])),
        "the 50, projected": lambda: list(
            chapters.aggregate([{"$match": {"book_id": book_id}}, {"$project": projection}])
        ),
    }


def main():
    args = parse_args()
    servers = {"with": start(args.engine, []), "without": start(args.engine, [args.shim])}
    try:
        targets = {
            label: commands(*seeded(server.uri, args.documents))
            for label, server in servers.items()
        }
        results: dict = {}
        for _ in range(args.rounds):
            for name in targets["with"]:
                for label, target in targets.items():
                    results.setdefault((name, label), []).append(median_ms(target[name], REPEAT))
    finally:
        for server in servers.values():
            server.stop()
    print(
        f"{args.engine} engine, {args.documents} documents, shim {args.shim}: median of "
        f"{args.rounds} rounds of the p50 of {REPEAT} commands (ms)"
    )
    for name in targets["with"]:
        with_shim = statistics.median(results[(name, "with")])
        without = statistics.median(results[(name, "without")])
        ratio = with_shim / without
        print(f"  {name:<18} with {with_shim:7.2f}  without {without:7.2f}  ratio {ratio:.2f}")


if __name__ == "__main__":
    main()

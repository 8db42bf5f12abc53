"""The embedded server's query shims (6 to 10) measured: how the requests the API sends scale with
the size of a collection, with every shim and without the query shims.

Starts embedded servers (`--engine memory|sqlite`), each with a fresh collection of `--sizes`
documents (an indexed owner, an indexed shared-with array, 500 bytes of text): the measured
user's 20 own and 10 shared documents, the rest other users'. Times, over pymongo, the query
shapes django-mongodb-backend emits on the request path: a compare-and-swap `update_one` by
`_id` and version, `get()`'s `$match` on `_id` with `$limit` 21, an `$in` on an indexed field
(prefetches), an `$or` of an owner and a shared-with array (the books a user may read), an
equality on an indexed array, equalities on two indexed fields (a chapter by book and chapter
id). Prints the median time of `--repeat` runs of each, per size, and the insert rate of the
fill.

Usage: .venv/bin/python bench/engine_shims_bench.py [--engine sqlite] [--sizes 1000 3000]
       [--repeat 20]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bson import ObjectId  # noqa: E402
from pymongo import MongoClient  # noqa: E402

from autoauthor.embedded_mongo import EmbeddedMongo  # noqa: E402

QUERY_SHIMS = (
    "feature_cache",
    "id_lookup",
    "index_narrowing",
    "multikey_lookup",
    "scalar_lookup",
)
ME = ObjectId()
OTHERS = [ObjectId() for _ in range(50)]
MINE, SHARED_WITH_ME = 20, 10


def document(n: int) -> dict:
    owner = ME if n < MINE else OTHERS[n % 50]
    shared = ME if MINE <= n < MINE + SHARED_WITH_ME else OTHERS[(n + 1) % 50]
    return {"owner": owner, "shared": [shared], "version": 1, "text": "w" * 500}


def fill(collection, size: int) -> float:
    """Insert ``size`` documents in batches of 500; returns documents per second."""
    collection.create_index("owner")
    collection.create_index("shared")
    started = time.perf_counter()
    for start in range(0, size, 500):
        collection.insert_many([document(n) for n in range(start, min(size, start + 500))])
    return size / (time.perf_counter() - started)


def operations(collection) -> dict:
    me = ME
    target = collection.find_one({"owner": me})
    version = {"value": target["version"]}

    def compare_and_swap():
        result = collection.update_one(
            {"_id": target["_id"], "version": version["value"]}, {"$inc": {"version": 1}}
        )
        version["value"] += result.modified_count

    return {
        "update_one by _id + version": compare_and_swap,
        "$match _id, $limit 21": lambda: list(
            collection.aggregate([{"$match": {"_id": target["_id"]}}, {"$limit": 21}])
        ),
        "$in on an indexed field": lambda: list(collection.find({"owner": {"$in": [me]}})),
        "$or owner / shared array": lambda: list(
            collection.find({"$or": [{"owner": me}, {"shared": me}]})
        ),
        "equality on an indexed array": lambda: list(collection.find({"shared": me})),
        "equalities on two indexed fields": lambda: list(
            collection.find({"owner": me, "shared": me})
        ),
    }


def median_ms(call, repeat: int) -> float:
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def measure(engine: str, disabled: tuple[str, ...], sizes: list[int], repeat: int) -> dict:
    results = {}
    for size in sizes:
        workdir = Path(tempfile.mkdtemp(prefix="engine-shims-"))
        server = EmbeddedMongo(
            engine=engine,
            path=workdir / "bench.sqlite" if engine == "sqlite" else None,
            disabled_shims=disabled,
        )
        try:
            with MongoClient(server.start(timeout=120), socketTimeoutMS=600_000) as client:
                collection = client.bench.books
                rate = fill(collection, size)
                results[size] = {"insert/s": rate} | {
                    name: median_ms(call, repeat) for name, call in operations(collection).items()
                }
        finally:
            server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("memory", "sqlite"), default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for label, disabled in (("every shim", ()), ("without the query shims", QUERY_SHIMS)):
        print(f"engine {args.engine}, {label}")
        results = measure(args.engine, disabled, args.sizes, args.repeat)
        names = list(next(iter(results.values())))
        print(f"  {'documents':32}" + "".join(f"{size:>12,}" for size in args.sizes))
        for name in names:
            unit = "" if name == "insert/s" else " ms"
            cells = "".join(f"{results[size][name]:>9.1f}{unit:3}" for size in args.sizes)
            print(f"  {name:32}{cells}")


if __name__ == "__main__":
    main()

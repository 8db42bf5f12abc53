"""Shims 13 `id_update` and 14 `unchanged_index_entries`: the server's work per update.

What they save is checked in a fresh interpreter that serves the wire protocol from a thread,
with and without each shim: a multi update pinned to one `_id` no longer reads its documents
first, and an update that changes no indexed field leaves the index entries alone. What they
must not change (result counts, upserts, multi updates of several documents, what each index
finds after updates that move a document between keys, into and out of partial and sparse
indexes, a refused duplicate key) is checked through the server on both engines."""

import uuid

import pytest
from bson import ObjectId
from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from autoauthor.embedded_mongo import EmbeddedMongo
from autoauthor.embedded_mongo.write_shims import pins_one_id

from .conftest import connect, probe, started

UPDATES = 20

PROBE = """
import asyncio, json, sys, threading
from autoauthor.embedded_mongo import apply_shims
apply_shims(disabled=sys.argv[2:])
from mongoeco.api._async.collection import AsyncCollection
from mongoeco.engines import MemoryEngine
from mongoeco.engines._memory_collection import MemoryIndexMap
from mongoeco.wire import AsyncMongoEcoProxyServer
from pymongo import MongoClient
ready, box = threading.Event(), {}
async def serve():
    server = AsyncMongoEcoProxyServer(engine=MemoryEngine(), host="127.0.0.1", port=0)
    box["port"] = (await server.start()).port
    ready.set()
    await asyncio.Event().wait()
threading.Thread(target=lambda: asyncio.run(serve()), daemon=True).start()
ready.wait(60)
calls = {"reads": 0, "entries": 0}
def counting(name, method):
    def counted(*args, **kwargs):
        calls[name] += 1
        return method(*args, **kwargs)
    return counted
AsyncCollection._build_cursor = counting("reads", AsyncCollection._build_cursor)
MemoryIndexMap.add = counting("entries", MemoryIndexMap.add)
MemoryIndexMap.discard = counting("entries", MemoryIndexMap.discard)
chapters = MongoClient(f"mongodb://127.0.0.1:{box['port']}/?directConnection=true").db.chapters
chapters.create_index("book_id")
chapters.create_index([("book_id", 1), ("status", 1)])
chapters.create_index("unique_key", unique=True)
target = chapters.insert_one({"book_id": 1, "unique_key": "k", "status": "draft", "version": 1})
calls.update(reads=0, entries=0)
modified = 0
for version in range(1, int(sys.argv[1]) + 1):
    filter = {"$and": [{"_id": target.inserted_id}, {"version": version}]}
    update = [{"$set": {"version": {"$literal": version + 1}, "content": {"$literal": "x"}}}]
    modified += chapters.update_many(filter, update).modified_count
print(json.dumps({**calls, "modified": modified}))
"""


def test_pinned_multi_updates_skip_the_read_and_unchanged_index_entries() -> None:
    shimmed = probe(PROBE, str(UPDATES))
    assert shimmed == {"reads": 0, "entries": 0, "modified": UPDATES}
    without_id_update = probe(PROBE, str(UPDATES), "id_update")
    assert without_id_update["reads"] == UPDATES  # one find pass per multi update
    assert without_id_update["modified"] == UPDATES
    without_entries = probe(PROBE, str(UPDATES), "unchanged_index_entries")
    # Each update takes the document out of the _id index and the three others, and back.
    assert without_entries["entries"] >= 2 * 3 * UPDATES
    assert without_entries["modified"] == UPDATES


@pytest.mark.parametrize(
    ("query", "pinned"),
    [
        ({"_id": ObjectId()}, True),
        ({"_id": "a"}, True),
        ({"_id": {"$eq": 7}}, True),
        ({"$and": [{"version": 1}, {"$and": [{"_id": ObjectId()}]}]}, True),
        ({"_id": True}, False),
        ({"_id": {"$in": [1]}}, False),
        ({"_id": {"$gt": 1}}, False),
        ({"$or": [{"_id": 1}]}, False),
        ({"version": 1}, False),
    ],
)
def test_only_a_single_id_equality_pins_the_update(query, pinned) -> None:
    assert pins_one_id(query, (ObjectId, str, int)) is pinned


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def database(request, tmp_path_factory):
    """A fresh database of a server with every shim, on each engine."""
    path = tmp_path_factory.mktemp("writes") / "mongo.sqlite" if request.param == "sqlite" else None
    with started(EmbeddedMongo(engine=request.param, path=path)) as server:
        with connect(server) as mongo_client:
            yield mongo_client[f"writes_{uuid.uuid4().hex[:12]}"]


def _chapters(database):
    chapters = database[f"chapters_{uuid.uuid4().hex[:8]}"]
    chapters.create_index("book_id")
    chapters.create_index([("book_id", ASCENDING), ("status", ASCENDING)])
    chapters.create_index("unique_key", unique=True)
    chapters.insert_many(
        [
            {"_id": n, "book_id": n % 2, "unique_key": f"k{n}", "status": "draft", "version": 1}
            for n in range(6)
        ]
    )
    return chapters


def _ids(cursor) -> list:
    return sorted(document["_id"] for document in cursor)


def test_compare_and_swap_counts_and_upserts_are_unchanged(database) -> None:
    chapters = _chapters(database)
    stale = chapters.update_many({"$and": [{"_id": 2}, {"version": 9}]}, {"$set": {"version": 3}})
    assert (stale.matched_count, stale.modified_count) == (0, 0)
    fresh = chapters.update_many(
        {"$and": [{"_id": 2}, {"version": 1}]}, [{"$set": {"version": {"$literal": 2}}}]
    )
    assert (fresh.matched_count, fresh.modified_count) == (1, 1)
    same = chapters.update_many({"_id": 2}, {"$set": {"version": 2}})
    assert (same.matched_count, same.modified_count) == (1, 0)
    upserted = chapters.update_many({"_id": 40}, {"$set": {"book_id": 9}}, upsert=True)
    assert upserted.upserted_id == 40
    assert chapters.find_one({"_id": 40}) == {"_id": 40, "book_id": 9}
    several = chapters.update_many({"_id": {"$in": [0, 1, 3]}}, {"$set": {"version": 5}})
    assert several.modified_count == 3
    assert _ids(chapters.find({"version": 5})) == [0, 1, 3]
    assert _ids(chapters.find({"version": 2})) == [2]


def test_indexes_find_documents_after_updates_that_move_them(database) -> None:
    chapters = _chapters(database)
    chapters.update_many({"_id": 1}, {"$set": {"content": "text", "version": 2}})  # no key moves
    chapters.update_many({"_id": 3}, {"$set": {"status": "completed"}})  # compound key moves
    chapters.update_many({"$and": [{"_id": 4}, {"version": 1}]}, {"$set": {"book_id": 1}})
    chapters.update_many({"_id": 5}, {"$set": {"unique_key": "k50"}})
    assert _ids(chapters.find({"book_id": 1}).hint("book_id_1")) == [1, 3, 4, 5]
    assert _ids(chapters.find({"book_id": 0}).hint("book_id_1")) == [0, 2]
    compound = chapters.find({"book_id": 1, "status": "draft"}).hint("book_id_1_status_1")
    assert _ids(compound) == [1, 4, 5]
    assert [d["_id"] for d in chapters.find({"unique_key": "k50"})] == [5]
    assert list(chapters.find({"unique_key": "k5"})) == []
    assert chapters.find_one({"_id": 1})["content"] == "text"
    with pytest.raises(DuplicateKeyError):
        chapters.update_many({"_id": 0}, {"$set": {"unique_key": "k50"}})
    assert chapters.find_one({"_id": 0})["unique_key"] == "k0"
    assert [d["_id"] for d in chapters.find({"unique_key": "k0"})] == [0]


def test_partial_and_sparse_indexes_follow_documents_in_and_out(database) -> None:
    scores = database[f"scores_{uuid.uuid4().hex[:8]}"]
    scores.create_index("score", name="high", partialFilterExpression={"score": {"$gt": 5}})
    scores.create_index("tag", name="tags", sparse=True)
    scores.insert_many([{"_id": 1, "score": 3}, {"_id": 2, "score": 8, "tag": "a"}])
    scores.update_many({"_id": 1}, {"$set": {"score": 7, "tag": "b"}})  # into both
    scores.update_many({"_id": 2}, {"$set": {"score": 1}, "$unset": {"tag": ""}})  # out of both
    assert [d["_id"] for d in scores.find({"score": {"$gt": 6}}).hint("high")] == [1]
    assert [d["_id"] for d in scores.find({"tag": {"$exists": True}}).hint("tags")] == [1]
    assert [d["_id"] for d in scores.find({"score": {"$lt": 2}})] == [2]

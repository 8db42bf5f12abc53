"""Shims 6 to 10: the embedded engines answer from their indexes and keep what they know of a
collection across writes, with the same results.

Each test shows, through what the server itself reports (its `explain`, its `serverStatus`
cache counters) or through the engine's own candidate selection, that the shim does its work,
and that a server without the shim does not; and that results equal MongoDB's.
"""

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bson import Int64, ObjectId
from pymongo import MongoClient
from pymongo.database import Database

from autoauthor.embedded_mongo import EmbeddedMongo, apply_shims

from .conftest import START_TIMEOUT, connect

pytestmark = pytest.mark.timeout(300)

SQLITE_VARIANTS = (None, "feature_cache", "id_lookup", "multikey_lookup", "scalar_lookup")


@pytest.fixture(scope="module")
def sqlite_clients(tmp_path_factory) -> Iterator[dict[str | None, MongoClient]]:
    """Clients of SQLite-engine servers keyed by the shim they run without (None: every shim)."""
    directory: Path = tmp_path_factory.mktemp("index-shims")
    servers = {
        shim: EmbeddedMongo(
            engine="sqlite",
            path=directory / f"{shim or 'all'}.sqlite",
            disabled_shims=[shim] if shim else [],
        )
        for shim in SQLITE_VARIANTS
    }
    try:
        with ThreadPoolExecutor(len(servers)) as pool:
            for future in [pool.submit(server.start, START_TIMEOUT) for server in servers.values()]:
                future.result()
        clients = {shim: connect(server) for shim, server in servers.items()}
        yield clients
        for mongo_client in clients.values():
            mongo_client.close()
    finally:
        for server in servers.values():
            server.stop()


def fresh_database(mongo_client: MongoClient) -> Database:
    return mongo_client[f"index_shims_{uuid.uuid4().hex[:12]}"]


def engine_details(database: Database, collection: str, query: dict) -> str:
    """What SQLite says it does for ``query`` (EXPLAIN QUERY PLAN, through the server's explain)."""
    explained = database.command("explain", {"find": collection, "filter": query})
    return " | ".join(explained["details"]["engine_details"])


# --- 6. The feature cache survives writes -----------------------------------------------------


def feature_cache_entries(mongo_client: MongoClient) -> int:
    status = mongo_client.admin.command("serverStatus")
    return status["mongoeco"]["engineRuntime"]["caches"]["collectionFeatureCacheEntries"]


def test_feature_cache_shim_keeps_answers_across_writes(sqlite_clients) -> None:
    for shim, expect_kept in ((None, True), ("feature_cache", False)):
        mongo_client = sqlite_clients[shim]
        books = fresh_database(mongo_client).books
        books.insert_many([{"f": "a", "n": n} for n in range(20)])
        assert len(list(books.find({"f": "a", "n": {"$gt": 5}}))) == 14
        before = feature_cache_entries(mongo_client)
        assert before > 0
        books.update_one({"n": 3}, {"$set": {"f": "b"}})
        books.insert_one({"f": "c", "n": 30})
        after = feature_cache_entries(mongo_client)
        # Without the shim every write forgets what the engine knew of the collection, so
        # the next query scans it again, once per field and question.
        assert (after >= before) is expect_kept, (shim, before, after)


# The writes turn each cached "no" (no array, no real number, no non-ASCII text, one sort
# type) into a "yes" the next query must see; a stale answer would lose or misorder documents.
def feature_flips(database: Database) -> list:
    things = database.things
    things.insert_many([{"_id": n, "f": "x" if n % 2 else "y", "n": n, "s": "a"} for n in range(6)])
    warm = [
        sorted(doc["_id"] for doc in things.find({"f": "x"})),
        sorted(doc["_id"] for doc in things.find({"n": {"$gt": 2, "$lt": 50}})),
        [doc["_id"] for doc in things.find({}, sort=[("n", 1)])],
        sorted(doc["_id"] for doc in things.find({"s": {"$gt": "b"}})),
    ]
    things.insert_one({"_id": 10, "f": ["x", "z"], "n": 2.5, "s": "é"})
    things.update_one({"_id": 0}, {"$set": {"f": ["q", "x"], "n": "text"}})
    after = [
        sorted(doc["_id"] for doc in things.find({"f": "x"})),
        sorted(doc["_id"] for doc in things.find({"n": {"$gt": 2, "$lt": 50}})),
        [doc["_id"] for doc in things.find({}, sort=[("n", 1)])],
        sorted(doc["_id"] for doc in things.find({"s": {"$gt": "b"}})),
    ]
    return [warm, after]


def test_feature_cache_shim_answers_like_mongodb(sqlite_clients) -> None:
    warm, after = feature_flips(fresh_database(sqlite_clients[None]))
    assert warm == [[1, 3, 5], [3, 4, 5], [0, 1, 2, 3, 4, 5], []]
    # MongoDB: an array matches an equality on any element; numbers sort before strings.
    assert after == [[0, 1, 3, 5, 10], [3, 4, 5, 10], [1, 2, 10, 3, 4, 5, 0], [10]]
    assert feature_flips(fresh_database(sqlite_clients["feature_cache"])) == [warm, after]


# --- 5. Query values that came over the wire as int64 are translated to SQL --------------------


def planner_fallbacks(mongo_client: MongoClient) -> dict:
    """How many queries the SQLite engine answered in Python instead of SQL, by reason."""
    status = mongo_client.admin.command("serverStatus")
    return status["mongoeco"]["engineRuntime"]["planner"]["observed"].get("fallbacks", {})


def test_sqlite_numbers_shim_translates_int64_query_values(sqlite_clients) -> None:
    mongo_client = sqlite_clients[None]
    books = fresh_database(mongo_client).books
    ids = books.insert_many([{"v": Int64(n % 5), "n": n} for n in range(30)]).inserted_ids
    before = planner_fallbacks(mongo_client)
    # By value, as MongoDB compares numbers: Int64 and int operands match the same documents.
    assert len(list(books.find({"v": Int64(3)}))) == 6
    assert books.count_documents({"v": {"$in": [Int64(3), 4]}}) == 12
    assert len(list(books.find({"v": {"$gte": Int64(3)}, "n": {"$lt": Int64(10)}}))) == 4
    cas = {"$and": [{"$or": [{"gone": {"$exists": False}}, {"gone": None}]}, {"_id": ids[3]}]}
    step = [{"$set": {"v": {"$add": ["$v", 1]}}}]
    assert books.update_one({**cas, "v": Int64(3)}, step).modified_count == 1
    assert books.update_one({**cas, "v": Int64(3)}, step).matched_count == 0
    # django-mongodb-backend sends every integer as an int64 (a compare-and-swap's version):
    # the engine must answer those queries in SQL, not match them in Python against every
    # document of the collection.
    assert planner_fallbacks(mongo_client) == before


# --- 7. _id through the primary key -------------------------------------------------------------


def test_id_lookup_shim_finds_by_primary_key(sqlite_clients) -> None:
    for shim, uses_key in ((None, True), ("id_lookup", False)):
        database = fresh_database(sqlite_clients[shim])
        ids = database.books.insert_many([{"v": n % 3} for n in range(30)]).inserted_ids
        database.books.insert_many([{"_id": "slug", "v": 1}, {"_id": 7, "v": 1}])
        details = engine_details(database, "books", {"_id": ids[4], "v": 1})
        assert ("storage_key=?" in details) is uses_key, (shim, details)
        # Results as MongoDB gives them: the version filter still applies; strings, numbers
        # (7 == 7.0) and aggregate $match with a limit behave the same.
        assert database.books.find_one({"_id": ids[4], "v": 1})["_id"] == ids[4]
        assert database.books.find_one({"_id": ids[4], "v": 2}) is None
        assert database.books.find_one({"_id": "slug", "v": 1})["_id"] == "slug"
        assert database.books.find_one({"_id": 7.0, "v": 1})["_id"] == 7
        pipeline = [{"$match": {"$and": [{"_id": ids[5]}, {"v": 2}]}}, {"$limit": 21}]
        assert [doc["_id"] for doc in database.books.aggregate(pipeline)] == [ids[5]]
        swapped = database.books.update_one({"_id": ids[6], "v": 0}, {"$set": {"v": 9}})
        assert swapped.modified_count == 1
        assert (
            database.books.update_one({"_id": ids[6], "v": 0}, {"$set": {"v": 8}}).matched_count
            == 0
        )


# --- 9. Array elements looked up once per query -------------------------------------------------


def test_multikey_lookup_shim_is_not_correlated(sqlite_clients) -> None:
    owners = [ObjectId() for _ in range(3)]
    for shim, uncorrelated in ((None, True), ("multikey_lookup", False)):
        database = fresh_database(sqlite_clients[shim])
        database.books.create_index("owner")
        database.books.create_index("tags")
        database.books.create_index("levels")
        database.books.insert_many(
            [
                {"owner": owners[n % 3], "tags": [f"t{n % 4}", "all"], "levels": [n % 4], "n": n}
                for n in range(24)
            ]
            + [{"owner": owners[0], "tags": "t1", "n": 99}]
        )
        # Numbers: strings and ObjectIds take shim 10's lookup, which is uncorrelated too.
        details = engine_details(database, "books", {"levels": {"$in": [1, 2]}})
        assert ("CORRELATED" not in details) is uncorrelated, (shim, details)
        assert ("LIST SUBQUERY" in details) is uncorrelated, (shim, details)
        in_owner = sorted(doc["n"] for doc in database.books.find({"owner": {"$in": owners[:2]}}))
        assert in_owner == sorted([n for n in range(24) if n % 3 < 2] + [99])
        # An equality on an array field matches any element, and a scalar value too.
        tagged = sorted(doc["n"] for doc in database.books.find({"tags": "t1"}))
        assert tagged == [n for n in range(24) if n % 4 == 1] + [99]
        assert database.books.count_documents({"tags": {"$in": ["all", "nope"]}}) == 24
        assert database.books.count_documents({"levels": {"$in": [1, 2]}}) == 12


# --- 10. An indexed equality's scalar part from the index entries ------------------------------


def scalar_lookup_results(database: Database, books: list) -> dict:
    """The documents (their `n`) some equality and `$in` queries match, after writes."""
    chapters = database.chapters
    chapters.create_index("book_id")
    chapters.insert_many(
        [{"book_id": books[n % 4], "chapter_id": f"c{n % 5}", "n": n} for n in range(40)]
        + [
            {"book_id": [books[1], books[2]], "chapter_id": ["c1", "c9"], "n": 100},
            {"chapter_id": "c1", "n": 101},
            {"book_id": None, "chapter_id": None, "n": 102},
            {"book_id": str(books[1]), "chapter_id": {"c1": 1}, "n": 103},
        ]
    )
    chapters.create_index("chapter_id")  # after the documents: its entries are built from them
    chapters.update_one({"n": 21}, {"$set": {"chapter_id": "c2"}})
    chapters.update_one({"n": 5}, {"$set": {"book_id": books[1]}})
    chapters.delete_one({"n": 9})
    queries = {
        "and": {"book_id": books[1], "chapter_id": "c1"},
        "in": {"book_id": {"$in": [books[0], books[2]]}},
        "in strings": {"chapter_id": {"$in": ["c9", "c4"]}},
        "string id": {"book_id": str(books[1])},
        "null": {"book_id": None},
        "nin": {"chapter_id": {"$nin": ["c1", "c2", "c3"]}},
        "not": {"book_id": {"$not": {"$in": [books[0], books[1], books[2]]}}},
    }
    return {name: sorted(doc["n"] for doc in chapters.find(q)) for name, q in queries.items()}


def test_scalar_lookup_shim_reads_index_entries(sqlite_clients) -> None:
    books = [ObjectId() for _ in range(4)]
    results = {}
    for shim, indexed in ((None, True), ("scalar_lookup", False)):
        database = fresh_database(sqlite_clients[shim])
        results[shim] = scalar_lookup_results(database, books)
        for query in (
            {"book_id": books[1], "chapter_id": "c1"},
            {"book_id": {"$in": [books[0], books[2]]}, "n": {"$gte": 0}},
        ):
            details = engine_details(database, "chapters", query)
            # Without the shim SQLite walks every document of the collection (a search on the
            # namespace alone) to compare json_extract(...); with it, it reads the documents
            # the scalar and multikey entries name, by their key.
            assert ("scalar_index_entries" in details) is indexed, (shim, details)
            assert ("(db_name=? AND coll_name=?)" not in details) is indexed, (shim, details)
    # As MongoDB answers: an array matches any element, null matches a missing field, types
    # do not mix (a string is not an ObjectId), $nin and $not match what the $in does not.
    assert results[None] == {
        "and": [1, 100],
        "in": sorted([n for n in range(40) if n % 4 in (0, 2) and n not in (5, 9)] + [100]),
        "in strings": sorted([n for n in range(40) if n % 5 == 4 and n != 9] + [100]),
        "string id": [103],
        "null": [101, 102],
        "nin": sorted([n for n in range(40) if n % 5 in (0, 4) and n != 9] + [102, 103]),
        "not": [3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 101, 102, 103],
    }
    assert results["scalar_lookup"] == results[None]


def test_scalar_lookup_shim_uses_other_indexes_for_strings(sqlite_clients) -> None:
    results = {}
    for shim, indexed in ((None, True), ("scalar_lookup", False)):
        revisions = fresh_database(sqlite_clients[shim]).revisions
        revisions.create_index(
            "key", unique=True, partialFilterExpression={"key": {"$type": "string"}}
        )
        revisions.create_index([("author", 1), ("n", 1)])
        revisions.create_index([("owner", 1), ("label", 1)])
        revisions.insert_many(
            [{"key": f"k{n}", "author": f"a{n % 3}", "n": n, "label": "x"} for n in range(30)]
            + [{"key": 99, "author": ["a1", "a5"], "n": 99, "label": ["x", "y"]}]
        )
        revisions.update_one({"n": 4}, {"$set": {"key": "k40"}})
        details = engine_details(revisions.database, "revisions", {"key": "k7", "n": 7})
        # The unique key's index: the search names its expressions, not the namespace alone.
        assert ("(db_name=? AND coll_name=? AND <expr>=?" in details) is indexed, (shim, details)
        queries = {
            "key": {"key": "k7"},
            "updated": {"key": {"$in": ["k4", "k40"]}},
            "number is no string": {"key": "99"},
            "array field": {"author": "a1"},
            "array and key": {"label": "y", "key": 99},
        }
        results[shim] = {
            name: sorted(doc["n"] for doc in revisions.find(query))
            for name, query in queries.items()
        }
    assert results[None] == {
        "key": [7],
        "updated": [4],
        "number is no string": [],
        "array field": [n for n in range(30) if n % 3 == 1] + [99],
        "array and key": [99],
    }
    assert results["scalar_lookup"] == results[None]


# --- 8. The memory engine narrows $in, $or and $and through its indexes ------------------------


def memory_candidates(engine, collection: str, query: dict, *, shimmed: bool) -> int | None:
    """How many documents the memory engine reads for ``query`` (None: all of them)."""
    from mongoeco.compat.base import MONGODB_DIALECT_70
    from mongoeco.core.query_plan import compile_filter
    from mongoeco.engines.memory import MemoryEngine

    select = MemoryEngine._indexed_candidate_storage_keys_for_plan_locked
    if not shimmed:
        select = select.__wrapped__
    candidates = select(
        engine,
        engine._indexes_view(None)["db"][collection],
        engine._index_data_view(None)["db"][collection],
        compile_filter(query),
        dialect=MONGODB_DIALECT_70,
        collation=None,
    )
    return None if candidates is None else len(candidates.storage_keys)


def test_index_narrowing_shim_reads_only_index_entries() -> None:
    apply_shims()  # in this process: the engine is driven in-process to see its candidates
    from mongoeco import MongoClient as InProcessClient
    from mongoeco.engines import MemoryEngine

    engine = MemoryEngine()
    client = InProcessClient(engine=engine)
    books = client.db.books
    books.create_index("owner")
    books.create_index("shared")
    owners = [ObjectId() for _ in range(10)]
    books.insert_many(
        [{"owner": owners[n % 10], "shared": [owners[(n + 1) % 10]], "n": n} for n in range(200)]
    )
    me = owners[0]
    queries = {
        "in": ({"owner": {"$in": [me, owners[1]]}}, 40),
        "or": ({"$or": [{"owner": me}, {"shared": me}]}, 40),
        "and": ({"$and": [{"n": {"$gte": 0}}, {"owner": {"$in": [me]}}]}, 20),
    }
    for name, (query, matching) in queries.items():
        assert memory_candidates(engine, "books", query, shimmed=False) is None, name
        assert memory_candidates(engine, "books", query, shimmed=True) == matching, name
        assert len(list(books.find(query))) == matching, name
    client.close()

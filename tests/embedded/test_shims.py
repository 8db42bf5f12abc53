"""Each compatibility shim of autoauthor.embedded_mongo is needed and gives MongoDB's behaviour.

Every shim test runs the same client code against the server with all shims (expecting what
MongoDB does) and against a server started without the shim under test (expecting mongoeco's
failure), so a shim that breaks -- or that a mongoeco upgrade makes unnecessary -- fails here.
"""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from bson import Decimal128, Int64, ObjectId
from pymongo import MongoClient
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, OperationFailure

from autoauthor.embedded_mongo import SHIMS, EmbeddedMongo, apply_shims

from .conftest import START_TIMEOUT, connect, started

# Module fixtures start five servers; on a loaded machine that alone can take a minute.
pytestmark = pytest.mark.timeout(300)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def fresh_database(mongo_client: MongoClient) -> Database:
    return mongo_client[f"shims_{uuid.uuid4().hex[:12]}"]


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_apply_shims_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="unknown shim"):
        apply_shims(disabled=["buildInfo"])
    with pytest.raises(ValueError, match="unknown shim"):
        EmbeddedMongo(disabled_shims=["nested"])
    assert SHIMS == (
        "buildinfo",
        "not_expression",
        "nested_projection",
        "id_scan",
        "sqlite_numbers",
        "feature_cache",
        "id_lookup",
        "index_narrowing",
        "multikey_lookup",
        "scalar_lookup",
        "atomic_copies",
        "change_dispatch",
        "id_update",
        "unchanged_index_entries",
        "gc_freeze",
    )


# --- 1. buildinfo ---------------------------------------------------------------------------


def test_buildinfo_shim_makes_server_info_work(client, client_without) -> None:
    info = client.server_info()
    assert info["ok"] == 1
    assert info["version"]

    unshimmed = client_without("buildinfo")
    with pytest.raises(OperationFailure, match="unsupported wire command: buildinfo"):
        unshimmed.server_info()
    # Only the spelling differs: the camel-case command works on both servers.
    assert unshimmed.admin.command("buildInfo")["version"] == info["version"]


# --- 2. $not aggregation expression ---------------------------------------------------------

MISSING = object()

# (value of field v, expected {"$not": "$v"}) following MongoDB's truthiness.
NOT_CASES = [
    (0, True),
    (0.0, True),
    (Int64(0), True),
    (Decimal128("0"), True),
    (None, True),
    (MISSING, True),
    (False, True),
    ("", False),
    ([], False),
    ({}, False),
    (True, False),
    (1, False),
    (-0.5, False),
    (Decimal128("0.1"), False),
    ("text", False),
]


def _not_collection(mongo_client: MongoClient) -> Collection:
    collection = fresh_database(mongo_client).values
    collection.insert_many(
        [
            {"_id": index} if value is MISSING else {"_id": index, "v": value}
            for index, (value, _) in enumerate(NOT_CASES)
        ]
    )
    return collection


def test_not_expression_shim_uses_mongodb_truthiness(client, client_without) -> None:
    collection = _not_collection(client)
    rows = list(
        collection.aggregate(
            [
                {"$sort": {"_id": 1}},
                {"$project": {"array_form": {"$not": ["$v"]}, "bare_form": {"$not": "$v"}}},
            ]
        )
    )
    expected = [result for _, result in NOT_CASES]
    assert [row["array_form"] for row in rows] == expected
    assert [row["bare_form"] for row in rows] == expected
    # The shape django-mongodb-backend emits for count() with a negated condition.
    assert collection.count_documents({"$expr": {"$not": {"$eq": ["$v", 1]}}}) == len(NOT_CASES) - 1
    with pytest.raises(OperationFailure) as excinfo:
        list(collection.aggregate([{"$project": {"n": {"$not": ["$v", 1]}}}]))
    assert excinfo.value.code == 16020  # MongoDB: $not takes exactly 1 argument
    query_not = {"v": {"$not": {"$gt": 0}}}
    matched = [doc["_id"] for doc in collection.find(query_not)]
    assert {0, 1, 2, 3, 4, 5, 12} <= set(matched)  # numeric zeros, null, missing, -0.5

    unshimmed = _not_collection(client_without("not_expression"))
    with pytest.raises(OperationFailure, match=r"Unrecognized expression '\$not'"):
        list(unshimmed.aggregate([{"$project": {"n": {"$not": ["$v"]}}}]))
    with pytest.raises(OperationFailure, match=r"Unrecognized expression '\$not'"):
        unshimmed.count_documents({"$expr": {"$not": {"$eq": ["$v", 1]}}})
    # The query operator of the same name is left to mongoeco.
    assert [doc["_id"] for doc in unshimmed.find(query_not)] == matched


# --- 3. nested projections ------------------------------------------------------------------

DOC = {"_id": 1, "a": {"b": 2, "c": 3}, "x": 5}
AUTHOR = {"_id": 1, "name": "Ann", "profile": {"bio": "Writes.", "secret": "s"}}


def _projection_database(mongo_client: MongoClient) -> Database:
    database = fresh_database(mongo_client)
    database.docs.insert_one(DOC)
    database.authors.insert_one(AUTHOR)
    return database


def test_nested_projection_shim_in_find(client, client_without) -> None:
    database = _projection_database(client)
    assert list(database.docs.find({}, {"a": {"b": 1}})) == [{"_id": 1, "a": {"b": 2}}]
    assert list(database.docs.find({}, {"_id": 0, "a": {"c": 0}, "x": 0})) == [{"a": {"b": 2}}]
    assert database.docs.find_one_and_update(
        {"_id": 1}, {"$set": {"y": 1}}, projection={"_id": 0, "a": {"c": 1}}
    ) == {"a": {"c": 3}}

    unshimmed = _projection_database(client_without("nested_projection"))
    with pytest.raises(OperationFailure, match="Unsupported projection operator"):
        list(unshimmed.docs.find({}, {"a": {"b": 1}}))


PIPELINE_CASES = [
    pytest.param(
        [{"$project": {"_id": 0, "a": {"b": 1}}}],
        [{"a": {"b": 2}}],
        [{"a": {"b": 1}}],
        id="project",
    ),
    pytest.param(
        [{"$project": {"_id": 0, "a": {"b": True}, "name": {"$literal": "x"}}}],
        [{"a": {"b": 2}, "name": "x"}],
        [{"a": {"b": True}, "name": "x"}],
        id="project-with-expression",
    ),
    pytest.param(
        # $addFields/$set: a nested object is an embedded document spec that sets a.d and
        # keeps a's other fields.
        [{"$addFields": {"a": {"d": "$x"}}}, {"$project": {"_id": 0, "a": 1}}],
        [{"a": {"b": 2, "c": 3, "d": 5}}],
        [{"a": {"d": 5}}],
        id="addFields",
    ),
    pytest.param(
        [{"$set": {"a": {"d": 4}}}, {"$project": {"_id": 0, "a": 1}}],
        [{"a": {"b": 2, "c": 3, "d": 4}}],
        [{"a": {"d": 4}}],
        id="set",
    ),
    pytest.param(
        # The shape of values("author__profile__bio"): a $lookup whose sub-pipeline projects
        # a nested field.
        [
            {
                "$lookup": {
                    "from": "authors",
                    "let": {"author_id": "$_id"},
                    "pipeline": [
                        {"$match": {"$expr": {"$eq": ["$_id", "$$author_id"]}}},
                        {"$project": {"_id": 0, "profile": {"bio": 1}}},
                    ],
                    "as": "author",
                }
            },
            {"$project": {"_id": 0, "author": 1}},
        ],
        [{"author": [{"profile": {"bio": "Writes."}}]}],
        [{"author": [{"profile": {"bio": 1}}]}],
        id="lookup-pipeline",
    ),
    pytest.param(
        [
            {"$project": {"_id": 0, "x": 1}},
            {
                "$unionWith": {
                    "coll": "authors",
                    "pipeline": [{"$project": {"_id": 0, "profile": {"bio": 1}}}],
                }
            },
        ],
        [{"x": 5}, {"profile": {"bio": "Writes."}}],
        [{"x": 5}, {"profile": {"bio": 1}}],
        id="unionWith-pipeline",
    ),
    pytest.param(
        [{"$facet": {"only_c": [{"$project": {"_id": 0, "a": {"c": 1}}}]}}],
        [{"only_c": [{"a": {"c": 3}}]}],
        [{"only_c": [{"a": {"c": 1}}]}],
        id="facet",
    ),
]


@pytest.mark.parametrize(("pipeline", "mongodb_result", "unshimmed_result"), PIPELINE_CASES)
def test_nested_projection_shim_in_pipelines(
    client, client_without, pipeline, mongodb_result, unshimmed_result
) -> None:
    database = _projection_database(client)
    assert list(database.docs.aggregate(pipeline)) == mongodb_result

    unshimmed = _projection_database(client_without("nested_projection"))
    assert list(unshimmed.docs.aggregate(pipeline)) == unshimmed_result


def test_nested_projection_shim_leaves_expressions_alone(client) -> None:
    database = _projection_database(client)
    pipeline = [
        {
            "$project": {
                "_id": 0,
                "literal": {"$literal": {"b": 1}},
                "computed": {"total": {"$add": ["$a.b", "$a.c"]}},
                "joined": {"$concat": ["x", "y"]},
            }
        }
    ]
    assert list(database.docs.aggregate(pipeline)) == [
        {"literal": {"b": 1}, "computed": {"total": 5}, "joined": "xy"}
    ]


def test_nested_projection_shim_in_update_pipeline(client) -> None:
    database = _projection_database(client)
    database.docs.update_one({"_id": 1}, [{"$set": {"a": {"e": "$x"}}}])
    assert database.docs.find_one({"_id": 1}) == {"_id": 1, "a": {"b": 2, "c": 3, "e": 5}, "x": 5}


# --- 4. _id uniqueness scan -----------------------------------------------------------------


def insert_rate(collection: Collection, count: int, chunks: int = 4) -> float:
    """Single-document inserts (client-generated ObjectId) per second.

    The best of ``chunks`` timed runs, so one scheduling hiccup cannot decide the comparison.
    """
    per_chunk = count // chunks
    best = float("inf")
    for _ in range(chunks):
        started = time.perf_counter()
        for _ in range(per_chunk):
            collection.insert_one({"kind": "event"})
        best = min(best, time.perf_counter() - started)
    return per_chunk / best


def fill(collection: Collection, count: int) -> None:
    # Batches keep each command short: without the shim the server spends O(n^2) on one batch
    # and answers nothing else meanwhile.
    for start in range(0, count, 500):
        collection.insert_many([{"i": i} for i in range(start, min(count, start + 500))])
    assert collection.estimated_document_count() >= count


def test_id_scan_shim_keeps_insert_rate_flat(client, client_without) -> None:
    database = fresh_database(client)
    empty = insert_rate(database.empty, 200)
    fill(database.full, 3000)
    full = insert_rate(database.full, 200)
    assert empty / full < 3, f"with the shim: {empty:.0f}/s empty, {full:.0f}/s at 3,000 documents"

    # Without the shim each insert compares the new _id with every stored one, so the rate
    # falls with the collection size. 1,500 documents already show it (and cost ~6 s to
    # insert, since the fill suffers too); at 3,000 the fall is steeper still.
    database = fresh_database(client_without("id_scan"))
    empty_unshimmed = insert_rate(database.empty, 200)
    fill(database.full, 1500)
    full_unshimmed = insert_rate(database.full, 100)
    assert empty_unshimmed / full_unshimmed > 3, (
        f"without the shim: {empty_unshimmed:.0f}/s empty, "
        f"{full_unshimmed:.0f}/s at 1,500 documents"
    )


def assert_duplicates_refused(collection: Collection) -> None:
    for _id in (ObjectId(), "chapter-1", {"book": "b1", "slug": "intro"}):
        collection.insert_one({"_id": _id})
        with pytest.raises(DuplicateKeyError):
            collection.insert_one({"_id": _id, "again": True})
    # Numeric ids still go through the scan: 1, 1.0 and Int64(1) are the same _id in MongoDB.
    collection.insert_one({"_id": 1})
    for same in (1.0, Int64(1), Decimal128("1")):
        with pytest.raises(DuplicateKeyError):
            collection.insert_one({"_id": same})


def test_id_scan_shim_still_refuses_duplicate_ids(client) -> None:
    collection = fresh_database(client).ids
    fill(collection, 100)
    assert_duplicates_refused(collection)


def test_id_scan_shim_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "rate.sqlite3"
    with (
        started(EmbeddedMongo(engine="sqlite", path=path)) as server,
        connect(server) as mongo_client,
    ):
        database = mongo_client.rate
        empty = insert_rate(database.empty, 100)
        fill(database.full, 1500)
        full = insert_rate(database.full, 100)
        assert_duplicates_refused(database.ids)
    assert empty / full < 3, f"with the shim: {empty:.0f}/s empty, {full:.0f}/s at 1,500"

    # Same file and documents, served without the shim.
    with (
        started(EmbeddedMongo(engine="sqlite", path=path, disabled_shims=["id_scan"])) as server,
        connect(server) as mongo_client,
    ):
        database = mongo_client.rate
        empty_unshimmed = insert_rate(database.empty_again, 40)
        full_unshimmed = insert_rate(database.full, 20)
    assert empty_unshimmed / full_unshimmed > 3, (
        f"without the shim: {empty_unshimmed:.0f}/s empty, {full_unshimmed:.0f}/s at 1,500"
    )


# --- 5. Numbers on the SQLite engine ------------------------------------------------------------


# What the services do on every versioned save: filter on the version the last write left, $inc.
def compare_and_swap_rounds(collection: Collection, rounds: int) -> list[int]:
    """matched_count of ``rounds`` sequential compare-and-swaps, alternating int/Int64 filters."""
    collection.insert_one({"_id": "book", "version": Int64(0), "text": ""})
    matched = []
    for n in range(rounds):
        expected = Int64(n) if n % 2 else n
        result = collection.update_one(
            {"_id": "book", "version": expected},
            {"$inc": {"version": 1}, "$set": {"text": f"save {n}"}},
        )
        matched.append(result.matched_count)
    return matched


def numeric_matches(collection: Collection) -> dict[str, int]:
    """How many documents each numeric spelling of the same values matches."""
    collection.insert_many(
        [
            {"_id": "inc", "n": Int64(0)},
            {"_id": "set", "n": 0},
            {"_id": "pipeline", "n": 0.0},
        ]
    )
    collection.update_one({"_id": "inc"}, {"$inc": {"n": 1}})
    collection.update_one({"_id": "set"}, {"$set": {"n": Int64(1)}})
    collection.update_one({"_id": "pipeline"}, [{"$set": {"n": {"$add": ["$n", Int64(1)]}}}])
    return {
        repr(value): collection.count_documents({"n": value})
        for value in (1, Int64(1), 1.0, {"$gte": 1}, {"$lt": Int64(2)}, {"$in": [Int64(1)]})
    }


def test_sqlite_numbers_shim_compares_numbers_by_value(tmp_path: Path) -> None:
    # MongoDB compares numbers by value across int32, int64 and double ("Comparison/Sort
    # Order": numeric types are converted before comparison).
    with (
        started(EmbeddedMongo(engine="sqlite", path=tmp_path / "on.sqlite")) as server,
        connect(server) as mongo_client,
    ):
        database = fresh_database(mongo_client)
        assert compare_and_swap_rounds(database.books, 20) == [1] * 20
        assert database.books.find_one({"_id": "book"})["version"] == 20
        assert set(numeric_matches(database.values).values()) == {3}

    with (
        started(
            EmbeddedMongo(
                engine="sqlite", path=tmp_path / "off.sqlite", disabled_shims=["sqlite_numbers"]
            )
        ) as server,
        connect(server) as mongo_client,
    ):
        database = fresh_database(mongo_client)
        # An int filter misses the stored Int64, and once $inc has stored the version tagged as
        # int32 no filter, int or Int64, matches it again: on `make run` every save after the
        # first was a 409.
        assert compare_and_swap_rounds(database.books, 4) == [0, 0, 0, 0]
        assert min(numeric_matches(database.values).values()) < 3


def test_sqlite_numbers_shim_repairs_numbers_stored_without_it(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    unshimmed = EmbeddedMongo(engine="sqlite", path=path, disabled_shims=["sqlite_numbers"])
    with started(unshimmed) as server, connect(server) as mongo_client:
        books = mongo_client.app.books
        books.insert_one({"_id": "book", "version": Int64(0), "nested": {"count": Int64(7)}})
        books.update_one({"_id": "book"}, {"$inc": {"version": 1}})
        assert books.count_documents({"version": 1}) == 0  # stored tagged

    with started(EmbeddedMongo(engine="sqlite", path=path)) as server, connect(server) as client:
        books = client.app.books
        assert books.count_documents({"version": 1, "nested.count": 7}) == 1
        assert books.update_one(
            {"_id": "book", "version": 1}, {"$inc": {"version": 1}}
        ).matched_count
        assert books.find_one({"_id": "book"}) == {
            "_id": "book",
            "version": 2,
            "nested": {"count": 7},
        }
    with sqlite3.connect(path) as connection:
        (text,) = connection.execute("SELECT document FROM documents").fetchone()
    assert '"type":"int' not in text, text


# --- The launcher ---------------------------------------------------------------------------


def book_ids(server: EmbeddedMongo) -> list[str]:
    with connect(server) as mongo_client:
        return [doc["_id"] for doc in mongo_client.app.books.find({}, sort=[("_id", 1)])]


def test_sqlite_server_keeps_data_across_restart_and_sigkill(tmp_path: Path) -> None:
    server = EmbeddedMongo(
        engine="sqlite",
        path=tmp_path / "var" / "db.sqlite3",
        log_file=tmp_path / "server.log",
    )
    try:
        uri = server.start(timeout=START_TIMEOUT)
        with connect(server) as mongo_client:
            mongo_client.app.books.insert_one({"_id": "first"})
        assert server.stop() == 0  # SIGTERM shuts down cleanly
        assert not server.alive()

        assert server.start(timeout=START_TIMEOUT) == uri  # same port again
        assert book_ids(server) == ["first"]
        with connect(server) as mongo_client:
            mongo_client.app.books.insert_one({"_id": "second"})

        killed_pid = server.pid
        os.kill(killed_pid, signal.SIGKILL)
        assert wait_until(lambda: not server.alive())
        assert server.ensure_running(timeout=START_TIMEOUT) is True
        assert server.uri == uri
        assert server.pid != killed_pid
        assert server.ensure_running() is False
        assert book_ids(server) == ["first", "second"]
    finally:
        server.stop()


def test_supervise_restarts_a_dead_server(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("WARNING", logger="autoauthor.embedded_mongo")
    with started(EmbeddedMongo()) as server:
        uri = server.uri
        server.supervise(interval=0.2)
        killed_pid = server.pid
        os.kill(killed_pid, signal.SIGKILL)
        assert wait_until(lambda: "died; restarted" in caplog.text, timeout=START_TIMEOUT)
        assert server.alive()
        assert server.pid != killed_pid
        assert server.uri == uri
        with connect(server) as mongo_client:
            assert mongo_client.admin.command("ping")["ok"] == 1
    assert not server.alive()


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_server_stops_when_its_launcher_dies() -> None:
    launcher_code = (
        "import time\n"
        "from autoauthor.embedded_mongo import EmbeddedMongo\n"
        "server = EmbeddedMongo()\n"
        "print(server.start(timeout=120), flush=True)\n"
        "time.sleep(600)\n"
    )
    launcher = subprocess.Popen(
        [sys.executable, "-c", launcher_code], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        uri = launcher.stdout.readline().strip()
        port = int(uri.rsplit(":", 1)[1].split("/", 1)[0])
        assert port_open(port)
    finally:
        launcher.kill()
        launcher.wait()
        launcher.stdout.close()
    assert wait_until(lambda: not port_open(port), timeout=30)

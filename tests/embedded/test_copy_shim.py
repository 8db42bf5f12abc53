"""Shim 11, `atomic_copies`: the server's deep copies share immutable BSON values.

The shim changes the server process's `copy.deepcopy`, so what it does is checked in a fresh
interpreter with and without it, and what it must not change (documents holding those values
read back equal and independent after inserts, updates and projections) through the server."""

import datetime
import uuid

import pytest
from bson import Decimal128, Int64, ObjectId

from autoauthor.embedded_mongo import EmbeddedMongo

from .conftest import connect, probe, started

PROBE = """
import copy, datetime, json, sys, uuid
from bson import Decimal128, Int64, ObjectId
from mongoeco._types._bson_objectid import ObjectId as MongoecoObjectId
from autoauthor.embedded_mongo import apply_shims
apply_shims(disabled=sys.argv[1:])
values = [ObjectId(), MongoecoObjectId(), Int64(7), Decimal128("1.5"), uuid.uuid4(),
          datetime.datetime.now(datetime.timezone.utc), datetime.date(2026, 1, 2),
          datetime.time(1, 2), datetime.timedelta(seconds=3)]
document = {"values": values, "nested": {"tags": ["a"]}}
copied = copy.deepcopy(document)
copied["nested"]["tags"].append("b")
print(json.dumps({
    "shared": [copy.deepcopy(value) is value for value in values],
    "equal": copied["values"] == values,
    "independent": document["nested"]["tags"] == ["a"] and copied["values"] is not values,
}))
"""


def test_deep_copies_share_immutable_values_only_with_the_shim() -> None:
    shimmed = probe(PROBE)
    assert shimmed == {"shared": [True] * 9, "equal": True, "independent": True}
    unshimmed = probe(PROBE, "atomic_copies")
    # Without it every one of these values is rebuilt: the cost the shim removes.
    assert unshimmed == {"shared": [False] * 9, "equal": True, "independent": True}


@pytest.fixture(scope="module", params=["memory", "sqlite"])
def client(request, tmp_path_factory):
    """A client of a server with every shim, on each engine."""
    path = tmp_path_factory.mktemp("copies") / "mongo.sqlite" if request.param == "sqlite" else None
    with started(EmbeddedMongo(engine=request.param, path=path)) as server:
        with connect(server) as mongo_client:
            yield mongo_client


def test_documents_with_those_values_read_back_equal_and_independent(client) -> None:
    collection = client[f"copies_{uuid.uuid4().hex[:12]}"]["docs"]
    when = datetime.datetime(2026, 12, 4, 1, 2, 3, 456000)
    first = {"_id": ObjectId(), "ref": ObjectId(), "at": when, "n": Int64(2**40)}
    first |= {"price": Decimal128("9.99"), "tags": [{"at": when}], "meta": {"ref": ObjectId()}}
    collection.insert_one(first)
    second = {**first, "_id": ObjectId(), "tags": [{"at": when}], "meta": dict(first["meta"])}
    collection.insert_one(second)

    collection.update_one({"_id": first["_id"]}, {"$set": {"meta.extra": 1}, "$inc": {"n": 1}})
    collection.update_one({"_id": first["_id"]}, [{"$set": {"copied_at": "$at"}}])
    collection.update_one({"_id": first["_id"]}, {"$push": {"tags": {"at": when}}})

    stored = collection.find_one({"_id": first["_id"]})
    assert stored["n"] == 2**40 + 1 and stored["copied_at"] == when == stored["at"]
    assert stored["meta"] == {"ref": first["meta"]["ref"], "extra": 1}
    assert stored["tags"] == [{"at": when}, {"at": when}] and stored["price"] == first["price"]
    # The other document, which held equal values, did not change with it.
    other = collection.find_one({"_id": second["_id"]})
    assert other["meta"] == {"ref": first["meta"]["ref"]} and other["tags"] == [{"at": when}]
    assert other["n"] == 2**40 and "copied_at" not in other
    projected = collection.find_one({"_id": first["_id"]}, {"ref": 1, "at": 1, "meta.ref": 1})
    assert projected == {
        "_id": first["_id"],
        "ref": first["ref"],
        "at": when,
        "meta": {"ref": first["meta"]["ref"]},
    }

"""BSON dates and ObjectIds.

"BSON Date is a 64-bit integer that represents the number of milliseconds since the Unix epoch":
dates are UTC with millisecond precision, so pymongo truncates microseconds, stores an aware
datetime as its UTC instant and, by default, decodes dates as naive UTC datetimes (timezone
aware UTC ones with tz_aware=True). An ObjectId is a 12-byte value whose first 4 bytes are its
creation time in seconds; it round-trips through insert and queries, compares by value (not
equal to its hex string) and works as an array element.
"""

from datetime import UTC, datetime, timedelta, timezone

from bson import ObjectId
from django.conf import settings
from pymongo import MongoClient
from pymongo.collection import Collection

# --- dates ----------------------------------------------------------------------------------


def test_datetime_keeps_milliseconds_and_truncates_microseconds(coll) -> None:
    """BSON dates have millisecond precision: a datetime with microseconds 123456 is stored and
    read back with 123000 (truncated, not rounded)."""
    coll.insert_one({"_id": 1, "at": datetime(2024, 5, 6, 7, 8, 9, 123999)})
    assert coll.find_one({"_id": 1})["at"] == datetime(2024, 5, 6, 7, 8, 9, 123000)


def test_query_by_datetime_matches_at_millisecond_precision(coll) -> None:
    """A date query value is truncated to milliseconds like the stored value, so the exact
    datetime written finds the document and a microsecond-only difference still matches."""
    written = datetime(2024, 5, 6, 7, 8, 9, 123456)
    coll.insert_one({"_id": 1, "at": written})
    assert coll.find_one({"at": written})["_id"] == 1
    assert coll.find_one({"at": written.replace(microsecond=123001)})["_id"] == 1
    assert coll.find_one({"at": written.replace(microsecond=124000)}) is None


def test_aware_datetime_is_stored_as_utc_and_returned_naive_utc(coll) -> None:
    """pymongo stores an aware datetime as its UTC instant and, by default (tz_aware=False),
    returns dates as naive datetimes in UTC."""
    plus_two = timezone(timedelta(hours=2))
    coll.insert_one({"_id": 1, "at": datetime(2024, 1, 1, 12, 0, 0, 500000, tzinfo=plus_two)})
    at = coll.find_one({"_id": 1})["at"]
    assert at.tzinfo is None
    assert at == datetime(2024, 1, 1, 10, 0, 0, 500000)
    assert coll.find_one({"at": datetime(2024, 1, 1, 10, 0, 0, 500000, tzinfo=UTC)}) is not None


def test_tz_aware_client_returns_aware_utc_datetimes(mongo_db) -> None:
    """A MongoClient with tz_aware=True decodes dates as timezone-aware datetimes in UTC."""
    mongo_db.dates.insert_one({"_id": 1, "at": datetime(2024, 1, 1, 10, 30, tzinfo=UTC)})
    with MongoClient(settings.MONGODB_URI, tz_aware=True) as aware_client:
        at = aware_client[mongo_db.name].dates.find_one({"_id": 1})["at"]
    assert at.utcoffset() == timedelta(0)
    assert at == datetime(2024, 1, 1, 10, 30, tzinfo=UTC)


def test_date_range_queries_and_sort(coll) -> None:
    """Dates compare chronologically in $gte/$lt ranges and in sort."""
    start = datetime(2024, 3, 1)
    coll.insert_many([{"_id": i, "at": start + timedelta(hours=i * 12)} for i in (3, 0, 4, 1, 2)])
    in_range = coll.find({"at": {"$gte": start + timedelta(days=1), "$lt": start + timedelta(2)}})
    assert sorted(doc["_id"] for doc in in_range) == [2, 3]
    assert [doc["_id"] for doc in coll.find({}, sort=[("at", -1)])] == [4, 3, 2, 1, 0]


# --- ObjectId -------------------------------------------------------------------------------


def test_insert_generates_an_object_id_that_finds_the_document(coll) -> None:
    """insert_one without _id adds an ObjectId _id (returned as inserted_id); querying by that
    ObjectId returns the document with the same ObjectId."""
    result = coll.insert_one({"n": 1})
    assert isinstance(result.inserted_id, ObjectId)
    doc = coll.find_one({"_id": result.inserted_id})
    assert doc == {"_id": result.inserted_id, "n": 1}
    assert coll.find_one({"_id": ObjectId(str(result.inserted_id))}) == doc


def test_object_id_is_not_equal_to_its_hex_string(coll) -> None:
    """Comparison is type-aware: the 24-character hex string of an ObjectId does not match the
    ObjectId value."""
    oid = coll.insert_one({}).inserted_id
    assert coll.find_one({"_id": str(oid)}) is None
    assert coll.find_one({"_id": oid}) is not None


def test_object_ids_in_arrays(coll) -> None:
    """ObjectIds as array elements round-trip and match element queries, $in and $all."""
    a, b, c = ObjectId(), ObjectId(), ObjectId()
    coll.insert_many([{"_id": 1, "refs": [a, b]}, {"_id": 2, "refs": [c]}])
    assert coll.find_one({"_id": 1})["refs"] == [a, b]
    assert [d["_id"] for d in coll.find({"refs": b})] == [1]
    assert sorted(d["_id"] for d in coll.find({"refs": {"$in": [a, c]}})) == [1, 2]
    assert [d["_id"] for d in coll.find({"refs": {"$all": [b, a]}})] == [1]
    coll.update_one({"_id": 2}, {"$pull": {"refs": c}, "$push": {"owners": a}})
    assert coll.find_one({"_id": 2}) == {"_id": 2, "refs": [], "owners": [a]}


def test_object_id_generation_time_is_its_creation_second(coll) -> None:
    """An ObjectId's first four bytes are its creation time: generation_time is an aware UTC
    datetime of that second, and ObjectId.from_datetime bounds a range query on _id."""
    before = datetime.now(UTC).replace(microsecond=0)
    oid = coll.insert_one({"n": 1}).inserted_id
    after = datetime.now(UTC)
    assert oid.generation_time.utcoffset() == timedelta(0)
    assert before <= oid.generation_time <= after
    old = ObjectId.from_datetime(datetime(2020, 1, 1, tzinfo=UTC))
    coll.insert_one({"_id": old, "n": 0})
    since = ObjectId.from_datetime(before - timedelta(seconds=1))
    assert [d["n"] for d in coll.find({"_id": {"$gte": since}})] == [1]
    assert [d["n"] for d in coll.find({}, sort=[("_id", 1)])] == [0, 1]


def test_object_ids_sort_in_creation_order(coll: Collection) -> None:
    """ObjectIds generated by one process increase (timestamp, then counter), so sorting on _id
    returns documents in insertion order."""
    inserted = [coll.insert_one({"i": i}).inserted_id for i in range(10)]
    assert [d["_id"] for d in coll.find({}, sort=[("_id", 1)])] == inserted
    assert [d["i"] for d in coll.find({}, sort=[("_id", -1)], limit=3)] == [9, 8, 7]

"""Numbers: MongoDB compares int32, int64 and double by value, whatever wrote them.

BSON comparison order puts all numeric types in one class: "MongoDB treats some types as
equivalent for comparison purposes. For instance, numeric types undergo conversion before
comparison." Equality, range operators and sort therefore see 1, Int64(1) and 1.0 as the same
number, including after `$inc`, `$set` and `$add` in an update pipeline change the stored type.
The project's compare-and-swap writes (TOC, chapter content, summary) depend on this.
"""

import pytest
from bson import Int64
from pymongo.collection import Collection

# The three BSON numeric types pymongo writes: int (int32 when it fits), Int64 and float.
NUMBER_TYPES = [
    pytest.param(int, id="int32"),
    pytest.param(Int64, id="int64"),
    pytest.param(float, id="double"),
]


def ids(collection: Collection, query: dict, **kwargs) -> list:
    return [doc["_id"] for doc in collection.find(query, **kwargs)]


def assert_found_by_value(collection: Collection, _id, value: int) -> None:
    """The document is found by `value` written as int32, int64 and double, and ordered by it."""
    for query_value in (int(value), Int64(value), float(value)):
        assert ids(collection, {"_id": _id, "v": query_value}) == [_id], query_value
        assert ids(collection, {"_id": _id, "v": {"$gte": query_value}}) == [_id], query_value
        assert ids(collection, {"_id": _id, "v": {"$lte": query_value}}) == [_id], query_value
        assert ids(collection, {"_id": _id, "v": {"$gt": query_value}}) == [], query_value
        assert ids(collection, {"_id": _id, "v": {"$lt": query_value}}) == [], query_value
    assert ids(collection, {"_id": _id, "v": {"$gt": value - 0.5, "$lt": value + 0.5}}) == [_id]
    assert ids(collection, {"_id": _id, "v": {"$in": [Int64(value), -1]}}) == [_id]


@pytest.mark.parametrize("stored", NUMBER_TYPES)
def test_equality_matches_every_numeric_type(coll, stored) -> None:
    """MongoDB compares numeric types by value: int32 1, int64 1 and double 1.0 are equal
    (BSON comparison order: numeric types undergo conversion before comparison)."""
    coll.insert_many([{"_id": "one", "v": stored(1)}, {"_id": "two", "v": stored(2)}])
    for query_value in (1, Int64(1), 1.0):
        assert ids(coll, {"v": query_value}) == ["one"]
    assert ids(coll, {"v": {"$ne": Int64(1)}}) == ["two"]
    assert ids(coll, {"v": {"$nin": [1.0]}}) == ["two"]


def test_range_operators_and_sort_order_mixed_numeric_types(coll) -> None:
    """$gt/$gte/$lt/$lte and sort compare int32, int64 and double values by numeric value
    (BSON comparison order treats the numeric types as one class)."""
    coll.insert_many(
        [
            {"_id": "a", "v": 3},
            {"_id": "b", "v": Int64(1)},
            {"_id": "c", "v": 2.5},
            {"_id": "d", "v": Int64(2)},
            {"_id": "e", "v": 0.5},
            {"_id": "f", "v": Int64(2**40)},
        ]
    )
    assert ids(coll, {}, sort=[("v", 1)]) == ["e", "b", "d", "c", "a", "f"]
    assert ids(coll, {}, sort=[("v", -1)]) == ["f", "a", "c", "d", "b", "e"]
    assert sorted(ids(coll, {"v": {"$gt": 2}})) == ["a", "c", "f"]
    assert sorted(ids(coll, {"v": {"$gte": Int64(2)}})) == ["a", "c", "d", "f"]
    assert sorted(ids(coll, {"v": {"$lt": 2.0}})) == ["b", "e"]
    assert sorted(ids(coll, {"v": {"$lte": 1}})) == ["b", "e"]
    assert ids(coll, {"v": {"$gt": 2**31}}) == ["f"]


@pytest.mark.parametrize("stored", NUMBER_TYPES)
@pytest.mark.parametrize("step", NUMBER_TYPES)
def test_value_after_inc_compares_by_value(coll, stored, step) -> None:
    """$inc adds to the stored number (int32 + int64 gives int64, any + double gives double) and
    the result is matched and ordered by its value whatever numeric type the query uses."""
    coll.insert_many([{"_id": "x", "v": stored(5)}, {"_id": "low", "v": 5.5}])
    for _ in range(3):
        result = coll.update_one({"_id": "x"}, {"$inc": {"v": step(1)}})
        assert result.modified_count == 1
    assert coll.find_one({"_id": "x"})["v"] == 8
    assert_found_by_value(coll, "x", 8)
    assert ids(coll, {}, sort=[("v", -1)]) == ["x", "low"]


@pytest.mark.parametrize("stored", NUMBER_TYPES)
@pytest.mark.parametrize("written", NUMBER_TYPES)
def test_value_after_set_compares_by_value(coll, stored, written) -> None:
    """$set replaces the value with the given BSON type; queries of any numeric type match it by
    value (numeric types undergo conversion before comparison)."""
    coll.insert_many([{"_id": "x", "v": stored(1)}, {"_id": "high", "v": 6.5}])
    assert coll.update_one({"_id": "x"}, {"$set": {"v": written(7)}}).modified_count == 1
    assert_found_by_value(coll, "x", 7)
    assert ids(coll, {}, sort=[("v", 1)]) == ["high", "x"]


@pytest.mark.parametrize("stored", NUMBER_TYPES)
def test_value_after_add_in_update_pipeline_compares_by_value(coll, stored) -> None:
    """An update with an aggregation pipeline, [{"$set": {"v": {"$add": ["$v", 1]}}}], sets the
    sum; the new value is matched and ordered by value across numeric types."""
    coll.insert_many([{"_id": "x", "v": stored(1)}, {"_id": "mid", "v": Int64(3)}])
    for _ in range(4):
        result = coll.update_one({"_id": "x"}, [{"$set": {"v": {"$add": ["$v", 1]}}}])
        assert result.modified_count == 1
    assert coll.find_one({"_id": "x"})["v"] == 5
    assert_found_by_value(coll, "x", 5)
    assert ids(coll, {}, sort=[("v", 1)]) == ["mid", "x"]


def test_add_of_int64_and_double_in_pipeline(coll) -> None:
    """$add of an int64 and a double returns a double of the sum, compared by value."""
    coll.insert_one({"_id": 1, "a": Int64(2), "b": 0.5})
    coll.update_one({"_id": 1}, [{"$set": {"c": {"$add": ["$a", "$b", 1]}}}])
    assert coll.find_one({"_id": 1})["c"] == 3.5
    assert ids(coll, {"c": {"$gt": Int64(3), "$lt": 4}}) == [1]


def test_inc_of_a_missing_field_creates_it(coll) -> None:
    """$inc on a field that does not exist creates it with the increment as its value."""
    coll.insert_one({"_id": 1})
    coll.update_one({"_id": 1}, {"$inc": {"n": Int64(2)}})
    coll.update_one({"_id": 1}, {"$inc": {"n": 1}})
    assert ids(coll, {"n": 3.0}) == [1]


def test_inc_on_many_documents_keeps_order_by_value(coll) -> None:
    """update_many with $inc changes every matched document; the order by value is kept."""
    coll.insert_many([{"_id": i, "v": (int, Int64, float)[i % 3](i)} for i in range(9)])
    assert coll.update_many({"v": {"$gte": 3}}, {"$inc": {"v": 10}}).modified_count == 6
    assert ids(coll, {}, sort=[("v", 1)]) == list(range(9))
    assert sorted(ids(coll, {"v": {"$gte": Int64(13)}})) == [3, 4, 5, 6, 7, 8]
    assert ids(coll, {"v": {"$gt": 2, "$lt": 13}}) == []


@pytest.mark.parametrize("stored", [int, Int64], ids=["int32", "int64"])
@pytest.mark.parametrize("in_filter", [int, Int64], ids=["filter-int32", "filter-int64"])
def test_compare_and_swap_on_version_succeeds_50_times_in_sequence(coll, stored, in_filter):
    """update_one({"_id": x, "version": v}, {"$inc": {"version": 1}, "$set": ...}) matches the
    document whenever v is the version the previous write left: equality compares numbers by
    value, so the int32/int64 type that $inc or the driver produced does not matter."""
    coll.insert_one({"_id": "doc", "version": stored(0), "body": ""})
    for version in range(50):
        result = coll.update_one(
            {"_id": "doc", "version": in_filter(version)},
            {"$inc": {"version": 1}, "$set": {"body": f"revision {version + 1}"}},
        )
        assert (result.matched_count, result.modified_count) == (1, 1), version
    doc = coll.find_one({"_id": "doc"})
    assert doc["version"] == 50
    assert doc["body"] == "revision 50"


@pytest.mark.parametrize("stored", [int, Int64], ids=["int32", "int64"])
def test_compare_and_swap_with_a_stale_version_matches_nothing(coll, stored) -> None:
    """A compare-and-swap whose filter carries an outdated version matches no document and
    changes nothing (matched_count 0), so the second of two writers from one version loses."""
    coll.insert_one({"_id": "doc", "version": stored(3), "body": "old"})
    first = coll.update_one({"_id": "doc", "version": 3}, {"$inc": {"version": 1}})
    second = coll.update_one(
        {"_id": "doc", "version": Int64(3)}, {"$inc": {"version": 1}, "$set": {"body": "lost"}}
    )
    assert (first.matched_count, second.matched_count, second.modified_count) == (1, 0, 0)
    assert coll.find_one({"_id": "doc"}) == {"_id": "doc", "version": 4, "body": "old"}


def test_compare_and_swap_with_set_of_next_version(coll) -> None:
    """The set-the-next-version form, update_one({"version": v}, {"$set": {"version": v + 1}}),
    also chains: each write's filter matches what the previous write stored (int or Int64)."""
    coll.insert_one({"_id": "doc", "version": Int64(0)})
    for version in range(50):
        next_version = Int64(version + 1) if version % 2 else version + 1
        result = coll.update_one(
            {"_id": "doc", "version": version}, {"$set": {"version": next_version}}
        )
        assert result.modified_count == 1, version
    assert coll.find_one({"_id": "doc"})["version"] == 50

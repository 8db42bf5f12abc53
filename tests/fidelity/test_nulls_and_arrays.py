"""Null versus missing fields, and queries on array fields, as MongoDB documents them.

"Query for Null or Missing Fields": {field: null} matches documents whose field is null or that
do not contain the field; {$exists: false} matches only the latter and {$type: "null"} only the
former. "Query an Array": a scalar condition matches when any element satisfies it, an array
value matches the whole array exactly (order included), and $elemMatch requires one element to
satisfy every condition.
"""

from datetime import datetime

import pytest
from bson import Int64, ObjectId
from pymongo.collection import Collection


def ids(collection: Collection, query: dict, **kwargs) -> list:
    return sorted(doc["_id"] for doc in collection.find(query, **kwargs))


@pytest.fixture
def nullish(coll: Collection) -> Collection:
    coll.insert_many(
        [
            {"_id": 1, "f": None},
            {"_id": 2},
            {"_id": 3, "f": 0},
            {"_id": 4, "f": ""},
            {"_id": 5, "f": False},
            {"_id": 6, "f": []},
        ]
    )
    return coll


def test_equality_to_null_matches_null_and_missing(nullish) -> None:
    """{field: null} matches documents that contain the field with value null or that do not
    contain the field (0, "", false and [] are not null)."""
    assert ids(nullish, {"f": None}) == [1, 2]
    assert ids(nullish, {"f": {"$in": [None, 0]}}) == [1, 2, 3]


def test_ne_null_matches_only_present_non_null_values(nullish) -> None:
    """{field: {$ne: null}} matches documents where the field exists and is not null."""
    assert ids(nullish, {"f": {"$ne": None}}) == [3, 4, 5, 6]


def test_exists_false_matches_only_missing_fields(nullish) -> None:
    """{field: {$exists: false}} matches documents that do not contain the field; a null value
    counts as existing ({$exists: true} matches it)."""
    assert ids(nullish, {"f": {"$exists": False}}) == [2]
    assert ids(nullish, {"f": {"$exists": True}}) == [1, 3, 4, 5, 6]


def test_type_null_matches_only_explicit_null(nullish) -> None:
    """{field: {$type: "null"}} (BSON type 10) matches only documents whose field is null."""
    assert ids(nullish, {"f": {"$type": "null"}}) == [1]
    assert ids(nullish, {"f": {"$type": 10}}) == [1]


def test_unset_field_still_matches_null(coll) -> None:
    """$unset removes the field; the document then matches {field: null} and
    {$exists: false}, while $set to null keeps the field present."""
    coll.insert_many([{"_id": 1, "f": "x"}, {"_id": 2, "f": "y"}])
    coll.update_one({"_id": 1}, {"$unset": {"f": ""}})
    coll.update_one({"_id": 2}, {"$set": {"f": None}})
    assert coll.find_one({"_id": 1}) == {"_id": 1}
    assert ids(coll, {"f": None}) == [1, 2]
    assert ids(coll, {"f": {"$exists": False}}) == [1]
    assert ids(coll, {"f": {"$type": "null"}}) == [2]


def test_null_on_a_nested_path_matches_a_missing_parent(coll) -> None:
    """{"a.b": null} matches documents where a.b is null, where a has no b, and where a
    itself is missing."""
    coll.insert_many(
        [{"_id": 1, "a": {"b": None}}, {"_id": 2, "a": {}}, {"_id": 3}, {"_id": 4, "a": {"b": 1}}]
    )
    assert ids(coll, {"a.b": None}) == [1, 2, 3]
    assert ids(coll, {"a.b": {"$exists": True}}) == [1, 4]


def test_type_expression_reports_missing_and_null(nullish) -> None:
    """The $type aggregation expression returns "missing" for a field the document does not
    have and "null" for a null value (django-mongodb-backend's isnull in $expr relies on it)."""
    rows = nullish.aggregate([{"$sort": {"_id": 1}}, {"$project": {"t": {"$type": "$f"}}}])
    types = {row["_id"]: row["t"] for row in rows}
    assert types == {1: "null", 2: "missing", 3: "int", 4: "string", 5: "bool", 6: "array"}


def test_expr_inequalities_compare_across_types_in_bson_order(nullish) -> None:
    """Unlike query predicates, the aggregation inequality expressions do not use type
    bracketing: they compare values of different types in BSON order, so null and missing are
    less than any number (why the ORM adds an isnull guard to lt/lte in $expr)."""
    assert ids(nullish, {"$expr": {"$lt": ["$f", 1]}}) == [1, 2, 3]
    assert ids(nullish, {"$expr": {"$gt": ["$f", 1]}}) == [4, 5, 6]


def test_sort_follows_bson_comparison_order_across_types(coll) -> None:
    """Sort compares values of different types in BSON order: null (and missing) < numbers <
    strings < objects < ObjectId < booleans < dates."""
    oid = ObjectId()
    coll.insert_many(
        [
            {"_id": "date", "f": datetime(2024, 1, 1)},
            {"_id": "bool", "f": True},
            {"_id": "oid", "f": oid},
            {"_id": "object", "f": {"k": 1}},
            {"_id": "string", "f": "abc"},
            {"_id": "number", "f": Int64(5)},
            {"_id": "null", "f": None},
        ]
    )
    order = [doc["_id"] for doc in coll.find({}, sort=[("f", 1), ("_id", 1)])]
    assert order == ["null", "number", "string", "object", "oid", "bool", "date"]


@pytest.fixture
def tagged(coll: Collection) -> Collection:
    coll.insert_many(
        [
            {"_id": 1, "tags": ["x", "y"]},
            {"_id": 2, "tags": ["y", "x"]},
            {"_id": 3, "tags": ["x", "y", "z"]},
            {"_id": 4, "tags": ["z"]},
            {"_id": 5, "tags": "x"},
            {"_id": 6},
        ]
    )
    return coll


def test_scalar_equality_matches_an_array_containing_it(tagged) -> None:
    """{field: value} on an array field matches documents whose array contains the value as an
    element (as well as documents where the field is that scalar)."""
    assert ids(tagged, {"tags": "x"}) == [1, 2, 3, 5]
    assert ids(tagged, {"tags": "z"}) == [3, 4]


def test_array_equality_matches_the_exact_array_in_order(tagged) -> None:
    """{field: [a, b]} matches only arrays equal to [a, b]: same elements in the same order."""
    assert ids(tagged, {"tags": ["x", "y"]}) == [1]
    assert ids(tagged, {"tags": ["y", "x"]}) == [2]
    assert ids(tagged, {"tags": ["x"]}) == []


def test_in_matches_any_listed_value_in_an_array(tagged) -> None:
    """{field: {$in: [...]}} matches when the field, or any element of the array field, equals
    one of the listed values; $nin also matches documents without the field."""
    assert ids(tagged, {"tags": {"$in": ["z", "q"]}}) == [3, 4]
    assert ids(tagged, {"tags": {"$nin": ["x"]}}) == [4, 6]


def test_all_requires_every_value_regardless_of_order(tagged) -> None:
    """{field: {$all: [a, b]}} matches arrays that contain every listed value, in any order and
    alongside other elements."""
    assert ids(tagged, {"tags": {"$all": ["y", "x"]}}) == [1, 2, 3]
    assert ids(tagged, {"tags": {"$all": ["x", "z"]}}) == [3]


def test_size_matches_the_array_length(tagged) -> None:
    """{field: {$size: n}} matches arrays with exactly n elements."""
    assert ids(tagged, {"tags": {"$size": 2}}) == [1, 2]
    assert ids(tagged, {"tags": {"$size": 3}}) == [3]


def test_elem_match_needs_one_element_meeting_all_conditions(coll) -> None:
    """$elemMatch matches documents where one array element satisfies all the conditions;
    conditions on "items.k" and "items.n" without it may be met by different elements."""
    coll.insert_many(
        [
            {"_id": 1, "items": [{"k": "a", "n": 1}, {"k": "b", "n": 5}]},
            {"_id": 2, "items": [{"k": "a", "n": 5}]},
        ]
    )
    assert ids(coll, {"items": {"$elemMatch": {"k": "a", "n": {"$gt": 2}}}}) == [2]
    assert ids(coll, {"items.k": "a", "items.n": {"$gt": 2}}) == [1, 2]


def test_elem_match_on_scalar_elements(coll) -> None:
    """{field: {$elemMatch: {$gte: 80, $lt: 85}}} needs one element in the range, whereas the
    same range without $elemMatch may be met by two different elements."""
    coll.insert_many([{"_id": 1, "scores": [82, 90]}, {"_id": 2, "scores": [70, 90]}])
    assert ids(coll, {"scores": {"$elemMatch": {"$gte": 80, "$lt": 85}}}) == [1]
    assert ids(coll, {"scores": {"$gte": 80, "$lt": 85}}) == [1, 2]


def test_array_element_equality_compares_numbers_by_value(coll) -> None:
    """A scalar condition on an array of numbers matches an element of any numeric type with
    the same value (int32 2 equals int64 2 and 2.0)."""
    coll.insert_many([{"_id": 1, "nums": [1, Int64(2)]}, {"_id": 2, "nums": [3.0]}])
    assert ids(coll, {"nums": 2.0}) == [1]
    assert ids(coll, {"nums": Int64(3)}) == [2]
    assert ids(coll, {"nums": {"$all": [1.0, 2]}}) == [1]
    assert ids(coll, {"nums": [1, 2]}) == [1]


def test_add_to_set_and_pull(coll) -> None:
    """$addToSet adds a value only if the array does not already contain it; $pull removes every
    element equal to the value."""
    coll.insert_one({"_id": 1, "tags": ["a"]})
    coll.update_one({"_id": 1}, {"$addToSet": {"tags": "a"}})
    coll.update_one({"_id": 1}, {"$addToSet": {"tags": {"$each": ["b", "c", "b"]}}})
    coll.update_one({"_id": 1}, {"$push": {"tags": "a"}})
    assert coll.find_one({"_id": 1})["tags"] == ["a", "b", "c", "a"]
    coll.update_one({"_id": 1}, {"$pull": {"tags": "a"}})
    assert coll.find_one({"_id": 1})["tags"] == ["b", "c"]

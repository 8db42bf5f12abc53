"""Dotted paths, projections, $expr and regular expressions.

"Dot notation" reaches fields of embedded documents ("a.b") and array elements by index
("a.0") in queries and in update operators. Projections may name a nested field with a dotted
path or, since MongoDB 4.4, with the embedded form {"a": {"b": 1}}, in find and in $project.
$expr evaluates aggregation expressions in a query, so one field can be compared with another.
$regex takes the options i (case-insensitive) and m (^ and $ match at line breaks).
"""

import re

import pytest
from bson import Int64, Regex
from pymongo.collection import Collection


def ids(collection: Collection, query: dict) -> list:
    return sorted(doc["_id"] for doc in collection.find(query))


# --- dotted paths ---------------------------------------------------------------------------


def test_query_on_a_dotted_path_into_an_embedded_document(coll) -> None:
    """{"a.b": v} matches documents whose embedded document a has field b equal to v."""
    coll.insert_many([{"_id": 1, "a": {"b": 1, "c": 2}}, {"_id": 2, "a": {"b": 2}}, {"_id": 3}])
    assert ids(coll, {"a.b": 1}) == [1]
    assert ids(coll, {"a.b": {"$gte": 1}}) == [1, 2]
    assert ids(coll, {"a": {"b": 2}}) == [2]  # whole-document equality: exact fields only


def test_dotted_path_reaches_into_arrays_of_documents(coll) -> None:
    """{"a.b": v} on an array of embedded documents matches when any element has b equal to v."""
    coll.insert_many([{"_id": 1, "a": [{"b": 1}, {"b": 2}]}, {"_id": 2, "a": [{"b": 3}]}])
    assert ids(coll, {"a.b": 2}) == [1]
    assert ids(coll, {"a.b": {"$gt": 1}}) == [1, 2]


def test_query_on_an_array_index_path(coll) -> None:
    """{"tags.0": v} matches documents whose array's first element (index 0) equals v."""
    coll.insert_many([{"_id": 1, "tags": ["x", "y"]}, {"_id": 2, "tags": ["y", "x"]}])
    assert ids(coll, {"tags.0": "x"}) == [1]
    assert ids(coll, {"tags.1": "x"}) == [2]
    assert ids(coll, {"tags.2": {"$exists": True}}) == []


def test_set_on_a_dotted_path_keeps_sibling_fields(coll) -> None:
    """$set with "a.b" changes only b inside a, leaving a's other fields as they were, and
    creates missing embedded documents along the path."""
    coll.insert_one({"_id": 1, "a": {"b": 1, "c": 2}})
    coll.update_one({"_id": 1}, {"$set": {"a.b": 10, "x.y.z": "new"}})
    assert coll.find_one({"_id": 1}) == {"_id": 1, "a": {"b": 10, "c": 2}, "x": {"y": {"z": "new"}}}


def test_set_and_inc_on_an_array_index_path(coll) -> None:
    """$set and $inc with "arr.1" update the array element at index 1 in place."""
    coll.insert_one({"_id": 1, "arr": ["a", "b", "c"], "counts": [1, Int64(2)]})
    coll.update_one({"_id": 1}, {"$set": {"arr.1": "B"}, "$inc": {"counts.1": 1}})
    doc = coll.find_one({"_id": 1})
    assert doc["arr"] == ["a", "B", "c"]
    assert doc["counts"] == [1, 3]
    assert ids(coll, {"counts.1": 3.0}) == [1]


def test_unset_and_inc_on_nested_paths(coll) -> None:
    """$unset "a.b" removes only that field; $inc "stats.views" creates and increments it."""
    coll.insert_one({"_id": 1, "a": {"b": 1, "c": 2}})
    coll.update_one({"_id": 1}, {"$unset": {"a.b": ""}, "$inc": {"stats.views": 1}})
    coll.update_one({"_id": 1}, {"$inc": {"stats.views": Int64(1)}})
    assert coll.find_one({"_id": 1}) == {"_id": 1, "a": {"c": 2}, "stats": {"views": 2}}
    assert ids(coll, {"stats.views": {"$gt": 1.5}}) == [1]


def test_positional_operator_updates_the_matched_element(coll) -> None:
    """The positional $ operator in "items.$.n" updates the first array element matched by the
    query."""
    coll.insert_one({"_id": 1, "items": [{"k": "a", "n": 1}, {"k": "b", "n": 1}]})
    coll.update_one({"_id": 1, "items.k": "b"}, {"$set": {"items.$.n": 9}})
    assert coll.find_one({"_id": 1})["items"] == [{"k": "a", "n": 1}, {"k": "b", "n": 9}]


# --- projections ----------------------------------------------------------------------------

NESTED = {"_id": 1, "a": {"b": 2, "c": 3}, "x": 5, "items": [{"k": "p", "v": 1}, {"k": "q"}]}

INCLUDE_A_B = [
    pytest.param({"a.b": 1}, id="dotted"),
    pytest.param({"a": {"b": 1}}, id="embedded"),
]


@pytest.mark.parametrize("projection", INCLUDE_A_B)
def test_find_projection_of_a_nested_field(coll, projection) -> None:
    """A find projection including "a.b" (dotted, or embedded as {"a": {"b": 1}}) returns _id
    and a containing only b."""
    coll.insert_one(NESTED)
    assert coll.find_one({}, projection) == {"_id": 1, "a": {"b": 2}}


@pytest.mark.parametrize("projection", INCLUDE_A_B)
def test_aggregate_project_of_a_nested_field(coll, projection) -> None:
    """$project including "a.b" (dotted, or embedded as {"a": {"b": 1}}) outputs _id and a with
    only b."""
    coll.insert_one(NESTED)
    assert list(coll.aggregate([{"$project": projection}])) == [{"_id": 1, "a": {"b": 2}}]


def test_find_projection_excluding_nested_field_and_id(coll) -> None:
    """An exclusion projection ({"a.c": 0, "_id": 0}) returns every field except those named."""
    coll.insert_one(NESTED)
    assert coll.find_one({}, {"_id": 0, "a": {"c": 0}, "items": 0}) == {"a": {"b": 2}, "x": 5}


def test_projection_of_a_field_inside_an_array_of_documents(coll) -> None:
    """Projecting "items.k" returns, for each element of the array, a document with only k."""
    coll.insert_one(NESTED)
    assert coll.find_one({}, {"_id": 0, "items.k": 1}) == {"items": [{"k": "p"}, {"k": "q"}]}


def test_project_with_computed_nested_field(coll) -> None:
    """$project can compute a new field from an expression next to included nested fields."""
    coll.insert_one(NESTED)
    rows = list(coll.aggregate([{"$project": {"a": {"b": 1}, "total": {"$add": ["$a.c", "$x"]}}}]))
    assert rows == [{"_id": 1, "a": {"b": 2}, "total": 8}]


# --- $expr ----------------------------------------------------------------------------------


def test_expr_compares_two_fields_of_the_same_document(coll) -> None:
    """{$expr: {$gt: ["$spent", "$budget"]}} matches documents whose spent exceeds their own
    budget."""
    coll.insert_many(
        [
            {"_id": 1, "spent": 400, "budget": Int64(450)},
            {"_id": 2, "spent": 100.5, "budget": 100},
            {"_id": 3, "spent": Int64(500), "budget": 300.0},
        ]
    )
    assert ids(coll, {"$expr": {"$gt": ["$spent", "$budget"]}}) == [2, 3]
    assert ids(coll, {"$expr": {"$lte": ["$spent", "$budget"]}}) == [1]


def test_expr_eq_compares_numbers_by_value_and_combines_with_filters(coll) -> None:
    """$expr $eq compares int32, int64 and double by value and combines with ordinary query
    conditions."""
    coll.insert_many(
        [
            {"_id": 1, "a": Int64(3), "b": 3.0, "kind": "x"},
            {"_id": 2, "a": 3, "b": Int64(3), "kind": "y"},
            {"_id": 3, "a": 3, "b": 4, "kind": "x"},
        ]
    )
    assert ids(coll, {"$expr": {"$eq": ["$a", "$b"]}}) == [1, 2]
    assert ids(coll, {"kind": "x", "$expr": {"$eq": ["$a", "$b"]}}) == [1]


# --- regular expressions --------------------------------------------------------------------


@pytest.fixture
def names(coll: Collection) -> Collection:
    coll.insert_many(
        [
            {"_id": 1, "name": "Alice"},
            {"_id": 2, "name": "alfred"},
            {"_id": 3, "name": "Bob\nalbert"},
            {"_id": 4, "name": "a.b"},
            {"_id": 5, "name": "axb"},
        ]
    )
    return coll


def test_regex_is_case_sensitive_without_options(names) -> None:
    """$regex without options is case-sensitive; ^ anchors at the start of the string."""
    assert ids(names, {"name": {"$regex": "^al"}}) == [2]


REGEX_I = [
    pytest.param({"$regex": "^al", "$options": "i"}, id="$options"),
    pytest.param(re.compile("^al", re.IGNORECASE), id="python-re"),
    pytest.param(Regex("^al", "i"), id="bson-Regex"),
]


@pytest.mark.parametrize("condition", REGEX_I)
def test_regex_option_i_is_case_insensitive(names, condition) -> None:
    """The i option makes the match case-insensitive ($options: "i", or a regex with flag i)."""
    assert ids(names, {"name": condition}) == [1, 2]


def test_regex_option_m_anchors_at_line_starts(names) -> None:
    """The m option makes ^ and $ match at the beginning and end of each line."""
    assert ids(names, {"name": {"$regex": "^al", "$options": "m"}}) == [2, 3]
    assert ids(names, {"name": {"$regex": "^al", "$options": "im"}}) == [1, 2, 3]
    assert ids(names, {"name": {"$regex": "bob$", "$options": "i"}}) == []
    assert ids(names, {"name": {"$regex": "bob$", "$options": "im"}}) == [3]


def test_regex_dot_and_escaped_dot(names) -> None:
    """In a $regex pattern . matches any character and \\. only a literal dot."""
    assert ids(names, {"name": {"$regex": "^a.b$"}}) == [4, 5]
    assert ids(names, {"name": {"$regex": re.escape("a.b")}}) == [4]


def test_regex_matches_string_elements_of_arrays(coll) -> None:
    """A regex condition on an array field matches when any string element matches."""
    coll.insert_many([{"_id": 1, "tags": ["Draft", "x"]}, {"_id": 2, "tags": ["final"]}])
    assert ids(coll, {"tags": {"$regex": "^dr", "$options": "i"}}) == [1]

"""Writes and indexes: unique-index violations, findAndModify, upserts, paging, TTL indexes and
counts.

A write that would store a duplicate value of a unique index fails with error code 11000
(DuplicateKeyError in pymongo). findAndModify returns the document before the update unless
asked for the new one; an upsert inserts a document built from the filter's equality fields and
the update. Sort with skip and limit is deterministic when the sort keys are unique, so paging
over a sort ending in _id visits every document exactly once.
"""

import pytest
from bson import Int64
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.collection import Collection
from pymongo.errors import BulkWriteError, DuplicateKeyError

# --- unique indexes -------------------------------------------------------------------------


@pytest.fixture
def users(coll: Collection) -> Collection:
    coll.create_index("email", unique=True)
    coll.insert_many([{"_id": 1, "email": "a@x.io"}, {"_id": 2, "email": "b@x.io"}])
    return coll


def test_insert_of_a_duplicate_unique_key_fails_with_code_11000(users) -> None:
    """Inserting a document whose value duplicates a unique index entry fails with error 11000
    (E11000 duplicate key error; pymongo raises DuplicateKeyError) and stores nothing."""
    with pytest.raises(DuplicateKeyError) as excinfo:
        users.insert_one({"_id": 3, "email": "a@x.io"})
    assert excinfo.value.code == 11000
    assert users.count_documents({"email": "a@x.io"}) == 1
    assert users.find_one({"_id": 3}) is None


def test_update_to_a_duplicate_unique_key_fails_with_code_11000(users) -> None:
    """An update that would give a document a value already in a unique index fails with error
    11000 and leaves the document unchanged."""
    with pytest.raises(DuplicateKeyError) as excinfo:
        users.update_one({"_id": 2}, {"$set": {"email": "a@x.io"}})
    assert excinfo.value.code == 11000
    assert users.find_one({"_id": 2})["email"] == "b@x.io"
    with pytest.raises(DuplicateKeyError):
        users.find_one_and_update({"_id": 2}, {"$set": {"email": "a@x.io"}})


def test_duplicate_id_fails_with_code_11000(coll) -> None:
    """_id has a unique index on every collection: a second insert of the same _id fails with
    error 11000."""
    coll.insert_one({"_id": "k", "n": 1})
    with pytest.raises(DuplicateKeyError) as excinfo:
        coll.insert_one({"_id": "k", "n": 2})
    assert excinfo.value.code == 11000
    assert coll.find_one({"_id": "k"}) == {"_id": "k", "n": 1}


def test_ordered_insert_many_stops_at_the_duplicate(users) -> None:
    """An ordered insert_many stops at the first duplicate: earlier documents are inserted, the
    error (BulkWriteError) reports code 11000 for the failing index, later ones are not."""
    docs = [{"_id": 3, "email": "c@x.io"}, {"_id": 4, "email": "a@x.io"}, {"_id": 5}]
    with pytest.raises(BulkWriteError) as excinfo:
        users.insert_many(docs)
    errors = excinfo.value.details["writeErrors"]
    assert [(error["index"], error["code"]) for error in errors] == [(1, 11000)]
    assert sorted(users.distinct("_id")) == [1, 2, 3]


def test_unique_index_on_a_number_is_checked_by_value(coll) -> None:
    """Unique index keys compare numbers by value: int64 7 duplicates an existing int32 7."""
    coll.create_index("n", unique=True)
    coll.insert_one({"_id": 1, "n": 7})
    with pytest.raises(DuplicateKeyError) as excinfo:
        coll.insert_one({"_id": 2, "n": Int64(7)})
    assert excinfo.value.code == 11000


# --- findAndModify and upserts --------------------------------------------------------------


def test_find_one_and_update_return_document_after(coll) -> None:
    """find_one_and_update with ReturnDocument.AFTER returns the document as updated; the default
    (BEFORE) returns it as it was before the update."""
    coll.insert_one({"_id": 1, "n": 1, "s": "a"})
    after = coll.find_one_and_update(
        {"_id": 1}, {"$inc": {"n": 1}, "$set": {"s": "b"}}, return_document=ReturnDocument.AFTER
    )
    assert after == {"_id": 1, "n": 2, "s": "b"}
    before = coll.find_one_and_update({"_id": 1}, {"$inc": {"n": 1}})
    assert before == {"_id": 1, "n": 2, "s": "b"}
    assert coll.find_one({"_id": 1})["n"] == 3


def test_find_one_and_update_without_a_match_returns_none(coll) -> None:
    """find_one_and_update with no matching document and no upsert returns None and writes
    nothing."""
    assert coll.find_one_and_update({"_id": 1}, {"$set": {"n": 1}}) is None
    assert coll.count_documents({}) == 0


def test_find_one_and_update_with_upsert_returns_the_new_document(coll) -> None:
    """With upsert=True and ReturnDocument.AFTER, a missing document is inserted from the filter's
    equality fields plus the update and returned; $setOnInsert applies only on that insert."""
    update = {"$inc": {"n": 1}, "$setOnInsert": {"created": True}}
    first = coll.find_one_and_update(
        {"key": "a"}, update, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert {k: v for k, v in first.items() if k != "_id"} == {"key": "a", "n": 1, "created": True}
    coll.update_one({"_id": first["_id"]}, {"$set": {"created": "kept"}})
    second = coll.find_one_and_update(
        {"key": "a"}, update, upsert=True, return_document=ReturnDocument.AFTER
    )
    assert second == {"_id": first["_id"], "key": "a", "n": 2, "created": "kept"}
    assert coll.count_documents({}) == 1


def test_find_one_and_update_upsert_return_before_gives_none_on_insert(coll) -> None:
    """With upsert=True and the default ReturnDocument.BEFORE, an inserted document has no
    previous version, so None is returned while the document is stored."""
    assert coll.find_one_and_update({"_id": "k"}, {"$set": {"n": 1}}, upsert=True) is None
    assert coll.find_one({"_id": "k"}) == {"_id": "k", "n": 1}


def test_find_one_and_update_with_sort_picks_the_first_in_order(coll) -> None:
    """find_one_and_update with sort updates the first matching document in the sort order (the
    pattern of claiming the oldest pending job)."""
    coll.insert_many([{"_id": i, "state": "pending", "at": 10 - i} for i in range(5)])
    claimed = coll.find_one_and_update(
        {"state": "pending"},
        {"$set": {"state": "claimed"}},
        sort=[("at", ASCENDING)],
        return_document=ReturnDocument.AFTER,
    )
    assert claimed == {"_id": 4, "state": "claimed", "at": 6}
    assert coll.count_documents({"state": "pending"}) == 4


def test_update_one_upsert_creates_document_from_filter_equality_fields(coll) -> None:
    """update_one(upsert=True) with no match inserts a document holding the filter's equality
    fields (dotted ones as embedded documents, not range conditions) and the update, and returns
    its upserted_id; the next call matches it instead."""
    flt = {"book": "b1", "meta.lang": "en", "score": {"$gt": 5}}
    result = coll.update_one(flt, {"$set": {"title": "T"}, "$inc": {"hits": 1}}, upsert=True)
    assert (result.matched_count, result.modified_count) == (0, 0)
    assert result.upserted_id is not None
    doc = coll.find_one({"_id": result.upserted_id})
    assert doc == {
        "_id": result.upserted_id,
        "book": "b1",
        "meta": {"lang": "en"},
        "title": "T",
        "hits": 1,
    }
    coll.update_one({"_id": result.upserted_id}, {"$set": {"score": 9}})
    again = coll.update_one(flt, {"$inc": {"hits": 1}}, upsert=True)
    assert (again.matched_count, again.modified_count, again.upserted_id) == (1, 1, None)
    assert coll.count_documents({}) == 1
    assert coll.find_one({})["hits"] == 2


def test_update_one_upsert_uses_the_filter_id(coll) -> None:
    """An upsert whose filter gives _id inserts the document with that _id."""
    result = coll.update_one({"_id": "fixed"}, {"$set": {"n": Int64(1)}}, upsert=True)
    assert result.upserted_id == "fixed"
    assert coll.find_one({"n": 1}) == {"_id": "fixed", "n": 1}


def test_update_that_changes_nothing_reports_matched_but_not_modified(coll) -> None:
    """An update that sets a field to its current value matches the document (matched_count 1)
    but modifies nothing (modified_count 0)."""
    coll.insert_one({"_id": 1, "s": "same"})
    result = coll.update_one({"_id": 1}, {"$set": {"s": "same"}})
    assert (result.matched_count, result.modified_count) == (1, 0)


# --- sort, skip and limit -------------------------------------------------------------------


@pytest.fixture
def scored(coll: Collection) -> Collection:
    # 23 documents with scores in five tie groups, inserted out of order.
    coll.insert_many([{"_id": (i * 7) % 23, "score": (i * 3) % 5} for i in range(23)])
    return coll


def expected_order(collection: Collection) -> list:
    docs = list(collection.find({}))
    return [d["_id"] for d in sorted(docs, key=lambda d: (-d["score"], d["_id"]))]


def test_sort_with_ties_breaks_them_on_id(scored) -> None:
    """A compound sort sorts by the first key and, among equal values (ties), by the next key:
    score descending then _id ascending gives one definite order."""
    order = [d["_id"] for d in scored.find({}, sort=[("score", DESCENDING), ("_id", ASCENDING)])]
    assert order == expected_order(scored)
    assert len(order) == 23


def test_skip_and_limit_pages_are_disjoint_and_cover_every_document(scored) -> None:
    """skip(n) skips the first n documents of the sorted result and limit(k) returns at most k:
    pages of a sort ending in a unique key are disjoint and together contain every document."""
    sort = [("score", DESCENDING), ("_id", ASCENDING)]
    pages = [
        [d["_id"] for d in scored.find({}, sort=sort, skip=start, limit=5)]
        for start in range(0, 25, 5)
    ]
    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    flat = [_id for page in pages for _id in page]
    assert flat == expected_order(scored)
    assert len(set(flat)) == 23
    assert list(scored.find({}, sort=sort, skip=30)) == []


def test_aggregate_sort_skip_limit_pages_match_find(scored) -> None:
    """$sort followed by $skip and $limit in a pipeline pages exactly like find's sort, skip and
    limit."""
    pipeline = [{"$sort": {"score": -1, "_id": 1}}, {"$skip": 10}, {"$limit": 5}]
    assert [d["_id"] for d in scored.aggregate(pipeline)] == expected_order(scored)[10:15]


# --- TTL index metadata ---------------------------------------------------------------------


def test_ttl_index_records_expire_after_seconds(coll) -> None:
    """create_index(..., expireAfterSeconds=n) makes a TTL index whose specification (from
    index_information and listIndexes) carries expireAfterSeconds n and the key."""
    name = coll.create_index([("created_at", ASCENDING)], expireAfterSeconds=3600)
    info = coll.index_information()
    assert info[name]["key"] == [("created_at", 1)]
    assert info[name]["expireAfterSeconds"] == 3600
    listed = {index["name"]: index for index in coll.list_indexes()}
    assert listed[name]["expireAfterSeconds"] == 3600
    assert listed[name]["key"] == {"created_at": 1}


def test_index_information_lists_id_unique_and_compound_indexes(coll) -> None:
    """Every collection has the _id_ index; unique indexes report unique: true; a compound
    index keeps its key order and directions; drop_index removes an index by name."""
    unique = coll.create_index("email", unique=True)
    compound = coll.create_index([("owner", ASCENDING), ("updated_at", DESCENDING)], name="o_u")
    info = coll.index_information()
    assert info["_id_"]["key"] == [("_id", 1)]
    assert info[unique]["unique"] is True
    assert compound == "o_u"
    assert info["o_u"]["key"] == [("owner", 1), ("updated_at", -1)]
    coll.drop_index("o_u")
    assert "o_u" not in coll.index_information()


# --- counts ---------------------------------------------------------------------------------


@pytest.fixture
def counted(coll: Collection) -> Collection:
    coll.insert_many([{"_id": i, "even": i % 2 == 0} for i in range(10)])
    return coll


def test_count_documents_with_filter(counted) -> None:
    """count_documents returns the number of documents matching the filter ({} counts all)."""
    assert counted.count_documents({}) == 10
    assert counted.count_documents({"even": True}) == 5
    assert counted.count_documents({"_id": {"$gte": 7}}) == 3
    assert counted.count_documents({"missing": 1}) == 0


def test_count_documents_with_skip_and_limit(counted) -> None:
    """count_documents applies skip and then limit to the matching documents before counting."""
    assert counted.count_documents({}, skip=3) == 7
    assert counted.count_documents({}, limit=4) == 4
    assert counted.count_documents({"even": True}, skip=2, limit=2) == 2
    assert counted.count_documents({"even": True}, skip=4, limit=5) == 1
    assert counted.count_documents({}, skip=20) == 0

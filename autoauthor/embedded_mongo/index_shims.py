"""Shims 7 to 9: the engines answer `_id`, `$in`, `$or` and array lookups from their indexes."""

from __future__ import annotations

import functools
from typing import Any

from bson import ObjectId

# --- Shim 7: the SQLite engine finds a document by _id through its primary key ---------------

# The SQLite engine's primary key is (db_name, coll_name, storage_key), where the storage key is
# derived from the _id. Only a query that is exactly {_id: v} with limit 1 takes that key;
# everything else translates `_id` equality into a comparison of json_extract(document, '$._id')
# — evaluated on every document of the collection. Django's `get()` asks for 21 documents, and
# every compare-and-swap filters on the _id and a version, so each of those scanned the whole
# collection (an update_one by _id and version: 3 ms at 1,000 documents, 37 ms at 30,000). For an
# ObjectId or string _id (equal exactly when their storage keys are), the shim adds
# `documents.storage_key = ?` to the translated equality, which lets SQLite use the key; the
# original comparison stays, so the result is the same. Numeric ids (1 == 1.0 with different
# storage keys) and every other type keep the original translation.
# Every write of a document also deletes its multikey and TTL index entries by (collection,
# storage key), which neither table has an index for: each write scanned every multikey entry
# of every collection. The shim adds those two indexes when the engine opens its file.


def install_sqlite_id_lookup() -> None:
    from mongoeco._types._bson_objectid import ObjectId as StoredObjectId
    from mongoeco.core.query_plan import EqualsCondition
    from mongoeco.engines.sqlite import SQLiteEngine

    def storage_key(engine: Any, value: Any) -> str | None:
        # The key names the id's class: stored documents hold mongoeco's ObjectId (a subclass
        # of bson's), a plan built in-process may hold bson's.
        if type(value) is str:
            return engine._storage_key(value)
        if isinstance(value, ObjectId):
            return engine._storage_key(StoredObjectId(value.binary))
        return None

    original = SQLiteEngine._translate_query_plan_with_multikey

    @functools.wraps(original)
    def _translate_query_plan_with_multikey(
        self: Any, db_name: str, coll_name: str, plan: Any
    ) -> tuple[str, list[object]]:
        sql, params = original(self, db_name, coll_name, plan)
        if isinstance(plan, EqualsCondition) and plan.field == "_id":
            key = storage_key(self, plan.value)
            if key is not None:
                return f"documents.storage_key = ? AND ({sql})", [key, *params]
        return sql, params

    original_connect = SQLiteEngine._connect_sync

    @functools.wraps(original_connect)
    def _connect_sync(self: Any) -> None:
        original_connect(self)
        with self._lock:
            for table in ("multikey_entries", "ttl_index_entries"):
                self._connection.execute(
                    f"CREATE INDEX IF NOT EXISTS autoauthor_{table}_storage "
                    f"ON {table} (collection_id, storage_key)"
                )
            self._connection.commit()

    SQLiteEngine._translate_query_plan_with_multikey = _translate_query_plan_with_multikey
    SQLiteEngine._connect_sync = _connect_sync


# --- Shim 9: the SQLite engine looks array elements up once per query, not once per document ---

# For an `$in`, and for an equality on a field an index has seen arrays in, the SQLite engine
# matches array elements through its multikey entries with a correlated
# `EXISTS (SELECT 1 FROM multikey_entries ... WHERE storage_key = documents.storage_key ...)`.
# Its index on those entries leads with (collection, index, type score, element), and the
# clause does not name the type score, so each document's EXISTS scans every entry of the
# index: every document of the collection times every entry (a `{"owner": {"$in": [id]}}` at
# 3,000 documents took longer than a second). The shim asks the same question uncorrelated —
# `documents.storage_key IN (SELECT storage_key FROM multikey_entries ... AND type_score = ?
# ...)`, the type score being the engine's own for the element type — which SQLite evaluates
# once, through the index; the set of matching documents is the same.


def install_sqlite_multikey_lookup() -> None:
    from mongoeco.engines.sqlite import SQLiteEngine

    def _translate_multikey_exists_clause(
        self: Any,
        collection_id: int,
        db_name: str,
        coll_name: str,
        index: Any,
        signatures: tuple[tuple[str, str], ...],
    ) -> tuple[str, list[object]]:
        physical_name = self._quote_identifier(str(index["multikey_physical_name"]))
        clauses: list[str] = []
        params: list[object] = []
        for element_type, element_key in signatures:
            clauses.append(
                "documents.storage_key IN ("
                f"SELECT storage_key FROM multikey_entries INDEXED BY {physical_name} "
                "WHERE collection_id = ? AND index_name = ? AND type_score = ? "
                "AND element_key = ? AND element_type = ?)"
            )
            params.extend(
                [
                    collection_id,
                    index["name"],
                    self._multikey_type_score(element_type),
                    element_key,
                    element_type,
                ]
            )
        return "(" + " OR ".join(clauses) + ")", params

    SQLiteEngine._translate_multikey_exists_clause = _translate_multikey_exists_clause


# --- Shim 8: the memory engine narrows $in, $or and every $and clause through its indexes ----

# The memory engine reads candidates from an index only for an equality on a single-field index,
# and in an $and only for the first clause that is one. Every `$in` (django-mongodb-backend's
# prefetches and `__in` lookups), every `$or` (the books a user owns or shares) and an $and whose
# first indexed clause is the least selective read the whole collection. The shim also takes the
# union of the index entries of an `$in`'s values and of every branch of an `$or` whose branches
# all have one, and the smallest candidate set among an $and's clauses. Candidates are only a
# prefilter: the engine still matches every candidate against the whole query.

_INDEXABLE_VALUE_TYPES = (str, int, float, bool, ObjectId)


def _index_entries(engine: Any, index_map: Any, values: tuple) -> set | None:
    """The storage keys ``index_map`` holds for ``values``; None for a value it cannot key."""
    if index_map is None or not all(isinstance(v, _INDEXABLE_VALUE_TYPES) for v in values):
        return None
    keys: set = set()
    for value in values:
        keys.update(index_map.get((engine._index_equality_key(value),), ()))
    return keys


def _memory_candidates(engine: Any, node: Any, indexes: dict[str, Any], index_data: dict) -> Any:
    """Storage keys that may match ``node`` (a set), or None when an index cannot tell."""
    from mongoeco.core.query_plan import AndCondition, EqualsCondition, InCondition, OrCondition

    if isinstance(node, (EqualsCondition, InCondition)) and not node.null_matches_undefined:
        values = (node.value,) if isinstance(node, EqualsCondition) else tuple(node.values)
        return _index_entries(engine, index_data.get(indexes.get(node.field, "")), values)
    if not isinstance(node, (AndCondition, OrCondition)):
        return None
    found = [_memory_candidates(engine, clause, indexes, index_data) for clause in node.clauses]
    if isinstance(node, AndCondition):
        known = [keys for keys in found if keys is not None]
        return min(known, key=len) if known else None
    if not found or any(keys is None for keys in found):
        return None
    return set().union(*found)


def install_memory_index_narrowing() -> None:
    from mongoeco.engines import memory

    original = memory.MemoryEngine._indexed_candidate_storage_keys_for_plan_locked

    @functools.wraps(original)
    def _indexed_candidate_storage_keys_for_plan_locked(
        self: Any, indexes: list, index_data: dict, query_plan: Any, **kwargs: Any
    ) -> Any:
        chosen = original(self, indexes, index_data, query_plan, **kwargs)
        if kwargs.get("collation") is not None:
            return chosen
        # Plain single-field indexes only: sparse, partial and hidden ones do not hold every
        # document, so only the engine's own check may use them.
        plain = {
            index["key"][0][0]: index["name"]
            for index in indexes
            if len(index["key"]) == 1
            and index["key"][0][1] == 1
            and not index.get("sparse")
            and not index.get("partial_filter_expression")
            and not index.get("hidden")
        }
        narrowed = _memory_candidates(self, query_plan, plain, index_data)
        if narrowed is None or (chosen is not None and len(chosen.storage_keys) <= len(narrowed)):
            return chosen
        return memory._MemoryIndexedCandidates(narrowed)

    memory.MemoryEngine._indexed_candidate_storage_keys_for_plan_locked = (
        _indexed_candidate_storage_keys_for_plan_locked
    )

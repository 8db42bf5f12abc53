"""Shim 10: the SQLite engine answers an equality's scalar part from the field's index."""

from __future__ import annotations

import functools
from typing import Any

from bson import ObjectId

# --- Shim 10: the SQLite engine answers an indexed equality's scalar part from its index -----

# Every single-field index of the SQLite engine is "multikey": an equality or `$in` on its field
# becomes `(<scalar comparison> OR <array elements lookup>)` per value. The array part reads the
# index's multikey entries (shim 9), but the scalar part compares json_extract(document, ...)
# and, under the OR, SQLite cannot use the field's expression index for it: it reads every
# document of the collection (`{"book_id": b, "chapter_id": c}` on chapters, `$in` prefetches).
# The engine also keeps scalar entries for such an index (one per document whose value there is
# not an array or object, keyed by type score and value, what its own `find_one` fast path
# reads). For a string or ObjectId value on a top-level field of a plain ascending index, the
# shim asks for the documents in either set of entries: `documents.storage_key IN (SELECT ...
# scalar_index_entries ... UNION ALL SELECT ... multikey_entries ...)`, evaluated once through
# both indexes. Other values (null also matches a missing field, numbers, documents) keep the
# engine's translation.


def _scalar_lookup_values(values: Any) -> bool:
    return bool(values) and all(type(v) is str or isinstance(v, ObjectId) for v in values)


def _scalar_lookup_clause(
    engine: Any, collection_id: int, scalar: Any, multikey: Any, values: Any
) -> tuple[str, list[object]] | None:
    """One `storage_key IN (...)` for every value of ``values`` in either set of entries."""
    scalar_name = engine._quote_identifier(str(scalar["scalar_physical_name"]))
    multikey_name = engine._quote_identifier(str(multikey["multikey_physical_name"]))
    selects: list[str] = []
    params: list[object] = []
    for value in values:
        try:
            signatures = engine._multikey_signatures_for_query_value(value)
        except NotImplementedError:
            return None
        for element_type, element_key in signatures:
            score = engine._multikey_type_score(element_type)
            for table, name, index in (
                ("scalar_index_entries", scalar_name, scalar),
                ("multikey_entries", multikey_name, multikey),
            ):
                selects.append(
                    f"SELECT storage_key FROM {table} INDEXED BY {name} "
                    "WHERE collection_id = ? AND index_name = ? AND type_score = ? "
                    "AND element_key = ? AND element_type = ?"
                )
                params.extend([collection_id, index["name"], score, element_key, element_type])
    if not selects:
        return None
    return "documents.storage_key IN (" + " UNION ALL ".join(selects) + ")", params


def install_sqlite_scalar_lookup() -> None:
    from mongoeco.engines.sqlite import SQLiteEngine

    def lookup(engine: Any, collection_id: int, db: str, coll: str, plan: Any, index: Any, values):
        if "." in plan.field or plan.null_matches_undefined or not _scalar_lookup_values(values):
            return None
        # Ascending, neither sparse nor partial: its scalar entries cover every document.
        scalar = engine._find_scalar_fast_path_index(db, coll, plan.field)
        if scalar is None:
            return None
        return _scalar_lookup_clause(engine, collection_id, scalar, index, values)

    original_equals = SQLiteEngine._translate_equals_with_multikey
    original_in = SQLiteEngine._translate_in_with_multikey

    @functools.wraps(original_equals)
    def _translate_equals_with_multikey(self, collection_id, db_name, coll_name, plan, index):
        found = lookup(self, collection_id, db_name, coll_name, plan, index, (plan.value,))
        if found is not None:
            return found
        return original_equals(self, collection_id, db_name, coll_name, plan, index)

    @functools.wraps(original_in)
    def _translate_in_with_multikey(self, collection_id, db_name, coll_name, plan, index):
        found = lookup(self, collection_id, db_name, coll_name, plan, index, tuple(plan.values))
        if found is not None:
            return found
        return original_in(self, collection_id, db_name, coll_name, plan, index)

    SQLiteEngine._translate_equals_with_multikey = _translate_equals_with_multikey
    SQLiteEngine._translate_in_with_multikey = _translate_in_with_multikey
    _install_sqlite_string_key(SQLiteEngine)


# A string equality on a field of any other index (a unique key, an e-mail, a compound index's
# fields) is translated `json_type(...) = 'text' AND json_extract(...) = ?`, which is not the
# expression the index holds (the tagged type and the value, COALESCEd): SQLite scans every
# document of the collection. Where the engine chose that scalar-only translation, the shim
# puts the index's own expressions in front of it (`<type> = '' AND <value> = ?`, which every
# plain string equal to the value satisfies); the engine's comparison stays, so the result is
# the same.


def _install_sqlite_string_key(engine_class: type) -> None:
    from mongoeco.core.query_plan import EqualsCondition
    from mongoeco.engines import sqlite_query

    def indexed(engine: Any, db_name: str, coll_name: str, field: str) -> bool:
        return any(
            field in index["fields"] and index.get("physical_name")
            for index in engine._load_indexes(db_name, coll_name)
        )

    original = engine_class._translate_query_plan_with_multikey

    @functools.wraps(original)
    def _translate_query_plan_with_multikey(
        self: Any, db_name: str, coll_name: str, plan: Any
    ) -> tuple[str, list[object]]:
        sql, params = original(self, db_name, coll_name, plan)
        if not (
            isinstance(plan, EqualsCondition)
            and type(plan.value) is str
            and plan.field != "_id"
            and indexed(self, db_name, coll_name, plan.field)
        ):
            return sql, params
        scalar_sql, scalar_params = sqlite_query._translate_equals_scalar_only(
            plan.field, plan.value, null_matches_undefined=plan.null_matches_undefined
        )
        if (scalar_sql, list(scalar_params)) != (sql, list(params)):
            return sql, params
        key = (
            f"{sqlite_query.type_expression_sql(plan.field)} = '' AND "
            f"{sqlite_query.value_expression_sql(plan.field)} = ?"
        )
        return f"{key} AND ({sql})", [plan.value, *params]

    engine_class._translate_query_plan_with_multikey = _translate_query_plan_with_multikey

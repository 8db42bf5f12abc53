"""Shims 4 and 5: the storage engines' _id scan and the SQLite engine's numbers."""

from __future__ import annotations

import dataclasses
import functools
import math
import os
from pathlib import Path
from typing import Any

# --- Shim 4: skip the full-collection _id scan for non-numeric ids -----------------------------

# On a single-document insert both engines first look the new _id up by its exact storage key
# (which rejects duplicate ObjectIds, strings, dates, ...) and then, because of
# scan_payload_id=True, compare it with the _id of every stored document. The scan only matters
# for numeric ids, where distinct storage keys can be equal in MongoDB (1 == 1.0 == Int64(1)),
# and the engines already scan for those whatever scan_payload_id says. For any other _id it
# makes every insert O(collection size), so inserts slow down as audit and access logs grow.


def install_id_scan_skip() -> None:
    from mongoeco.core.identity import id_contains_numeric_value
    from mongoeco.engines.memory import MemoryEngine
    from mongoeco.engines.sqlite import SQLiteEngine

    memory_original = MemoryEngine._ensure_unique_indexes

    @functools.wraps(memory_original)
    def _ensure_unique_indexes(
        self: Any, db_name: str, coll_name: str, candidate: Any, **kwargs: Any
    ) -> None:
        # The exact storage-key lookup only runs with check_id_storage=True, so only then
        # is the scan redundant.
        if (
            kwargs.get("scan_payload_id")
            and kwargs.get("check_id_storage")
            and "_id" in candidate
            and not id_contains_numeric_value(candidate["_id"])
        ):
            kwargs["scan_payload_id"] = False
        memory_original(self, db_name, coll_name, candidate, **kwargs)

    sqlite_original = SQLiteEngine._validate_document_against_unique_indexes

    @functools.wraps(sqlite_original)
    def _validate_document_against_unique_indexes(
        self: Any, db_name: str, coll_name: str, document: Any, **kwargs: Any
    ) -> None:
        # The exact storage-key lookup (SELECT ... WHERE storage_key = ?) runs unless
        # skip_id_check=True, so only then is the scan redundant.
        if (
            kwargs.get("scan_payload_id")
            and not kwargs.get("skip_id_check")
            and "_id" in document
            and not id_contains_numeric_value(document["_id"])
        ):
            kwargs["scan_payload_id"] = False
        sqlite_original(self, db_name, coll_name, document, **kwargs)

    MemoryEngine._ensure_unique_indexes = _ensure_unique_indexes
    SQLiteEngine._validate_document_against_unique_indexes = (
        _validate_document_against_unique_indexes
    )


# --- Shim 5: the SQLite engine stores every finite number as a plain JSON number ---------------

# The SQLite engine keeps a document as JSON text. A plain Python int or float becomes a JSON
# number, but an Int64 (what pymongo decodes a BSON int64 to, and what django-mongodb-backend
# sends for integer fields) and the int32/int64/double wrappers that $inc, $mul and update
# pipelines produce become tagged objects, {"$mongoeco": {"type": "int64", "value": 1}}. Its SQL
# translation then compares numbers by representation: {"v": 1} matches only plain numbers,
# {"v": Int64(1)} only the int64 tag. After one `$inc` of an Int64 version the stored value is
# tagged int32, so the next compare-and-swap on the version matches nothing: every save after
# the first answered 409 on `make run`. MongoDB compares numbers by value across int32, int64
# and double (and the memory engine does too). Storing every finite int32/int64/double as a
# plain JSON number, and encoding query values the same way, gives SQL one representation to
# compare. What is lost is the BSON width: an int64 within int32's range is read back as int32,
# which no driver or ORM reading a Python int can tell apart. Non-finite doubles (JSON has no
# NaN) and Decimal128 stay tagged. ``repair_sqlite_numbers()`` rewrites values stored tagged
# before this shim existed.

_PLAIN_NUMBER_TYPES = frozenset({"int32", "int64", "double"})


def _plain_numbers(encoded: Any) -> Any:
    """``encoded`` (DocumentCodec output) with finite int32/int64/double tags as plain numbers."""
    from mongoeco.core.codec import DocumentCodec

    if isinstance(encoded, list):
        return [_plain_numbers(item) for item in encoded]
    if not isinstance(encoded, dict):
        return encoded
    if DocumentCodec._is_tagged_value(encoded):
        payload = encoded[DocumentCodec._MARKER]
        kind, value = payload[DocumentCodec._TYPE], payload[DocumentCodec._VALUE]
        if kind in _PLAIN_NUMBER_TYPES and isinstance(value, (int, float)):
            if kind != "double":
                return int(value)
            if math.isfinite(value):
                return float(value)
            return encoded
        # Containers tagged as such ("dict", "son", a DBRef's id, a Code scope) hold encoded
        # values in their payload.
        return {DocumentCodec._MARKER: {**payload, DocumentCodec._VALUE: _plain_numbers(value)}}
    return {key: _plain_numbers(value) for key, value in encoded.items()}


def _plain_number_codec() -> type:
    from mongoeco.core.codec import DocumentCodec

    class PlainNumberCodec(DocumentCodec):
        """DocumentCodec whose output stores finite numbers as plain JSON numbers."""

        @staticmethod
        def encode(data: Any) -> Any:
            return _plain_numbers(DocumentCodec.encode(data))

    return PlainNumberCodec


# A query value that arrived over the wire as a BSON int64 (django-mongodb-backend's integers,
# the version of every compare-and-swap) reaches the engine as mongoeco's BsonInt64 wrapper. The
# SQL translation accepts a value only if the codec tags it or it is a plain scalar; with the
# plain-number codec a BsonInt64 is neither, so `{"version": Int64(3)}` was matched in Python
# against every document of the collection (a save got slower as other users' data grew). Leaf
# values are handed to the translation as the plain numbers they are stored as.

_VALUE_NODES = (
    "EqualsCondition",
    "NotEqualsCondition",
    "GreaterThanCondition",
    "GreaterThanOrEqualCondition",
    "LessThanCondition",
    "LessThanOrEqualCondition",
)
_VALUES_NODES = ("InCondition", "NotInCondition", "AllCondition")


def _plain_query_value(value: Any) -> Any:
    from mongoeco.core.bson_scalars import BsonDouble, BsonInt32, BsonInt64

    if isinstance(value, (BsonInt32, BsonInt64)):
        return int(value.value)
    if isinstance(value, BsonDouble) and math.isfinite(value.value):
        return float(value.value)
    return value


def _plain_query_plan(plan: Any) -> Any:
    """``plan`` (one node, not its clauses) with its int32/int64/double wrappers unwrapped."""
    kind = type(plan).__name__
    if kind in _VALUE_NODES:
        value = _plain_query_value(plan.value)
        return plan if value is plan.value else dataclasses.replace(plan, value=value)
    if kind in _VALUES_NODES:
        values = tuple(_plain_query_value(value) for value in plan.values)
        if all(a is b for a, b in zip(values, plan.values, strict=True)):
            return plan
        return dataclasses.replace(plan, values=values)
    return plan


def install_sqlite_numbers() -> None:
    # The engine encodes stored documents with its ``_codec`` and the values of $set fast paths,
    # query filters, index signatures and partial filters with the module-level DocumentCodec of
    # these modules; both are replaced, so stored values and query values agree.
    from mongoeco.engines import _sqlite_index_admin, sqlite, sqlite_query

    codec = _plain_number_codec()
    for module in (sqlite, sqlite_query, _sqlite_index_admin):
        module.DocumentCodec = codec
    original_translate = sqlite.SQLiteEngine._translate_query_plan_with_multikey

    # It translates an $and, $or or $not clause by clause through itself.
    @functools.wraps(original_translate)
    def _translate_query_plan_with_multikey(
        self: Any, db_name: str, coll_name: str, plan: Any
    ) -> tuple[str, list[object]]:
        return original_translate(self, db_name, coll_name, _plain_query_plan(plan))

    sqlite.SQLiteEngine._translate_query_plan_with_multikey = _translate_query_plan_with_multikey
    original_init = sqlite.SQLiteEngine.__init__

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        if self._codec.__name__ == "DocumentCodec":
            self._codec = codec

    sqlite.SQLiteEngine.__init__ = __init__


# Tagged numbers as the SQLite engine wrote them without shim 5 (JSON text, no spaces).
_TAGGED_NUMBER_SQL = " OR ".join(
    f"""instr(document, '"$mongoeco":{{"type":"{kind}"') > 0""" for kind in _PLAIN_NUMBER_TYPES
)


def repair_sqlite_numbers(path: str | os.PathLike[str]) -> int:
    """Rewrite tagged finite numbers of a SQLite-engine file as plain numbers (shim 5).

    Runs before the server opens the file. Index entries are built from decoded values, which
    are the same numbers either way, so only the document text changes. Returns the number of
    documents rewritten.
    """
    import sqlite3

    from mongoeco.core.json_compat import json_dumps_compact, json_loads

    if not Path(path).exists():
        return 0
    connection = sqlite3.connect(str(path))
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "documents" not in tables:
            return 0
        rows = connection.execute(
            f"SELECT rowid, document FROM documents WHERE {_TAGGED_NUMBER_SQL}"
        ).fetchall()
        changed = []
        for rowid, text in rows:
            plain = json_dumps_compact(_plain_numbers(json_loads(text)), sort_keys=False)
            if plain != text:
                changed.append((plain, rowid))
        with connection:
            connection.executemany("UPDATE documents SET document = ? WHERE rowid = ?", changed)
        return len(changed)
    finally:
        connection.close()

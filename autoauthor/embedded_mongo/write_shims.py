"""Shims 13 and 14: what the server does for each update Django sends."""

from __future__ import annotations

import functools
import inspect
import sys
import threading
from typing import Any

# --- Shim 13: an update pinned to one _id runs as a single-document update -------------------

# Django sends every QuerySet.update() and Model.save() as `multi: true` (`update_many`), the
# compare-and-swaps as `{"$and": [{"_id": X}, {"version": v}, ...]}`. For a multi update the
# server first reads every matching document in full (a find pass), then updates each one by
# its _id, compiling the update again per document: for a filter that pins `_id` to one value,
# at most one document can match, so that is twice the work of the single-document update
# (same filter, same result counts, same change event, same upsert). The shim sends such a
# multi update down the single-document path; any other filter keeps the multi path.


def pins_one_id(query: Any, id_types: tuple[type, ...]) -> bool:
    """Whether every document ``query`` matches has one given `_id`: a top-level `_id`
    equality (`{"_id": X}` or `{"_id": {"$eq": X}}`, X an ObjectId, string or integer), or an
    `$and` one of whose members pins it."""
    if not isinstance(query, dict):
        return False
    value = query.get("_id")
    if isinstance(value, dict) and list(value) == ["$eq"]:
        value = value["$eq"]
    if type(value) in id_types and type(value) is not bool:
        return True
    members = query.get("$and")
    return isinstance(members, list) and any(pins_one_id(member, id_types) for member in members)


def install_id_update() -> None:
    from bson import ObjectId
    from mongoeco._types._bson_objectid import ObjectId as MongoecoObjectId
    from mongoeco.api._async import _collection_modify

    original = _collection_modify.execute_server_update
    id_types = (ObjectId, MongoecoObjectId, str, int)

    @functools.wraps(original)
    async def execute_server_update(
        collection: Any, query: Any, change: Any, *, multi: bool = False, **options: Any
    ) -> Any:
        if multi and not options.get("replacement") and pins_one_id(query, id_types):
            multi = False
            options["sort"] = None  # a multi update has no sort; the single path takes one
        return await original(collection, query, change, multi=multi, **options)

    _collection_modify.execute_server_update = execute_server_update


# --- Shim 14: the memory engine leaves an updated document's unchanged index entries alone ---

# An update removes the stored document from every index of its collection and adds the new one
# back (one undo record, one discard and one add per index key), whichever fields it changed. A
# content save changes the content, version and timestamps, none of which a chapter index
# holds. For an update the shim compares each index's keys for the old and the new document,
# and whether each belongs to the index (sparse and partial indexes); the removal and the
# re-adding run, through the engine's own code, only for the indexes where something differs.
# Indexes with an expiry (TTL) always take the engine's path.


def _changed_indexes(engine: Any, indexes: list, before: Any, after: Any) -> list:
    from mongoeco.engines.virtual_indexes import document_in_virtual_index

    changed = []
    for index in indexes:
        if index.expire_after_seconds is not None:
            changed.append(index)
            continue
        fields = index["fields"]
        member = document_in_virtual_index(before, index)
        if member != document_in_virtual_index(after, index) or (
            member and engine._index_keys(before, fields) != engine._index_keys(after, fields)
        ):
            changed.append(index)
    return changed


def install_memory_unchanged_index_entries() -> None:
    from mongoeco.engines.memory import MemoryEngine

    original = MemoryEngine._update_indexes_locked
    update_code = inspect.unwrap(MemoryEngine.update_with_operation).__code__
    pending: dict[tuple[int, int], tuple] = {}  # (engine, thread) -> the update's removal

    @functools.wraps(original)
    def _update_indexes_locked(
        self: Any, db_name: str, coll_name: str, storage_key: Any, document: Any, **kwargs: Any
    ) -> None:
        # update_with_operation removes the stored document from the indexes, stores the new
        # one and adds it, in one synchronous step: the removal waits for the adding here. A
        # removal still waiting at any other call was rolled back with its update: dropped.
        key = (id(self), threading.get_ident())
        removal = pending.pop(key, None)
        if sys._getframe(1).f_code is not update_code:
            original(self, db_name, coll_name, storage_key, document, **kwargs)
        elif kwargs.get("action", "insert") == "delete":
            pending[key] = (db_name, coll_name, storage_key, document, kwargs)
        elif removal is None or removal[:2] != (db_name, coll_name):
            original(self, db_name, coll_name, storage_key, document, **kwargs)
        elif removal[2] != storage_key:  # the document changed storage key: every entry moves
            original(self, *removal[:4], **removal[4])
            original(self, db_name, coll_name, storage_key, document, **kwargs)
        else:
            views = kwargs.get("indexes_view")
            indexes = (
                (self._indexes if views is None else views).get(db_name, {}).get(coll_name, [])
            )
            changed = {db_name: {coll_name: _changed_indexes(self, indexes, removal[3], document)}}
            original(self, *removal[:4], **{**removal[4], "indexes_view": changed})
            kwargs["indexes_view"] = changed
            original(self, db_name, coll_name, storage_key, document, **kwargs)

    MemoryEngine._update_indexes_locked = _update_indexes_locked

"""Shim 6: the SQLite engine keeps what it knows of a collection's values across writes.

Before it translates a query to SQL, the SQLite engine asks questions of the whole collection
for every field the query names: does any document hold an array there, a real number, a
tagged value, non-ASCII text, a value of another type than the query's? Each answer is one
`SELECT ... FROM documents WHERE json_type(...) ... LIMIT 1` over every document of the
collection (a full scan whenever the answer is no, the usual case), and the answers are cached
in `_collection_features_cache` — until the next write to the collection drops them all. So
every request that writes and then reads (a compare-and-swap update reads first) rescans the
whole collection, once per field and question: a save slows down as other users' data grows
(measured: an `update_one` by `_id` and version at 3,000 documents 26 ms, by `_id` alone 3 ms).

Every cached answer is an aggregate of one value per document, and the conservative answer
(the one that sends the query to the engine's exact Python matcher) is "yes" for the
existence questions and "not uniform" for the sort-type question. So a write need not forget
them: a temporary trigger on each engine connection hands every inserted or updated
document's text to this module, which asks the same questions of those documents alone (the
engine's own methods, run against a one-table scratch database) and folds the answers in:
"yes" stays yes, "no" becomes yes if a written document says yes, and a sort type stays only
if the written documents agree with it. Deletes only make existence answers stale towards
"yes" and keep a uniform type uniform, so the answers stand. Anything the shim does not know
(a question it cannot re-ask, an invalidation without a written document: index changes,
renames, session rollbacks) is dropped as before.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import weakref
from typing import Any

# Cache-key kind -> (engine method, whether the key carries a second argument after the field).
_EXISTENCE_QUESTIONS: dict[str, tuple[str, bool]] = {
    "traverses_array": ("_field_traverses_array_in_collection", False),
    "traverses_dbref": ("_field_traverses_dbref_in_collection", False),
    "top_level_array": ("_field_is_top_level_array_in_collection", False),
    "contains_real_numeric": ("_field_contains_real_numeric_in_collection", False),
    "contains_non_ascii_text": ("_field_contains_non_ascii_text_in_collection", False),
    "tagged_type": ("_field_contains_tagged_value_type_in_collection", True),
    "comparison_mismatch": ("_field_has_comparison_type_mismatch_in_collection", True),
    "scalar_or_array_comparison_mismatch": (
        "_field_has_scalar_or_array_element_type_mismatch_in_collection",
        True,
    ),
}
_SORT_TYPE_QUESTION = (
    "uniform_scalar_sort_type",
    "_field_has_uniform_scalar_sort_type_in_collection",
)


class _Scratch:
    """The engine's questions asked of a few documents: what `self` is for those methods."""

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        self._connection = sqlite3.connect(":memory:")
        self._connection.execute(
            "CREATE TABLE documents (db_name TEXT, coll_name TEXT, storage_key TEXT, document TEXT)"
        )
        self._connection.executemany(
            "INSERT INTO documents VALUES (?, ?, '', ?)",
            [(db, coll, text) for db, coll, text in rows],
        )
        self._collection_features_cache: dict[tuple[str, str, str], Any] = {}

    def _require_connection(self, context: Any = None) -> sqlite3.Connection:
        return self._connection

    def ask(self, engine_class: type, method: str, key: tuple[str, str, str], args: tuple) -> Any:
        """The answer the engine's ``method`` caches under ``key`` for these documents."""
        getattr(engine_class, method)(self, key[0], key[1], *args)
        return self._collection_features_cache.get(key, False)

    def close(self) -> None:
        self._connection.close()


def _parse(kind_and_args: str) -> tuple[str, tuple[str, ...]] | None:
    kind, _, rest = kind_and_args.partition(":")
    if kind == _SORT_TYPE_QUESTION[0]:
        return kind, (rest,)
    question = _EXISTENCE_QUESTIONS.get(kind)
    if question is None:
        return None
    if question[1]:
        field, _, extra = rest.rpartition(":")
        return kind, (field, extra)
    return kind, (rest,)


class _Written:
    """Documents written since the engine last folded them into its cached answers, and the
    connections that report them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rows: list[tuple[str, str, str | None]] = []
        self.watched: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()


def _fold(engine: Any, written: _Written) -> None:
    """Fold the written documents into the engine's cached answers (see the module docstring)."""
    with written.lock:
        rows, written.rows = written.rows, []
    if not rows:
        return
    cache = engine._collection_features_cache
    touched = {(db, coll) for db, coll, _ in rows}
    documents = [(db, coll, text) for db, coll, text in rows if text is not None]
    scratch = _Scratch(documents)
    try:
        for key in [key for key in list(cache) if key[:2] in touched]:
            _refresh(engine, scratch, cache, key)
    finally:
        scratch.close()


def _refresh(engine: Any, scratch: _Scratch, cache: dict, key: tuple[str, str, str]) -> None:
    db, coll, kind_and_args = key
    parsed = _parse(kind_and_args)
    if parsed is None:
        cache.pop(key, None)
        return
    kind, args = parsed
    known = cache.get(key)
    if kind == _SORT_TYPE_QUESTION[0]:
        if known is False:
            return
        # The written documents alone: a type when they all agree, False when they hold none.
        answer = scratch.ask(type(engine), _SORT_TYPE_QUESTION[1], key, args)
        if answer is not False and answer != known:
            cache[key] = False
        elif answer is False and _holds_documents(scratch, db, coll):
            cache[key] = False
        return
    if known is True:
        return
    method = _EXISTENCE_QUESTIONS[kind][0]
    if scratch.ask(type(engine), method, key, args) is True:
        cache[key] = True


def _holds_documents(scratch: _Scratch, db: str, coll: str) -> bool:
    row = scratch._connection.execute(
        "SELECT 1 FROM documents WHERE db_name = ? AND coll_name = ? LIMIT 1", (db, coll)
    ).fetchone()
    return row is not None


_TRIGGERS = (
    "CREATE TEMP TRIGGER IF NOT EXISTS autoauthor_written_insert AFTER INSERT ON main.documents "
    "BEGIN SELECT autoauthor_written(NEW.db_name, NEW.coll_name, NEW.document); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS autoauthor_written_update AFTER UPDATE ON main.documents "
    "BEGIN SELECT autoauthor_written(NEW.db_name, NEW.coll_name, NEW.document); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS autoauthor_written_delete AFTER DELETE ON main.documents "
    "BEGIN SELECT autoauthor_written(OLD.db_name, OLD.coll_name, NULL); END",
)


def _watch(connection: sqlite3.Connection, written: _Written) -> None:
    """Have ``connection`` report every written document to ``written`` (once)."""
    if connection in written.watched:
        return

    def note(db: str, coll: str, text: str | None) -> None:
        with written.lock:
            written.rows.append((db, coll, text))

    connection.create_function("autoauthor_written", 3, note, deterministic=False)
    # The documents table may not exist yet on a new file: the engine creates it on the same
    # connection right after, so the triggers are (re)tried when the engine first invalidates.
    try:
        for statement in _TRIGGERS:
            connection.execute(statement)
    except sqlite3.OperationalError:
        return
    written.watched.add(connection)


class _FeatureCache(dict):
    """The engine's feature cache: folds written documents in before it answers a lookup."""

    def __init__(self, engine: Any, written: _Written) -> None:
        super().__init__()
        self._engine = weakref.ref(engine)
        self._written = written

    def _catch_up(self) -> None:
        engine = self._engine()
        if self._written.rows and engine is not None:
            _fold(engine, self._written)

    def __contains__(self, key: object) -> bool:
        self._catch_up()
        return super().__contains__(key)


def install_feature_cache() -> None:
    from mongoeco.engines.sqlite import SQLiteEngine

    original_init = SQLiteEngine.__init__
    original_connection = SQLiteEngine._create_sqlite_connection
    original_invalidate = SQLiteEngine._invalidate_collection_features_cache

    @functools.wraps(original_init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        self._autoauthor_written = _Written()
        self._cache_state.collection_features_cache = _FeatureCache(self, self._autoauthor_written)

    @functools.wraps(original_connection)
    def _create_sqlite_connection(self: Any) -> sqlite3.Connection:
        connection = original_connection(self)
        _watch(connection, self._autoauthor_written)
        return connection

    @functools.wraps(original_invalidate)
    def _invalidate_collection_features_cache(
        self: Any, db_name: str | None = None, coll_name: str | None = None
    ) -> None:
        written = self._autoauthor_written
        connection = getattr(self, "_connection", None)
        if connection is not None:
            _watch(connection, written)
        if db_name is None or coll_name is None:
            with written.lock:
                written.rows.clear()
            original_invalidate(self, db_name, coll_name)
            return
        if any(row[:2] == (db_name, coll_name) for row in list(written.rows)):
            _fold(self, written)  # a document write: the answers are folded, not dropped
            return
        original_invalidate(self, db_name, coll_name)

    SQLiteEngine.__init__ = __init__
    SQLiteEngine._create_sqlite_connection = _create_sqlite_connection
    SQLiteEngine._invalidate_collection_features_cache = _invalidate_collection_features_cache

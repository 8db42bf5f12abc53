"""The MongoDB indexes the project expects, compared with what the database has
(`manage.py check_indexes`).

The expected set is derived from the models exactly as migrations create it: every managed
model (auto-created many-to-many tables included) is run through the MongoDB schema editor's own
index planning (`_create_model_indexes`: field indexes and uniques, unique_together,
Meta.constraints, Meta.indexes) with a collection that records the `IndexModel`s instead of
creating them, plus the TTL index of chapter access logs that migration books 0002 creates with
pymongo. Indexes are matched by name, and else by key and uniqueness (an index created by hand
under another name still counts)."""

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from pymongo import IndexModel

TTL_MIGRATION = "books.migrations.0002_book_summary_version_access_log_ttl"


@dataclass(frozen=True)
class ExpectedIndex:
    collection: str
    name: str
    keys: tuple[tuple[str, int], ...]
    unique: bool
    options: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def model(self) -> IndexModel:
        return IndexModel(list(self.keys), name=self.name, unique=self.unique, **self.options)

    def describe(self) -> str:
        keys = ", ".join(f"{key} {direction}" for key, direction in self.keys)
        extra = " unique" if self.unique else ""
        if "expireAfterSeconds" in self.options:
            extra += f" ttl={self.options['expireAfterSeconds']}s"
        return f"{self.collection}.{self.name} ({keys}){extra}"


@dataclass
class IndexReport:
    missing: list[ExpectedIndex]
    mismatched: list[tuple[ExpectedIndex, dict]]  # same name, different keys/uniqueness
    extra: list[tuple[str, str, dict]]  # (collection, name, info) the models do not declare
    present: int


class _RecordingCollection:
    def __init__(self, name: str, sink: list):
        self.name, self.sink = name, sink

    def create_indexes(self, models):
        self.sink.extend((self.name, model) for model in models)

    def create_search_index(self, model):  # search indexes are not B-tree indexes: not checked
        pass


def _expected_from_models() -> list[ExpectedIndex]:
    sink: list[tuple[str, IndexModel]] = []
    editor = connection.schema_editor()
    editor.get_collection = lambda name: _RecordingCollection(name, sink)
    for model in apps.get_models(include_auto_created=True):
        editor._create_model_indexes(model)
    out = []
    for collection, index in sink:
        document = dict(index.document)
        keys = tuple((key, int(direction)) for key, direction in document.pop("key").items())
        name = document.pop("name")
        unique = bool(document.pop("unique", False))
        out.append(ExpectedIndex(collection, name, keys, unique, document))
    return out


def _ttl_index() -> ExpectedIndex:
    migration = importlib.import_module(TTL_MIGRATION)
    return ExpectedIndex(
        "chapter_access_logs",
        migration.TTL_INDEX_NAME,
        (("timestamp", 1),),
        False,
        {"expireAfterSeconds": migration.TTL_SECONDS},
    )


def expected_indexes() -> list[ExpectedIndex]:
    """Every index the models (and the TTL migration) declare, in model order."""
    return [*_expected_from_models(), _ttl_index()]


def _keys_of(info: dict) -> tuple[tuple[str, int], ...]:
    return tuple((key, int(direction)) for key, direction in info["key"])


def indexes_compare() -> IndexReport:
    """Compare the expected indexes with `index_information()` of each collection (one
    listIndexes command per collection)."""
    expected = expected_indexes()
    database = connection.database
    existing_collections = set(database.list_collection_names())
    actual: dict[str, dict] = {}
    for collection in sorted({index.collection for index in expected} | existing_collections):
        actual[collection] = (
            database[collection].index_information() if collection in existing_collections else {}
        )
    missing, mismatched, matched = [], [], set()
    for index in expected:
        infos = actual.get(index.collection, {})
        info = infos.get(index.name)
        if info is not None:
            matched.add((index.collection, index.name))
            if _keys_of(info) != index.keys or bool(info.get("unique")) != index.unique:
                mismatched.append((index, info))
            continue
        twin = next(
            (
                name
                for name, other in infos.items()
                if _keys_of(other) == index.keys and bool(other.get("unique")) == index.unique
            ),
            None,
        )
        if twin is not None:
            matched.add((index.collection, twin))
        else:
            missing.append(index)
    extra = [
        (collection, name, info)
        for collection, infos in actual.items()
        for name, info in infos.items()
        if name != "_id_" and (collection, name) not in matched
    ]
    return IndexReport(
        missing=missing,
        mismatched=mismatched,
        extra=extra,
        present=len(matched),
    )


def index_create(index: ExpectedIndex) -> None:
    """Create one expected index (as the migration would)."""
    connection.database[index.collection].create_indexes([index.model])

"""Search services: keeping the index current (`indexing`) and answering queries (`query`).
Every public name is re-exported here."""

from search.services.indexing import (
    books_reindex,
    search_entries_delete,
    search_index_refresh,
)
from search.services.query import LIMIT_DEFAULT, LIMIT_MAX, search_run
from search.services.rebuild import search_index_rebuild

__all__ = [
    "LIMIT_DEFAULT",
    "LIMIT_MAX",
    "books_reindex",
    "search_entries_delete",
    "search_index_rebuild",
    "search_index_refresh",
    "search_run",
]

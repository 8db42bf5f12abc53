"""The compatibility shims by name, and which of them are switched on in this process.

The wire hook serves two shims and checks ``active`` on every request; the server checks it
before it opens a SQLite file. ``apply_shims()`` fills it.
"""

SHIMS: tuple[str, ...] = (
    "buildinfo",
    "not_expression",
    "nested_projection",
    "id_scan",
    "sqlite_numbers",
    "feature_cache",
    "id_lookup",
    "index_narrowing",
    "multikey_lookup",
    "scalar_lookup",
    "atomic_copies",
    "change_dispatch",
    "id_update",
    "unchanged_index_entries",
    "gc_freeze",
)

active: set[str] = set()

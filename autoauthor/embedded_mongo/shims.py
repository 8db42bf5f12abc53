"""``apply_shims()``: switch the compatibility shims on in this process (the server's)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from autoauthor.embedded_mongo.copy_shims import install_atomic_copies
from autoauthor.embedded_mongo.dispatch_shims import install_sqlite_change_dispatch
from autoauthor.embedded_mongo.engine_shims import install_id_scan_skip, install_sqlite_numbers
from autoauthor.embedded_mongo.expression_shims import install_not_expression
from autoauthor.embedded_mongo.feature_shims import install_feature_cache
from autoauthor.embedded_mongo.gc_shims import install_gc_freeze
from autoauthor.embedded_mongo.index_shims import (
    install_memory_index_narrowing,
    install_sqlite_id_lookup,
    install_sqlite_multikey_lookup,
)
from autoauthor.embedded_mongo.request_shims import install_wire_hook
from autoauthor.embedded_mongo.scalar_shims import install_sqlite_scalar_lookup
from autoauthor.embedded_mongo.switches import SHIMS, active
from autoauthor.embedded_mongo.write_shims import (
    install_id_update,
    install_memory_unchanged_index_entries,
)

# Which installers already put their monkeypatches in place.
_installed: set[Callable[[], None]] = set()
_install_lock = threading.Lock()

_INSTALLERS: dict[str, Callable[[], None]] = {
    "buildinfo": install_wire_hook,
    "nested_projection": install_wire_hook,
    "not_expression": install_not_expression,
    "id_scan": install_id_scan_skip,
    "sqlite_numbers": install_sqlite_numbers,
    "feature_cache": install_feature_cache,
    "id_lookup": install_sqlite_id_lookup,
    "index_narrowing": install_memory_index_narrowing,
    "multikey_lookup": install_sqlite_multikey_lookup,
    "scalar_lookup": install_sqlite_scalar_lookup,
    "atomic_copies": install_atomic_copies,
    "change_dispatch": install_sqlite_change_dispatch,
    "id_update": install_id_update,
    "unchanged_index_entries": install_memory_unchanged_index_entries,
    "gc_freeze": install_gc_freeze,
}


def apply_shims(disabled: Iterable[str] = ()) -> None:
    """Apply every compatibility shim of ``SHIMS`` except those named in ``disabled``.

    Idempotent: a shim already applied in this process is not applied twice, and applied shims
    are never removed (a server started without a shim must be a fresh process). Raises
    ``ValueError`` for a name that is not in ``SHIMS``.
    """
    disabled = frozenset(disabled)
    unknown = disabled - set(SHIMS)
    if unknown:
        raise ValueError(f"unknown shim(s): {', '.join(sorted(unknown))}; known: {SHIMS}")
    with _install_lock:
        for shim in SHIMS:
            if shim in disabled:
                continue
            installer = _INSTALLERS[shim]
            if installer not in _installed:
                installer()
                _installed.add(installer)
            active.add(shim)

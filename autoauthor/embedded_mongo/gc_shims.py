"""Shim 15: the server's full garbage collections skip what survived the last one."""

from __future__ import annotations

import gc
import time

# The memory engine keeps every stored document as Python dicts and lists in the server
# process: at 100x the bench's base data, 1.7 million tracked objects. CPython's full
# collection traverses all of them, a pause that grows with the data (134 ms at 190,000
# objects, 1,054 ms at 1.66 million, measured with gc.callbacks in the server) and stops every
# connection while it runs. Stored documents hold no reference cycles (refcounting frees a
# replaced or deleted one at once), so after a full collection the shim moves the survivors to
# the permanent generation (`gc.freeze()`): the following collections traverse only what was
# allocated since. Cycles that become garbage among frozen objects (a closed connection's
# asyncio objects, say) would wait there for ever, so every THAW_SECONDS the next full
# collection traverses everything again (`gc.unfreeze()` first): the leak is bounded by what
# becomes cyclic garbage in that time, the long pause happens once per period.

THAW_SECONDS = 600.0

_state = {"frozen_at": None}


def _after_full_collection(phase: str, info: dict) -> None:
    if info.get("generation") != 2:
        return
    now = time.monotonic()
    if phase == "start":
        frozen_at = _state["frozen_at"]
        if frozen_at is not None and now - frozen_at >= THAW_SECONDS:
            gc.unfreeze()  # this collection traverses everything once more
            _state["frozen_at"] = None
        return
    gc.freeze()
    if _state["frozen_at"] is None:
        _state["frozen_at"] = now


def install_gc_freeze() -> None:
    gc.callbacks.append(_after_full_collection)

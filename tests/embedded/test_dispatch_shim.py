"""Shim 12, `change_dispatch`: the SQLite engine delivers committed changes in batches.

The server cannot open a change stream over the wire (mongoeco has no `$changeStream` stage),
so the delivery is checked in-process, in a fresh interpreter with and without the shim: a
change stream still sees every change in commit order, and the deliveries (the engine's lease,
heartbeat thread, checkpoint and compaction commits) no longer run once per write."""

from .conftest import probe

WRITES = 30

PROBE = """
import json, sys, tempfile, time
from pathlib import Path
from autoauthor.embedded_mongo import apply_shims
apply_shims(disabled=sys.argv[2:])
from mongoeco import MongoClient
from mongoeco.engines.sqlite import SQLiteEngine
engine = SQLiteEngine(path=str(Path(tempfile.mkdtemp()) / "mongo.sqlite"))
client = MongoClient(engine=engine)
collection = client.db.items
deliveries = []
serial = engine._dispatch_committed_changes_serial
engine._dispatch_committed_changes_serial = lambda *a, **k: deliveries.append(1) or serial(*a, **k)
collection.insert_one({"n": 0})
stream = collection.watch()
deliveries.clear()
for n in range(1, int(sys.argv[1]) + 1):
    if n % 2:
        collection.insert_one({"n": n})
    else:
        collection.update_one({"n": n - 1}, {"$set": {"m": n}})
seen, deadline = [], time.monotonic() + 30
while len(seen) < int(sys.argv[1]) and time.monotonic() < deadline:
    event = stream.try_next()
    if event:
        seen.append([event["operationType"], event["documentKey"] is not None])
print(json.dumps({"seen": seen, "deliveries": len(deliveries)}))
client.close()
"""


def test_changes_reach_change_streams_in_order_in_fewer_deliveries() -> None:
    expected = [["insert" if n % 2 else "update", True] for n in range(1, WRITES + 1)]
    shimmed = probe(PROBE, str(WRITES))
    assert shimmed["seen"] == expected  # every change, in commit order
    unshimmed = probe(PROBE, str(WRITES), "change_dispatch")
    assert unshimmed["seen"] == expected
    assert unshimmed["deliveries"] >= WRITES  # one delivery (at least) per write
    # Batched: a delivery covers 0.5 s of writes (the 30 take well under a second here).
    assert shimmed["deliveries"] < WRITES / 2, shimmed["deliveries"]

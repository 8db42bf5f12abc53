"""Shim 15, `gc_freeze`: full collections in the server skip what survived the last one.

The shim changes the server process's garbage collector, so it is checked in a fresh
interpreter with and without it: the documents alive after a full collection are frozen, a
reference cycle that becomes garbage among them waits only until the thaw period has passed,
and cyclic garbage made since the last freeze is collected as before."""

from .conftest import probe

PROBE = """
import gc, json, sys, weakref
from autoauthor.embedded_mongo import apply_shims, gc_shims
apply_shims(disabled=sys.argv[1:])
class Node:
    pass
def cycle():
    node = Node()
    node.self = node
    return node
documents = [{"_id": n, "tags": [str(n)]} for n in range(50_000)]
old = cycle()
gc.collect()
frozen = gc.get_freeze_count()
old_ref = weakref.ref(old)
del old  # cyclic garbage among the frozen objects
young_ref = weakref.ref(cycle())  # cyclic garbage made after the freeze
gc.collect()
waiting = old_ref() is not None
gc_shims.THAW_SECONDS = 0
gc.collect()
print(json.dumps({"frozen": frozen, "old_waited": waiting, "old_collected": old_ref() is None,
                  "young_collected": young_ref() is None, "documents": len(documents)}))
"""


def test_survivors_of_a_full_collection_are_frozen_until_the_thaw() -> None:
    shimmed = probe(PROBE)
    assert shimmed["frozen"] > 100_000  # the 50,000 documents and their tag lists
    assert shimmed["old_waited"] and shimmed["old_collected"] and shimmed["young_collected"]
    unshimmed = probe(PROBE, "gc_freeze")
    assert unshimmed["frozen"] == 0
    # Without the shim a full collection frees the cycle at once.
    assert not unshimmed["old_waited"] and unshimmed["old_collected"]
    assert unshimmed["young_collected"]

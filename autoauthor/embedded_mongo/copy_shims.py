"""Shim 11: the server's deep copies keep immutable BSON values instead of rebuilding them.

mongoeco deep-copies documents at every step of a read or a write (the stored document before
an update and after it, each projected field, the change-stream payload). ``copy.deepcopy``
returns ``str``, ``int``, ``float``, ``bool`` and ``None`` as they are, but it rebuilds every
ObjectId, datetime, Int64, Decimal128 and UUID through ``__reduce_ex__``: about two thirds of the
time of copying a chapter document, and a fifth of a chapter update or of a projected read. These
values are immutable (nothing in mongoeco or pymongo changes one in place), so sharing them is
what ``deepcopy`` already does for Python's own immutable types: the copies stay independent,
only the immutable leaves are shared. The server is a process of its own, so this registration
changes nothing in the API's processes.
"""

from __future__ import annotations

import copy
import datetime
import uuid


def atomic_types() -> tuple[type, ...]:
    """The immutable value types the server's documents hold that ``deepcopy`` rebuilds."""
    from bson import Decimal128, Int64
    from bson.objectid import ObjectId as BsonObjectId
    from mongoeco._types._bson_objectid import ObjectId as MongoecoObjectId

    return (
        BsonObjectId,
        MongoecoObjectId,
        Int64,
        Decimal128,
        datetime.datetime,
        datetime.date,
        datetime.time,
        datetime.timedelta,
        uuid.UUID,
    )


def install_atomic_copies() -> None:
    # copy's dispatch table is keyed by exact type, as for its built-in atomic types.
    for value_type in atomic_types():
        copy._deepcopy_dispatch[value_type] = copy._deepcopy_atomic

"""Multi-document atomicity where the server supports it.

A real replica set (its `hello` reply has `setName`, and `buildInfo.gitVersion` is not
`mongoeco`) runs multi-document steps inside `django_mongodb_backend.transaction.atomic`. The
embedded server cannot run overlapping transactions (see shared/embedded-mongo.md), so there the
same steps run without a transaction; callers order them so that a retry finishes the work and
readers never see a half-state.
"""

from contextlib import nullcontext
from functools import cache

from django.db import connection
from django_mongodb_backend import transaction


@cache
def transactions_supported() -> bool:
    """True when the connected server is a replica set that is not the embedded server."""
    connection.ensure_connection()
    admin = connection.connection.admin
    hello = admin.command("hello")
    if not hello.get("setName"):
        return False
    return admin.command("buildInfo").get("gitVersion") != "mongoeco"


def atomic_if_supported():
    """`transaction.atomic()` on a replica set, a no-op context elsewhere. Do not nest."""
    return transaction.atomic() if transactions_supported() else nullcontext()

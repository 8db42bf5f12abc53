"""Telling "MongoDB could not be reached in time" from a bug."""

from pymongo.errors import (
    AutoReconnect,
    ConnectionFailure,
    ExecutionTimeout,
    NetworkTimeout,
    ServerSelectionTimeoutError,
    WaitQueueTimeoutError,
)

_DB_DOWN_ERRORS = (
    ExecutionTimeout,
    ServerSelectionTimeoutError,
    WaitQueueTimeoutError,
    NetworkTimeout,
    AutoReconnect,
    ConnectionFailure,
)


def is_database_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or an error it wraps) means MongoDB could not be reached in time."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, _DB_DOWN_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False

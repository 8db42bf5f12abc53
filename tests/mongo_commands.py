"""Counting the MongoDB commands a piece of code sends.

pymongo's `monitoring.register()` only affects clients created afterwards, and
django-mongodb-backend keeps one MongoClient per alias for the whole process, so `install()` is
called from tests/conftest.py's `pytest_configure`, before any connection exists. The one global
listener records command names only while a `recording()` block is active in the current context
(a ContextVar), so commands of other threads (pool monitors, live servers) are never counted.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from pymongo import monitoring

_active: ContextVar[list[str] | None] = ContextVar("mongo_commands", default=None)
_installed = False


class _Recorder(monitoring.CommandListener):
    def started(self, event):
        commands = _active.get()
        if commands is not None:
            commands.append(event.command_name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def install() -> None:
    """Register the listener once; must run before the first MongoClient is created."""
    global _installed
    if not _installed:
        monitoring.register(_Recorder())
        _installed = True


@contextmanager
def recording() -> Iterator[list[str]]:
    """`with recording() as commands: ...` -> names of the commands sent inside the block."""
    if not _installed:
        raise RuntimeError("tests.mongo_commands.install() was not called before connecting")
    commands: list[str] = []
    token = _active.set(commands)
    try:
        yield commands
    finally:
        _active.reset(token)

"""Who is acting: the current request's user, IP and request id, or a system actor.

Middleware sets it per request; management commands use `system_actor()`; audit receivers read
it through `current()`. A ContextVar keeps it correct across threads and async tasks.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class ActorContext:
    actor_id: str | None = None
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str | None = None


SYSTEM = ActorContext(actor_id="system")
_current: ContextVar[ActorContext] = ContextVar("autoauthor_actor", default=SYSTEM)


def current() -> ActorContext:
    return _current.get()


def set_current(context: ActorContext):
    return _current.set(context)


def reset(token) -> None:
    _current.reset(token)


@contextmanager
def acting_as(context: ActorContext):
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def system_actor():
    """Context for management commands: audit rows name `system` as the actor."""
    return acting_as(SYSTEM)

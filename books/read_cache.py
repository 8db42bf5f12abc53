"""Redis cache of rendered book reads: the book list, a book, its TOC and its chapters metadata.

These are the hot reads, and the list and the TOC cost the embedded server the most (100 book
documents; the TOC document and every chapter document of a book), so their rendered JSON is kept
in Redis and served without touching MongoDB while nothing it depends on has changed.

Invalidation is by generation, which cannot serve stale data whatever the interleaving:
- every book and every owner has a generation token in Redis (`books:gen:book:<id>`,
  `books:gen:owner:<id>`); each write to a book, its TOC, its chapters or its access logs replaces
  both tokens *after* its database writes (`book_writes`, or `book_changed` directly), and the
  owner tokens of the book's collaborators too (a shared book is in their lists; a change of the
  collaborators also replaces those of the users it removes);
- a book read is kept per reader (and the role it was built for), so no user is ever served a
  rendering built for another;
- a read takes the tokens *before* reading MongoDB and stores its rendering under them; an entry
  is served only while the tokens it was stored under are still current. A read that raced a
  write stored its result under tokens the write has already replaced, so it is never served.
A missing token (never written, expired or evicted) is created with a fresh random value before
anything is cached under it, so losing a token can never revive an old entry.

Entries live ENTRY_SECONDS; tokens live TOKEN_SECONDS after their last write. Writes that no
service makes (retention purges, `validate_data --fix`, a process killed between its database
write and the token update) are seen within ENTRY_SECONDS at most. An invalidation that fails
because Redis does is kept by the process and delivered before that process reads the cache
again. Without Redis (down, or REDIS_ENABLED false) nothing is cached and every read goes to
MongoDB.
"""

import functools
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings

from autoauthor import redis_cache

ENTRY_SECONDS = 120
TOKEN_SECONDS = 7 * 24 * 3600


def _book_token_key(book_id) -> str:
    return f"books:gen:book:{book_id}"


def _owner_token_key(owner_id) -> str:
    return f"books:gen:owner:{owner_id}"


def _new_token() -> bytes:
    return os.urandom(8).hex().encode()


# Invalidations this process could not deliver (Redis failed): delivered before this process
# uses the cache again, so a Redis that comes back with its old entries cannot serve them here.
_undelivered: set[tuple[str, str | None]] = set()
_undelivered_lock = threading.Lock()


# The changes of the `book_writes` block running in this context: the receivers' invalidations
# join it, so one write invalidates once however many documents it saves.
_block_changes: ContextVar[set | None] = ContextVar("read_cache_block_changes", default=None)


def _replace_tokens(changes) -> bool:
    keys = {_book_token_key(book_id) for book_id, _ in changes}
    keys |= {_owner_token_key(owner_id) for _, owner_id in changes if owner_id is not None}

    def replace():
        pipe = redis_cache.client().pipeline(transaction=False)
        for key in sorted(keys):
            pipe.set(key, _new_token(), ex=TOKEN_SECONDS)
        pipe.execute()
        return True

    return bool(redis_cache.available() and redis_cache.call(replace, default=False))


def _change(book_id, owner_id) -> tuple[str, str | None]:
    return str(book_id), None if owner_id is None else str(owner_id)


def _deliver(changes) -> None:
    if not settings.REDIS_ENABLED or not changes:
        return
    if not _replace_tokens(changes):
        with _undelivered_lock:
            _undelivered.update(changes)


def book_changed(*, book_id, owner_id) -> None:
    """Invalidate every cached read of the book and of its owner's book list (the book's only
    when `owner_id` is None), now. Call it after the database writes (see the module docstring
    for why the order matters)."""
    _deliver({_change(book_id, owner_id)})


def book_saved(*, book_id, owner_id, reader_ids=()) -> None:
    """`book_changed` for the ORM receivers (books.signals): inside a `book_writes` block the
    change joins the block's one invalidation at its end; outside one (the admin, a shell,
    factories) it is invalidated now. `reader_ids` (the collaborators) have their lists
    invalidated too."""
    changes = {_change(book_id, reader) for reader in (owner_id, *reader_ids)}
    block = _block_changes.get()
    if block is None:
        _deliver(changes)
    else:
        block.update(changes)


def _deliver_undelivered() -> bool:
    """True when no invalidation of this process is still waiting for Redis."""
    if not _undelivered:
        return True
    with _undelivered_lock:
        if _replace_tokens(list(_undelivered)):
            _undelivered.clear()
        return not _undelivered


def book_readers_changes(book, *, also=()) -> set[tuple[str, str | None]]:
    """The invalidations a change to `book` needs: the book's reads and the book lists of its
    owner and of every collaborator (a shared book is in their lists too), as far as the
    instance has them loaded (`books.selectors.BOOK_ACCESS_FIELDS`: every book-scoped request
    loads them); `also` adds users whose lists changed (a collaborator just removed)."""
    readers = [book.__dict__.get("owner_id"), *(book.__dict__.get("collaborator_ids") or ())]
    return {_change(book.pk, reader) for reader in (*readers, *also)}


def book_readers_changed(book, *, also=()) -> None:
    """Invalidate `book_readers_changes(book, also=also)`: now, or with the enclosing
    `book_writes` block (for writes that change who reads the book: the collaborators)."""
    changes = book_readers_changes(book, also=also)
    block = _block_changes.get()
    if block is None:
        _deliver(changes)
    else:
        block.update(changes)


@contextmanager
def book_writes(book) -> Iterator[None]:
    """Wrap the database writes of one change to `book`: the cached reads are invalidated once
    when the block ends, whether it succeeded or failed half-way, together with whatever the
    receivers saw saved inside it (a block inside another joins the outer one). The lists of the
    owner and collaborators are invalidated as far as the instance has them loaded
    (`book_readers_changes`); it never reads the database for them."""
    changes = book_readers_changes(book)
    outer = _block_changes.get()
    if outer is not None:
        try:
            yield
        finally:
            outer.update(changes)
        return
    block = set(changes)
    token = _block_changes.set(block)
    try:
        yield
    finally:
        _block_changes.reset(token)
        _deliver(block)


def invalidates(service):
    """Decorator for a write service called with `book=`: its cached reads are invalidated once,
    when the service returns or raises (after all of its database writes)."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with book_writes(kwargs["book"]):
            return service(*args, **kwargs)

    return wrapper


@dataclass(frozen=True)
class Cached:
    owner_id: str  # the user the rendering was built for (the only one it is served to)
    body: bytes
    total: int | None = None  # X-Total-Count of a cached list page
    role: str | None = None  # that user's role on the book when it was built (book reads)


def _current_tokens(client, token_keys: list[str]) -> list[bytes]:
    """The tokens, creating the missing ones (NX: a concurrent writer's token wins)."""
    pipe = client.pipeline(transaction=False)
    for key in token_keys:
        pipe.set(key, _new_token(), nx=True, ex=TOKEN_SECONDS)
    pipe.mget(token_keys)
    return pipe.execute()[-1]


def book_generations(book_ids) -> dict[str, bytes] | None:
    """{book id: its current generation token} (a missing token is created), or None when Redis
    cannot tell (disabled, down, or an invalidation of this process still undelivered). For
    readers that keep their own derived data (the search index): a book whose token is the one
    they saw when they last read it has not been written since."""
    book_ids = [str(book_id) for book_id in book_ids]
    if not book_ids:
        return {}
    if not redis_cache.available() or not _deliver_undelivered():
        return None
    keys = [_book_token_key(book_id) for book_id in book_ids]
    tokens = redis_cache.call(lambda: _current_tokens(redis_cache.client(), keys), default=None)
    return None if tokens is None else dict(zip(book_ids, tokens, strict=True))


def _entry_key(view: str, scope_id, variant: str) -> str:
    return f"books:view:{view}:{scope_id}:{variant}"


def _encode(tokens: list[bytes], cached: Cached) -> bytes:
    head = [[t.decode() for t in tokens], cached.owner_id, cached.total, cached.role]
    head = json.dumps(head).encode()
    return head + b"\n" + cached.body


def _decode(raw: bytes) -> tuple[list[bytes], Cached]:
    head, _, body = raw.partition(b"\n")
    tokens, owner_id, total, *role = json.loads(head)
    cached = Cached(owner_id=owner_id, body=body, total=total, role=role[0] if role else None)
    return [t.encode() for t in tokens], cached


def cached_read(
    *, view: str, scope_id, variant: str = "", book_id=None, owner_id=None,
    build: Callable[[], Cached],
) -> Cached:  # fmt: skip
    """The cached rendering of `view` for `scope_id` (a book or owner id) when its tokens are
    current, else `build()`'s, stored for the next reader. `book_id`/`owner_id` name the tokens
    the rendering depends on."""
    if not redis_cache.available() or not _deliver_undelivered():
        return build()
    token_keys = [_book_token_key(book_id)] if book_id is not None else []
    if owner_id is not None:
        token_keys.append(_owner_token_key(owner_id))
    key = _entry_key(view, scope_id, variant)

    def lookup():
        client = redis_cache.client()
        pipe = client.pipeline(transaction=False)
        pipe.get(key)
        pipe.mget(token_keys)
        raw, tokens = pipe.execute()
        if None in tokens:
            tokens = _current_tokens(client, token_keys)
        if raw is not None:
            stored_tokens, cached = _decode(raw)
            if stored_tokens == tokens:
                return tokens, cached
        return tokens, None

    tokens, cached = redis_cache.call(lookup, default=(None, None))
    if cached is not None:
        return cached
    cached = build()
    if tokens is not None:
        redis_cache.call(redis_cache.client().set, key, _encode(tokens, cached), ex=ENTRY_SECONDS)
    return cached

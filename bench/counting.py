"""MongoDB commands per request of each bench operation, counted in the bench process.

pymongo command monitoring (registered before Django creates its MongoClient) while Django's
test client sends one operation's requests against the stack's database and Redis. A first and a
repeated request are counted: the second shows what the Redis caches save. A writer that tracks
a version first sends one uncounted request to learn the current one, so the counted requests
are successful writes whatever ran before. The round-trip time of the repeated request's commands
(one client, nothing else running) is kept too: what the embedded server spends on this
operation's real documents, next to the ceilings' one small document."""

import os

_commands: list[str] = []
_durations: list[int] = []  # microseconds, of the commands in _commands
_recording = [False]  # only while a counted request runs (the ceilings' client shares the hook)


def django_setup(env: dict) -> None:
    """Point this process's Django at the stack (env: the stack's, with MONGODB_URI)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "autoauthor.settings"
    from pymongo import monitoring

    class Counter(monitoring.CommandListener):
        def started(self, event):
            if _recording[0]:
                _commands.append(event.command_name)

        def succeeded(self, event):
            if _recording[0]:
                _durations.append(event.duration_micros)

        def failed(self, event):
            pass

    monitoring.register(Counter())  # before Django creates its MongoClient
    import logging

    import django

    django.setup()
    logging.getLogger("autoauthor.mongo.pool").setLevel(logging.WARNING)  # pool events: noise here


def django_teardown() -> None:
    """Close this process's MongoClient pools before the stack stops (no reconnect attempts)."""
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if hasattr(connection, "close_pool"):
            connection.close_pool()


def _send(client, request):
    return client.generic(
        request.method,
        request.path,
        data=request.body,
        content_type="application/json",
        HTTP_AUTHORIZATION=request.headers["Authorization"],
    )


def count_commands(ops: dict, names: list[str]) -> tuple[dict[str, list[list[str]]], dict]:
    """({name: [command names of a first request, of a repeated one]}, {name: milliseconds of
    the repeated request's command round trips}) (django_setup first)."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    counts, db_ms = {}, {}
    for name in names:
        make, on_response = ops[name]
        factory = make(0)
        callback = on_response(0) if on_response else None
        client.get("/api/v1/")  # warm-up outside the count
        if callback:
            response = _send(client, factory())
            callback(response.status_code, response.content)
        per_request = []
        for _ in range(2):
            request = factory()
            _commands.clear()
            _durations.clear()
            _recording[0] = True
            try:
                response = _send(client, request)
            finally:
                _recording[0] = False
            per_request.append(list(_commands))
            if callback:
                callback(response.status_code, response.content)
        counts[name] = per_request
        db_ms[name] = round(sum(_durations) / 1000, 2)
    return counts, db_ms

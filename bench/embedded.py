"""For the benches that measure the service layer in their own process: an embedded
MongoDB-compatible server of their own, Django set up against it and migrated."""

import os
import tempfile
from pathlib import Path


def database_start(*, engine: str, prefix: str, database_name: str | None = None, shm=False):
    """Start the server (`engine` sqlite or memory; SQLite's file on /dev/shm when `shm`), point
    Django at it (and at `database_name` when given), set Django up and migrate; the caller
    stops the returned server."""
    from autoauthor.embedded_mongo import EmbeddedMongo

    workdir = Path(tempfile.mkdtemp(prefix=prefix, dir="/dev/shm" if shm else None))
    path = workdir / "mongo.sqlite" if engine == "sqlite" else None
    server = EmbeddedMongo(engine=engine, path=path)
    os.environ["MONGODB_URI"] = server.start(timeout=120)
    if database_name:
        os.environ["DATABASE_NAME"] = database_name
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return server

"""Embedded MongoDB-compatible server (mongoeco) and the shims it needs to serve this project.

No MongoDB server can be installed where development and tests run, so the project starts mongoeco
(a MongoDB wire-protocol server written in Python) as its own process. mongoeco differs from
MongoDB in five ways that matter to Django + django-mongodb-backend + pymongo; ``apply_shims()``
corrects them with monkeypatches applied in the server process only. Nothing here imports
Django: the package is used by a pytest plugin before Django is configured and by the ``make run``
launcher.

Run it directly with ``python -m autoauthor.embedded_mongo --engine sqlite --path var/db.sqlite3``;
it prints ``READY mongodb://HOST:PORT/?directConnection=true`` once it accepts connections.
"""

from autoauthor.embedded_mongo.cli import main
from autoauthor.embedded_mongo.engine_shims import repair_sqlite_numbers
from autoauthor.embedded_mongo.launcher import EmbeddedMongo
from autoauthor.embedded_mongo.server import READY_PREFIX, serve
from autoauthor.embedded_mongo.shims import apply_shims
from autoauthor.embedded_mongo.switches import SHIMS

__all__ = (
    "READY_PREFIX",
    "SHIMS",
    "EmbeddedMongo",
    "apply_shims",
    "main",
    "repair_sqlite_numbers",
    "serve",
)

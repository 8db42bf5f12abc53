"""Serve the embedded MongoDB-compatible server (mongoeco) with the compatibility shims."""

from django.core.management.base import BaseCommand

from autoauthor.embedded_mongo import SHIMS, serve


class Command(BaseCommand):
    help = (
        "Serve the embedded MongoDB-compatible server (mongoeco) in the foreground. Prints "
        "'READY <uri>' once it accepts connections; stops cleanly on SIGTERM/SIGINT."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["memory", "sqlite"], default="sqlite")
        parser.add_argument(
            "--path", default="var/mongo.sqlite", help="SQLite file (sqlite engine)"
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=27017)
        parser.add_argument(
            "--disable-shim", action="append", default=[], choices=SHIMS, dest="disabled"
        )

    def handle(self, *args, engine, path, host, port, disabled, **options):
        serve(
            engine=engine,
            path=path if engine == "sqlite" else None,
            host=host,
            port=port,
            disabled_shims=disabled,
        )

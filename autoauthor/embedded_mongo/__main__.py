"""``python -m autoauthor.embedded_mongo``: run the embedded server (see ``cli.main``)."""

from autoauthor.embedded_mongo.cli import main

main()

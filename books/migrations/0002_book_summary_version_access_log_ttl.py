"""Book.summary_version (compare-and-swap token of summary writes) and a 90-day TTL index on
chapter_access_logs.timestamp.

The TTL index is created with pymongo because Django's Index has no `expireAfterSeconds`. A
server that refuses TTL indexes only gets a log line: `manage.py purge_access_logs` expires the
logs everywhere.
"""

import logging

from django.db import migrations, models
from pymongo.errors import OperationFailure

logger = logging.getLogger("books.migrations")

TTL_INDEX_NAME = "access_logs_ttl_idx"
TTL_SECONDS = 90 * 24 * 60 * 60


def create_ttl_index(apps, schema_editor):
    collection = schema_editor.connection.database["chapter_access_logs"]
    try:
        collection.create_index(
            [("timestamp", 1)], name=TTL_INDEX_NAME, expireAfterSeconds=TTL_SECONDS
        )
    except OperationFailure as exc:
        logger.warning(
            "TTL index on chapter_access_logs.timestamp not created (%s); run "
            "`manage.py purge_access_logs` periodically instead",
            exc,
        )


def drop_ttl_index(apps, schema_editor):
    collection = schema_editor.connection.database["chapter_access_logs"]
    try:
        collection.drop_index(TTL_INDEX_NAME)
    except OperationFailure:
        pass  # never created on this server


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="book",
            name="summary_version",
            field=models.IntegerField(default=0),
        ),
        migrations.RunPython(create_ttl_index, drop_ttl_index),
    ]

"""Chapter `visible_word_count` and `has_visible_content`: what an export sees in the content
(books.export.document.content_stats), stored so that /export/formats and the export's chapter
selection read two small fields instead of parsing every chapter's HTML. Backfills every stored
chapter with content (one pass, bulk updates of BATCH_SIZE); chapters without content keep the
defaults (0, false), which is what the function gives for "". Reversible: going back drops the
fields."""

from django.db import migrations, models
from pymongo import UpdateOne

from books.export.document import content_stats

BATCH_SIZE = 200


def backfill(apps, schema_editor):
    chapters = schema_editor.connection.database["chapters"]
    updates = []
    cursor = chapters.find({"content": {"$nin": ["", None]}}, {"content": 1}, batch_size=BATCH_SIZE)
    for document in cursor:
        has_content, words = content_stats(document.get("content"))
        updates.append(
            UpdateOne(
                {"_id": document["_id"], "content": document.get("content")},
                {"$set": {"visible_word_count": words, "has_visible_content": has_content}},
            )
        )
        if len(updates) >= BATCH_SIZE:
            chapters.bulk_write(updates, ordered=False)
            updates = []
    if updates:
        chapters.bulk_write(updates, ordered=False)


class Migration(migrations.Migration):
    dependencies = [("books", "0005_chapter_status_in_progress")]

    operations = [
        migrations.AddField(
            model_name="chapter",
            name="visible_word_count",
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name="chapter",
            name="has_visible_content",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

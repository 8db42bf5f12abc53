"""Replace the compound unique constraint on chapters with a single-field `unique_key`
(see books.models.CompositeUniqueKey): existing rows get their key before it becomes unique."""

from django.db import migrations, models


def fill_keys(apps, schema_editor):
    Chapter = apps.get_model("books", "Chapter")
    for chapter in Chapter.objects.filter(unique_key=None).only("pk", "book_id", "chapter_id"):
        Chapter.objects.filter(pk=chapter.pk).update(
            unique_key=f"{chapter.book_id}:{chapter.chapter_id}"
        )


class Migration(migrations.Migration):
    dependencies = [("books", "0002_book_summary_version_access_log_ttl")]

    operations = [
        migrations.RemoveConstraint(model_name="chapter", name="book_chapter_unique"),
        migrations.AddIndex(
            model_name="chapter",
            index=models.Index(fields=["book", "chapter_id"], name="book_chapter_idx"),
        ),
        migrations.AddField(
            model_name="chapter",
            name="unique_key",
            field=models.CharField(editable=False, max_length=200, null=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="chapter",
            name="unique_key",
            field=models.CharField(editable=False, max_length=200, unique=True),
        ),
    ]

from django.db import migrations, models


def backfill(apps, schema_editor):
    """Rows written before the field: a book id the server wrote itself. Chapter-question rows
    name it in `changes`; book and chapter rows have it as their target, unless their target is a
    chapter id (question generation), which the client chose and must not be trusted."""
    AuditLog = apps.get_model("accounts", "AuditLog")
    for row in AuditLog.objects.only("id", "target_id", "resource_type", "changes").iterator():
        changes = row.changes if isinstance(row.changes, dict) else {}
        if isinstance(changes.get("book_id"), str):
            book_id = changes["book_id"]
        elif row.resource_type in ("book", "chapter") and "chapter_id" in changes:
            book_id = row.target_id  # chapter events (content, status, drafts) target the book
        elif row.resource_type == "book":
            book_id = row.target_id
        else:
            continue
        AuditLog.objects.filter(pk=row.pk).update(book_id=book_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_tokens_valid_after"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditlog",
            name="book_id",
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddIndex(
            model_name="auditlog",
            index=models.Index(fields=["book_id", "-timestamp"], name="audit_book_ts_idx"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]

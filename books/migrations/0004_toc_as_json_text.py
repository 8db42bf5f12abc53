"""Store `Book.toc` as one JSON string (books.models.JSONTextField): the field changes type and
every TOC stored as a nested document is rewritten as a string. Reversible: going back turns the
strings into nested documents again."""

import json

from django.db import migrations

import books.models


def _rewrite(schema_editor, convert) -> None:
    books = schema_editor.connection.database["books"]
    for document in books.find({}, {"toc": 1}):
        value = document.get("toc")
        converted = convert(value)
        if converted is not value:
            books.update_one({"_id": document["_id"]}, {"$set": {"toc": converted}})


def to_text(apps, schema_editor):
    _rewrite(
        schema_editor,
        lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if isinstance(value, dict | list)
        else value,
    )


def to_document(apps, schema_editor):
    _rewrite(schema_editor, lambda value: json.loads(value) if isinstance(value, str) else value)


class Migration(migrations.Migration):
    dependencies = [("books", "0003_composite_unique_key")]

    operations = [
        migrations.AlterField(
            model_name="book",
            name="toc",
            field=books.models.JSONTextField(blank=True, null=True),
        ),
        migrations.RunPython(to_text, to_document),
    ]

"""Chapter status `in-progress` becomes `in_progress`, the spelling the frontend's status
components know (books.models.ChapterStatus). Rewrites the stored values: every Chapter document,
and any chapter node of a stored TOC that carries a status (the services never store one there,
but TOCs written before the structure and the chapter documents were split may). Access-log and
audit rows keep the spelling they were written with: they record what happened then.

Reversible: going back rewrites `in_progress` to `in-progress` the same way."""

import json

from django.db import migrations, models

OLD, NEW = "in-progress", "in_progress"


def _rewrite_nodes(nodes, old: str, new: str) -> bool:
    changed = False
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict):
            continue
        if node.get("status") == old:
            node["status"] = new
            changed = True
        changed = _rewrite_nodes(node.get("subchapters"), old, new) or changed
    return changed


def _rewrite(schema_editor, old: str, new: str) -> None:
    database = schema_editor.connection.database
    database["chapters"].update_many({"status": old}, {"$set": {"status": new}})
    books = database["books"]
    # The TOC is one JSON string (migration 0004); only strings that mention the old spelling
    # can need a rewrite.
    for document in books.find({"toc": {"$regex": old}}, {"toc": 1}):
        value = document.get("toc")
        try:
            toc = json.loads(value)
        except (TypeError, ValueError):
            continue
        if isinstance(toc, dict) and _rewrite_nodes(toc.get("chapters"), old, new):
            text = json.dumps(toc, ensure_ascii=False, separators=(",", ":"))
            books.update_one({"_id": document["_id"], "toc": value}, {"$set": {"toc": text}})


def forwards(apps, schema_editor):
    _rewrite(schema_editor, OLD, NEW)


def backwards(apps, schema_editor):
    _rewrite(schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("books", "0004_toc_as_json_text")]

    operations = [
        migrations.AlterField(
            model_name="chapter",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in_progress", "In progress"),
                    ("completed", "Completed"),
                    ("published", "Published"),
                ],
                default="draft",
                max_length=16,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]

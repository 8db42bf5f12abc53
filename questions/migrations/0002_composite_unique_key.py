"""Replace the compound unique constraints of responses and ratings with a single-field
`unique_key` (see books.models.CompositeUniqueKey)."""

from django.db import migrations, models

MODELS = (("questionresponse", "qr"), ("questionrating", "qrating"))


def fill_keys(apps, schema_editor):
    for model_name, _ in MODELS:
        Model = apps.get_model("questions", model_name)
        for row in Model.objects.filter(unique_key=None).only("pk", "question_id", "user_id"):
            Model.objects.filter(pk=row.pk).update(unique_key=f"{row.question_id}:{row.user_id}")


def operations():
    ops = []
    for model_name, prefix in MODELS:
        ops += [
            migrations.RemoveConstraint(
                model_name=model_name, name=f"{prefix}_question_user_uniq"
            ),
            migrations.AddIndex(
                model_name=model_name,
                index=models.Index(fields=["question", "user"], name=f"{prefix}_question_user_idx"),
            ),
            migrations.AddField(
                model_name=model_name,
                name="unique_key",
                field=models.CharField(editable=False, max_length=200, null=True),
            ),
        ]
    ops.append(migrations.RunPython(fill_keys, migrations.RunPython.noop))
    for model_name, _ in MODELS:
        ops.append(
            migrations.AlterField(
                model_name=model_name,
                name="unique_key",
                field=models.CharField(editable=False, max_length=200, unique=True),
            )
        )
    return ops


class Migration(migrations.Migration):
    dependencies = [("questions", "0001_initial"), ("books", "0003_composite_unique_key")]

    operations = operations()

# Single-question regeneration: the per-question count (capped) and the history of replaced
# versions with the author's rating of each.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0002_composite_unique_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="regeneration_count",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="question",
            name="regeneration_history",
            field=models.JSONField(blank=True, default=list),
        ),
    ]

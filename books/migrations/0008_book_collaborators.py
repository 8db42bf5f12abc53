# Shared books: the collaborators' ids (multikey index) and the compare-and-swap version of the
# collaborator list (`Book.collaborators`, an existing field, holds the entries).

import django_mongodb_backend.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0007_chapter_revisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="book",
            name="collaborator_ids",
            field=django_mongodb_backend.fields.ArrayField(
                base_field=django_mongodb_backend.fields.ObjectIdField(),
                blank=True,
                default=list,
                size=None,
            ),
        ),
        migrations.AddField(
            model_name="book",
            name="collaborators_version",
            field=models.IntegerField(default=0),
        ),
        migrations.AddIndex(
            model_name="book",
            index=models.Index(fields=["collaborator_ids"], name="book_collaborator_ids_idx"),
        ),
    ]

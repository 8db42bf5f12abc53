import django_mongodb_backend.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchentry",
            name="book_id",
            field=django_mongodb_backend.fields.ObjectIdField(db_index=True),
        ),
        migrations.AddIndex(
            model_name="searchentry",
            index=models.Index(fields=["terms"], name="search_terms_idx"),
        ),
    ]

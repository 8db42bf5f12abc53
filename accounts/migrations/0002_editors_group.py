"""The "Editors" staff group with exactly the permissions editors need (see
accounts.services.roles). `manage.py create_editor` re-asserts the same set."""

from django.db import migrations


def create_editors_group(apps, schema_editor):
    from accounts.services.roles import editors_group_ensure

    editors_group_ensure(apps=apps)


def delete_editors_group(apps, schema_editor):
    from accounts.services.roles import EDITORS_GROUP

    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0001_initial"),
        ("contenttypes", "0001_initial"),
        ("books", "0001_initial"),
        ("questions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_editors_group, delete_editors_group),
    ]

"""Staff roles: the "Editors" group and editor accounts.

Editors work on books in the Django admin: they change books, chapters (TOC entries and content)
and questions, and may look at users, responses, ratings, the audit log and chapter access logs.
They add and delete nothing, and never touch accounts. The group's permission set is defined
once here (EDITOR_PERMISSIONS); the accounts data migration creates the group and the
`create_editor` command re-asserts it, both through `editors_group_ensure`.
"""

import secrets

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

from accounts.models import User
from accounts.services import users
from autoauthor.queries import one_or_none

EDITORS_GROUP = "Editors"
# "<app_label>.<codename>" of every permission an editor holds, and nothing else.
EDITOR_PERMISSIONS = (
    "books.view_book",
    "books.change_book",
    "books.view_chapter",
    "books.change_chapter",
    "books.view_chapteraccesslog",
    "questions.view_question",
    "questions.change_question",
    "questions.view_questionresponse",
    "questions.view_questionrating",
    "accounts.view_user",
    "accounts.view_auditlog",
)


def _permissions_create(apps, app_labels) -> None:
    """Create the content types and permissions of `app_labels` now (Django would do it after
    `migrate`, too late for a data migration). Works with the live registry and with a
    migration's historical one (whose app configs have no models module)."""
    for label in app_labels:
        app_config = apps.get_app_config(label)
        historical = getattr(app_config, "models_module", None) is None
        if historical:
            app_config.models_module = True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            if historical:
                app_config.models_module = None


def editors_group_ensure(*, apps=global_apps):
    """Create the Editors group if missing and set its permissions to exactly
    EDITOR_PERMISSIONS (extra permissions someone added by hand are removed). `apps` is a
    migration's historical registry when called from one. Returns the group."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = [name.split(".", 1) for name in EDITOR_PERMISSIONS]
    _permissions_create(apps, sorted({label for label, _ in wanted}))
    found = {
        (perm.content_type.app_label, perm.codename): perm
        for perm in Permission.objects.filter(
            codename__in=[codename for _, codename in wanted]
        ).select_related("content_type")
    }
    missing = [
        f"{label}.{codename}" for label, codename in wanted if (label, codename) not in found
    ]
    if missing:
        raise LookupError(f"Permissions not found: {', '.join(missing)}")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.set([found[(label, codename)] for label, codename in wanted])
    return group


def editor_password_generate() -> str:
    return secrets.token_urlsafe(18)


def editor_ensure(*, email: str, password: str | None = None) -> tuple[User, str | None, bool]:
    """Make `email` an editor: a new account is registered (`users.user_register`: password
    validated, email normalised) with `password` or a generated one; an existing account keeps
    its password unless `password` is given. Then the account becomes staff (not superuser) and
    joins the Editors group. Returns (user, password set now or None, created)."""
    email = users.email_normalize(email)
    user = one_or_none(User.objects.filter(email=email))
    created = user is None
    if created:
        password = password or editor_password_generate()
        user = users.user_register(email=email, password=password)
    elif password:
        users.user_password_set(user=user, password=password)
    if not user.is_staff:
        users.user_update(user=user, data={"is_staff": True}, actor=user)
    user.groups.add(editors_group_ensure())
    return user, password, created

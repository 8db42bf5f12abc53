"""Demo accounts for a fresh development install."""

import os

from accounts.models import User
from autoauthor.queries import one_or_none

DEMO_ACCOUNTS = (
    # (email, password env var, default password, admin?)
    ("admin@autoauthor.local", "DEMO_ADMIN_PASSWORD", "autoauthor-admin-demo", True),
    ("demo@autoauthor.local", "DEMO_USER_PASSWORD", "autoauthor-demo-user", False),
)


def demo_users_ensure() -> list[tuple[User, str, bool]]:
    """Create the admin and demo user when absent. Returns (user, password, created) triples;
    the password shown is the configured one (an existing account keeps whatever it has)."""
    result = []
    for email, env_name, default, admin in DEMO_ACCOUNTS:
        password = os.environ.get(env_name, default)
        user = one_or_none(User.objects.filter(email=email))
        created = user is None
        if created:
            factory = User.objects.create_superuser if admin else User.objects.create_user
            user = factory(
                email=email,
                password=password,
                first_name="Ada" if admin else "Demo",
                last_name="Admin" if admin else "Author",
            )
        result.append((user, password, created))
    return result

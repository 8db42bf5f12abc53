from django.apps import AppConfig


def demo_accounts_seed(run) -> None:
    """The accounts part of `seed_demo` (autoauthor.core.registry): the demo admin and demo
    user; the demo user owns the demo books the later parts create."""
    from accounts.services.demo import demo_users_ensure

    run.accounts = demo_users_ensure()
    run.owner = next(user for user, _, _ in run.accounts if not user.is_staff)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"

    def ready(self):
        from accounts import signals
        from autoauthor.core.registry import DemoPart, demo_parts

        signals.connect()
        demo_parts.register("accounts", DemoPart(seed=demo_accounts_seed), app=self.label)

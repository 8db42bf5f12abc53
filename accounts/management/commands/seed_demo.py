"""Create demo data for a fresh install (idempotent)."""

from django.core.management.base import BaseCommand

from accounts.services.demo import demo_users_ensure
from autoauthor.api.context import system_actor


class Command(BaseCommand):
    help = "Create the demo admin and demo user when absent and print their credentials."

    def handle(self, *args, **options):
        with system_actor():
            accounts = demo_users_ensure()
        self.stdout.write("Demo accounts (development only):")
        for user, password, created in accounts:
            state = "created" if created else "existing"
            self.stdout.write(
                f"  {user.email:<28} password: {password:<24} ({state}, role {user.role})"
            )

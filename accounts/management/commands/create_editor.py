"""Create an editor account, or promote an existing account to editor."""

from django.core.management.base import BaseCommand, CommandError

from accounts.services.roles import EDITORS_GROUP, editor_ensure
from autoauthor.admin_mixins import domain_error_text
from autoauthor.core.context import system_actor
from autoauthor.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Make EMAIL an editor: staff (not superuser) in the Editors group, whose permissions "
        "are re-asserted. A new account gets --password or a generated password (printed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The editor's email address.")
        parser.add_argument(
            "--password",
            help="Password to set (validated). Default for a new account: a generated one; an "
            "existing account keeps its password unless this is given.",
        )

    def handle(self, *args, email, password=None, **options):
        try:
            with system_actor():
                user, password_set, created = editor_ensure(email=email, password=password)
        except DomainError as exc:
            raise CommandError(f"Cannot make {email} an editor: {domain_error_text(exc)}") from exc
        except Exception as exc:
            raise CommandError(f"Cannot make {email} an editor: {exc}") from exc
        state = "Created" if created else "Promoted"
        self.stdout.write(
            self.style.SUCCESS(f"{state} editor {user.email} (staff, group {EDITORS_GROUP})")
        )
        if not user.is_active:
            self.stdout.write(self.style.WARNING("The account is inactive: it cannot log in."))
        if password_set and password is None:
            self.stdout.write(f"Generated password: {password_set}")
        elif password_set:
            self.stdout.write("Password set as given.")

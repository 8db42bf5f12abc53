"""`manage.py reindex_search (--user EMAIL|ID | --all) [--force]`: rebuild the search index."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from autoauthor.core.ids import parse_object_id
from autoauthor.progress import Progress
from search.services import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index of the books one user may read (--user) or of every book "
        "(--all, which also removes the entries of deleted books). Only changed fields are "
        "rewritten unless --force. Queries refresh the index by themselves: this is for "
        "operators (after a restore, or a change of the text rules with --force)."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--user", help="The user's e-mail or 24-hex id.")
        target.add_argument("--all", action="store_true", help="Every book.")
        parser.add_argument(
            "--force", action="store_true", help="Drop the books' entries and rebuild them."
        )

    def _user(self, value: str) -> User:
        oid = parse_object_id(value)
        user = (
            User.objects.filter(pk=oid).first()
            if oid is not None
            else User.objects.filter(email__iexact=value).first()
        )
        if user is None:
            raise CommandError(f"No user {value!r}.")
        return user

    def handle(self, *args, **options):
        user = self._user(options["user"]) if options["user"] else None
        with Progress(stream=self.stdout, label="Indexing books", total=None) as progress:

            def report(done: int, total: int) -> None:
                progress.total = total
                progress.update(done)

            result = search_index_rebuild(user=user, force=options["force"], progress=report)
        self.stdout.write(
            f"Indexed {result['books']} book(s): {result['entries']} entr(ies) written or "
            f"removed, {result['orphans']} entr(ies) of deleted books removed."
        )

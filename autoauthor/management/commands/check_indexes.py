"""Compare the indexes the models declare with the database; --create adds the missing ones."""

from django.core.management.base import BaseCommand, CommandError

from autoauthor.indexes import index_create, indexes_compare


class Command(BaseCommand):
    help = (
        "Compare the expected MongoDB indexes (models' fields, Meta.indexes and constraints, "
        "the TTL index on chapter_access_logs.timestamp) with the database and print the "
        "missing and extra ones. --create adds the missing ones. Exits non-zero when an index "
        "is missing (and not created) or has the expected name but other keys."
    )

    def add_arguments(self, parser):
        parser.add_argument("--create", action="store_true", help="Create the missing indexes.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="With --create: only print what would be created.",
        )

    def handle(self, *args, create=False, dry_run=False, **options):
        try:
            report = indexes_compare()
        except Exception as exc:
            raise CommandError(f"Cannot read the database's indexes: {exc}") from exc
        self.stdout.write(f"{report.present} expected indexes present")
        for collection, name, info in report.extra:
            keys = ", ".join(f"{key} {direction}" for key, direction in info["key"])
            self.stdout.write(f"extra: {collection}.{name} ({keys})")
        for index, info in report.mismatched:
            self.stdout.write(
                self.style.ERROR(f"different: {index.describe()}; database has {info['key']}")
            )
        failed = len(report.mismatched)
        for number, index in enumerate(report.missing, start=1):
            if not create or dry_run:
                label = "would create" if create else "missing"
                self.stdout.write(self.style.WARNING(f"{label}: {index.describe()}"))
                failed += 1
                continue
            try:
                index_create(index)
            except Exception as exc:
                self.stdout.write(self.style.ERROR(f"could not create {index.describe()}: {exc}"))
                failed += 1
            else:
                self.stdout.write(f"created ({number}/{len(report.missing)}): {index.describe()}")
        if failed:
            raise CommandError(
                f"{failed} index problem(s)"
                + ("" if create and not dry_run else "; run with --create to add missing ones")
            )
        self.stdout.write(self.style.SUCCESS("Indexes OK"))

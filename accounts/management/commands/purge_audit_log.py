"""Delete audit-log rows older than --days days (the purge itself is audited)."""

from accounts.services.audit_retention import PURGE_BATCH_SIZE, audit_log_purge
from autoauthor.management.purge import PurgeCommand


class Command(PurgeCommand):
    help = "Delete audit-log rows older than --days days; --dry-run only counts them."
    noun = "audit rows"
    failure = "Purging the audit log failed"
    default_batch_size = PURGE_BATCH_SIZE

    def purge(self, **options) -> int:
        return audit_log_purge(**options)

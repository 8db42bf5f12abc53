"""Audit-log retention: `manage.py purge_audit_log --days N`.

Audit rows are append-only and outlive their targets; operators purge the old ones on their own
schedule (there is no TTL index: how long an audit trail must be kept is a policy decision, not
a default). The purge itself is recorded as one audit row, so the trail shows that and when it
was cut."""

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from accounts.models import AuditLog
from accounts.services.audit import audit_record

PURGE_BATCH_SIZE = 1000


def audit_log_purge(
    *,
    days: int,
    dry_run: bool = False,
    batch_size: int = PURGE_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Delete audit rows older than `days` days (at least 1), in batches of `batch_size` ids
    (one find and one delete command per batch, memory stays flat); `progress(deleted_so_far)`
    runs after each batch. With `dry_run` nothing is deleted and the number that would be is
    returned. A real purge that deleted rows writes one `audit_log_purge` row (changes:
    {"deleted", "cutoff", "days"}). Returns the number of rows deleted."""
    if days < 1:
        raise ValueError("days must be at least 1")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    cutoff = timezone.now() - timedelta(days=days)
    expired = AuditLog.objects.filter(timestamp__lt=cutoff)
    if dry_run:
        return expired.count()
    deleted = 0
    while True:
        ids = list(expired.order_by().values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        # Nothing points at audit rows and nothing audits them: one delete command per batch.
        batch = AuditLog.objects.filter(pk__in=ids)
        deleted += batch._raw_delete(batch.db)
        if progress is not None:
            progress(deleted)
    if deleted:
        audit_record(
            action="audit_log_purge",
            resource_type="audit_log",
            target_id="audit_logs",
            changes={"deleted": deleted, "cutoff": cutoff.isoformat(), "days": days},
        )
    return deleted

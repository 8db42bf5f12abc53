"""Audit log writes: the generic receivers and the explicit domain events both end here."""

from typing import Any

from accounts.models import AuditLog
from autoauthor.core import context

LONG_TEXT = 200  # text longer than this is recorded by its length


def _render(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value if len(value) <= LONG_TEXT else {"length": len(value)}
    if isinstance(value, dict | list):
        return {"items": len(value)}
    return str(value)


def field_changes(instance, previous: dict, *, created: bool) -> dict[str, list]:
    """{field: [old, new]} of the audited fields that changed since `previous` was taken."""
    changes: dict[str, list] = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        if name in instance.audit_ignore_fields or name == instance._meta.pk.attname:
            continue
        if name not in instance.__dict__:
            continue  # deferred: not loaded, not changed
        new = instance.__dict__[name]
        old = previous.get(name)
        if not created and (name not in previous or old == new):
            continue
        if created and new in (None, "", [], {}):
            continue
        if name in instance.audit_secret_fields:
            changes[name] = ["***", "***"]
        elif name in instance.audit_length_fields:
            changes[name] = [len(old or ""), len(new or "")]
        else:
            changes[name] = [_render(old), _render(new)]
    return changes


def audit_record(
    *,
    action: str,
    resource_type: str,
    target_id: str,
    changes: dict | None = None,
    actor_id: str | None = None,
    book_id: str | None = None,
) -> AuditLog:
    """Write one audit row; actor, IP, user agent and request id come from the current context.
    `book_id` is the book whose audit log lists the row: pass the id of a book the caller has
    loaded, never an id the client supplied."""
    ctx = context.current()
    return AuditLog.objects.create(
        action=action,
        actor_id=actor_id or ctx.actor_id or "anonymous",
        target_id=target_id,
        book_id=book_id,
        resource_type=resource_type,
        changes=changes or {},
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
    )

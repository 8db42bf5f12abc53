"""Generic audit receivers: every ORM save/delete of an AuditedModel writes one AuditLog row with
the actor from the current request context (or `system`); a save records the fields changed since
the instance was loaded (`AuditedModel.from_db`) or last saved. Writes that bypass `save()` (the
compare-and-swap `QuerySet.update`s of the services) record through `audit_record` instead. A save
or delete of a user also drops it from the authentication cache. Connected in
AccountsConfig.ready()."""

from django.db.models.signals import post_delete, post_save

from accounts import auth_cache
from accounts.models import AuditedModel, User
from accounts.services.audit import audit_record, field_changes


def _saved(sender, instance, created, **kwargs):
    if not isinstance(instance, AuditedModel):
        return
    previous = {} if created else getattr(instance, "_loaded_values", {})
    changes = field_changes(instance, previous, created=created)
    if changes or created:
        audit_record(
            action=f"{instance.audit_resource_type}_{'create' if created else 'update'}",
            resource_type=instance.audit_resource_type,
            target_id=str(instance.pk),
            changes=changes,
            book_id=instance.audit_book_id,
        )
    instance.audit_remember()


def _deleted(sender, instance, **kwargs):
    if isinstance(instance, AuditedModel):
        audit_record(
            action=f"{instance.audit_resource_type}_delete",
            resource_type=instance.audit_resource_type,
            target_id=str(instance.pk),
            book_id=instance.audit_book_id,
        )


def _user_changed(sender, instance, **kwargs):
    auth_cache.forget(instance.pk)


def connect() -> None:
    post_save.connect(_user_changed, sender=User, dispatch_uid="auth_cache_user_saved")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="auth_cache_user_deleted")
    post_save.connect(_saved, dispatch_uid="audit_saved")
    post_delete.connect(_deleted, dispatch_uid="audit_deleted")

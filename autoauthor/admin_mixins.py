"""Admin plumbing shared by the apps' ModelAdmins.

The admin is one more client of the services: its writes go through the same functions as the
API, so versions, validation and audit rows hold there too. `ServiceAdminMixin` makes the
logged-in staff user the audit actor for every admin view that can write (the API sets the actor
in its authentication classes; the admin authenticates with Django sessions), and turns a domain
error a service raises while saving (a version conflict that lost a race, a rule the form could
not check) into an error message on the same page instead of a 500.
"""

from contextlib import contextmanager
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from autoauthor.core import context
from autoauthor.core.errors import DomainError, ValidationFailed


def domain_error_text(exc: DomainError) -> str:
    """A one-line, human-readable text of a domain error."""
    if isinstance(exc, ValidationFailed):
        return "; ".join(f"{error['field']}: {error['message']}" for error in exc.errors)
    return str(exc.detail)


def domain_error_as_validation_error(exc: DomainError) -> ValidationError:
    """A domain error as a form error (for forms that run a service's validation)."""
    return ValidationError(domain_error_text(exc), code=getattr(exc, "code", "invalid"))


@contextmanager
def request_actor(request):
    """Publish the admin user as the actor of everything written inside the block (the request
    id, IP and user agent set by RequestContextMiddleware are kept)."""
    user = getattr(request, "user", None)
    actor_id = str(user.pk) if user is not None and user.is_authenticated else None
    with context.acting_as(replace(context.current(), actor_id=actor_id)):
        yield


class ServiceAdminMixin:
    """ModelAdmin mixin: the request's user is the audit actor of saves, deletes and actions,
    and a DomainError raised by a service during them becomes an error message (nothing was
    overwritten: the services' compare-and-swap writes refuse stale versions) and a redirect
    back to the same page."""

    def _with_actor(self, request, view):
        with request_actor(request):
            try:
                return view()
            except DomainError as exc:
                self.message_user(
                    request, f"Not saved: {domain_error_text(exc)}", level=messages.ERROR
                )
                return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._with_actor(
            request,
            lambda: super(ServiceAdminMixin, self).changeform_view(
                request, object_id, form_url, extra_context
            ),
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self._with_actor(
            request,
            lambda: super(ServiceAdminMixin, self).delete_view(request, object_id, extra_context),
        )

    def changelist_view(self, request, extra_context=None):
        return self._with_actor(
            request,
            lambda: super(ServiceAdminMixin, self).changelist_view(request, extra_context),
        )

    def get_deleted_objects(self, objs, request):
        """Rows of read-only admins (logs) that a delete cascades to need the user's model
        delete permission, not their admin's: those admins refuse deletes through their own
        pages only, and the services delete logs together with what they belong to."""
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        allowed = {
            str(model._meta.verbose_name)
            for model, model_admin in self.admin_site._registry.items()
            if isinstance(model_admin, ReadOnlyAdminMixin)
            and request.user.has_perm(
                f"{model._meta.app_label}.{get_permission_codename('delete', model._meta)}"
            )
        }
        return to_delete, counts, {str(p) for p in perms_needed} - allowed, protected


class ReadOnlyAdminMixin:
    """Rows nobody edits by hand (logs): viewable by whoever has the view permission, never
    added, changed or deleted through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

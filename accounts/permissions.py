"""Account permissions."""

from rest_framework.permissions import BasePermission


class IsAdminOrSelf(BasePermission):
    """A user may act on their own account; administrators on any account.

    Checked on the id in the path before the account is looked up, too: anyone else is refused
    with 403 whether or not the id exists, so the answer never tells which accounts exist."""

    def has_permission(self, request, view):
        user_id = view.kwargs.get(getattr(view, "lookup_url_kwarg", None) or "pk")
        return user_id is None or self._allowed(request.user, user_id)

    def has_object_permission(self, request, view, obj):
        return self._allowed(request.user, obj.pk)

    @staticmethod
    def _allowed(user, user_id) -> bool:
        return user.is_admin or str(user.pk) == str(user_id)

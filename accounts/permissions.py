"""Account permissions."""

from rest_framework.permissions import BasePermission


class IsAdminOrSelf(BasePermission):
    """A user may act on their own account; administrators on any account."""

    def has_object_permission(self, request, view, obj):
        user = request.user
        return user.is_admin or str(user.pk) == str(obj)

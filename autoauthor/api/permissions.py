"""Small permission classes shared by the apps."""

from rest_framework.permissions import BasePermission


class IsAdminRole(BasePermission):
    """Only administrators (role `admin` or Django superusers) may use the endpoint; staff
    editors are not administrators."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_superuser or getattr(user, "role", "") == "admin")
        )

"""Small permission classes shared by the apps."""

from rest_framework.permissions import BasePermission


class IsAdminRole(BasePermission):
    """Only administrators (role `admin` or Django staff) may use the endpoint."""

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and (user.is_staff or getattr(user, "role", "") == "admin")
        )

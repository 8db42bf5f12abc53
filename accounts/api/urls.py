from accounts.api import views
from autoauthor.api.routers import route

urlpatterns = [
    route("auth/register", views.RegisterView.as_view(), "auth-register"),
    route("auth/login", views.LoginView.as_view(), "auth-login"),
    route("auth/refresh", views.RefreshView.as_view(), "auth-refresh"),
    route("auth/logout", views.LogoutView.as_view(), "auth-logout"),
    route("auth/session", views.SessionView.as_view(), "auth-session"),
    route("auth/password", views.PasswordChangeView.as_view(), "auth-password"),
    route("users/me", views.MeView.as_view(), "users-me"),
    route("users/admin/users", views.AdminUserListView.as_view(), "users-admin-list"),
    route("users/(?P<user_id>[^/]+)", views.UserDetailView.as_view(), "users-detail"),
]

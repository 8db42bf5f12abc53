from accounts.api import views
from autoauthor.api.routers import OptionalSlashRouter

router = OptionalSlashRouter()
router.register("auth", views.AuthViewSet, basename="auth")
router.register("users", views.UserViewSet, basename="user")

urlpatterns = router.urls

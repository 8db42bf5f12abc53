"""Search routes: /search."""

from autoauthor.api.routers import route
from search.api.views import SearchView

urlpatterns = [route("search", SearchView.as_view(), "search")]

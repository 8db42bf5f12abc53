"""GET /search: search across the caller's work (their books and the books shared with them)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor.schema import ERRORS
from books.api.common import valid_data
from search import services
from search.api.serializers import SearchOutput, SearchQuery


# Comments, not docstrings, on view classes: drf-spectacular would take a docstring as the
# operation's description.
class SearchView(APIView):
    ratelimit_scopes = {"get": "search"}

    @extend_schema(
        operation_id="search",
        tags=["search"],
        parameters=[SearchQuery],
        responses={200: SearchOutput, **ERRORS(401, 404, 422, 429)},
        description="Search the titles, descriptions and summaries of the books the caller "
        "owns or that are shared with them, their chapters' titles, descriptions and content, "
        "and the caller's interview answers. Results are ranked (title matches first, then "
        "chapter titles, summaries and descriptions, then content and answers), each with "
        "where it lives and a highlighted snippet.",
    )
    def get(self, request):
        data = valid_data(SearchQuery, request.query_params)
        result = services.search_run(
            user=request.user,
            query=data["q"],
            book_id=data.get("book_id"),
            limit=data["limit"],
        )
        return Response(SearchOutput(result).data)

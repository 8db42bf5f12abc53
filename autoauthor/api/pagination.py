"""Offset pagination in the reference API's style: `skip`/`limit` query parameters, a plain JSON
array in the body and the total in the `X-Total-Count` header.

`skip` is bounded (MAX_SKIP): an offset beyond any real collection is refused with 422 instead of
reaching the database, which rejects 64-bit offsets with an error (a 500).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.response import Response

from autoauthor.api.parsers import query_values

MAX_SKIP = 1_000_000


def skip_limit_parameters(*, max_limit: int = 100, default_limit: int = 100):
    """OpenAPI description of `skip`/`limit`."""
    return [
        OpenApiParameter(
            "skip", OpenApiTypes.INT, description=f"Rows to skip (0-{MAX_SKIP}).", default=0
        ),
        OpenApiParameter(
            "limit",
            OpenApiTypes.INT,
            description=f"Rows to return (1-{max_limit}).",
            default=default_limit,
        ),
    ]


def skip_limit(request, *, max_limit: int = 100, default_limit: int = 100) -> tuple[int, int]:
    """Validate `skip`/`limit` from the query string (422 on bad values) and return them."""

    class Query(serializers.Serializer):
        skip = serializers.IntegerField(min_value=0, max_value=MAX_SKIP, default=0)
        limit = serializers.IntegerField(min_value=1, max_value=max_limit, default=default_limit)

    query = Query(data=query_values(request.query_params))
    query.is_valid(raise_exception=True)
    return query.validated_data["skip"], query.validated_data["limit"]


TOTAL_COUNT_HEADER = "X-Total-Count"


def page_and_total(queryset, *, skip: int, limit: int) -> tuple[list, int]:
    """The rows of one page and the total number of rows. One row more than the page is read:
    when it is not there the page itself proves the total and the count command is skipped (on
    the embedded server a count costs about as much as reading the rows)."""
    rows = list(queryset[skip : skip + limit + 1])
    if len(rows) <= limit and (rows or skip == 0):
        return rows, skip + len(rows)
    return rows[:limit], queryset.count()


def paginated_response(request, queryset, serialize) -> Response:
    """`skip`/`limit` from the query string, one page of `queryset` rendered by
    `serialize(rows)` as a JSON array, and the total in X-Total-Count."""
    skip, limit = skip_limit(request)
    rows, total = page_and_total(queryset, skip=skip, limit=limit)
    response = Response(serialize(rows))
    response[TOTAL_COUNT_HEADER] = str(total)
    return response

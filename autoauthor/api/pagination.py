"""Offset pagination in the reference API's style: `skip`/`limit` query parameters, a plain JSON
array in the body and the total in the `X-Total-Count` header.

`skip` is bounded (MAX_SKIP): an offset beyond any real collection is refused with 422 instead of
reaching the database, which rejects 64-bit offsets with an error (a 500).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

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

    query = Query(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data["skip"], query.validated_data["limit"]


TOTAL_COUNT_HEADER = "X-Total-Count"

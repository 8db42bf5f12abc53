"""Project-level endpoints: welcome message, health, and the API's catch-all 404."""

from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from autoauthor import health
from autoauthor.api.exceptions import handler404

WELCOME = {"message": "Welcome to the Auto Author API!"}


class WelcomeView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        operation_id="welcome",
        responses=inline_serializer("Welcome", {"message": serializers.CharField()}),
    )
    def get(self, request):
        return Response(WELCOME)


@extend_schema(exclude=True)
class RootView(WelcomeView):
    """`GET /`: the same welcome message outside the API prefix (not part of the schema)."""


class CheckSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["ok", "unavailable", "disabled"])
    latency_ms = serializers.FloatField(required=False)
    error = serializers.CharField(required=False)


class HealthOutput(serializers.Serializer):
    status = serializers.ChoiceField(["healthy", "degraded", "unhealthy"])
    checks = inline_serializer(
        "HealthChecks", {"mongodb": CheckSerializer(), "redis": CheckSerializer()}
    )


class HealthView(APIView):
    """200 healthy/degraded (Redis down); 503 unhealthy when MongoDB cannot be reached."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(operation_id="health", responses={200: HealthOutput, 503: HealthOutput})
    def get(self, request):
        status, checks = health.overall()
        return Response(
            {"status": status, "checks": checks}, status=503 if status == "unhealthy" else 200
        )


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any method on an unknown path: the API's JSON 404, whatever DEBUG says."""
    return handler404(request)

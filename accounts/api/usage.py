"""`GET /users/me/usage`: the caller's plan and AI quota (used, left, reset of each window)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.entitlements import AI, plan_allows
from accounts.models import User
from accounts.services import ai_quota
from autoauthor.schema import ERRORS


class QuotaWindowOutput(serializers.Serializer):
    period = serializers.CharField(help_text="The UTC day (2026-12-03) or month (2026-12).")
    limit = serializers.IntegerField(
        allow_null=True, help_text="AI requests allowed in the window; null: no limit."
    )
    used = serializers.IntegerField(help_text="AI requests counted in the window.")
    remaining = serializers.IntegerField(
        allow_null=True, help_text="AI requests left in the window; null: no limit."
    )
    reset = serializers.IntegerField(help_text="When the window resets (epoch seconds).")


class UsageOutput(serializers.Serializer):
    plan = serializers.ChoiceField(choices=User.Plan.choices)
    ai_allowed = serializers.BooleanField(help_text="Whether the plan includes AI features.")
    daily = QuotaWindowOutput()
    monthly = QuotaWindowOutput()


def usage_payload(usage) -> dict:
    return {
        "plan": usage.plan,
        "ai_allowed": plan_allows(plan=usage.plan, feature=AI),
        "daily": usage.daily,
        "monthly": usage.monthly,
    }


# The `usage` action of UserViewSet (a mixin: accounts/api/views.py lists it among its bases).
# `me/usage` is a detail=False route, which the router lists before `users/{user_id}`.
class UserUsageMixin:
    @extend_schema(
        operation_id="users_me_usage",
        responses={200: UsageOutput, **ERRORS(401)},
        description="The caller's plan and AI quota: AI requests used and left today and this "
        "month (UTC), and when each window resets. Only successful AI answers count.",
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="me/usage",
        url_name="me-usage",
        permission_classes=[IsAuthenticated],
    )
    def usage(self, request):
        usage = ai_quota.quota_usage(user=request.user)
        return Response(UsageOutput(usage_payload(usage)).data)

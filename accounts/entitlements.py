"""Which plan may use which feature, and the AI quota of each plan.

Plans (`User.plan`): `free` (the default) and `pro` both include AI; `pro` has ten times the
quota (AI_QUOTA_LIMITS, 500 a day and 5,000 a month unless configured otherwise); `restricted`
includes no AI. A plan missing from the table below (a value written by hand) includes nothing:
this is a billing gate and fails closed. PLAN_ENFORCEMENT_ENABLED false lets every plan use
every feature, with the free plan's quota where its own plan has none.
"""

from django.conf import settings

from autoauthor.core.errors import PaymentRequired

# The features a plan includes. "ai" is the concurrency scope of every AI endpoint
# (autoauthor/api/ai_quota.py keys its guards off that declaration).
AI = "ai"
PLAN_FEATURES: dict[str, frozenset[str]] = {
    "free": frozenset({AI}),
    "pro": frozenset({AI}),
    "restricted": frozenset(),
}
DEFAULT_PLAN = "free"
FEATURE_LABELS = {AI: "AI features"}


def user_plan(user) -> str:
    """The user's plan (an empty value reads as the default plan)."""
    return getattr(user, "plan", "") or DEFAULT_PLAN


def plan_allows(*, plan: str, feature: str) -> bool:
    """Whether `plan` includes `feature` (always, while PLAN_ENFORCEMENT_ENABLED is off)."""
    if not settings.PLAN_ENFORCEMENT_ENABLED:
        return True
    return feature in PLAN_FEATURES.get(plan, frozenset())


def entitlement_require(*, user, feature: str) -> None:
    """Refuse with PaymentRequired (402 `entitlement_required`) when the user's plan does not
    include `feature`: the answer is an upgrade, so it is not a 403 or a 429."""
    plan = user_plan(user)
    if not plan_allows(plan=plan, feature=feature):
        label = FEATURE_LABELS.get(feature, feature)
        raise PaymentRequired(
            f"Your plan ({plan}) does not include {label}. Upgrade your plan to use them."
        )


def plan_quota_limits(plan: str) -> tuple[int | None, int | None]:
    """(daily, monthly) AI request limits of `plan`; None is no limit in that window. A plan
    without AI has (0, 0); with the quota switched off (AI_QUOTA_ENABLED) there is no limit."""
    if not settings.AI_QUOTA_ENABLED:
        return None, None
    if not plan_allows(plan=plan, feature=AI):
        return 0, 0
    limits = settings.AI_QUOTA_LIMITS.get(plan) or settings.AI_QUOTA_LIMITS[DEFAULT_PLAN]
    daily, monthly = int(limits["daily"]), int(limits["monthly"])
    return (daily if daily > 0 else None), (monthly if monthly > 0 else None)

"""The rate limits and the concurrency caps are DRF throttles proper: a refusal is
`allow_request` answering False with `wait()` giving the wait, DRF raises Throttled, and the one
exception handler answers with the refusal the throttle recorded (against real Redis)."""

import pytest
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from autoauthor.api import concurrency
from autoauthor.api.concurrency import ConcurrencyCap
from autoauthor.api.ratelimits import ScopedRateLimit

pytestmark = pytest.mark.django_db


class Limited(APIView):
    permission_classes = [AllowAny]
    ratelimit_scopes = {"get": "profile_get"}
    concurrency_scopes = {"get": "export"}

    def get(self, request):
        return Response({"ok": True})


def drf_request(user):
    request = APIRequestFactory().get("/limited")
    force_authenticate(request, user=user)
    request.concurrency_leases = []  # what ReleaseSlotsMiddleware gives every request
    return request


def test_a_rate_limit_refuses_as_a_drf_throttle(user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_get": "1/60"}
    view = Limited()
    first = view.initialize_request(drf_request(user))
    assert ScopedRateLimit().allow_request(first, view) is True
    second = view.initialize_request(drf_request(user))
    throttle = ScopedRateLimit()
    assert throttle.allow_request(second, view) is False
    assert 1 <= throttle.wait() <= 60


def test_a_full_cap_refuses_as_a_drf_throttle_and_takes_no_slot_after_a_rate_limit(user, settings):
    settings.CONCURRENCY_ENABLE = True
    settings.CONCURRENCY_LIMITS = {"export": {"per_user": 1, "total": 5}}
    settings.CONCURRENCY_RETRY_AFTER_SECONDS = 7
    held = concurrency.slot_acquire(scope="export", ident=str(user.pk))
    view = Limited()
    request = view.initialize_request(drf_request(user))
    cap = ConcurrencyCap()
    assert cap.allow_request(request, view) is False
    assert cap.wait() == 7
    concurrency.slot_release(lease=held)

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "profile_get": "0/60"}
    refused = view.initialize_request(drf_request(user))
    assert ScopedRateLimit().allow_request(refused, view) is False
    assert ConcurrencyCap().allow_request(refused, view) is True  # DRF asks it anyway
    assert refused.concurrency_leases == []  # ... and it took no slot


def test_the_handler_answers_with_the_recorded_refusal(user, settings):
    settings.CONCURRENCY_ENABLE = True
    settings.CONCURRENCY_LIMITS = {"export": {"per_user": 1, "total": 5}}
    settings.CONCURRENCY_RETRY_AFTER_SECONDS = 7
    held = concurrency.slot_acquire(scope="export", ident=str(user.pk))
    view = Limited.as_view(throttle_classes=[ScopedRateLimit, ConcurrencyCap])
    response = view(drf_request(user))
    concurrency.slot_release(lease=held)
    assert response.status_code == 429
    assert response["Retry-After"] == "7"
    assert response.data["code"] == "too_many_concurrent"
    assert response.data["detail"].startswith("You already have 1 export running.")

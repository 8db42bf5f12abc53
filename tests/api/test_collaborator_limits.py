"""The sharing routes are rate-limited per user like the other writes: the collaborators list
(`collaborators_list`), its changes (`collaborators_change`: POST, PATCH and DELETE share one
budget) and the ownership transfer (`ownership_transfer`). Past the limit: 429 with the one
JSON error body (`rate_limited`, the wait in `detail`) and Retry-After; another user's budget
is untouched."""

import pytest
from django.urls import reverse
from django_redis import get_redis_connection

from tests.factories import BookFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    """Each sharing scope at 2 requests a minute, counted from zero in Redis."""

    def set_limits(**scopes):
        get_redis_connection("ratelimit").flushdb()
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **scopes}

    return set_limits


def collaborators_url(book, user_id=None):
    if user_id is None:
        return reverse("book-collaborator-list", kwargs={"book_id": str(book.pk)})
    kwargs = {"book_id": str(book.pk), "user_id": str(user_id)}
    return reverse("book-collaborator-detail", kwargs=kwargs)


def assert_rate_limited(response):
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["code"] == "rate_limited" and "Rate limit exceeded" in body["detail"]
    assert int(response["Retry-After"]) > 0


def test_listing_the_collaborators_is_limited(api, other_api, user, other_user, limits):
    book, theirs = BookFactory(owner=user), BookFactory(owner=other_user)
    limits(collaborators_list="2/60")
    codes = [api.get(collaborators_url(book)).status_code for _ in range(2)]
    assert codes == [200, 200]
    assert_rate_limited(api.get(collaborators_url(book)))
    assert other_api.get(collaborators_url(theirs)).status_code == 200


def test_adding_changing_and_removing_share_one_budget(api, user, limits):
    book, ann = BookFactory(owner=user), UserFactory()
    limits(collaborators_change="2/60")
    added = api.post(collaborators_url(book), {"email": ann.email, "role": "viewer"}, format="json")
    assert added.status_code == 201
    changed = api.patch(collaborators_url(book, ann.pk), {"role": "editor"}, format="json")
    assert changed.status_code == 200
    assert_rate_limited(api.delete(collaborators_url(book, ann.pk)))
    book.refresh_from_db()
    assert book.collaborator_ids == [ann.pk]  # the refused removal did nothing


def test_transferring_the_ownership_is_limited(api, user, limits):
    book = BookFactory(owner=user)
    url = reverse("book-transfer-ownership", kwargs={"book_id": str(book.pk)})
    limits(ownership_transfer="2/60")
    body = {"email": "nobody@example.com"}
    codes = [api.post(url, body, format="json").status_code for _ in range(2)]
    assert codes == [404, 404]  # counted whatever the outcome
    assert_rate_limited(api.post(url, {"email": UserFactory().email}, format="json"))
    book.refresh_from_db()
    assert book.owner_id == user.pk

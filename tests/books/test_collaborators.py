"""Shared books through the API: collaborators with roles (viewer < editor < co-author <
owner), who may manage them, ownership transfer, the shared-book list, the caches that must
never serve one user's view to another, audit rows naming the acting collaborator, account
deletion and concurrent changes of the list."""

import pytest
from bson import ObjectId
from django.urls import reverse

from accounts.models import AuditLog
from accounts.services.users import user_delete
from books.models import Book, Chapter
from books.selectors import readable_book_ids
from tests.books.test_concurrency import Client, run_parallel
from tests.conftest import bearer_client
from tests.factories import BookFactory, UserFactory

pytestmark = pytest.mark.django_db


def collaborators_url(book_id, user_id=None):
    if user_id is None:
        return reverse("book-collaborator-list", kwargs={"book_id": str(book_id)})
    kwargs = {"book_id": str(book_id), "user_id": str(user_id)}
    return reverse("book-collaborator-detail", kwargs=kwargs)


def book_url(book_id, name="book-detail"):
    return reverse(name, kwargs={"book_id": str(book_id)})


def share(client, book_id, user, role):
    return client.post(
        collaborators_url(book_id), {"email": user.email, "role": role}, format="json"
    )


@pytest.fixture
def shared(api, user):
    """The first user's book (with a one-chapter TOC) shared with a viewer, an editor and a
    co-author; the clients of each."""
    book = api.post(reverse("book-list"), {"title": "Shared Book"}, format="json").json()
    toc = {"toc": {"chapters": [{"id": "c1", "title": "One"}]}}
    assert api.put(book_url(book["id"], "book-toc"), toc, format="json").status_code == 200
    people = {role: UserFactory() for role in ("viewer", "editor", "co-author")}
    for role, person in people.items():
        assert share(api, book["id"], person, role).status_code == 201
    clients = {role: bearer_client(person) for role, person in people.items()}
    return {"book_id": book["id"], "people": people, "clients": clients, "owner": user}


def test_owner_shares_by_email_and_everyone_sees_the_list(api, user, shared):
    listed = shared["clients"]["viewer"].get(collaborators_url(shared["book_id"]))
    assert listed.status_code == 200
    rows = listed.json()
    assert [(r["email"], r["role"]) for r in rows] == [
        (user.email, "owner"),
        *[(p.email, role) for role, p in shared["people"].items()],
    ]
    assert all(set(r) == {"user_id", "email", "role", "added_at"} for r in rows)
    stored = Book.objects.get(pk=ObjectId(shared["book_id"]))
    assert stored.collaborator_ids == [p.pk for p in shared["people"].values()]
    body = api.get(book_url(shared["book_id"])).json()
    assert [c["role"] for c in body["collaborators"]] == ["viewer", "editor", "co-author"]
    assert {c["user_id"] for c in body["collaborators"]} == {
        str(p.pk) for p in shared["people"].values()
    }


def test_add_refusals(api, user, shared):
    book_id = shared["book_id"]
    unknown = api.post(
        collaborators_url(book_id), {"email": "nobody@example.com", "role": "viewer"}
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "user_not_found"
    owner = share(api, book_id, user, "editor")
    assert owner.status_code == 409 and owner.json()["code"] == "collaborator_is_owner"
    again = share(api, book_id, shared["people"]["viewer"], "editor")
    assert again.status_code == 409 and again.json()["code"] == "collaborator_exists"
    bad_role = share(api, book_id, UserFactory(), "owner")
    assert bad_role.status_code == 422
    missing = api.post(collaborators_url(book_id), {"role": "viewer"}, format="json")
    assert missing.status_code == 422
    assert len(Book.objects.get(pk=ObjectId(book_id)).collaborators) == 3


def test_who_manages_collaborators(shared):
    book_id, people, clients = shared["book_id"], shared["people"], shared["clients"]
    newcomer = UserFactory()
    for role in ("viewer", "editor"):
        refused = share(clients[role], book_id, newcomer, "viewer")
        assert refused.status_code == 403 and refused.json()["code"] == "insufficient_book_role"
    co_author = clients["co-author"]
    assert share(co_author, book_id, newcomer, "co-author").status_code == 201
    # a co-author changes editors and viewers, never a peer nor the owner
    changed = co_author.patch(collaborators_url(book_id, people["viewer"].pk), {"role": "editor"})
    assert changed.status_code == 200 and changed.json()["role"] == "editor"
    peer = co_author.delete(collaborators_url(book_id, newcomer.pk))
    assert peer.status_code == 403 and peer.json()["code"] == "role_above_own"
    owner = co_author.patch(collaborators_url(book_id, shared["owner"].pk), {"role": "viewer"})
    assert owner.status_code == 409 and owner.json()["code"] == "collaborator_is_owner"
    unknown = co_author.delete(collaborators_url(book_id, UserFactory().pk))
    assert unknown.status_code == 404 and unknown.json()["code"] == "collaborator_not_found"
    # an editor removes nobody else, but anyone may leave
    other = clients["editor"].delete(collaborators_url(book_id, people["viewer"].pk))
    assert other.status_code == 403
    assert (
        clients["editor"].delete(collaborators_url(book_id, people["editor"].pk)).status_code == 204
    )
    assert clients["editor"].get(book_url(book_id)).status_code == 403
    roles = {c["user_id"]: c["role"] for c in Book.objects.get(pk=ObjectId(book_id)).collaborators}
    assert roles == {
        str(people["viewer"].pk): "editor",
        str(people["co-author"].pk): "co-author",
        str(newcomer.pk): "co-author",
    }


def test_roles_gate_reads_edits_and_deletion(shared):
    book_id, clients = shared["book_id"], shared["clients"]
    content = reverse("chapter-content", kwargs={"book_id": book_id, "chapter_id": "c1"})
    viewer = clients["viewer"]
    assert viewer.get(book_url(book_id)).status_code == 200
    assert viewer.get(content).status_code == 200
    refused = viewer.patch(content, {"content": "<p>viewer</p>"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_book_role"
    saved = clients["editor"].patch(content, {"content": "<p>editor</p>"}, format="json")
    assert saved.status_code == 200
    assert Chapter.objects.get(chapter_id="c1").content == "<p>editor</p>"
    for role in ("viewer", "editor", "co-author"):
        deleted = clients[role].delete(book_url(book_id))
        assert deleted.status_code == 403, role
    assert Book.objects.filter(pk=ObjectId(book_id), deleted_at=None).exists()


def test_shared_books_appear_in_the_collaborators_list_with_their_role(api, shared):
    viewer = shared["clients"]["viewer"]
    own = viewer.post(reverse("book-list"), {"title": "Viewer's own"}, format="json").json()
    listed = viewer.get(reverse("book-list"))
    assert listed.status_code == 200 and listed["X-Total-Count"] == "2"
    roles = {b["id"]: b["role"] for b in listed.json()}
    assert roles == {own["id"]: "owner", shared["book_id"]: "viewer"}
    assert [b["role"] for b in api.get(reverse("book-list")).json()] == ["owner"]
    assert set(readable_book_ids(shared["people"]["viewer"])) == {
        ObjectId(own["id"]),
        ObjectId(shared["book_id"]),
    }
    assert readable_book_ids(UserFactory()) == []


def test_readable_book_ids_is_one_command_and_skips_deleted_books(user, count_mongo_commands):
    mine = BookFactory(owner=user)
    theirs = BookFactory(collaborators=[{"user_id": str(user.pk), "role": "viewer"}])
    Book.objects.filter(pk=theirs.pk).update(collaborator_ids=[user.pk])
    gone = BookFactory(owner=user)
    Book.objects.filter(pk=gone.pk).update(deleted_at=gone.created_at)
    BookFactory()  # someone else's, not shared
    with count_mongo_commands() as commands:
        ids = readable_book_ids(user)
    assert set(ids) == {mine.pk, theirs.pk} and len(commands) == 1, commands


def test_list_cache_follows_sharing_and_unsharing(api, user):
    friend = UserFactory()
    friend_api = bearer_client(friend)
    book = api.post(reverse("book-list"), {"title": "Soon shared"}, format="json").json()
    assert friend_api.get(reverse("book-list")).json() == []  # cached now
    assert share(api, book["id"], friend, "viewer").status_code == 201
    listed = friend_api.get(reverse("book-list")).json()
    assert [(b["id"], b["role"]) for b in listed] == [(book["id"], "viewer")]
    # the owner renames it: the collaborator's cached list follows
    assert api.patch(book_url(book["id"]), {"title": "Renamed"}, format="json").status_code == 200
    assert [b["title"] for b in friend_api.get(reverse("book-list")).json()] == ["Renamed"]
    assert (
        api.patch(collaborators_url(book["id"], friend.pk), {"role": "editor"}).status_code == 200
    )
    assert [b["role"] for b in friend_api.get(reverse("book-list")).json()] == ["editor"]
    assert api.delete(collaborators_url(book["id"], friend.pk)).status_code == 204
    assert friend_api.get(reverse("book-list")).json() == []


def test_cached_book_reads_are_never_served_to_another_user(api, user):
    friend = UserFactory()
    friend_api = bearer_client(friend)
    book = api.post(reverse("book-list"), {"title": "Cached"}, format="json").json()
    assert api.get(book_url(book["id"])).json()["role"] == "owner"  # cached for the owner
    assert friend_api.get(book_url(book["id"])).status_code == 403
    assert share(api, book["id"], friend, "viewer").status_code == 201
    assert api.get(book_url(book["id"])).json()["role"] == "owner"
    seen = friend_api.get(book_url(book["id"]))
    assert seen.status_code == 200 and seen.json()["role"] == "viewer"
    toc = friend_api.get(book_url(book["id"], "book-toc"))
    assert toc.status_code == 200
    assert api.delete(collaborators_url(book["id"], friend.pk)).status_code == 204
    for name in ("book-detail", "book-toc"):
        gone = friend_api.get(book_url(book["id"], name))
        assert gone.status_code == 403 and "Cached" not in gone.content.decode(), name


def test_transfer_ownership(api, user, shared):
    book_id, people, clients = shared["book_id"], shared["people"], shared["clients"]
    url = book_url(book_id, "book-transfer-ownership")
    refused = clients["co-author"].post(url, {"email": people["co-author"].email}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_book_role"
    both = api.post(url, {"email": user.email, "user_id": str(user.pk)}, format="json")
    assert both.status_code == 422
    assert api.post(url, {"email": "nobody@example.com"}, format="json").status_code == 404
    assert api.post(url, {"user_id": str(user.pk)}, format="json").status_code == 409
    moved = api.post(url, {"email": people["editor"].email}, format="json")
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert body["owner_id"] == str(people["editor"].pk) and body["role"] == "co-author"
    roles = {c["user_id"]: c["role"] for c in body["collaborators"]}
    assert roles == {
        str(people["viewer"].pk): "viewer",
        str(people["co-author"].pk): "co-author",
        str(user.pk): "co-author",
    }
    assert api.delete(book_url(book_id)).status_code == 403  # no longer the owner
    assert [b["role"] for b in clients["editor"].get(reverse("book-list")).json()] == ["owner"]
    assert [b["role"] for b in api.get(reverse("book-list")).json()] == ["co-author"]
    back = clients["editor"].post(url, {"user_id": str(user.pk)}, format="json")
    assert back.status_code == 200 and back.json()["owner_id"] == str(user.pk)


def test_audit_rows_name_the_acting_collaborator(api, user, shared):
    book_id, people, clients = shared["book_id"], shared["people"], shared["clients"]
    editor = clients["editor"]
    assert (
        editor.patch(book_url(book_id), {"title": "By the editor"}, format="json").status_code
        == 200
    )
    content = reverse("chapter-content", kwargs={"book_id": book_id, "chapter_id": "c1"})
    assert editor.patch(content, {"content": "<p>editor</p>"}, format="json").status_code == 200
    rows = AuditLog.objects.filter(book_id=book_id, actor_id=str(people["editor"].pk))
    assert {"book_update"} <= set(rows.values_list("action", flat=True))
    assert rows.count() >= 2
    added = AuditLog.objects.get(action="collaborator_add", target_id=str(people["editor"].pk))
    assert added.actor_id == str(user.pk) and added.changes == {"role": [None, "editor"]}
    newcomer = UserFactory()
    assert share(clients["co-author"], book_id, newcomer, "viewer").status_code == 201
    row = AuditLog.objects.get(action="collaborator_add", target_id=str(newcomer.pk))
    assert row.actor_id == str(people["co-author"].pk) and row.book_id == book_id


def test_deleting_an_account_removes_its_collaborations(api, shared):
    viewer = shared["people"]["viewer"]
    own = BookFactory(owner=viewer)
    user_delete(user=viewer)
    book = Book.objects.get(pk=ObjectId(shared["book_id"]))
    assert str(viewer.pk) not in {c["user_id"] for c in book.collaborators}
    assert viewer.pk not in book.collaborator_ids and len(book.collaborator_ids) == 2
    assert not Book.objects.filter(pk=own.pk).exists()
    assert [r["role"] for r in api.get(collaborators_url(shared["book_id"])).json()] == [
        "owner",
        "editor",
        "co-author",
    ]


def test_listing_costs_the_same_commands_with_and_without_shared_books(
    api, user, count_mongo_commands, settings
):
    settings.REDIS_ENABLED = False
    BookFactory(owner=user)

    def commands():
        with count_mongo_commands() as sent:
            assert api.get(reverse("book-list")).status_code == 200
        return sent

    alone = commands()
    for _ in range(5):
        other = BookFactory(collaborators=[{"user_id": str(user.pk), "role": "editor"}])
        Book.objects.filter(pk=other.pk).update(collaborator_ids=[user.pk])
    assert len(api.get(reverse("book-list")).json()) == 6
    assert commands() == alone


@pytest.mark.django_db(transaction=True)
def test_two_co_authors_sharing_at_once_lose_nothing(live_server):
    owner = UserFactory()
    book = BookFactory(owner=owner)
    authors = [UserFactory(), UserFactory()]
    entries = [{"user_id": str(a.pk), "role": "co-author"} for a in authors]
    Book.objects.filter(pk=book.pk).update(
        collaborators=entries, collaborator_ids=[a.pk for a in authors]
    )
    newcomers = [UserFactory() for _ in range(4)]
    url = collaborators_url(book.pk)
    clients = [Client(live_server.url, authors[i % 2]) for i in range(4)]
    results = run_parallel(
        [
            lambda c=c, n=n: c.call("POST", url, {"email": n.email, "role": "editor"})
            for c, n in zip(clients, newcomers, strict=True)
        ]
    )
    assert [status for status, _ in results] == [201] * 4, results
    stored = Book.objects.get(pk=book.pk)
    assert {c["user_id"] for c in stored.collaborators} == {
        str(p.pk) for p in (*authors, *newcomers)
    }
    assert stored.collaborators_version == 4


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_the_same_chapter_one_wins_one_409(live_server):
    owner = UserFactory()
    editors = [UserFactory(), UserFactory()]
    book = BookFactory(owner=owner, toc={"chapters": [{"id": "c", "title": "C"}]})
    entries = [{"user_id": str(e.pk), "role": "editor"} for e in editors]
    Book.objects.filter(pk=book.pk).update(
        collaborators=entries, collaborator_ids=[e.pk for e in editors]
    )
    url = reverse("chapter-content", kwargs={"book_id": str(book.pk), "chapter_id": "c"})
    bodies = [{"content": f"from editor {i}", "expected_version": 0} for i in range(2)]
    clients = [Client(live_server.url, e) for e in editors]
    results = run_parallel(
        [lambda c=c, b=b: c.call("PATCH", url, b) for c, b in zip(clients, bodies, strict=True)]
    )
    assert sorted(status for status, _ in results) == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "version_conflict"
    winner = next(i for i, (status, _) in enumerate(results) if status == 200)
    chapter = Chapter.objects.get(book=book, chapter_id="c")
    assert chapter.content == bodies[winner]["content"] and chapter.version == 1


def test_the_shared_books_index_is_declared_and_created():
    """`check_indexes` expects the multikey index the shared-book list filters on, and the
    migrations create it."""
    from django.db import connection

    from autoauthor.indexes import expected_indexes

    expected = {(i.collection, i.name): i.keys for i in expected_indexes()}
    assert expected[("books", "book_collaborator_ids_idx")] == (("collaborator_ids", 1),)
    info = connection.database["books"].index_information()
    assert list(info["book_collaborator_ids_idx"]["key"]) == [("collaborator_ids", 1)]

"""The operations `make bench` drives: per worker, a request factory and a response callback."""

import json

from bench.loadgen import json_request
from bench.seeding import WORDS, toc_payload

PREFIX = "/api/v1/books"


def cycling(build):
    """make(worker) -> a factory that calls build(n) with n = worker + 1, worker + 2, ..."""

    def make(worker):
        state = {"n": worker}

        def factory():
            state["n"] += 1
            return build(state["n"])

        return factory

    return make


def track_version(state):
    """A callback keeping the TOC version a writer last saw (a 409 counts as a conflict)."""

    def callback(status, body):
        if status in (200, 409):
            try:
                parsed = json.loads(body)
                state["v"] = parsed.get("version", parsed.get("current_version", state["v"]))
            except ValueError:
                return None
        return "conflict" if status == 409 else None

    return callback


def _book_operations(data: dict) -> dict:
    reader, writer = data["reader"], data["writer"]
    return {
        "list_books": (
            cycling(lambda n: json_request("GET", f"{PREFIX}/?limit=100", reader)),
            None,
        ),
        "get_book": (
            cycling(lambda n: json_request("GET", f"{PREFIX}/{data['book_ids'][n % 100]}", reader)),
            None,
        ),
        "create_book": (
            cycling(lambda n: json_request("POST", f"{PREFIX}/", writer, {"title": f"New {n}"})),
            None,
        ),
    }


def _toc_operations(data: dict) -> dict:
    reader, writer = data["reader"], data["writer"]
    toc_book = data["toc_book"]
    shared_version = {"v": data["toc_version"]}

    def put_same(worker):
        def factory():
            payload = toc_payload(50, with_ids=data["chapter_ids"])
            payload["expected_version"] = shared_version["v"]
            return json_request("PUT", f"{PREFIX}/{toc_book}/toc", reader, {"toc": payload})

        return factory

    own_state = [{"v": version} for _, _, version in data["own_books"]]

    def put_own(worker):
        book_id, ids, _ = data["own_books"][worker % len(data["own_books"])]
        state = own_state[worker % len(own_state)]

        def factory():
            payload = toc_payload(50, with_ids=ids)
            payload["expected_version"] = state["v"]
            return json_request("PUT", f"{PREFIX}/{book_id}/toc", writer, {"toc": payload})

        return factory

    return {
        "get_toc": (
            cycling(lambda n: json_request("GET", f"{PREFIX}/{toc_book}/toc", reader)),
            None,
        ),
        "put_toc_same_book": (put_same, lambda worker: track_version(shared_version)),
        "put_toc_own_book": (put_own, lambda worker: track_version(own_state[worker % 32])),
    }


def _chapter_operations(data: dict) -> dict:
    reader, toc_book = data["reader"], data["toc_book"]
    questions = data["question_ids"]
    chapter_path = f"{PREFIX}/{toc_book}/chapters/{data['chapter_ids'][0]}"
    return {
        "chapters_metadata": (
            cycling(
                lambda n: json_request("GET", f"{PREFIX}/{toc_book}/chapters/metadata", reader)
            ),
            None,
        ),
        "save_response": (
            cycling(
                lambda n: json_request(
                    "PUT",
                    f"{chapter_path}/questions/{questions[n % 20]}/response",
                    reader,
                    {"response_text": " ".join(WORDS * 3) + f" {n}", "status": "draft"},
                )
            ),
            None,
        ),
    }


def operations(data: dict) -> dict:
    """name -> (make_request(worker) -> factory, on_response(worker) -> callback | None)."""
    return {**_book_operations(data), **_toc_operations(data), **_chapter_operations(data)}

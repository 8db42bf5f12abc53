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
    return {
        "list_books": (
            cycling(lambda n: json_request("GET", f"{PREFIX}/?limit=100", data["reader"])),
            None,
        ),
        "get_book": (
            cycling(
                lambda n: json_request(
                    "GET", f"{PREFIX}/{data['book_ids'][n % 100]}", data["reader"]
                )
            ),
            None,
        ),
        "create_book": (
            cycling(
                lambda n: json_request("POST", f"{PREFIX}/", data["writer"], {"title": f"New {n}"})
            ),
            None,
        ),
    }


def _versioned(states: list[dict], build):
    """(make, on_response) of a writer that sends the version it last saw: worker w keeps
    states[w % len(states)] and sends build(w, version)."""

    def make(worker):
        state = states[worker % len(states)]
        return lambda: build(worker, state["v"])

    return make, lambda worker: track_version(states[worker % len(states)])


def _toc_operations(data: dict) -> dict:
    toc_book, own_books = data["toc_book"], data["own_books"]

    def put_shared(worker, version):  # the editors of the reader's book, all on that one book
        payload = toc_payload(50, with_ids=data["chapter_ids"]) | {"expected_version": version}
        token = data["editors"][worker % len(data["editors"])]
        return json_request("PUT", f"{PREFIX}/{toc_book}/toc", token, {"toc": payload})

    def put_own(worker, version):  # each worker its own book
        book_id, ids, _ = own_books[worker % len(own_books)]
        payload = toc_payload(50, with_ids=ids) | {"expected_version": version}
        return json_request("PUT", f"{PREFIX}/{book_id}/toc", data["writer"], {"toc": payload})

    return {
        "get_toc": (
            cycling(lambda n: json_request("GET", f"{PREFIX}/{toc_book}/toc", data["reader"])),
            None,
        ),
        "put_toc_shared_book": _versioned([{"v": data["toc_version"]}], put_shared),
        "put_toc_own_book": _versioned([{"v": v} for _, _, v in own_books], put_own),
    }


def _content_operation(data: dict) -> tuple:
    """Save chapter content: each worker the first chapter of its own book (an autosave that
    sends the content version it last saw)."""
    own_books = data["own_books"]

    def save(worker, version):
        book_id, ids, _ = own_books[worker % len(own_books)]
        words = " ".join(WORDS[(worker + i) % len(WORDS)] for i in range(60))
        body = {"content": f"<p>{words} {version}</p>", "expected_version": version}
        return json_request(
            "PATCH", f"{PREFIX}/{book_id}/chapters/{ids[0]}/content", data["writer"], body
        )

    return _versioned([{"v": v} for v in data["content_versions"]], save)


def _chapter_operations(data: dict) -> dict:
    toc_book = data["toc_book"]
    questions = data["question_ids"]
    chapter_path = f"{PREFIX}/{toc_book}/chapters/{data['chapter_ids'][0]}"
    return {
        "chapters_metadata": (
            cycling(
                lambda n: json_request(
                    "GET", f"{PREFIX}/{toc_book}/chapters/metadata", data["reader"]
                )
            ),
            None,
        ),
        "save_response": (
            cycling(
                lambda n: json_request(
                    "PUT",
                    f"{chapter_path}/questions/{questions[n % 20]}/response",
                    data["reader"],
                    {"response_text": " ".join(WORDS * 3) + f" {n}", "status": "draft"},
                )
            ),
            None,
        ),
    }


def operations(data: dict) -> dict:
    """name -> (make_request(worker) -> factory, on_response(worker) -> callback | None)."""
    return {
        **_book_operations(data),
        **_toc_operations(data),
        "save_content": _content_operation(data),
        **_chapter_operations(data),
    }


# Writes are compared with the database's update ceiling, reads with its find ceiling.
WRITES = ("create_book", "put_toc_shared_book", "put_toc_own_book", "save_content", "save_response")

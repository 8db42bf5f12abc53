"""`make bench`: throughput, latency, memory and MongoDB command counts of the hot endpoints.

Starts the API exactly as `make run` does (`manage.py runstack`: embedded MongoDB, migrations,
gunicorn with the same worker/thread settings, Redis from REDIS_URL) on a fresh database in a
temporary directory, with rate limiting switched off and DEBUG off. The embedded server runs the
memory engine by default: the anchor's ceilings (a raw find_one at about 2,500/s) are those of
that engine on this machine class; `--engine sqlite` measures the engine `make run` keeps its
data in. Seeds fixed data through the
HTTP API (one user with 100 books; one book with a 50-chapter TOC with content; one chapter with
20 questions; 32 more books with a TOC for the one-book-per-writer case), then drives each
operation for DURATION seconds at concurrency 1 and 32 with a closed-loop keep-alive client,
using real bearer-token authentication. Prints a table, writes JSON to var/bench/, and prints
the number of MongoDB commands a first and a repeated request of each operation issue (pymongo
command monitoring in this process, through Django's test client against the same database and
Redis: the repeated request shows what the Redis caches save).

Usage: python bench/run.py [--duration 20] [--concurrency 1 32] [--only get_toc ...]
       [--engine memory|sqlite]
"""

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import json_request, run  # noqa: E402
from bench.stack import stack_start, stack_stop  # noqa: E402

# The replaced backend on this machine class at concurrency 32 (req/s), from
# ../shared/reference/performance-anchor.md: with its authentication bypassed, and with its real
# session authentication (the comparison with ours, which always authenticates for real).
ANCHOR = {
    "list_books": 180,
    "get_book": 511,
    "create_book": 113,
    "get_toc": 376,
    "put_toc_same_book": 131,
    "put_toc_own_book": 90,
    "chapters_metadata": 232,
    "save_response": 71,
}
ANCHOR_REAL_AUTH = {
    "list_books": 146,
    "get_book": 264,
    "create_book": 54,
    "get_toc": 303,
    "put_toc_same_book": 96,
    "put_toc_own_book": 65,
    "chapters_metadata": 161,
    "save_response": 55,
}
WORDS = "the author writes a chapter about gardens rivers cities and the people in them".split()


def http(method: str, url: str, token: str | None = None, payload=None):
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            body = response.read()
            return response.status, json.loads(body) if body else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def expect(status_body, *ok):
    status, body = status_body
    if status not in ok:
        raise SystemExit(f"seeding failed: HTTP {status} {body}")
    return body


def toc_payload(chapters: int, *, with_ids: list[str] | None = None) -> dict:
    items = []
    for n in range(chapters):
        item = {
            "title": f"Chapter {n + 1}: {' '.join(WORDS[n % 5 : n % 5 + 4])}",
            "description": f"What chapter {n + 1} covers, in two short sentences. " * 2,
            "level": 1,
            "order": n + 1,
            "subchapters": [],
        }
        if with_ids:
            item["id"] = with_ids[n]
        items.append(item)
    return {"chapters": items, "total_chapters": chapters, "estimated_pages": chapters * 10}


def seed(base: str) -> dict:
    api = f"{base}/api/v1"
    reader = expect(
        http("POST", f"{api}/auth/register", payload={"email": "reader@bench.local",
             "password": "bench-Password-123"}), 201)["access"]  # fmt: skip
    writer = expect(
        http("POST", f"{api}/auth/register", payload={"email": "writer@bench.local",
             "password": "bench-Password-123"}), 201)["access"]  # fmt: skip
    book_ids = [
        expect(
            http(
                "POST",
                f"{api}/books/",
                reader,
                {
                    "title": f"Book {n}",
                    "genre": "Essay",
                    "description": "A book used by the benchmark. " * 5,
                },
            ),
            201,
        )["id"]  # fmt: skip
        for n in range(100)
    ]
    toc_book = book_ids[0]
    toc = expect(http("PUT", f"{api}/books/{toc_book}/toc", reader, {"toc": toc_payload(50)}), 200)
    chapter_ids = [chapter["id"] for chapter in toc["toc"]["chapters"]]
    content = "<p>" + " ".join(WORDS[(i * 7) % len(WORDS)] for i in range(60)) + "</p>"
    for chapter_id in chapter_ids:
        expect(http("PATCH", f"{api}/books/{toc_book}/chapters/{chapter_id}/content", reader,
                    {"content": content}), 200)  # fmt: skip
    questions = expect(
        http("POST", f"{api}/books/{toc_book}/chapters/{chapter_ids[0]}/generate-questions",
             reader, {"count": 20}), 200)["questions"]  # fmt: skip
    own_books = []
    for n in range(32):
        book = expect(http("POST", f"{api}/books/", writer, {"title": f"Writer book {n}"}), 201)
        own = expect(http("PUT", f"{api}/books/{book['id']}/toc", writer,
                          {"toc": toc_payload(50)}), 200)  # fmt: skip
        own_books.append((book["id"], [c["id"] for c in own["toc"]["chapters"]], own["version"]))
    return {
        "reader": reader,
        "writer": writer,
        "book_ids": book_ids,
        "toc_book": toc_book,
        "chapter_ids": chapter_ids,
        "toc_version": toc["version"],
        "question_ids": [q["id"] for q in questions],
        "own_books": own_books,
    }


def operations(data: dict) -> dict:
    """name -> (make_request(worker) -> factory, on_response(worker) -> callback | None)."""
    reader, writer = data["reader"], data["writer"]
    prefix = "/api/v1/books"
    toc_book, chapter0 = data["toc_book"], data["chapter_ids"][0]

    def cycling(build):
        def make(worker):
            state = {"n": worker}

            def factory():
                state["n"] += 1
                return build(state["n"])

            return factory

        return make

    shared_version = {"v": data["toc_version"]}

    def put_same(worker):
        def factory():
            payload = toc_payload(50, with_ids=data["chapter_ids"])
            payload["expected_version"] = shared_version["v"]
            return json_request("PUT", f"{prefix}/{toc_book}/toc", reader, {"toc": payload})

        return factory

    def track_version(state):
        def callback(status, body):
            if status in (200, 409):
                try:
                    parsed = json.loads(body)
                    state["v"] = parsed.get("version", parsed.get("current_version", state["v"]))
                except ValueError:
                    return None
            return "conflict" if status == 409 else None

        return callback

    own_state = [{"v": version} for _, _, version in data["own_books"]]

    def put_own(worker):
        book_id, ids, _ = data["own_books"][worker % len(data["own_books"])]
        state = own_state[worker % len(own_state)]

        def factory():
            payload = toc_payload(50, with_ids=ids)
            payload["expected_version"] = state["v"]
            return json_request("PUT", f"{prefix}/{book_id}/toc", writer, {"toc": payload})

        return factory

    questions = data["question_ids"]
    chapter_path = f"{prefix}/{toc_book}/chapters/{chapter0}"
    return {
        "list_books": (
            cycling(lambda n: json_request("GET", f"{prefix}/?limit=100", reader)),
            None,
        ),
        "get_book": (
            cycling(lambda n: json_request("GET", f"{prefix}/{data['book_ids'][n % 100]}", reader)),
            None,
        ),
        "create_book": (
            cycling(lambda n: json_request("POST", f"{prefix}/", writer, {"title": f"New {n}"})),
            None,
        ),
        "get_toc": (
            cycling(lambda n: json_request("GET", f"{prefix}/{toc_book}/toc", reader)),
            None,
        ),
        "put_toc_same_book": (put_same, lambda worker: track_version(shared_version)),
        "put_toc_own_book": (put_own, lambda worker: track_version(own_state[worker % 32])),
        "chapters_metadata": (
            cycling(
                lambda n: json_request("GET", f"{prefix}/{toc_book}/chapters/metadata", reader)
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


def process_tree(pid: int) -> list[int]:
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_kind(pid: int) -> str:
    """ "mongodb" (the embedded server), "worker" (the Celery jobs worker) or "api"."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    if b"embedded_mongo" in cmdline:
        return "mongodb"
    return "worker" if b"celery" in cmdline else "api"


class RssSampler(threading.Thread):
    """Samples the summed RSS of the API processes (gunicorn), of the jobs worker and of the
    database separately."""

    def __init__(self, root_pid: int):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak = {"api": 0, "worker": 0, "mongodb": 0}  # KiB
        self._stop = threading.Event()

    def run(self):
        while not self._stop.is_set():
            now = dict.fromkeys(self.peak, 0)
            for pid in process_tree(self.root_pid):
                kind = process_kind(pid)
                if pid != self.root_pid and kind in now:
                    now[kind] += rss_kib(pid)
            self.peak = {kind: max(self.peak[kind], now[kind]) for kind in self.peak}
            self._stop.wait(0.25)

    def stop(self):
        self._stop.set()
        self.join()


def count_commands(env: dict, data: dict) -> dict[str, int]:
    """MongoDB commands one request of each operation issues (in-process, same database)."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "autoauthor.settings"
    from pymongo import monitoring

    commands: list[str] = []

    class Counter(monitoring.CommandListener):
        def started(self, event):
            commands.append(event.command_name)

        def succeeded(self, event):
            pass

        def failed(self, event):
            pass

    monitoring.register(Counter())  # before Django creates its MongoClient
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for name, (make, on_response) in operations(data).items():
        factory = make(0)
        callback = on_response(0) if on_response else None  # writers track the TOC version
        client.get("/api/v1/", headers={})  # warm-up outside the count
        per_request = []
        for _ in range(2):  # the first may fill the Redis caches, the second may hit them
            request = factory()
            commands.clear()
            response = client.generic(
                request.method,
                request.path,
                data=request.body,
                content_type="application/json",
                HTTP_AUTHORIZATION=request.headers["Authorization"],
            )
            per_request.append(len(commands))
            if callback:
                callback(response.status_code, response.content)
        counts[name] = per_request
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--only", nargs="*")
    parser.add_argument(
        "--engine",
        choices=["sqlite", "memory"],
        default="memory",
        help="embedded server engine (the anchor's numbers match memory; make run uses sqlite)",
    )
    args = parser.parse_args()

    stack = stack_start(engine=args.engine)
    base = stack.base
    try:
        print(f"API up at {base}; seeding...", flush=True)
        data = seed(base)
        # One request of each operation in this process, counting its MongoDB commands (before
        # the load, so every request is the successful kind).
        counts = count_commands({**stack.env, "MONGODB_URI": stack.mongo_uri}, data)
        ops = operations(data)
        names = [n for n in ops if not args.only or n in args.only]
        sampler = RssSampler(stack.server.pid)
        sampler.start()
        rows = []
        for name in names:
            make, on_response = ops[name]
            for concurrency in args.concurrency:
                result = run(
                    base_url=base,
                    make_request=make,
                    concurrency=concurrency,
                    duration=args.duration,
                    on_response=on_response,
                )
                rows.append(
                    {
                        "operation": name,
                        "concurrency": concurrency,
                        "requests": result.completed,
                        "rps": round(result.completed / result.elapsed, 1),
                        "p50_ms": round(result.percentile(50) * 1000, 1),
                        "p99_ms": round(result.percentile(99) * 1000, 1),
                        "errors": result.errors,
                        "error_rate": round(result.errors / max(1, result.completed), 4),
                        "conflicts": result.expected_conflicts,
                        "statuses": result.statuses,
                    }
                )
                print(
                    f"{name:<18} c={concurrency:<3} {rows[-1]['rps']:>8} req/s  "
                    f"p50 {rows[-1]['p50_ms']:>7} ms  p99 {rows[-1]['p99_ms']:>7} ms  "
                    f"errors {result.errors}  409s {result.expected_conflicts}",
                    flush=True,
                )
        sampler.stop()
    finally:
        stack_stop(stack)

    print()
    print("anchor: the replaced backend at c=32 with its auth bypassed / with real auth; "
          "cmds: MongoDB commands of a first / a repeated request")  # fmt: skip
    print(f"{'operation':<18} {'conc':>4} {'req/s':>8} {'anchor':>9} {'ratio':>11} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'err%':>6} {'409s':>6} {'cmds':>5}")  # fmt: skip
    for row in rows:
        name = row["operation"]
        anchor = ratio = ""
        if row["concurrency"] == 32 and name in ANCHOR:
            anchor = f"{ANCHOR[name]}/{ANCHOR_REAL_AUTH[name]}"
            ratio = f"{row['rps'] / ANCHOR[name]:.2f}/{row['rps'] / ANCHOR_REAL_AUTH[name]:.2f}"
        cmds = "/".join(str(n) for n in counts.get(name, []))
        print(
            f"{name:<18} {row['concurrency']:>4} {row['rps']:>8} {anchor:>9} {ratio:>11} "
            f"{row['p50_ms']:>8} {row['p99_ms']:>8} {row['error_rate'] * 100:>6.2f} "
            f"{row['conflicts']:>6} {cmds:>5}"
        )
    peak = {kind: round(kib / 1024) for kind, kib in sampler.peak.items()}
    print(f"\npeak RSS: API processes {peak['api']} MiB, jobs worker {peak['worker']} MiB, "
          f"embedded MongoDB {peak['mongodb']} MiB")  # fmt: skip
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({
        "duration_s": args.duration,
        "engine": args.engine,
        "rows": rows,
        "mongodb_commands_per_request": counts,
        "peak_rss_mib": peak,
        "anchor_rps_c32": {"auth_bypassed": ANCHOR, "real_auth": ANCHOR_REAL_AUTH},
    }, indent=2))  # fmt: skip
    print(f"JSON written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

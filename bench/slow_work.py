"""Slow work scenario: do slow exports and slow AI calls leave request threads for everyone else?

Starts the API as bench/run.py does (`manage.py runstack`: embedded MongoDB on a fresh database,
gunicorn with autoauthor/gunicorn_conf.py, 2 workers x 4 threads unless WEB_CONCURRENCY /
GUNICORN_THREADS say otherwise, DEBUG and rate limiting off so only the concurrency caps refuse
work), with a private redis-server (so leases a killed run leaves behind cannot touch the next)
and an OpenAI-compatible fake provider (tests/ai/fake_openai.py) that answers after
--provider-delay seconds. Seeds through the API one author with a book of --mb MB of chapter
HTML (1 MB a chapter), four AI users with a book each and a reader with a small book. Then fires
--exports concurrent PDF exports of the big book by its author and --ai concurrent AI calls
(transform-style, spread over the four AI users), and meanwhile drives the reader's
GET /api/v1/health and GET /books/{id} (one closed-loop client each) for --duration seconds.
Prints req/s, p50, p99 and max of each probe, and how the slow calls ended (429 by code, ran and
answered, still running when the probes stopped).

Usage: .venv/bin/python bench/slow_work.py [--quick] [--no-caps] [--duration 40] [--mb 40]
       (--quick: a 4 MB book, a 10 s provider and 15 s of probes; --no-caps: CONCURRENCY_ENABLE
       false, the behaviour before the caps)
"""

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import json_request, run  # noqa: E402
from bench.seeding import WORDS, expect, http, toc_payload  # noqa: E402
from bench.stack import stack_start, stack_stop  # noqa: E402
from tests.ai.fake_openai import FakeOpenAI  # noqa: E402
from tests.servers import RedisServer  # noqa: E402

AI_USERS = 4
CHAPTER_BYTES = 1_000_000


def chapter_html(seed: int, size: int = CHAPTER_BYTES) -> str:
    rng = random.Random(seed)
    parts, length = [], 0
    while length < size:
        paragraph = "<p>" + " ".join(rng.choice(WORDS) for _ in range(120)) + ".</p>"
        parts.append(paragraph)
        length += len(paragraph)
    return "".join(parts)


def register(api: str, email: str) -> str:
    body = {"email": email, "password": "bench-Password-123"}
    return expect(http("POST", f"{api}/auth/register", payload=body), 201)["access"]


def seed(base: str, megabytes: int) -> dict:
    """The big book (author), one book per AI user, and the reader's small book."""
    api = f"{base}/api/v1"
    author = register(api, "author@slow.bench")
    big = expect(http("POST", f"{api}/books/", author, {"title": "The Big Book"}), 201)["id"]
    toc = expect(
        http("PUT", f"{api}/books/{big}/toc", author, {"toc": toc_payload(megabytes)}), 200
    )
    ids = [chapter["id"] for chapter in toc["toc"]["chapters"]]

    def save(index_id):
        index, chapter_id = index_id
        path = f"{api}/books/{big}/chapters/{chapter_id}/content"
        expect(http("PATCH", path, author, {"content": chapter_html(index)}), 200)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(save, enumerate(ids)))
    ai_users = []
    for n in range(AI_USERS):
        token = register(api, f"ai{n}@slow.bench")
        book = expect(http("POST", f"{api}/books/", token, {"title": f"AI book {n}"}), 201)["id"]
        ai_users.append((token, book))
    reader = register(api, "reader@slow.bench")
    book = expect(http("POST", f"{api}/books/", reader, {"title": "Small", "genre": "Essay"}), 201)
    return {
        "author": author,
        "big": big,
        "ai_users": ai_users,
        "reader": reader,
        "book": book["id"],
    }


def slow_call(method: str, url: str, token: str, payload=None) -> str:
    """How one slow call ended: its status, with the error code of a 429."""
    data = json.dumps(payload).encode() if payload is not None else None
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            while response.read(1 << 20):
                pass
            return str(response.status)
    except urllib.error.HTTPError as error:
        body = error.read()
        if error.code == 429:
            return f"429 {json.loads(body).get('code')}"
        return str(error.code)
    except OSError as exc:
        return f"error {exc.__class__.__name__}"


def probe(base: str, path: str, token: str, duration: float, out: dict) -> None:
    def make(worker):
        return lambda: json_request("GET", path, token)

    out[path] = run(base_url=base, make_request=make, concurrency=1, duration=duration)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 MB book, 10 s provider, 15 s")
    parser.add_argument("--no-caps", action="store_true", help="CONCURRENCY_ENABLE=false")
    parser.add_argument("--duration", type=float)
    parser.add_argument("--mb", type=int, help="size of the big book (MB of chapter HTML)")
    parser.add_argument("--provider-delay", type=float)
    parser.add_argument("--exports", type=int, default=8)
    parser.add_argument("--ai", type=int, default=16)
    return parser.parse_args()


def start_services(args, delay: float):
    """The private Redis, the fake AI provider and the stack, started in that order."""
    redis_server = RedisServer(Path(tempfile.mkdtemp(prefix="autoauthor-slow-redis-")))
    redis_server.start()
    provider = FakeOpenAI().start()
    provider.reply("The text, rewritten.", delay=delay, times=args.ai)
    stack = stack_start(
        database="autoauthor_slow_bench",
        env={
            "REDIS_URL": redis_server.url,
            "OPENAI_API_KEY": "bench",
            "OPENAI_BASE_URL": provider.url,
            "OPENAI_MODEL": "bench-model",
            "OPENAI_TIMEOUT_SECONDS": str(delay + 30),
            "AI_MAX_RETRIES": "1",
            "AI_CACHE_ENABLED": "false",
            "CONCURRENCY_ENABLE": "false" if args.no_caps else "true",
        },
    )
    return redis_server, provider, stack


def fire_slow_calls(pool, base: str, data: dict, args) -> list:
    """Submit the PDF exports of the big book and the AI calls: [(kind, future), ...]."""
    api = f"{base}/api/v1/books"
    export_url = f"{api}/{data['big']}/export/pdf"
    calls = [
        ("export", pool.submit(slow_call, "GET", export_url, data["author"]))
        for _ in range(args.exports)
    ]
    style = {"content": "Some text to rewrite.", "target_style": "professional"}
    for n in range(args.ai):
        token, book = data["ai_users"][n % AI_USERS]
        path = f"{api}/{book}/chapters/ch1/transform-style"
        calls.append(("ai", pool.submit(slow_call, "POST", path, token, style)))
    return calls


def run_probes(base: str, data: dict, duration: float) -> dict:
    """The reader's health and book probes, side by side for ``duration`` seconds."""
    results: dict = {}
    probes = [
        threading.Thread(target=probe, args=(base, path, data["reader"], duration, results))
        for path in ("/api/v1/health", f"/api/v1/books/{data['book']}")
    ]
    for thread in probes:
        thread.start()
    for thread in probes:
        thread.join()
    return results


def main():
    args = parse_args()
    duration = args.duration or (15.0 if args.quick else 40.0)
    megabytes = args.mb or (4 if args.quick else 40)
    delay = args.provider_delay or (10.0 if args.quick else 30.0)

    redis_server, provider, stack = start_services(args, delay)
    base = stack.base
    pool = ThreadPoolExecutor(max_workers=args.exports + args.ai)
    try:
        print(f"API up at {base}; seeding a {megabytes} MB book...", flush=True)
        started = time.monotonic()
        data = seed(base, megabytes)
        seeded = time.monotonic() - started
        print(f"seeded in {seeded:.0f} s; firing {args.exports} PDF exports and {args.ai} AI "
              f"calls ({delay:g} s each), probing for {duration:g} s", flush=True)  # fmt: skip
        calls = fire_slow_calls(pool, base, data, args)
        time.sleep(0.5)  # the slow calls have reached the server
        results = run_probes(base, data, duration)
        wait([future for _, future in calls], timeout=5)
        report(results, calls, caps=not args.no_caps)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        stack_stop(stack)
        provider.stop()
        redis_server.stop()
    os._exit(0)  # slow calls still waiting on the stopped server must not hold the exit


def report(results: dict, calls: list, *, caps: bool) -> None:
    print(f"\nconcurrency caps {'on' if caps else 'OFF'}")
    print(f"{'probe (another user)':<40} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'non-2xx':>8}")  # fmt: skip
    for path, result in results.items():
        name = "GET /books/{id}" if "/books/" in path else f"GET {path}"
        worst = max(result.latencies, default=0.0)
        print(
            f"{name:<40} {result.completed / max(result.elapsed, 1e-9):>7.1f} "
            f"{result.percentile(50) * 1000:>8.1f} {result.percentile(99) * 1000:>8.1f} "
            f"{worst * 1000:>8.1f} {result.errors:>8}"
        )
    print(f"\n{'slow calls':<10} outcome (count)")
    for kind in ("export", "ai"):
        outcomes: dict[str, int] = {}
        for call_kind, future in calls:
            if call_kind == kind:
                outcome = future.result() if future.done() else "still running at the end"
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        print(f"{kind:<10} " + ", ".join(f"{k} ({v})" for k, v in sorted(outcomes.items())))


if __name__ == "__main__":
    main()

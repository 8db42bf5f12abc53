"""The ceilings every figure of `make bench` is divided by, measured in the same run:

- the framework's: one bare Django view (bench/framework: the project's settings and middleware,
  a URL configuration of one view returning a tiny JSON, no database, no authentication) served
  by gunicorn with autoauthor/gunicorn_conf.py, the API's workers and threads, driven by the same
  load generator as the API;
- the database's, for one command: raw pymongo `find_one({"_id": ...})` and
  `update_one({"_id": ...}, {"$inc": ...})` against the embedded server the API uses in that run,
  from `concurrency` threads sharing one MongoClient, for the same duration (each thread its own
  small document in a collection of its own, `bench_ceiling`)."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bench.loadgen import Request, run
from bench.stack import Stack, free_port

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = "bench_ceiling"


def framework_start(stack: Stack) -> tuple[subprocess.Popen, str]:
    """gunicorn as runstack starts it, serving bench.framework; (process, base URL)."""
    port = free_port()
    env = {
        **stack.env,
        "MONGODB_URI": stack.mongo_uri,
        "DJANGO_SETTINGS_MODULE": "bench.framework.settings",
        "PORT": str(port),
    }
    conf = ROOT / "autoauthor" / "gunicorn_conf.py"
    with stack.log.with_name("framework.log").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "autoauthor.wsgi:application", "-c", str(conf)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/ping", timeout=2).close()
            return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                framework_stop(process)
                raise SystemExit(
                    f"the framework-ceiling gunicorn did not start (see {stack.log.parent})"
                ) from None
            time.sleep(0.3)


def framework_stop(process: subprocess.Popen) -> None:
    """SIGTERM to gunicorn's master (it stops its workers), SIGKILL to the group after 20 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def framework_ceiling(base: str, *, concurrency: int, duration: float) -> dict:
    """req/s, p50 and p99 of the bare view at `concurrency`."""

    def make(worker):
        return lambda: Request("GET", "/ping", headers={"Accept": "application/json"})

    result = run(base_url=base, make_request=make, concurrency=concurrency, duration=duration)
    return {
        "rps": round(result.completed / result.elapsed, 1),
        "p50_ms": round(result.percentile(50) * 1000, 1),
        "p99_ms": round(result.percentile(99) * 1000, 1),
        "errors": result.errors,
    }


def _drive(operation, ids: list, duration: float) -> tuple[int, float]:
    """Each id's thread repeats `operation(id)` until the deadline; (operations, seconds)."""
    done = [0] * len(ids)
    start = threading.Barrier(len(ids) + 1)
    deadline = [0.0]

    def loop(index, doc_id):
        start.wait()
        while time.monotonic() < deadline[0]:
            operation(doc_id)
            done[index] += 1

    threads = [threading.Thread(target=loop, args=pair) for pair in enumerate(ids)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    deadline[0] = began + duration
    start.wait()
    for thread in threads:
        thread.join()
    return sum(done), time.monotonic() - began


def database_ceilings(uri: str, database: str, *, concurrency: int, duration: float) -> dict:
    """ops/s of `find_one` by `_id` and of `update_one` by `_id` with `$inc`."""
    from bson import ObjectId
    from pymongo import MongoClient

    client = MongoClient(uri, maxPoolSize=max(100, concurrency))
    try:
        collection = client[database][COLLECTION]
        collection.delete_many({})
        ids = [ObjectId() for _ in range(concurrency)]
        collection.insert_many(
            [{"_id": i, "n": 0, "title": "ceiling", "text": "x" * 400} for i in ids]
        )
        ceilings = {}
        for kind, operation in (
            ("find", lambda i: collection.find_one({"_id": i})),
            ("update", lambda i: collection.update_one({"_id": i}, {"$inc": {"n": 1}})),
        ):
            count, seconds = _drive(operation, ids, duration)
            ceilings[kind] = round(count / seconds, 1)
        collection.drop()
        return ceilings
    finally:
        client.close()

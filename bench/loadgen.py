"""A small closed-loop HTTP/1.1 load generator (asyncio, keep-alive connections).

Each of `concurrency` workers owns one persistent connection and sends its next request as soon
as the previous answer is read, for `duration` seconds. Requests come from a per-worker factory
so writers can carry state (e.g. the TOC version they last saw). Single process, no threads: the
client costs far less CPU than the server it measures.
"""

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # transport errors and unexpected statuses
    expected_conflicts: int = 0
    elapsed: float = 0.0

    @property
    def completed(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value.strip())
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            body += await reader.readexactly(size + 2)
        return status, body
    return status, await reader.readexactly(length) if length else b""


async def _worker(host, port, make_request, on_response, deadline, result, ok_statuses):
    reader = writer = None
    while time.monotonic() < deadline:
        if writer is None:
            try:
                reader, writer = await asyncio.open_connection(host, port)
            except OSError:
                result.errors += 1
                await asyncio.sleep(0.05)
                continue
        request = make_request()
        headers = {"Host": f"{host}:{port}", "Connection": "keep-alive", **request.headers}
        if request.body:
            headers["Content-Length"] = str(len(request.body))
        raw = f"{request.method} {request.path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in headers.items()
        )
        started = time.monotonic()
        try:
            writer.write(raw.encode("latin-1") + b"\r\n" + request.body)
            await writer.drain()
            status, body = await _read_response(reader)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            result.errors += 1
            writer.close()
            reader = writer = None
            continue
        result.latencies.append(time.monotonic() - started)
        result.statuses[status] = result.statuses.get(status, 0) + 1
        expected = on_response(status, body) if on_response else None
        if expected == "conflict":
            result.expected_conflicts += 1
        elif status not in ok_statuses:
            result.errors += 1
    if writer is not None:
        writer.close()


def run(
    *,
    base_url: str,
    make_request: Callable[[int], Callable[[], Request]],
    concurrency: int,
    duration: float,
    on_response: Callable[[int], Callable[[int, bytes], str | None]] | None = None,
    ok_statuses: tuple[int, ...] = (200, 201),
) -> Result:
    """Drive the load; `make_request(worker_index)` returns that worker's request factory."""
    hostport = base_url.split("://", 1)[1].rstrip("/")
    host, _, port = hostport.partition(":")
    result = Result()

    async def main():
        deadline = time.monotonic() + duration
        started = time.monotonic()
        await asyncio.gather(
            *(
                _worker(
                    host,
                    int(port or 80),
                    make_request(index),
                    on_response(index) if on_response else None,
                    deadline,
                    result,
                    ok_statuses,
                )
                for index in range(concurrency)
            )
        )
        result.elapsed = time.monotonic() - started

    asyncio.run(main())
    return result


def json_request(method: str, path: str, token: str, payload=None) -> Request:
    body = json.dumps(payload).encode() if payload is not None else b""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if payload is not None:
        headers["Content-Type"] = "application/json"
    return Request(method, path, body, headers)

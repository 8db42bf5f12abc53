"""A small OpenAI-compatible HTTP server for tests: `POST /v1/chat/completions`, answered from a
per-test script (a queue of replies, status codes and delays), recording every request.

The real `openai` client talks to it over loopback; nothing of ours is patched.
"""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Scripted:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def completion_body(content: str, *, finish_reason: str = "stop", model: str = "fake-model"):
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class FakeOpenAI:
    def __init__(self):
        self.script: deque[Scripted] = deque()
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_POST(self):  # noqa: N802 - http.server naming
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    payload = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    payload = {"_raw": raw.decode(errors="replace")}
                with fake._lock:
                    fake.requests.append(
                        {
                            "path": self.path,
                            "json": payload,
                            "auth": self.headers.get("Authorization"),
                        }
                    )
                    step = fake.script.popleft() if fake.script else None
                if self.path != "/v1/chat/completions":
                    step = Scripted(404, json.dumps({"error": {"message": "no route"}}).encode())
                if step is None:
                    step = Scripted(
                        500, json.dumps({"error": {"message": "unscripted request"}}).encode()
                    )
                if step.delay:
                    fake._released.wait(step.delay)
                try:
                    self.send_response(step.status)
                    self.send_header("Content-Type", "application/json")
                    for key, value in step.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(step.body)))
                    self.end_headers()
                    self.wfile.write(step.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # --- lifecycle --------------------------------------------------------------------------
    def start(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._released.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    # --- scripting --------------------------------------------------------------------------
    def reply(
        self, content: str, *, finish_reason: str = "stop", delay: float = 0.0, times: int = 1
    ):
        body = json.dumps(completion_body(content, finish_reason=finish_reason)).encode()
        for _ in range(times):
            self.script.append(Scripted(200, body, {}, delay))
        return self

    def fail(self, status: int, *, headers: dict | None = None, times: int = 1, message: str = "x"):
        body = json.dumps({"error": {"message": message, "type": "test", "code": None}}).encode()
        for _ in range(times):
            self.script.append(Scripted(status, body, dict(headers or {})))
        return self

    def raw(self, status: int, body: bytes, *, headers: dict | None = None):
        self.script.append(Scripted(status, body, dict(headers or {})))
        return self

    # --- inspection -------------------------------------------------------------------------
    @property
    def calls(self) -> int:
        return len(self.requests)

    def prompt(self, index: int = -1) -> str:
        """System and user messages of request `index`, joined."""
        messages = self.requests[index]["json"].get("messages", [])
        return "\n".join(str(message.get("content", "")) for message in messages)

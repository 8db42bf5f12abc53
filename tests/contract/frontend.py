"""The requests of the Auto Author frontend (frankbria/auto-author, `bookClient.ts`, the settings
and profile pages), sent the way it sends them, against a live server, each exchange recorded
under the name of the client call that makes it.

What the frontend does is written down here as facts about its requests (method, path as the
client spells it, JSON body, headers): every request carries `Content-Type: application/json`,
GET and DELETE included, and `Accept: */*` as `fetch` does; it authenticates with a bearer
token (the sign-in flow is ours). Nothing of the frontend's code is copied.
"""

import json
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field

API = "/api/v1"
NO_BODY = object()
# The revisions of the frontend whose calls are replayed.
BOTH, OLD, HEAD = "both", "4542f6d", "HEAD"
# Every chapter status the frontend's status components can render (types/chapter-tabs.ts).
FRONTEND_CHAPTER_STATUSES = {"draft", "in_progress", "completed", "published"}


@dataclass
class Exchange:
    call: str
    revision: str
    method: str
    path: str
    body: object
    status: int
    headers: dict
    raw: bytes

    @property
    def data(self):
        try:
            return json.loads(self.raw) if self.raw else None
        except ValueError:
            return None

    def __repr__(self) -> str:
        return (
            f"<{self.call} ({self.revision}) {self.method} {self.path} -> {self.status} "
            f"{self.raw[:300]!r}>"
        )


@dataclass
class Frontend:
    """Sends the frontend's requests to `base` and records them by client call."""

    base: str
    token: str = ""
    calls: dict[str, list[Exchange]] = field(default_factory=lambda: defaultdict(list))
    timeout: float = 120

    def send(self, call: str, method: str, path: str, body=NO_BODY, *, revision=BOTH):
        data = None if body is NO_BODY else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Accept": "*/*"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            f"{self.base}{API}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw, response_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, response_headers = error.code, error.read(), error.headers
        exchange = Exchange(
            call=call,
            revision=revision,
            method=method,
            path=path,
            body=None if body is NO_BODY else body,
            status=status,
            headers=dict(response_headers.items()),
            raw=raw,
        )
        self.calls[call].append(exchange)
        return exchange


def ok(exchange: Exchange, status: int = 200) -> dict | list:
    """The JSON body of a successful exchange (the client's `response.ok` and `.json()`)."""
    assert exchange.status == status, exchange
    assert exchange.headers.get("Content-Type", "").startswith("application/json"), exchange
    return exchange.data


# --- the types the frontend relies on, as plain checks -------------------------------------------


def is_str(value) -> bool:
    return isinstance(value, str)


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_iso(value) -> bool:
    """A date the frontend hands to `new Date(...)`: an ISO 8601 string."""
    from datetime import datetime

    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def readable(detail) -> bool:
    """An error `detail` the frontend can show a person as it is: a sentence, not a code."""
    return (
        isinstance(detail, str)
        and len(detail.split()) >= 3
        and detail[0].isupper()
        and "->" not in detail
        and "_" not in detail.split()[0]
    )


def percent(part: int, whole: int) -> int:
    """What the frontend computes with Math.round(part / whole * 100): halves round up."""
    import math

    return 0 if whole == 0 else math.floor(part / whole * 100 + 0.5)

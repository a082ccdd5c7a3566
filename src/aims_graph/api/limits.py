"""Request limits shared by every route: body size and a per-organisation rate limit."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final

from aims_graph.api.problems import PROBLEM_MEDIA_TYPE, ProblemError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
#: Routes whose bodies are organisation uploads (data, policy shapes), which get the upload limit.
UPLOAD_SUFFIX: Final = ("/data", "/shapes")
#: Other routes whose bodies are uploads too (data and shapes to validate).
UPLOAD_PATHS: Final = frozenset({"/shacl/validate"})
#: Path parts of the routes that take framework and mapping files (public and own imports).
UPLOAD_PARTS: Final = ("/imports/", "/frameworks/", "/mappings/")


class RateLimiter:
    """A token bucket per organisation: ``per_minute`` requests a minute, bursts up to that."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str) -> None:
        """Spend one request of ``who``'s allowance, or raise a 429 problem."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(who, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[who] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self.rate)
                raise ProblemError(
                    429,
                    "rate-limited",
                    "Too Many Requests",
                    f"This organisation's keys sent more than {int(self.capacity)} requests in a "
                    f"minute (setting AIMS_GRAPH_RATE_LIMIT_PER_MINUTE); retry in {wait} s.",
                    headers={"Retry-After": str(wait)},
                    limit="rate_limit_per_minute",
                    value=int(self.capacity),
                )
            self._buckets[who] = (tokens - 1.0, now)


class BodyLimit:
    """ASGI middleware refusing request bodies over the limit before any route reads them.

    Organisation uploads (``…/data``, ``…/shapes``) may be as large as ``upload_limit``; every
    other body as large as ``request_limit``. A declared Content-Length over the limit is
    refused at once; a chunked body is counted as it arrives.
    """

    def __init__(self, app: ASGIApp, *, request_limit: int, upload_limit: int) -> None:
        self.app = app
        self.request_limit = request_limit
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with its body counted."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        upload = (
            path.endswith(UPLOAD_SUFFIX)
            or path in UPLOAD_PATHS
            or any(part in path for part in UPLOAD_PARTS)
        )
        limit = self.upload_limit if upload else self.request_limit
        setting = "AIMS_GRAPH_MAX_UPLOAD_BYTES" if upload else "AIMS_GRAPH_MAX_REQUEST_BYTES"
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit, setting)
            return
        seen = 0
        refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    refused = True
                    # The route sees a disconnect and stops reading; we answer below.
                    return {"type": "http.disconnect"}
            return message

        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused and not started:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded_send)
        except Exception:
            # The route saw the disconnect we fed it and gave up; the 413 below is the answer.
            if not refused:
                raise
        if refused and not started:
            await _too_large(send, limit, setting)


async def _too_large(send: Send, limit: int, setting: str) -> None:
    problem = ProblemError(
        413,
        "request-too-large",
        "Content Too Large",
        f"The request body is larger than {limit} bytes, the limit of this route (setting "
        f"{setting}).",
        limit=setting.removeprefix("AIMS_GRAPH_").lower(),
        value=limit,
    )
    response = problem.response()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(response.body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": bytes(response.body)})

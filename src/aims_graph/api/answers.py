"""Encoded answers of hot read routes, kept per build and sent without the framework's routing.

A route that answers only from the standards (``/crosswalk``) gives the same bytes for the same
path, query string and Accept header until the graph is built again. It keeps its encoded JSON
answer here (:meth:`AnswerCache.keep`); :class:`KeptAnswers`, an ASGI middleware, sends a kept
answer (or its 304) straight from the event loop, with no routing, parameter parsing, thread
hand-off or encoding. What is kept is exactly what the route sent: the same status line,
headers and body. Errors and JSON-LD (whose context names the server's own address) are not
kept; a request whose answer is not kept goes to the route as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any, Final

from fastapi import Request
from fastapi.responses import Response

from aims_graph.mappings.crosswalk import MappingService
from aims_graph.service import Graph

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
RawHeaders = tuple[tuple[bytes, bytes], ...]
#: (path, query string, first Accept header): what a kept route's answer depends on.
Key = tuple[str, bytes, bytes | None]

#: Answers kept at most: each distinct query string is an entry, so the count is bounded.
MAX_ANSWERS: Final = 4096


def matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak comparison, RFC 9110 §13.1.2)."""
    if not header:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


@dataclass(frozen=True, slots=True)
class Answer:
    """One encoded answer with its validators, as a 200 and as a 304."""

    etag: str
    body: bytes
    media_type: str
    headers: dict[str, str]
    raw_ok: RawHeaders
    raw_not_modified: RawHeaders

    @classmethod
    def of(cls, data: bytes, media_type: str, etag: str, headers: dict[str, str]) -> Answer:
        """The answer of these bytes, its two forms' headers taken from Starlette's responses."""
        ok = Response(data, media_type=media_type, headers=headers)
        not_modified = Response(status_code=304, headers=headers)
        return cls(
            etag,
            data,
            media_type,
            dict(headers),
            tuple(ok.raw_headers),
            tuple(not_modified.raw_headers),
        )

    def fresh(self, if_none_match: str | None) -> bool:
        """Whether the client's copy is current (answer 304)."""
        return matches(if_none_match, self.etag)

    def response(self, request: Request) -> Response:
        """A new response object of this answer for the request (200, or 304)."""
        if self.fresh(request.headers.get("if-none-match")):
            return Response(status_code=304, headers=self.headers)
        return Response(self.body, media_type=self.media_type, headers=self.headers)


def _first(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            found: bytes = value
            return found
    return None


def key_of(scope: Scope) -> Key:
    """What a kept answer is looked up by."""
    return (
        str(scope.get("path", "")),
        bytes(scope.get("query_string", b"")),
        _first(scope, b"accept"),
    )


class AnswerCache:
    """Kept answers of one build of the graph; a new build (a new MappingService) drops them."""

    def __init__(self, graph: Graph, paths: frozenset[str], max_answers: int = MAX_ANSWERS):
        self.graph = graph
        self.paths = paths
        self.max_answers = max_answers
        self._for: MappingService | None = None
        self._answers: OrderedDict[Key, Answer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, scope: Scope) -> Answer | None:
        """The kept answer to this request, if the build it came from is still the graph's."""
        svc = self.graph.built_mappings()
        with self._lock:
            if svc is None or svc is not self._for:
                return None
            return self._answers.get(key_of(scope))

    def keep(self, request: Request, svc: MappingService, answer: Answer) -> None:
        """Keep a route's answer, computed from ``svc``, unless the graph was built since."""
        with self._lock:
            current = self.graph.built_mappings()
            if svc is not current:
                return  # computed from a build that is gone (or being replaced)
            if svc is not self._for:
                self._answers.clear()
                self._for = svc
            key = key_of(request.scope)
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.max_answers:
                self._answers.popitem(last=False)


class KeptAnswers:
    """ASGI middleware sending kept answers of GET requests before any routing."""

    def __init__(self, app: ASGIApp, *, cache: AnswerCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the kept answer, or pass the request on."""
        if (
            scope["type"] == "http"
            and scope.get("method") == "GET"
            and scope.get("path") in self.cache.paths
            and (answer := self.cache.get(scope)) is not None
        ):
            inm = _first(scope, b"if-none-match")
            if answer.fresh(inm.decode("latin-1") if inm is not None else None):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 304,
                        "headers": answer.raw_not_modified,
                    }
                )
                await send({"type": "http.response.body", "body": b""})
            else:
                await send({"type": "http.response.start", "status": 200, "headers": answer.raw_ok})
                await send({"type": "http.response.body", "body": answer.body})
            return
        await self.app(scope, receive, send)

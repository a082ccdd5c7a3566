"""The web explorer: its page at / and its own files (JS modules, CSS) under /explorer/."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aims_graph.api.problems import ProblemError

WEB_DIR: Final = Path(__file__).resolve().parent.parent / "web"
MEDIA_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
#: Everything the explorer loads comes from this server: no CDN, no inline script or style.
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def _file(name: str) -> Path:
    path = (WEB_DIR / name).resolve()
    if (
        not path.is_relative_to(WEB_DIR)
        or path.suffix not in MEDIA_TYPES
        or not path.is_file()
        or name.startswith(".")
    ):
        raise ProblemError(
            404, "not-found", "Not Found", f"the explorer has no file {name!r}", file=name
        )
    return path


@lru_cache(maxsize=64)
def _read(path: Path, mtime_ns: int) -> tuple[bytes, str]:
    """A file's bytes and ETag, read and hashed once per version of the file."""
    data = path.read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _send(request: Request, path: Path) -> Response:
    data, etag = _read(path, path.stat().st_mtime_ns)
    # Revalidated on each load (a 304 costs a round trip on loopback) so an upgrade shows at once.
    headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": CSP,
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=MEDIA_TYPES[path.suffix], headers=headers)


def web_router() -> APIRouter:
    """GET / (the explorer's page) and /explorer/{file}; both kept out of the OpenAPI document."""
    router = APIRouter(include_in_schema=False)

    @router.api_route("/", methods=["GET", "HEAD"])
    def explorer_page(request: Request) -> Response:
        return _send(request, _file("index.html"))

    @router.api_route("/explorer/{name:path}", methods=["GET", "HEAD"])
    def explorer_file(request: Request, name: str) -> Response:
        try:
            return _send(request, _file(name))
        except ProblemError as exc:
            return exc.response(request.url.path)

    return router

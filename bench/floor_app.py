"""The Python floor of the HTTP rows (issue 18, rule c): an ASGI app that returns a constant.

No framework, no routing, no store: the bytes of one answer (by default a small JSON body, or the
file named by ``AIMS_BENCH_FLOOR_BODY``, which the benchmark fills with ``/crosswalk``'s own
answer), served by uvicorn with the settings ``aims-graph serve`` uses (log level info, so the
access log is on; keep-alive 30 s). What a Python server on this machine cannot beat.

    python -m bench.floor_app --port 8001 [--workers 2] [--fastapi]

``--fastapi`` serves the same bytes from one FastAPI route instead (the framework's own cost).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

BODY_ENV = "AIMS_BENCH_FLOOR_BODY"


def _body() -> bytes:
    path = os.environ.get(BODY_ENV)
    return Path(path).read_bytes() if path else b'{"status":"ok"}'


BODY = _body()
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(
    scope: Scope,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    """Answer every HTTP request with the constant body (lifespan events acknowledged)."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


def fastapi_app() -> Any:
    """The same constant from one FastAPI route (any path), for the framework's share."""
    from fastapi import FastAPI
    from fastapi.responses import Response

    api = FastAPI()

    @api.get("/{path:path}")
    def constant(path: str) -> Response:
        return Response(BODY, media_type="application/json")

    return api


def main() -> None:
    """Serve the floor app on 127.0.0.1 as ``aims-graph serve [--workers N]`` serves ours."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from aims_graph.api.workers import listening_socket

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--fastapi", action="store_true", help="one FastAPI route instead")
    ns = parser.parse_args()
    if ns.workers == 1:  # in-process, as `aims-graph serve` runs one process
        uvicorn.run(
            fastapi_app() if ns.fastapi else app,
            host="127.0.0.1",
            port=ns.port,
            log_level="info",
            timeout_keep_alive=30,
        )
        return
    config = uvicorn.Config(
        "bench.floor_app:fastapi_app" if ns.fastapi else "bench.floor_app:app",
        factory=ns.fastapi,
        workers=ns.workers,
        log_level="info",
        timeout_keep_alive=30,
    )
    sock = listening_socket("127.0.0.1", ns.port)
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()


if __name__ == "__main__":
    main()

"""Several uvicorn worker processes on one listening socket (``aims-graph serve --workers N``)."""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

from aims_graph.config import Settings


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port, created with its protocol named.

    uvicorn's own socket for several workers is made without the protocol number; the
    connections accepted on it inherit that, so asyncio leaves Nagle's algorithm on and each
    response waits for the client's delayed ACK (about 40 ms a request on loopback, measured).
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.set_inheritable(True)
    return sock


def serve_workers(settings: Settings) -> None:
    """Serve the app from ``settings.workers`` processes, each opening the already built store."""
    config = uvicorn.Config(
        "aims_graph.api.app:create_worker_app",
        factory=True,
        workers=settings.workers,
        log_level="info",
        timeout_keep_alive=30,
    )
    sock = listening_socket(settings.host, settings.port)
    try:
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()

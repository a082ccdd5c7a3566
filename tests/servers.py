"""Real servers for tests: uvicorn serving an app, and `oxigraph serve`, on 127.0.0.1 free ports."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn


def free_port() -> int:
    """Ask the kernel for a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_answers(url: str, timeout_s: float = 15.0) -> None:
    """Poll a URL until it answers any HTTP status, or fail after timeout_s."""
    deadline = time.monotonic() + timeout_s
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError as exc:
            last = exc
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s: {last}")


@contextmanager
def uvicorn_server(app: Any, *, port: int | None = None) -> Iterator[str]:
    """Serve an ASGI app with a real uvicorn server in a thread; yield its base URL."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {base}")
            time.sleep(0.01)
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def oxigraph_binary() -> str:
    """Path of the `oxigraph` CLI (PyPI package `oxigraph`), next to this Python or on PATH."""
    beside = Path(sys.executable).with_name("oxigraph")
    if beside.exists():
        return str(beside)
    found = shutil.which("oxigraph")
    if found is None:
        raise RuntimeError("the oxigraph CLI is missing: pip install 'oxigraph>=0.5'")
    return found


@contextmanager
def oxigraph_server(*, port: int | None = None, location: Path | None = None) -> Iterator[str]:
    """Run `oxigraph serve` on a temp dir (or `location`); yield its base URL, stop it after."""
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="oxigraph-") as tmp:
        where = location or Path(tmp) / "db"
        proc = subprocess.Popen(
            [oxigraph_binary(), "serve", "--location", str(where), "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_answers(f"{base}/query")
            except RuntimeError:
                proc.kill()
                _, err = proc.communicate(timeout=5)
                raise RuntimeError(
                    f"oxigraph serve failed: {err.decode(errors='replace')[:500]}"
                ) from None
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
            if proc.stderr is not None:
                proc.stderr.close()


#: Debian's chromium, which the browser tests and the render benchmark drive through Playwright.
CHROMIUM = os.environ.get("AIMS_GRAPH_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium tries Google's hosts, which this network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def process_group(
    cmd: Sequence[str],
    ready_url: str,
    log: Path,
    env: Mapping[str, str] | None = None,
    *,
    timeout_s: float = 180,
) -> Iterator[int]:
    """Run a server (and the workers it starts) in its own process group until the block ends.

    Yields its pid once ``ready_url`` answers; the whole group gets SIGTERM after, SIGKILL if it
    has not gone 30 s later. Its output goes to ``log`` (an unread pipe would stall it).
    """
    with log.open("ab") as out:
        proc = subprocess.Popen(
            list(cmd),
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until_answers(ready_url, timeout_s=timeout_s)
            yield proc.pid
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

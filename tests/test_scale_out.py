"""Several `aims-graph serve` workers sharing one store: embedded read-only, or a SPARQL server.

Real processes on 127.0.0.1: the CLI builds once, then uvicorn starts the workers; each request
on a fresh connection may land on any worker, and `/health` says which process answered.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from tests.orgdata_support import EXAMPLE_DIR
from tests.remote_engines import ENGINES
from tests.servers import free_port, oxigraph_server, process_group
from tests.virtuoso_server import virtuoso_server

from aims_graph.store import Store

pytestmark = pytest.mark.slow

CLI = str(Path(sys.executable).with_name("aims-graph"))
CROSSWALK = "/crosswalk?from=iso42001:A.6.2.4&to=iso27001-2022"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@contextmanager
def serve(tmp: Path, store: str, workers: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """`aims-graph serve --workers N` on the store; the whole process group stops after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [CLI, "serve", "--port", str(port), "--workers", str(workers)]
    settings = {"AIMS_GRAPH_STORE": store, **(env or {})}
    with process_group(cmd, f"{base}/health", tmp / "serve.log", settings):
        yield base


@contextmanager
def sparql_server(engine: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A new SPARQL server: its sparql: selector and the settings the service needs for it."""
    if engine == "oxigraph":
        with oxigraph_server() as server:
            yield f"sparql:{server}", {}
        return
    with virtuoso_server() as virtuoso:
        credentials = {
            "AIMS_GRAPH_REMOTE_USER": "dba",
            "AIMS_GRAPH_REMOTE_PASSWORD": virtuoso.password,
        }
        yield f"sparql:{virtuoso.base}", credentials


def answering_processes(base: str, requests: int = 40) -> set[int]:
    """The worker processes that answered /health, each request on a new connection."""
    return {httpx.get(f"{base}/health", timeout=30).json()["process"] for _ in range(requests)}


def count(base: str, headers: dict[str, str] | None = None) -> int:
    r = httpx.get(
        f"{base}/sparql",
        params={"query": COUNT},
        headers={"Accept": "application/sparql-results+json", **(headers or {})},
        timeout=60,
    )
    r.raise_for_status()
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_embedded_store_workers_read_it_and_refuse_writes_clearly(
    tmp_path: Path, built_store: Store
) -> None:
    store = f"oxigraph:{tmp_path / 'store'}"
    with serve(tmp_path, store, workers=2) as base:
        assert len(answering_processes(base)) == 2
        bodies = {httpx.get(base + CROSSWALK, timeout=30).text for _ in range(10)}
        assert len(bodies) == 1 and "A.8.29" in bodies.pop()
        assert count(base) == built_store.triple_count()
        r = httpx.post(f"{base}/orgs", json={"id": "acme", "name": "Acme"}, timeout=30)
        assert r.status_code == 503
        problem = r.json()
        assert problem["type"].endswith("/read-only-store")
        assert "AIMS_GRAPH_STORE=sparql:URL" in problem["detail"]
    # Nothing was written: a single writer opening the store finds no organisation.
    from aims_graph.store import OxigraphStore

    single = OxigraphStore(tmp_path / "store")
    try:
        assert not [g for g in single.graphs() if "/graph/org/" in g]
    finally:
        single.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_sparql_server_workers_share_organisations_and_their_data(
    tmp_path: Path, engine: str, built_store: Store
) -> None:
    with sparql_server(engine) as (store, env), serve(tmp_path, store, 2, env) as base:
        assert len(answering_processes(base)) == 2
        created = httpx.post(f"{base}/orgs", json={"id": "acme", "name": "Acme"}, timeout=30)
        assert created.status_code == 201
        key = {"Authorization": f"Bearer {created.json()['api_key']}"}
        # Every worker knows the key one of them issued (the registry lives in the store).
        seen = set()
        for _ in range(20):
            r = httpx.get(f"{base}/orgs/acme", headers=key, timeout=30)
            assert r.status_code == 200, r.text
            seen.add(r.json()["triples"])
        assert seen == {0}
        files = [
            ("file", (p.name, p.read_bytes(), "text/csv"))
            for p in (EXAMPLE_DIR / "organisation.csv", EXAMPLE_DIR / "systems.csv")
        ]
        put = httpx.put(f"{base}/orgs/acme/data", files=files, headers=key, timeout=60)
        assert put.status_code == 200, put.text
        stored = put.json()["triples_stored"]
        assert stored > 0
        # ... and every worker reads what another one wrote.
        assert {
            httpx.get(f"{base}/orgs/acme", headers=key, timeout=30).json()["triples"]
            for _ in range(20)
        } == {stored}
        # The SPARQL dataset is the public graph (as built in-process) plus the caller's own data.
        public = built_store.triple_count()
        assert count(base, key) == public + stored
        assert count(base) == public


def test_memory_store_cannot_have_several_workers(tmp_path: Path) -> None:
    run = subprocess.run(
        [CLI, "serve", "--port", str(free_port()), "--workers", "2"],
        env={**os.environ, "AIMS_GRAPH_STORE": "memory:"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "memory: store" in run.stderr and "oxigraph:PATH" in run.stderr

"""The hot read routes answer byte for byte as they did: golden digests (issue 18, rule a).

Every route below is served by the real app (``create_app``) over a real uvicorn server, on the
real graph and on the synthetic 50-framework graph of the benchmarks
(:func:`bench.synthetic_frameworks.generate`). Each answer's status, content type and the SHA-256
of its body are compared with ``tests/golden/hot_routes.json``; any changed byte fails the test,
which names every route that differs and by how much its length changed.

Regenerating the digests, deliberately, after a change that is meant to change answers::

    AIMS_GRAPH_UPDATE_GOLDEN=1 python -m pytest -p no:cacheprovider -m '' \
        tests/test_hot_routes_golden.py      # or: make golden

That rewrites the file from the code as it is (both graphs); review its diff and commit it with
the change. Performance work must never need it.

Normalised before hashing (and only these): the base URL of the test server
(``http://127.0.0.1:<port>``, a new free port each run) is written as ``http://testserver`` in
every body; it appears in ``/queries``' ``url`` and ``example_url``. No route hashed here carries
a timestamp, a process id or a build time: ``/health`` (which holds the pid) is left out, the
organisation reports are asked for a fixed ``as_of`` date, and the organisations' keys, which are
random, are only sent, never hashed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from bench.synthetic_bench import questions
from bench.synthetic_frameworks import ORG_ID, SyntheticGraph, generate
from tests.orgdata_support import EXAMPLE_DIR, SHEET_ORDER, copy_of
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.namespaces import scheme_iri
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.select_snapshot import SelectSnapshot
from aims_graph.views import ViewIndex

GOLDEN = Path(__file__).parent / "golden" / "hot_routes.json"
UPDATE = os.environ.get("AIMS_GRAPH_UPDATE_GOLDEN", "") not in ("", "0")
#: The date every organisation report is judged on (the benchmarks' date).
AS_OF = "2026-11-28"
JSON_RESULTS = "application/sparql-results+json"
CSV = "text/csv"
#: A fixed SELECT over the standards graph: the first 60 items of one edition, ordered.
SPARQL = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?item ?notation ?label WHERE {
  ?item skos:inScheme ?scheme ; skos:notation ?notation ; skos:prefLabel ?label .
  FILTER(?scheme = <%s>)
} ORDER BY ?notation ?item LIMIT 60"""


@dataclass(frozen=True)
class Route:
    """One request: path with its query string, and the headers it is sent with."""

    path: str
    headers: dict[str, str] = field(default_factory=dict)
    #: Whether it needs the organisation's key (sent, never part of the golden key).
    org: bool = False
    #: Written in the key instead of the path (for /sparql's long query strings).
    label: str = ""

    @property
    def key(self) -> str:
        extra = "".join(f" [{k}: {v}]" for k, v in sorted(self.headers.items()))
        return f"GET {self.label or self.path}{extra}"


def get(path: str, params: dict[str, str] | None = None, **headers: str) -> Route:
    """A route; header names given as keyword arguments with ``_`` for ``-``."""
    query = "?" + urlencode(params) if params else ""
    return Route(path + query, {k.replace("_", "-"): v for k, v in headers.items()})


def sparql_routes(scheme: str) -> list[Route]:
    """The fixed SELECT in JSON and CSV, from the answer cache and past it (no-cache)."""
    params = {"query": SPARQL % scheme}
    label = f"/sparql?query=<the first 60 items of {scheme}>"
    return [
        replace(get("/sparql", params, Accept=JSON_RESULTS), label=label),
        replace(get("/sparql", params, Accept=CSV), label=label),
        replace(get("/sparql", params, Accept=JSON_RESULTS, Cache_Control="no-cache"), label=label),
        replace(get("/sparql", params, Accept=CSV, Cache_Control="no-cache"), label=label),
    ]


def org_routes(org_id: str, targets: list[str]) -> list[Route]:
    """Coverage and gaps of the organisation's stored data, JSON and CSV, on a fixed date."""
    out = []
    for target in targets:
        for report in ("coverage", "gaps"):
            for fmt in ("json", "csv"):
                params = {"target": target, "as_of": AS_OF, "format": fmt}
                out.append(Route(f"/orgs/{org_id}/{report}?{urlencode(params)}", org=True))
    return out


def real_routes(queries: list[dict[str, Any]]) -> list[Route]:
    """The real graph's hot routes; ``queries``: /queries' listing (each example is run)."""
    a624 = "iso42001:A.6.2.4"
    routes = [
        get("/frameworks"),
        get("/frameworks/iso42001-2023"),
        get("/frameworks/eu-ai-act"),
        get("/frameworks/nist-csf-2.0"),
        get("/frameworks/iso42001-2023/items"),
        get("/frameworks/iso27001-2022/items", {"page": "2"}),
        get("/frameworks/iso42001-2023/mapping-counts"),
        get("/frameworks/nist-ai-rmf-1.0/mapping-counts"),
        get(f"/items/{a624}"),
        get("/items/nist-ai-rmf:GOVERN-1.1"),
        get("/items/iso27001-2022:A.5.1"),
        get("/crosswalk", {"from": a624, "to": "iso27001-2022"}),
        get("/crosswalk", {"from": a624, "to": "iso27001-2022", "derived": "true"}),
        get("/crosswalk", {"from": a624, "derived": "true"}),
        get("/crosswalk", {"from": a624, "to": "iso27001-2022"}, Accept="application/ld+json"),
        get("/crosswalk", {"from": "nist-ai-rmf:GOVERN-1.1"}),
        get("/crosswalk", {"from": "nist-ai-rmf:GOVERN-1.1", "to": "iso27001", "derived": "true"}),
        get("/crosswalk", {"from": "iso27001-2013:A.9.2.5", "to": "iso27001-2022"}),
        get(
            "/crosswalk",
            {"from": "eu-ai-act:obl-AIA-17-1-PRV", "derived": "true", "min_confidence": "0.7"},
        ),
        get("/explain", {"from": "nist-ai-rmf:MAP-1.1", "to": "iso27001:4.1"}),
        get("/matrix"),
        get("/matrix/iso42001/iso27001-2022"),
        get("/matrix/iso42001-2023/iso27701-2025", {"derived": "true"}),
        get("/search", {"q": "risk"}),
        get("/obligations", {"actor": "provider", "tier": "high-risk", "as_of": AS_OF}),
        get(
            "/compare",
            {
                "first": "iso42001-2023--iso27001-2022-clauses",
                "second": "derived:iso42001-2023>iso27001-2022@iso27701-2025",
            },
        ),
        get(
            "/compare",
            {
                "first": "stated:iso42001-2023>iso27001-2022",
                "second": "derived:iso42001-2023>iso27001-2022",
            },
        ),
        get("/queries"),
        get("/id/iso42001-2023/A.6.2.4", Accept="text/html"),
        get("/id/iso42001-2023/A.6.2.4", Accept="text/turtle"),
        *sparql_routes("https://w3id.org/aims-graph/id/iso42001-2023"),
        *org_routes("northwind", ["iso42001", "eu-ai-act", "nist-ai-rmf"]),
    ]
    for q in queries:
        path = q["example_url"].removeprefix("http://testserver")
        routes.append(get(path))
        if q["name"] in ("crosswalk", "coverage", "gaps"):
            routes.append(get(path, Accept=CSV))
    return routes


# ---- serving and hashing -----------------------------------------------------------------


def digest(base: str, response: httpx.Response) -> dict[str, Any]:
    """Status, content type and SHA-256 of the body with the test server's base URL written
    as http://testserver (the only normalisation)."""
    body = response.content.replace(base.encode(), b"http://testserver")
    return {
        "status": response.status_code,
        "content_type": response.headers.get("content-type", ""),
        "bytes": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }


def capture(client: httpx.Client, routes: list[Route], key: str | None) -> dict[str, Any]:
    """Each route's digest, by its key; duplicates refused (they would hide each other)."""
    out: dict[str, Any] = {}
    base = str(client.base_url).rstrip("/")
    for route in routes:
        assert route.key not in out, f"route listed twice: {route.key}"
        headers = dict(route.headers)
        if route.org:
            assert key is not None
            headers["Authorization"] = f"Bearer {key}"
        out[route.key] = digest(base, client.get(route.path, headers=headers))
    return out


def check(name: str, got: dict[str, Any]) -> None:
    """Compare with the goldens of ``name``, or rewrite them when AIMS_GRAPH_UPDATE_GOLDEN is set."""
    golden: dict[str, Any] = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    if UPDATE:
        golden[name] = got
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
        return
    want = golden.get(name)
    assert want is not None, f"no goldens for {name}: run with AIMS_GRAPH_UPDATE_GOLDEN=1"
    problems = []
    for key in sorted(want.keys() | got.keys()):
        w, g = want.get(key), got.get(key)
        if w == g:
            continue
        if w is None or g is None:
            problems.append(f"{'new' if w is None else 'gone'}: {key}")
        else:
            problems.append(
                f"changed: {key}: status {w['status']}→{g['status']}, "
                f"{w['content_type']}→{g['content_type']}, {w['bytes']}→{g['bytes']} bytes"
            )
    assert not problems, f"{name}: {len(problems)} answers differ\n" + "\n".join(problems)


def register(client: httpx.Client, org_id: str, data: bytes | None, content_type: str) -> str:
    """Register an organisation and store its data; its (random) key."""
    r = client.post("/orgs", json={"id": org_id, "name": org_id.title()})
    assert r.status_code == 201, r.text
    key = str(r.json()["api_key"])
    headers = {"Authorization": f"Bearer {key}"}
    if data is None:  # the example organisation's sheets
        files = [
            ("files", (f"{k}.csv", (EXAMPLE_DIR / f"{k}.csv").read_bytes(), "text/csv"))
            for k in SHEET_ORDER
        ]
        r = client.put(f"/orgs/{org_id}/data", files=files, headers=headers)
    else:
        r = client.put(
            f"/orgs/{org_id}/data", content=data, headers={**headers, "Content-Type": content_type}
        )
    assert r.status_code == 200, r.text
    return key


@pytest.fixture(
    scope="module",
    params=[
        # A restart's indexes come from the snapshot of SELECT answers beside the store.
        "on disk, indexes from the snapshot",
        pytest.param("in memory, indexes from the store", marks=pytest.mark.slow),
    ],
)
def real(
    built_store: Store, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """The app on a writable copy of the real graph (the example organisation is stored in it)."""
    if request.param.startswith("in memory"):
        store: Store = copy_of(built_store)
        graph = Graph(store, Settings(store="memory:"), loader.BuildReport())
    else:
        assert isinstance(built_store, OxigraphStore)
        path = tmp_path_factory.mktemp("golden") / "store"
        store = OxigraphStore(path)
        store.native.bulk_extend(built_store.native)
        settings = Settings(store=f"oxigraph:{path}")
        _ = ViewIndex(Graph(store, settings, loader.BuildReport())).details  # the snapshot
        graph = Graph(store, settings, loader.BuildReport())
        reads = graph.index_reads()
        assert isinstance(reads, SelectSnapshot) and reads.answered == 4
    with uvicorn_server(create_app(graph)) as base, httpx.Client(base_url=base, timeout=120) as c:
        yield c
    if isinstance(graph.index_reads(), SelectSnapshot):
        # Every index the routes needed was answered by the snapshot: nothing was asked anew.
        assert graph.index_reads().answered == 4
    store.close()


def test_real_graph_hot_routes_are_unchanged(real: httpx.Client) -> None:
    key = register(real, "northwind", None, "")
    listing = real.get("/queries")
    assert listing.status_code == 200
    base = str(real.base_url).rstrip("/")
    queries = json.loads(listing.content.replace(base.encode(), b"http://testserver"))
    routes = real_routes(queries)
    got = capture(real, routes, key)
    assert all(d["status"] == 200 for d in got.values()), [
        k for k, d in got.items() if d["status"] != 200
    ]
    # The same bodies a second time (the caches answer now): what is hashed is not volatile.
    assert capture(real, routes, key) == got
    check("real", got)


# ---- the synthetic 50-framework graph ----------------------------------------------------


def synthetic_routes(g: SyntheticGraph, svc: MappingService) -> list[Route]:
    """The same kinds of question on the generated graph (bench.synthetic_bench's questions)."""
    q = questions(g, svc)
    first, second, third = (e.slug for e in g.editions[:3])
    controls = ",".join(svc.curie(iri) for iri in q.implemented[:40])
    partial = ",".join(svc.curie(iri) for iri in q.partial[:15])
    org_args = {"target": q.target, "implemented": controls, "partial": partial}
    leaf = g.leaves(first)[0]
    return [
        get("/frameworks"),
        get(f"/frameworks/{first}"),
        get(f"/frameworks/{second}/items"),
        get(f"/frameworks/{first}/mapping-counts"),
        get(f"/items/{q.item}"),
        get(f"/items/{svc.curie(leaf)}"),
        get("/crosswalk", {"from": q.item, "to": q.target}),
        get("/crosswalk", {"from": q.item, "to": q.target, "derived": "true"}),
        get("/crosswalk", {"from": q.item, "derived": "true"}),
        get(
            "/crosswalk", {"from": q.item, "to": third, "derived": "true", "min_confidence": "0.8"}
        ),
        get("/matrix"),
        get(f"/matrix/{first}/{second}"),
        get(f"/matrix/{first}/{third}", {"derived": "true"}),
        get("/compare", {"first": f"{first}--{second}", "second": f"derived:{first}>{second}"}),
        get("/queries/crosswalk", {"item": q.item, "target": q.target}),
        get("/queries/crosswalk-derived", {"item": q.item, "target": q.target}),
        *(
            replace(
                get(f"/queries/{name}", org_args, **accept),
                label=f"/queries/{name}?target={q.target}&implemented=<the first 40 of "
                f"{len(q.implemented)}>&partial=<the first 15 of {len(q.partial)}>",
            )
            for name in ("coverage", "gaps")
            for accept in ({}, {"Accept": CSV})
        ),
        *sparql_routes(scheme_iri(second)),
        *org_routes(ORG_ID, [q.target, third]),
    ]


@pytest.fixture(scope="module")
def synthetic() -> Iterator[tuple[httpx.Client, list[Route], bytes]]:
    """The app on the 50-framework graph, its editions registered while it serves."""
    g = generate(50)
    with g.registered():
        store = g.build()
        svc = MappingService.from_store(store)
        routes = synthetic_routes(g, svc)
        graph = Graph(store, Settings(store="memory:"), loader.BuildReport())
        app = create_app(graph)
        with uvicorn_server(app) as base, httpx.Client(base_url=base, timeout=120) as c:
            yield c, routes, g.org.serialize(format="nt", encoding="utf-8")
        store.close()


@pytest.mark.slow
def test_synthetic_50_framework_hot_routes_are_unchanged(
    synthetic: tuple[httpx.Client, list[Route], bytes],
) -> None:
    client, routes, data = synthetic
    key = register(client, ORG_ID, data, "application/n-triples")
    got = capture(client, routes, key)
    assert all(d["status"] == 200 for d in got.values()), [
        k for k, d in got.items() if d["status"] != 200
    ]
    assert capture(client, routes, key) == got
    check("synthetic-50", got)

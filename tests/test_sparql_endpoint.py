"""The /sparql endpoint over a real uvicorn server: protocol, formats, dataset, limits, clients."""

from __future__ import annotations

import csv
import io
import os
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import rdflib
from fastapi import FastAPI
from tests.remote_engines import SLOW_ENGINES, remote_store
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.api.sparql import SparqlEndpoint, SparqlRouter, query_shape, sparql_router
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.graphs import META_GRAPH, refresh_standards_view
from aims_graph.store.query_pool import QueryRequest

EX = "https://example.org/"
G1, G2, BULK = f"{EX}g1", f"{EX}g2", f"{EX}bulk"
TTL1 = b"""@prefix ex: <https://example.org/> .
ex:a ex:p "x" ; ex:q ex:b .
ex:b ex:p "y"@en .
"""
TTL2 = b"""@prefix ex: <https://example.org/> .
ex:c ex:p "z" ; ex:q ex:a .
"""
BULK_TTL = "".join(f"<{EX}s{i}> <{EX}n> {i} .\n" for i in range(150)).encode()
SETTINGS = Settings(
    store="memory:",
    query_timeout_s=1.0,
    max_rows=100,
    max_request_bytes=4096,
    sparql_workers=2,
    sparql_snapshot_interval_s=0,
)
SELECT_P = "SELECT ?s ?o WHERE { ?s <https://example.org/p> ?o } ORDER BY ?o"
CONSTRUCT_P = "CONSTRUCT { ?s <https://example.org/p> ?o } WHERE { ?s <https://example.org/p> ?o }"
# 150⁴ ≈ 500 M solutions: minutes of CPU, far past the 1 s limit.
EXPENSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/bulk> "
    "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l FILTER(?c + ?f + ?i + ?l > -1) } }"
)


def fill(store: Store) -> None:
    store.put_graph(G1, TTL1, "text/turtle")
    store.put_graph(G2, TTL2, "text/turtle")
    store.put_graph(BULK, BULK_TTL, "text/turtle")
    refresh_standards_view(store)
    refresh_standards_view(store)


@pytest.fixture(scope="module")
def router() -> Iterator[SparqlRouter]:
    store = OxigraphStore()
    fill(store)
    graph = Graph(store, SETTINGS, loader.BuildReport())
    r = sparql_router(graph, SETTINGS)
    assert isinstance(r, SparqlRouter)
    yield r
    r.endpoint.close()


@pytest.fixture(scope="module")
def base(router: SparqlRouter) -> Iterator[str]:
    app = FastAPI()
    app.include_router(router)
    with uvicorn_server(app) as url:
        yield f"{url}/sparql"


def problem(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["status"] == status and body["type"].startswith("https://") and body["title"]
    return body


def json_rows(r: httpx.Response) -> list[dict[str, Any]]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    rows: list[dict[str, Any]] = r.json()["results"]["bindings"]
    return rows


# -- protocol methods --------------------------------------------------------------------


def test_get_post_form_and_post_direct_agree(base: str) -> None:
    by_get = json_rows(httpx.get(base, params={"query": SELECT_P}))
    by_form = json_rows(httpx.post(base, data={"query": SELECT_P}))
    by_direct = json_rows(
        httpx.post(base, content=SELECT_P, headers={"Content-Type": "application/sparql-query"})
    )
    assert by_get == by_form == by_direct
    # Without a dataset the default graph is the union of the named graphs.
    assert [r["o"]["value"] for r in by_get] == ["x", "y", "z"]
    assert by_get[1]["o"]["xml:lang"] == "en"


def test_create_app_serves_sparql() -> None:
    store = OxigraphStore()
    fill(store)
    app = create_app(Graph(store, SETTINGS, loader.BuildReport()))
    with uvicorn_server(app) as url:
        assert len(json_rows(httpx.get(f"{url}/sparql", params={"query": SELECT_P}))) == 3
        assert "/sparql" in httpx.get(f"{url}/openapi.json").json()["paths"]


# -- formats -----------------------------------------------------------------------------


def test_select_formats(base: str) -> None:
    def get(accept: str) -> httpx.Response:
        r = httpx.get(base, params={"query": SELECT_P}, headers={"Accept": accept})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(accept)
        assert r.headers["vary"] == "Accept"
        return r

    xml = ET.fromstring(get("application/sparql-results+xml").content)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert len(xml.findall(f"{ns}results/{ns}result")) == 3
    rows = list(csv.DictReader(io.StringIO(get("text/csv").text)))
    assert [r["o"] for r in rows] == ["x", "y", "z"]
    tsv = get("text/tab-separated-values").text.splitlines()
    assert tsv[0] == "?s\t?o" and tsv[2].endswith('"y"@en') and len(tsv) == 4
    # No Accept, */* and application/json all give SPARQL JSON.
    for accept in ("", "*/*", "application/json"):
        headers = {"Accept": accept} if accept else {}
        assert len(json_rows(httpx.get(base, params={"query": SELECT_P}, headers=headers))) == 3


def test_ask_formats(base: str) -> None:
    q = {"query": "ASK { ?s <https://example.org/p> 'z' }"}
    assert httpx.get(base, params=q).json() == {"head": {}, "boolean": True}
    xml = httpx.get(base, params=q, headers={"Accept": "application/sparql-results+xml"})
    assert xml.text.strip().endswith("<boolean>true</boolean></sparql>")


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_formats(base: str, accept: str, rdflib_format: str) -> None:
    r = httpx.get(base, params={"query": CONSTRUCT_P}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(accept)
    g = rdflib.Graph().parse(data=r.content, format=rdflib_format)
    assert len(g) == 3
    assert (rdflib.URIRef(f"{EX}b"), rdflib.URIRef(f"{EX}p"), rdflib.Literal("y", lang="en")) in g


def test_construct_default_is_turtle_and_describe_works(base: str) -> None:
    r = httpx.get(base, params={"query": CONSTRUCT_P})
    assert r.headers["content-type"].startswith("text/turtle")
    r = httpx.get(base, params={"query": f"DESCRIBE <{EX}a>"})
    assert r.status_code == 200
    assert len(rdflib.Graph().parse(data=r.content, format="turtle")) == 2


def test_q_values_and_406(base: str) -> None:
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, text/turtle"
    r = httpx.get(base, params={"query": SELECT_P}, headers={"Accept": accept})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")
    r = httpx.get(base, params={"query": SELECT_P}, headers={"Accept": "text/csv;q=0, */*;q=0.1"})
    assert r.headers["content-type"].startswith("application/sparql-results+json")
    body = problem(
        httpx.get(base, params={"query": SELECT_P}, headers={"Accept": "image/png"}), 406
    )
    assert "text/csv" in body["supported"]
    body = problem(
        httpx.get(base, params={"query": CONSTRUCT_P}, headers={"Accept": "text/csv"}), 406
    )
    assert "text/turtle" in body["detail"]


# -- dataset -------------------------------------------------------------------------------


def test_dataset_parameters_override_from(base: str) -> None:
    q = f"SELECT ?o FROM <{G1}> WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?o"
    assert [r["o"]["value"] for r in json_rows(httpx.get(base, params={"query": q}))] == ["x", "y"]
    rows = json_rows(httpx.get(base, params={"query": q, "default-graph-uri": G2}))
    assert [r["o"]["value"] for r in rows] == ["z"]
    both = [("query", q), ("default-graph-uri", G1), ("default-graph-uri", G2)]
    assert len(json_rows(httpx.get(base, params=both))) == 3
    qn = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}"
    rows = json_rows(httpx.post(base, data={"query": f"{qn}", "named-graph-uri": G2}))
    assert {r["g"]["value"] for r in rows} == {G2}
    # The protocol dataset also applies to a direct POST, in the URL.
    rows = json_rows(
        httpx.post(
            base,
            params={"named-graph-uri": G1},
            content=qn.replace("WHERE", f"FROM NAMED <{G2}> WHERE"),
            headers={"Content-Type": "application/sparql-query"},
        )
    )
    assert {r["g"]["value"] for r in rows} == {G1}
    # Only default graphs given: no named graphs in the dataset.
    assert json_rows(httpx.get(base, params={"query": qn, "default-graph-uri": G1})) == []


NOWHERE = "http://kasei.us/2009/09/sparql/data/data0.rdf"
EMPTY = "AIMS-Graph-Empty-Graphs"


def test_unknown_graphs_are_read_as_empty(base: str) -> None:
    r = httpx.get(base, params={"query": "ASK {}", "default-graph-uri": NOWHERE})
    assert r.status_code == 200 and r.json()["boolean"] is True, r.text
    assert r.headers[EMPTY] == f"<{NOWHERE}>"
    q = f"SELECT ?o FROM <{NOWHERE}> WHERE {{ ?s ?p ?o }}"
    r = httpx.get(base, params={"query": q})
    assert json_rows(r) == [] and r.headers[EMPTY] == f"<{NOWHERE}>"
    # Next to a graph that exists: that one is read, the other is empty and named in the header.
    q = f"SELECT ?o FROM <{G1}> FROM <{NOWHERE}> FROM <{NOWHERE}> WHERE {{ ?s <{EX}p> ?o }}"
    r = httpx.get(base, params={"query": q})
    assert [row["o"]["value"] for row in json_rows(r)] == ["x", "y"]
    assert r.headers[EMPTY] == f"<{NOWHERE}>"
    # An empty named graph is not one GRAPH ?g can list.
    qn = "SELECT ?g WHERE { GRAPH ?g { } }"
    r = httpx.post(base, data={"query": qn, "named-graph-uri": [G2, f"{EX}none"]})
    assert [row["g"]["value"] for row in json_rows(r)] == [G2]
    assert r.headers[EMPTY] == f"<{EX}none>"
    # Graph forms too, and the header carries a non-ASCII IRI as a URI.
    r = httpx.get(
        base,
        params={"query": CONSTRUCT_P, "default-graph-uri": [f"{EX}été", f"{EX}x"]},
        headers={"Accept": "application/n-triples"},
    )
    assert r.status_code == 200 and r.content == b""
    assert r.headers[EMPTY] == f"<{EX}%C3%A9t%C3%A9>, <{EX}x>"
    # Graphs that all exist: no header.
    r = httpx.get(base, params={"query": "ASK {}", "default-graph-uri": G1})
    assert r.status_code == 200 and EMPTY not in r.headers


def test_bad_graph_iri_is_400(base: str) -> None:
    body = problem(
        httpx.get(base, params={"query": SELECT_P, "default-graph-uri": "not an iri"}), 400
    )
    assert "default-graph-uri" in body["detail"]


# -- service description ------------------------------------------------------------------


def test_service_description(base: str) -> None:
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    for accept, fmt in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("", "turtle"),
    ):
        r = httpx.get(base, headers={"Accept": accept} if accept else {})
        assert r.status_code == 200, r.text
        g = rdflib.Graph().parse(data=r.content, format=fmt)
        service = g.value(predicate=rdflib.RDF.type, object=sd.Service)
        assert g.value(service, sd.endpoint) == rdflib.URIRef(base)
        assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
        assert len(list(g.objects(service, sd.resultFormat))) == 8
        names = {str(n) for n in g.objects(None, sd.name)}
        assert names == {G1, G2, BULK}
    page = httpx.get(base, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.headers["content-type"].startswith("text/html")
    assert "/docs" in page.text and "read-only" in page.text


# -- read-only, SERVICE, LOAD, malformed --------------------------------------------------


def test_updates_are_refused(base: str) -> None:
    upd = f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}z> <{EX}p> 'new' }} }}"
    for r in (
        httpx.post(base, content=upd, headers={"Content-Type": "application/sparql-update"}),
        httpx.post(base, data={"update": upd}),
        httpx.get(base, params={"update": upd}),
        httpx.get(base, params={"query": upd}),
        httpx.post(base, data={"query": f"LOAD <{EX}data.ttl> INTO GRAPH <{G1}>"}),
    ):
        assert "read-only" in problem(r, 403)["detail"]
    body = problem(httpx.post(base, data={"query": SELECT_P, "update": upd}), 400)
    assert "not both" in body["detail"]
    assert len(json_rows(httpx.get(base, params={"query": SELECT_P}))) == 3


def test_service_refused_but_not_in_strings(base: str) -> None:
    q = "select * where { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert "SERVICE" in problem(httpx.get(base, params={"query": q}), 403)["detail"]
    harmless = (
        "PREFIX service: <https://example.org/service/>\n"
        "SELECT ?x WHERE { BIND('SERVICE <http://x> {}' AS ?x) "
        "FILTER(?x != <https://example.org/SERVICE>) } # SERVICE in a comment\n"
    )
    rows = json_rows(httpx.get(base, params={"query": harmless}))
    assert rows[0]["x"]["value"].startswith("SERVICE")


def test_malformed_query_is_400_with_parser_message(base: str) -> None:
    body = problem(httpx.get(base, params={"query": "SELEC ?x WHERE {}"}), 400)
    assert body["title"] == "Malformed query" and "error at 1:" in body["detail"]
    assert "no query" in problem(httpx.post(base, data={"foo": "bar"}), 400)["detail"]
    r = httpx.post(base, content=b"x", headers={"Content-Type": "text/plain"})
    problem(r, 415)


def test_query_shape_scanner() -> None:
    assert query_shape("SELECT * { ?s ?p '''a ''SERVICE''' }").service is False
    assert query_shape("SELECT * { ?s ?p 'a' SERVICE <x> {} }").service is True
    assert query_shape('SELECT * { ?s ?p "a\\" SERVICE" }').service is False
    assert query_shape("SELECT * { ?s ex:SERVICE ?service }").service is False
    assert query_shape("SELECT * { SERV\\u0049CE <x> {} }").service is True
    assert query_shape("SELECT * FROM <x> {}").has_from
    assert query_shape("CONSTRUCT WHERE { ?s ?p ?o }").form == "CONSTRUCT"


# -- limits -------------------------------------------------------------------------------


def test_time_limit_kills_the_worker(base: str, router: SparqlRouter) -> None:
    json_rows(httpx.get(base, params={"query": SELECT_P}))  # make sure the pool is up
    pool = router.endpoint.pool
    assert pool is not None
    before = set(pool.pids())
    start = time.monotonic()
    body = problem(httpx.get(base, params={"query": EXPENSIVE}, timeout=30), 503)
    elapsed = time.monotonic() - start
    assert elapsed < 3, elapsed
    assert "AIMS_GRAPH_QUERY_TIMEOUT_S" in body["detail"] and body["limit"] == "query_timeout_s"
    killed = before - set(pool.pids())
    assert len(killed) == 1
    pid = killed.pop()
    # The worker is gone (killed and reaped), so it uses no CPU.
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}"):
            break
        time.sleep(0.01)
    assert not os.path.exists(f"/proc/{pid}")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert len(pool.pids()) == SETTINGS.sparql_workers
    assert len(json_rows(httpx.get(base, params={"query": SELECT_P}))) == 3


def test_row_cap(base: str) -> None:
    q = f"SELECT ?s ?o WHERE {{ GRAPH <{BULK}> {{ ?s ?p ?o }} }}"
    body = problem(httpx.get(base, params={"query": q}), 400)
    assert "AIMS_GRAPH_MAX_ROWS=100" in body["detail"] and body["value"] == 100
    assert len(json_rows(httpx.get(base, params={"query": q + " LIMIT 100"}))) == 100
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{BULK}> {{ ?s ?p ?o }} }}"
    r = httpx.get(base, params={"query": construct})
    assert "triples" in problem(r, 400)["detail"]


def test_request_size_limit(base: str) -> None:
    big = SELECT_P + " #" + "x" * 5000
    problem(httpx.post(base, data={"query": big}), 413)
    r = httpx.post(base, content=big, headers={"Content-Type": "application/sparql-query"})
    assert "AIMS_GRAPH_MAX_REQUEST_BYTES" in problem(r, 413)["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while streaming
        yield SELECT_P.encode()
        yield b" #" + b"x" * 5000

    r = httpx.post(base, content=chunks(), headers={"Content-Type": "application/sparql-query"})
    problem(r, 413)


# -- real clients ---------------------------------------------------------------------------


def test_sparqlwrapper_client(base: str) -> None:
    from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

    client = SPARQLWrapper(base)
    client.setQuery(SELECT_P)
    client.setReturnFormat(JSON)
    result: Any = client.query().convert()
    assert [b["o"]["value"] for b in result["results"]["bindings"]] == ["x", "y", "z"]
    client.setMethod("POST")
    client.setReturnFormat(XML)
    assert len(client.query().convert().getElementsByTagName("result")) == 3
    client.setQuery(CONSTRUCT_P)
    client.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=client.query().convert(), format="turtle")
    assert len(g) == 3
    client.setQuery("ASK { ?s ?p 'x' }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rdflib_sparqlstore_client(base: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    for method in ("GET", "POST"):
        store = SPARQLStore(base, method=method)
        g = rdflib.Graph(store=store)
        rows = list(g.query(SELECT_P))
        assert [str(r[1]) for r in rows] == ["x", "y", "z"]  # type: ignore[index]
        assert g.query("ASK { ?s ?p 'z' }").askAnswer is True
        assert len(g.query(CONSTRUCT_P).graph or []) == 3


# -- other backends ------------------------------------------------------------------------


def test_disk_store_snapshots_follow_writes(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "db")
    fill(store)
    endpoint = SparqlEndpoint(Graph(store, SETTINGS, loader.BuildReport()), SETTINGS)
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://example.org/p> ?o }"
    try:
        req = QueryRequest(q, "text/csv", 10)
        from aims_graph.api.sparql import Dataset

        view = Dataset(("",), ())
        assert endpoint.execute(req.query, req.media_type, view).split()[-1] == b"3"
        store.put_graph(
            f"{EX}g4", b"<https://example.org/d> <https://example.org/p> 1 .", "text/turtle"
        )
        refresh_standards_view(store)
        assert endpoint.execute(req.query, req.media_type, view).split()[-1] == b"4"
    finally:
        endpoint.close()
        store.close()


def test_repeated_queries_are_answered_from_the_cache_until_a_write() -> None:
    store = OxigraphStore()
    fill(store)
    settings = SETTINGS.model_copy(update={"sparql_snapshot_interval_s": 0.0})
    router = sparql_router(Graph(store, settings, loader.BuildReport()), settings)
    app = FastAPI()
    app.include_router(router)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s <https://example.org/p> ?o }"

    def ask(**headers: str) -> tuple[str, str]:
        r = httpx.get(base, params={"query": count}, headers={"Accept": "text/csv", **headers})
        assert r.status_code == 200, r.text
        return r.headers["x-cache"], r.text.split()[-1]

    try:
        with uvicorn_server(app) as url:
            base = f"{url}/sparql"
            assert ask() == ("miss", "3")
            assert ask() == ("hit", "3")
            assert ask(**{"Cache-Control": "no-cache"}) == ("miss", "3")
            # Another media type or another dataset is another answer.
            r = httpx.get(base, params={"query": count}, headers={"Accept": "application/json"})
            assert r.headers["x-cache"] == "miss"
            r = httpx.get(
                base,
                params={"query": count, "default-graph-uri": G2},
                headers={"Accept": "text/csv"},
            )
            assert (r.headers["x-cache"], r.text.split()[-1]) == ("miss", "1")
            # A write makes every kept answer stale.
            store.put_graph(f"{EX}g4", f"<{EX}d> <{EX}p> 1 .".encode(), "text/turtle")
            refresh_standards_view(store)
            assert ask() == ("miss", "4")
            assert ask() == ("hit", "4")
    finally:
        router.endpoint.close()
        store.close()


@pytest.mark.parametrize("engine", SLOW_ENGINES)
def test_endpoint_over_remote_store(engine: str) -> None:
    with remote_store(engine, SETTINGS) as store:
        fill(store)
        # The build's bookkeeping graph is public but not part of the standards view.
        store.put_graph(META_GRAPH, f"<{EX}meta> <{EX}p> 'bookkeeping' .".encode(), "text/turtle")
        app = FastAPI()
        r = sparql_router(Graph(store, SETTINGS, loader.BuildReport()), SETTINGS)
        app.include_router(r)
        with uvicorn_server(app) as url:
            base = f"{url}/sparql"
            rows = json_rows(httpx.get(base, params={"query": SELECT_P}))
            # SPARQL leaves the order of "y"@en among plain literals to the engine (Virtuoso
            # sorts tagged ones last), so the rows are compared as a set here.
            assert sorted(r["o"]["value"] for r in rows) == ["x", "y", "z"]
            q = f"SELECT ?o FROM <{G1}> WHERE {{ ?s <{EX}p> ?o }}"
            rows = json_rows(httpx.get(base, params={"query": q, "default-graph-uri": G2}))
            assert [r["o"]["value"] for r in rows] == ["z"]
            ttl = httpx.get(base, params={"query": CONSTRUCT_P}, headers={"Accept": "text/turtle"})
            assert len(rdflib.Graph().parse(data=ttl.content, format="turtle")) == 3
            problem(
                httpx.get(base, params={"query": f"SELECT * {{ GRAPH <{BULK}> {{ ?s ?p ?o }} }}"}),
                400,
            )
            problem(httpx.get(base, params={"query": "SELEC ?x {}"}), 400)
            sd = httpx.get(base, headers={"Accept": "text/turtle"}).text
            assert G2 in sd
        store.close()

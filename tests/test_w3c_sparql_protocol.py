"""The W3C SPARQL 1.1 Protocol tests (``sparql11/protocol/manifest.ttl``) against /sparql.

The manifest comes from the rdflib sdist on PyPI (w3c/rdf-tests data, downloaded once into
``.cache/w3c/``). In the copy rdflib ships, its 34 ``mf:ProtocolTest`` entries carry a name
only; the HTTP exchanges are prose in the W3C test suite. Each is encoded below, under the
entry's local name, and the suite's own list is checked against the encoded ones, so a new or
renamed entry fails here instead of being skipped.

Every test runs on a real uvicorn server twice:

* ``suite data``: the built graph plus stand-ins for the suite's ``data1.rdf`` … ``data3.rdf``
  (their files are not in the sdist; each stand-in holds the one triple the queries read, the
  document typed as a ``foaf:Document``). Here every query test must give the W3C answer.
* ``built``: the real built graph only. A graph the suite would load is absent, so the
  endpoint reads it as empty (our documented behaviour): the answer must be a valid result of
  the required format, ``false`` for the dataset ASKs, and ``AIMS-Graph-Empty-Graphs`` must
  name exactly the dataset graphs that are absent.

Update tests are out of scope: the endpoint is read-only, so each must be refused (403,
``read-only``) and leave the store as it was; their follow-up queries then find nothing.
``query_multiple_dataset`` encodes its two ``named-graph-uri`` parameters as two parameters:
the suite writes the ``&`` between them percent-encoded, an erratum that would make them one IRI.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import httpx
import pytest
import rdflib
from rdflib.query import Result
from tests.orgdata_support import copy_of
from tests.remote_engines import remote_store
from tests.sdists import SdistUnavailableError, sdist_folder
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.graphs import refresh_standards_view

MANIFEST_DIR: Final = "test/data/suites/w3c/sparql11/protocol"
PROTOCOL_TEST: Final = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#ProtocolTest"
KASEI: Final = "http://kasei.us/2009/09/sparql/data/"
D0, D1, D2, D3 = (f"{KASEI}data{i}.rdf" for i in range(4))
FOAF_DOCUMENT: Final = "http://xmlns.com/foaf/0.1/Document"
SUITE_GRAPHS: Final = (D1, D2, D3)
FORM: Final = "application/x-www-form-urlencoded"
DIRECT: Final = "application/sparql-query"
UPDATE: Final = "application/sparql-update"
BOOLEAN_TYPES: Final = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES: Final = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES: Final = ("application/rdf+xml", "text/turtle", "application/n-triples")
RESULT_PARSERS: Final = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_PARSERS: Final = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


@dataclass(frozen=True)
class Exchange:
    """One HTTP request of a protocol test and what its answer must be."""

    method: str
    params: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None
    content_type: str | None = None
    #: "2xx" (success), "4xx" (refused as a bad request) or "update" (refused as read-only).
    status: str = "2xx"
    #: "boolean", "tabular" or "RDF": the kind of result a success must be.
    result: str | None = None
    #: The W3C answer of a boolean query over the suite's data.
    boolean: bool | None = None
    #: The answer when a dataset graph is absent (read as empty), when it differs.
    boolean_if_absent: bool | None = None
    #: Media types the answer must also come in when asked for by Accept.
    accepts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Case:
    """A W3C protocol test: its manifest entry's local name and its exchanges."""

    name: str
    exchanges: tuple[Exchange, ...]


def _ask(*params: tuple[str, str], query: str, method: str = "POST") -> Exchange:
    """A dataset ASK: true over the suite's data, false when its graphs are absent."""
    get = method == "GET"
    return Exchange(
        method,
        (*params, ("query", query)) if get else params,
        None if get else query.encode(),
        None if get else DIRECT,
        result="boolean",
        boolean=True,
        boolean_if_absent=False,
    )


TWO_TYPED = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
TWO_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
FULL = (
    f"ASK {{\n  <{D3}> a ?type\n  GRAPH ?g1 {{ <{D1}> a ?type }}\n"
    f"  GRAPH ?g2 {{ <{D2}> a ?type }}\n}}"
)
FROM_AND_NAMED = (
    f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
)
DG, NG = "default-graph-uri", "named-graph-uri"


def _update(
    body: str, *params: tuple[str, str], follow_up: str | None = None
) -> tuple[Exchange, ...]:
    """An update test: the update is refused, and its follow-up query finds nothing it wrote."""
    first = Exchange("POST", params, body.encode(), UPDATE, status="update")
    if follow_up is None:
        return (first,)
    result = "tabular" if follow_up.lstrip().startswith("SELECT") else "boolean"
    return first, Exchange("POST", (), follow_up.encode(), DIRECT, result=result)


UPDATE_DATASET = (
    "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
    f"CLEAR ALL ;\nINSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a foaf:Document }} }} ;\n"
    "INSERT { GRAPH <http://example.org/protocol-update-dataset-test/> "
    "{ ?s a dc:BibliographicResource } }\nWHERE { ?s a foaf:Document }"
)
UPDATE_CHECK = (
    "ASK { GRAPH <http://example.org/protocol-update-dataset-test/> "
    f"{{ <{D1}> a <http://purl.org/dc/terms/BibliographicResource> }} }}"
)
BASE_TEST = "http://example.org/protocol-base-test/"

CASES: Final = (
    Case(
        "query_post_form",
        (
            Exchange(
                "POST",
                ((DG, D0),),
                b"query=ASK%20%7B%7D",
                FORM,
                result="boolean",
                boolean=True,
            ),
        ),
    ),
    Case(
        "query_dataset_default_graphs_get",
        (_ask((DG, D1), (DG, D2), query=TWO_TYPED, method="GET"),),
    ),
    Case("query_dataset_default_graphs_post", (_ask((DG, D1), (DG, D2), query=TWO_TYPED),)),
    Case("query_dataset_named_graphs_post", (_ask((NG, D1), (NG, D2), query=TWO_NAMED),)),
    Case(
        "query_dataset_named_graphs_get",
        (_ask((NG, D1), (NG, D2), query=TWO_NAMED, method="GET"),),
    ),
    Case("query_dataset_full", (_ask((DG, D3), (NG, D1), (NG, D2), query=FULL),)),
    Case("query_multiple_dataset", (_ask((NG, D1), (NG, D2), query=FROM_AND_NAMED),)),
    Case(
        "query_get",
        (Exchange("GET", (("query", "ASK {}"), (DG, D0)), result="boolean", boolean=True),),
    ),
    Case(
        "query_content_type_select",
        (
            Exchange(
                "POST",
                ((DG, D0),),
                b"SELECT (1 AS ?value) {}",
                DIRECT,
                result="tabular",
                accepts=TABULAR_TYPES,
            ),
        ),
    ),
    Case(
        "query_content_type_ask",
        (
            Exchange(
                "POST", ((DG, D0),), b"ASK {}", DIRECT, result="boolean", accepts=BOOLEAN_TYPES
            ),
        ),
    ),
    Case(
        "query_content_type_describe",
        (
            Exchange(
                "POST",
                ((DG, D0),),
                b"DESCRIBE <http://example.org/>",
                DIRECT,
                result="RDF",
                accepts=RDF_TYPES,
            ),
        ),
    ),
    Case(
        "query_content_type_construct",
        (
            Exchange(
                "POST",
                ((DG, D0),),
                b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                DIRECT,
                result="RDF",
                accepts=RDF_TYPES,
            ),
        ),
    ),
    Case(
        "update_dataset_default_graph",
        _update(UPDATE_DATASET, ("using-graph-uri", D1), follow_up=UPDATE_CHECK),
    ),
    Case(
        "update_dataset_default_graphs",
        _update(
            UPDATE_DATASET, ("using-graph-uri", D1), ("using-graph-uri", D2), follow_up=UPDATE_CHECK
        ),
    ),
    Case(
        "update_dataset_named_graphs",
        _update(
            UPDATE_DATASET,
            ("using-named-graph-uri", D1),
            ("using-named-graph-uri", D2),
            follow_up=UPDATE_CHECK,
        ),
    ),
    Case(
        "update_dataset_full",
        _update(
            UPDATE_DATASET,
            ("using-graph-uri", D1),
            ("using-named-graph-uri", D2),
            follow_up=UPDATE_CHECK,
        ),
    ),
    Case(
        "update_post_form",
        (Exchange("POST", (), b"update=CLEAR+ALL", FORM, status="update"),),
    ),
    Case("update_post_direct", _update("CLEAR ALL")),
    Case(
        "update_base_uri",
        _update(
            f"CLEAR GRAPH <{BASE_TEST}> ;\n"
            f"INSERT DATA {{ GRAPH <{BASE_TEST}> {{ <http://example.org/s> "
            "<http://example.org/p> <test> } }",
            follow_up=f"SELECT ?o WHERE {{ GRAPH <{BASE_TEST}> "
            "{ <http://example.org/s> <http://example.org/p> ?o } }",
        ),
    ),
    Case(
        "query_post_direct",
        (Exchange("POST", (), b"ASK {}", DIRECT, result="boolean", boolean=True),),
    ),
    Case(
        "bad_query_method",
        (Exchange("PUT", (("query", "ASK {}"), (DG, D0)), b"", FORM, status="4xx"),),
    ),
    Case(
        "bad_multiple_queries",
        (Exchange("GET", (("query", "ASK {}"), ("query", "SELECT * {}")), status="4xx"),),
    ),
    Case(
        "bad_query_wrong_media_type",
        (Exchange("POST", (), b"ASK {}", "text/plain", status="4xx"),),
    ),
    Case(
        "bad_query_missing_form_type", (Exchange("POST", (), b"query=ASK%20%7B%7D", status="4xx"),)
    ),
    Case("bad_query_missing_direct_type", (Exchange("POST", (), b"ASK {}", status="4xx"),)),
    Case(
        "bad_query_non_utf8",
        (
            Exchange(
                "POST", (), "ASK {}".encode("utf-16"), f"{DIRECT}; charset=UTF-16", status="4xx"
            ),
        ),
    ),
    Case("bad_query_syntax", (Exchange("GET", (("query", "ASK {"),), status="4xx"),)),
    Case("bad_update_get", (Exchange("GET", (("update", "CLEAR ALL"),), status="update"),)),
    Case(
        "bad_multiple_updates",
        (
            Exchange(
                "POST", (), b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM, status="update"
            ),
        ),
    ),
    Case(
        "bad_update_wrong_media_type",
        (Exchange("POST", (), b"CLEAR NAMED", "text/plain", status="4xx"),),
    ),
    Case(
        "bad_update_missing_form_type",
        (Exchange("POST", (), b"update=CLEAR%20NAMED", status="4xx"),),
    ),
    Case(
        "bad_update_non_utf8",
        (
            Exchange(
                "POST",
                (),
                "CLEAR NAMED".encode("utf-16"),
                f"{UPDATE}; charset=UTF-16",
                status="update",
            ),
        ),
    ),
    Case(
        "bad_update_syntax",
        (Exchange("POST", (), b"update=CLEAR%20XYZ", FORM, status="update"),),
    ),
    Case(
        "bad_update_dataset_conflict",
        _update(
            "PREFIX foaf:  <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
            "DELETE { ?person foaf:givenName 'Bill' }\n"
            "INSERT { ?person foaf:givenName 'William' }\n"
            "WHERE {\n    ?person foaf:givenName 'Bill'\n}",
            ("using-named-graph-uri", "http://example/people"),
        ),
    ),
)


@pytest.fixture(scope="module")
def manifest() -> list[str]:
    """The local names of the suite's protocol tests, in manifest order."""
    try:
        folder = sdist_folder("rdflib", rdflib.__version__, MANIFEST_DIR, "manifest.ttl")
    except SdistUnavailableError as exc:
        pytest.skip(f"the W3C protocol manifest could not be downloaded from PyPI: {exc}")
    path = folder / "manifest.ttl"
    g = rdflib.Graph().parse(path, format="turtle")
    entries = g.value(
        g.value(
            predicate=rdflib.RDF.type,
            object=rdflib.URIRef(
                "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#Manifest"
            ),
        ),
        rdflib.URIRef("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#entries"),
    )
    names = []
    for entry in g.items(entries):
        assert (entry, rdflib.RDF.type, rdflib.URIRef(PROTOCOL_TEST)) in g, entry
        names.append(str(entry).rsplit("#", 1)[1])
    return names


@dataclass
class Server:
    """One running service and what its store holds."""

    url: str
    store: OxigraphStore
    graphs: frozenset[str]


@pytest.fixture(scope="module")
def servers(built_store: Store) -> Iterator[dict[str, Server]]:
    """The service over the suite's data (plus the built graph), and over the built graph."""
    with_data = copy_of(built_store)
    for graph in SUITE_GRAPHS:
        with_data.put_graph(graph, f"<{graph}> a <{FOAF_DOCUMENT}> .\n".encode(), "text/turtle")
    built = copy_of(built_store)
    settings = Settings(store="memory:", sparql_workers=1, sparql_snapshot_interval_s=0)
    out: dict[str, Server] = {}
    stores = {"suite data": (with_data, frozenset(SUITE_GRAPHS)), "built": (built, frozenset())}
    with (
        uvicorn_server(create_app(Graph(with_data, settings, loader.BuildReport()))) as a,
        uvicorn_server(create_app(Graph(built, settings, loader.BuildReport()))) as b,
    ):
        for (label, (store, graphs)), url in zip(stores.items(), (a, b), strict=True):
            out[label] = Server(url, store, graphs)
        yield out
    with_data.close()
    built.close()


def _send(server: Server, ex: Exchange, accept: str | None = None) -> httpx.Response:
    headers = {"Content-Type": ex.content_type} if ex.content_type else {}
    if accept:
        headers["Accept"] = accept
    return httpx.request(
        ex.method,
        f"{server.url}/sparql",
        params=list(ex.params),
        content=ex.body,
        headers=headers,
        timeout=60,
    )


def _dataset(ex: Exchange) -> list[str]:
    """The graphs an exchange names by protocol parameters (they win over FROM)."""
    return list(dict.fromkeys(v for k, v in ex.params if k in (DG, NG)))


def _check_result(r: httpx.Response, ex: Exchange, media: str | None) -> Result | rdflib.Graph:
    assert r.status_code == 200, r.text
    ctype = r.headers["content-type"].split(";")[0].strip()
    if media is not None:
        assert ctype == media
    if ex.result == "RDF":
        assert ctype in RDF_PARSERS, ctype
        return rdflib.Graph().parse(data=r.content, format=RDF_PARSERS[ctype])
    allowed = BOOLEAN_TYPES if ex.result == "boolean" else TABULAR_TYPES
    assert ctype in allowed, ctype
    result = Result.parse(io.BytesIO(r.content), format=RESULT_PARSERS[ctype])
    assert result.type == ("ASK" if ex.result == "boolean" else "SELECT")
    return result


def _run(server: Server, ex: Exchange) -> None:
    before = server.store.triple_count()
    r = _send(server, ex)
    if ex.status == "update":
        # Read-only: refused with the reason, whichever way the update came.
        assert r.status_code == 403, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["type"].endswith("/read-only")
        assert server.store.triple_count() == before
        return
    if ex.status == "4xx":
        assert 400 <= r.status_code < 500, (r.status_code, r.text)
        assert r.status_code in (400, 405, 415), r.status_code
        return
    result = _check_result(r, ex, None)
    absent = [g for g in _dataset(ex) if g not in server.graphs]
    header = r.headers.get("AIMS-Graph-Empty-Graphs")
    assert header == (", ".join(f"<{g}>" for g in absent) or None)
    if ex.boolean is not None:
        assert isinstance(result, Result)
        # A dataset graph that is absent is read as empty: the pattern finds nothing there.
        expected = ex.boolean
        if absent and ex.boolean_if_absent is not None:
            expected = ex.boolean_if_absent
        assert result.askAnswer is expected
    for media in ex.accepts:
        _check_result(_send(server, ex, media), ex, media)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol(case: Case, manifest: list[str], servers: dict[str, Server]) -> None:
    """One W3C protocol test, on the service with the suite's data and on the built graph."""
    assert case.name in manifest
    for label, server in servers.items():
        for ex in case.exchanges:
            try:
                _run(server, ex)
            except AssertionError as exc:
                raise AssertionError(f"[{label}] {ex.method} {ex.params}: {exc}") from exc


def test_every_manifest_entry_is_encoded(manifest: list[str]) -> None:
    assert sorted(manifest) == sorted(c.name for c in CASES)


def test_relative_iris_resolve_against_the_endpoint(servers: dict[str, Server]) -> None:
    """The service-defined base the construct and update_base_uri tests rely on."""
    url = servers["built"].url
    r = httpx.post(
        f"{url}/sparql",
        content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": DIRECT, "Accept": "application/n-triples"},
    )
    assert r.status_code == 200, r.text
    assert r.text.split()[:2] == [f"<{url}/s>", f"<{url}/p>"]
    # A BASE of the query's own still wins.
    r = httpx.get(f"{url}/sparql", params={"query": "BASE <http://b/> SELECT (<x> AS ?x) {}"})
    assert r.json()["results"]["bindings"][0]["x"]["value"] == "http://b/x"


def test_relative_iris_resolve_against_the_endpoint_on_a_remote_store() -> None:
    """Over a sparql: store the base reaches the server as a leading BASE."""
    settings = Settings(store="memory:", sparql_workers=1)
    with remote_store("oxigraph") as store:
        store.put_graph(D1, f"<{D1}> a <{FOAF_DOCUMENT}> .\n".encode(), "text/turtle")
        refresh_standards_view(store)
        with uvicorn_server(create_app(Graph(store, settings, loader.BuildReport()))) as url:
            r = httpx.post(
                f"{url}/sparql",
                content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                headers={"Content-Type": DIRECT, "Accept": "application/n-triples"},
            )
            assert r.status_code == 200, r.text
            assert r.text.split()[:2] == [f"<{url}/s>", f"<{url}/p>"]
            r = httpx.get(
                f"{url}/sparql", params={"query": "BASE <http://b/> SELECT (<x> AS ?x) {}"}
            )
            assert r.json()["results"]["bindings"][0]["x"]["value"] == "http://b/x"

"""The Graph Store Protocol's read side at /graph-store, on a real server over the built graph.

Every public graph comes back in every media type with the store's own triple count; an
organisation reads its own graph with its key, and another organisation's graph answers exactly
as a graph that does not exist; validators, HEAD, refused writes and the service description.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any, Final

import httpx
import pytest
import rdflib
from rdflib.namespace import RDF, RDFS
from tests.orgdata_support import copy_of
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.orgdata import org_graph_iri
from aims_graph.orgdata.model import org_shapes_graph_iri
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.graphs import ORG_REGISTRY_GRAPH, public_graphs

MEDIA: Final = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
}
SD: Final = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
MARKER: Final = "Quokka-Basalt-Private"
ORG_TTL: Final = """
@prefix aims: <https://w3id.org/aims-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/aims-graph/org/{id}/organisation/{id}> a aims:Organisation ;
    aims:name "{name}" ; rdfs:label "{name}" .
<https://w3id.org/aims-graph/org/{id}/system/s1> a aims:AISystem ;
    aims:name "{name} system" ; rdfs:label "{name} system" ;
    aims:organisation <https://w3id.org/aims-graph/org/{id}/organisation/{id}> .
"""


@pytest.fixture(scope="module")
def store(built_store: Store) -> Iterator[OxigraphStore]:
    copy = copy_of(built_store)  # organisations are registered in it
    yield copy
    copy.close()


@pytest.fixture(scope="module")
def http(store: OxigraphStore) -> Iterator[httpx.Client]:
    graph = Graph(store, Settings(store="memory:"), loader.BuildReport())
    with uvicorn_server(create_app(graph)) as url, httpx.Client(base_url=url, timeout=120) as c:
        yield c


@pytest.fixture(scope="module")
def keys(http: httpx.Client) -> dict[str, str]:
    """Two organisations with data: alpha, and bravo whose data carries the marker."""
    out = {}
    for org_id, name in (("alpha", "Alpha Lending"), ("bravo", MARKER)):
        r = http.post("/orgs", json={"id": org_id, "name": name})
        assert r.status_code == 201, r.text
        out[org_id] = str(r.json()["api_key"])
        r = http.put(
            f"/orgs/{org_id}/data",
            content=ORG_TTL.format(id=org_id, name=name).encode(),
            headers={**auth(out[org_id]), "Content-Type": "text/turtle"},
        )
        assert r.status_code == 200, r.text
    return out


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def parse(r: httpx.Response, graph: str | None = None) -> int:
    """The triples of a response body (those of ``graph`` for N-Quads), as rdflib reads them."""
    media = r.headers["content-type"].split(";")[0]
    # Distinct lexical forms ("1" and "01") are distinct triples in the store: keep them so.
    before, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        if media == "application/n-quads":
            ds = rdflib.Dataset()
            with warnings.catch_warnings():
                # rdflib's own N-Quads parser warns once per default-graph line about its API.
                warnings.simplefilter("ignore", DeprecationWarning)
                ds.parse(data=r.content, format="nquads")
            context = ds.graph(rdflib.URIRef(graph)) if graph else ds.default_graph
            return len(context)
        return len(rdflib.Graph().parse(data=r.content, format=MEDIA[media]))
    finally:
        rdflib.NORMALIZE_LITERALS = before


#: Every graph in every serialisation (rdflib parsing about 150k triples each, 11-15 s) runs with
#: the slow tests, and so does reading the whole view; the default suite reads the small graphs.
SWEEP: Final = [pytest.param(m, marks=pytest.mark.slow) for m in MEDIA]


@pytest.mark.parametrize("media", SWEEP)
def test_every_public_graph_in_every_media_type(
    http: httpx.Client, store: OxigraphStore, media: str
) -> None:
    graphs = public_graphs(store.graphs())
    assert len(graphs) > 20
    for graph in graphs:
        r = http.get("/graph-store", params={"graph": graph}, headers={"Accept": media})
        assert r.status_code == 200, (graph, r.text)
        assert r.headers["content-type"].split(";")[0] == media
        assert r.headers["cache-control"].startswith("public")
        assert parse(r, graph) == store.triple_count(graph), graph


@pytest.mark.parametrize(
    "media",
    [
        pytest.param("text/turtle", marks=pytest.mark.slow),
        pytest.param("application/n-quads", marks=pytest.mark.slow),
    ],
)
def test_default_graph_is_the_standards_view(
    http: httpx.Client, store: OxigraphStore, media: str
) -> None:
    r = http.get("/graph-store?default", headers={"Accept": media})
    assert r.status_code == 200, r.text
    assert parse(r) == store.triple_count() > 50_000
    # The view holds nothing private, whoever asks.
    assert MARKER not in r.text


def test_own_organisation_graph_with_its_key(
    http: httpx.Client, store: OxigraphStore, keys: dict[str, str]
) -> None:
    g = org_graph_iri("alpha")
    for media in MEDIA:
        r = http.get(
            "/graph-store", params={"graph": g}, headers={**auth(keys["alpha"]), "Accept": media}
        )
        assert r.status_code == 200, r.text
        assert parse(r, g) == store.triple_count(g) > 0
        # The caller's own data: no shared cache keeps it.
        assert r.headers["cache-control"] == "private, no-cache"
        assert "Authorization" in r.headers["vary"]
    # Without the key it is nobody's to read.
    assert http.get("/graph-store", params={"graph": g}).status_code == 404


def _answer(r: httpx.Response, iri: str) -> tuple[int, str, list[str]]:
    names = sorted(k for k in r.headers if k not in ("date", "content-length"))
    return r.status_code, r.text.replace(iri, "G"), names


def test_another_organisations_graph_reads_like_an_unknown_one(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    bravo, absent = org_graph_iri("bravo"), org_graph_iri("nosuchorg")
    for headers in (auth(keys["alpha"]), {}):
        for accept in ("text/turtle", "application/n-quads", "image/png"):
            h = {**headers, "Accept": accept}
            for method in ("GET", "HEAD"):
                theirs = http.request(method, "/graph-store", params={"graph": bravo}, headers=h)
                nobodys = http.request(method, "/graph-store", params={"graph": absent}, headers=h)
                assert theirs.status_code == 404
                assert _answer(theirs, bravo) == _answer(nobodys, absent)
                assert MARKER not in theirs.text
    # System graphs (the registry with its hashed keys) are nobody's either.
    r = http.get("/graph-store", params={"graph": ORG_REGISTRY_GRAPH}, headers=auth(keys["alpha"]))
    assert _answer(r, ORG_REGISTRY_GRAPH) == _answer(
        http.get("/graph-store", params={"graph": absent}, headers=auth(keys["alpha"])), absent
    )
    # A key that is not valid is refused before anything is said about graphs.
    r = http.get("/graph-store", params={"graph": bravo}, headers=auth("agk_not-a-key"))
    assert r.status_code == 401


def test_etag_and_if_none_match(http: httpx.Client, store: OxigraphStore) -> None:
    graph = public_graphs(store.graphs())[0]
    tags = set()
    for media in MEDIA:
        r = http.get("/graph-store", params={"graph": graph}, headers={"Accept": media})
        etag = r.headers["etag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        tags.add(etag)
        again = http.get(
            "/graph-store",
            params={"graph": graph},
            headers={"Accept": media, "If-None-Match": etag},
        )
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        other = http.get(
            "/graph-store",
            params={"graph": graph},
            headers={"Accept": media, "If-None-Match": '"stale"'},
        )
        assert other.status_code == 200 and other.content == r.content
    assert len(tags) == len(MEDIA)  # one representation, one validator


def test_head_has_the_get_headers_and_no_body(http: httpx.Client, store: OxigraphStore) -> None:
    for target in ({"graph": public_graphs(store.graphs())[-1]}, {"default": ""}):
        got = http.get("/graph-store", params=target, headers={"Accept": "application/rdf+xml"})
        head = http.head("/graph-store", params=target, headers={"Accept": "application/rdf+xml"})
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert int(head.headers["content-length"]) == len(got.content) > 0
        assert head.headers["etag"] == got.headers["etag"]


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_writes_are_refused_with_allow(
    http: httpx.Client, store: OxigraphStore, keys: dict[str, str], method: str
) -> None:
    g = org_graph_iri("alpha")
    before = store.triple_count(g)
    r = http.request(
        method,
        "/graph-store",
        params={"graph": g},
        content=b"<https://example.org/s> <https://example.org/p> 1 .",
        headers={**auth(keys["alpha"]), "Content-Type": "application/n-triples"},
    )
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "/orgs/{id}/data" in r.json()["detail"]
    assert store.triple_count(g) == before


def test_bad_requests_and_not_acceptable(http: httpx.Client, store: OxigraphStore) -> None:
    graph = public_graphs(store.graphs())[0]
    for query in ("", f"?graph={graph}&default", f"?graph={graph}&graph={graph}", "?graph=x y"):
        r = http.get(f"/graph-store{query}")
        assert r.status_code == 400, (query, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    r = http.get("/graph-store", params={"graph": graph}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    body: dict[str, Any] = r.json()
    for media in MEDIA:
        assert media in body["supported"]


def _description(http: httpx.Client, headers: dict[str, str]) -> rdflib.Graph:
    r = http.get("/sparql", headers={**headers, "Accept": "text/turtle"})
    assert r.status_code == 200, r.text
    return rdflib.Graph().parse(data=r.content, format="turtle")


def test_service_description_names_the_endpoint_graphs_and_graph_store(
    http: httpx.Client, store: OxigraphStore, keys: dict[str, str]
) -> None:
    base = str(http.base_url).rstrip("/")
    public = set(public_graphs(store.graphs()))
    for who in (None, "alpha"):
        sd = _description(http, auth(keys[who]) if who else {})
        service = sd.value(predicate=RDF.type, object=SD.Service)
        assert sd.value(service, SD.endpoint) == rdflib.URIRef(f"{base}/sparql")
        formats = {str(f).rsplit("/", 1)[1] for f in sd.objects(service, SD.resultFormat)}
        assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "Turtle", "JSON-LD"} <= formats
        named = {str(n) for n in sd.objects(None, SD.name)}
        # A key's own graphs: its data and its policy shapes.
        own = {org_graph_iri("alpha"), org_shapes_graph_iri("alpha")} if who else set()
        assert named == public | own
        assert MARKER not in sd.serialize(format="turtle")
        gsp = sd.value(service, RDFS.seeAlso)
        assert gsp == rdflib.URIRef(f"{base}/graph-store")
        assert "Graph Store" in str(sd.value(gsp, RDFS.comment))
    # Every graph the description names is one the Graph Store serves to the same caller.
    for graph in [*sorted(public)[:3], org_graph_iri("alpha")]:
        r = http.head("/graph-store", params={"graph": graph}, headers=auth(keys["alpha"]))
        assert r.status_code == 200, graph


def test_openapi_documents_the_read_operation(http: httpx.Client) -> None:
    ops = http.get("/openapi.json").json()["paths"]["/graph-store"]
    assert set(ops) == {"get"}
    content = ops["get"]["responses"]["200"]["content"]
    assert set(MEDIA) <= set(content)
    assert {p["name"] for p in ops["get"]["parameters"]} == {"graph", "default"}

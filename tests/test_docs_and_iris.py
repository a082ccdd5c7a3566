"""Documentation served with the graph, over a real uvicorn server: /ontology and /id/ IRIs."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build.loader import BuildReport
from aims_graph.config import Settings
from aims_graph.exports.describe import Description, render_html
from aims_graph.exports.ontology_docs import load_vocabulary
from aims_graph.namespaces import AIMS, ID
from aims_graph.service import Graph
from aims_graph.store import Store

ITEM = f"{ID}iso42001-2023/A.6.2.4"
PARENT = f"{ID}iso42001-2023/A.6.2"
SCHEME = f"{ID}iso42001-2023"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def base(built_store: Store) -> Iterator[str]:
    graph = Graph(built_store, Settings(store="memory:"), BuildReport())
    with uvicorn_server(create_app(graph)) as url:
        yield url


def get(base: str, path: str, accept: str | None = None, **params: str) -> httpx.Response:
    headers = {"Accept": accept} if accept else {}
    return httpx.get(base + path, headers=headers, params=params, timeout=30)


class Anchors(HTMLParser):
    """Collects element ids, link targets and the text of <code> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.codes: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        self._in_code = tag == "code"

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code:
            self.codes.append(data.strip())


def parse_html(text: str) -> Anchors:
    parser = Anchors()
    parser.feed(text)
    return parser


def parse_rdf(response: httpx.Response, fmt: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=response.content, format=fmt)
    return g


# -- /ontology ---------------------------------------------------------------------------------


def test_ontology_html_lists_every_class_with_an_anchor_by_local_name(base: str) -> None:
    r = get(base, "/ontology", BROWSER)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    page = parse_html(r.text)
    vocabulary = load_vocabulary()
    classes = {
        str(c) for c in vocabulary.subjects(RDF.type, OWL.Class) if str(c).startswith(str(AIMS))
    }
    assert len(classes) > 30
    for iri in classes:
        local = iri[len(str(AIMS)) :]
        assert iri in page.codes, f"{iri} is not listed"
        # aims:X dereferences to /ontology#X, so that fragment must land on the term.
        assert local in page.ids, f"no anchor #{local}"
    assert "pyLODE" in r.text  # rendered by pyLODE, not the plain fallback


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ],
)
def test_ontology_as_rdf(base: str, accept: str, fmt: str) -> None:
    r = get(base, "/ontology", accept)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == accept
    g = parse_rdf(r, fmt)
    assert (URIRef(f"{AIMS}Clause"), RDF.type, OWL.Class) in g
    assert (URIRef("https://w3id.org/aims-graph/ontology"), RDF.type, OWL.Ontology) in g


def test_ontology_refuses_unsupported_accept(base: str) -> None:
    r = get(base, "/ontology", "image/png")
    assert r.status_code == 406
    assert r.headers["content-type"] == "application/problem+json"
    assert "text/turtle" in r.json()["supported"]


# -- /id/... -------------------------------------------------------------------------------------


def test_item_html_for_browsers(base: str) -> None:
    r = get(base, "/id/iso42001-2023/A.6.2.4", BROWSER)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["vary"] == "Accept"
    page = parse_html(r.text)
    assert ITEM in page.codes
    assert "/id/iso42001-2023/A.6.2" in page.hrefs  # the parent
    assert "/id/iso42001-2023" in page.hrefs  # the framework
    assert "/ontology#Control" in page.hrefs  # the kind
    assert any(h.startswith("/id/mapping/") for h in page.hrefs)  # its mappings
    assert any(h.startswith("/id/nist-ai-rmf-1.0/") for h in page.hrefs)  # mapped items
    assert "Mappings to this item" in r.text and "Mappings from this item" in r.text
    again = httpx.get(
        base + "/id/iso42001-2023/A.6.2.4",
        headers={"Accept": BROWSER, "If-None-Match": r.headers["etag"]},
    )
    assert again.status_code == 304


def item_triples_hold(g: rdflib.Graph) -> None:
    item = URIRef(ITEM)
    assert (item, SKOS.notation, Literal("A.6.2.4")) in g
    assert (item, SKOS.broader, URIRef(PARENT)) in g
    assert (item, SKOS.inScheme, URIRef(SCHEME)) in g
    assert (item, RDF.type, AIMS.Control) in g
    out = set(g.subjects(AIMS.mappingSubject, item))
    into = set(g.subjects(AIMS.mappingObject, item))
    assert out and into
    for node in out | into:  # each mapping node comes whole
        assert (node, RDF.type, AIMS.Mapping) in g
        assert g.value(node, AIMS.relation) is not None
        assert g.value(node, AIMS.confidence) is not None


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("text/turtle", "turtle", "text/turtle"),
        ("application/ld+json", "json-ld", "application/ld+json"),
        ("application/n-triples", "nt", "application/n-triples"),
        ("application/rdf+xml", "xml", "application/rdf+xml"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "json-ld", "application/ld+json"),
    ],
)
def test_item_rdf_by_content_negotiation(base: str, accept: str, fmt: str, media: str) -> None:
    r = get(base, "/id/iso42001-2023/A.6.2.4", accept)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    item_triples_hold(parse_rdf(r, fmt))


def test_format_parameter_overrides_accept(base: str) -> None:
    r = get(base, "/id/iso42001-2023/A.6.2.4", BROWSER, format="ttl")
    assert r.headers["content-type"].startswith("text/turtle")
    item_triples_hold(parse_rdf(r, "turtle"))
    assert get(base, "/id/iso42001-2023/A.6.2.4", format="gif").status_code == 400


def test_children_are_linked_from_the_parent(base: str) -> None:
    g = parse_rdf(get(base, "/id/iso42001-2023/A.6.2", "text/turtle"), "turtle")
    assert (URIRef(ITEM), SKOS.broader, URIRef(PARENT)) in g


def test_scheme_iri(base: str) -> None:
    g = parse_rdf(get(base, "/id/iso42001-2023", "application/ld+json"), "json-ld")
    assert (URIRef(SCHEME), RDF.type, AIMS.Framework) in g
    html = get(base, "/id/iso42001-2023", BROWSER).text
    assert "Top concepts" in html


def test_mapping_iri(base: str) -> None:
    g = parse_rdf(get(base, "/id/iso42001-2023/A.6.2.4", "text/turtle"), "turtle")
    node = next(iter(g.subjects(AIMS.mappingSubject, URIRef(ITEM))))
    assert str(node).startswith(f"{ID}mapping/")
    r = get(base, "/id/" + str(node)[len(ID) :], "text/turtle")
    assert r.status_code == 200
    m = parse_rdf(r, "turtle")
    assert (node, AIMS.mappingSubject, URIRef(ITEM)) in m
    assert (node, AIMS.inMappingSet, None) in m
    assert get(base, "/id/" + str(node)[len(ID) :], BROWSER).status_code == 200


def test_unknown_iri_is_404_problem(base: str) -> None:
    for path in ("/id/iso42001-2023/Z.99", "/id/nothing", "/id/"):
        r = get(base, path, "text/turtle")
        assert r.status_code == 404, path
        assert r.headers["content-type"] == "application/problem+json"
        body = r.json()
        assert body["type"].endswith("/not-found") and body["status"] == 404


def test_unsupported_accept_is_406(base: str) -> None:
    r = get(base, "/id/iso42001-2023/A.6.2.4", "image/png")
    assert r.status_code == 406
    assert r.json()["type"].endswith("/not-acceptable")


def test_html_page_escapes_what_it_shows() -> None:
    g = rdflib.Graph()
    me = URIRef(f"{ID}eu-ai-act/x")
    g.add((me, SKOS.prefLabel, Literal("<script>alert(1)</script>", lang="en")))
    g.add((me, SKOS.notation, Literal('"><img src=x>')))
    page = render_html(Description(str(me), g))
    assert "<script>alert" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;" in page


# -- docs/sparql-cookbook.md ----------------------------------------------------------------------


def test_cookbook_explains_every_named_query() -> None:
    root = Path(__file__).resolve().parents[1]
    cookbook = (root / "docs" / "sparql-cookbook.md").read_text(encoding="utf-8")
    headings = {line[3:].strip() for line in cookbook.splitlines() if line.startswith("## ")}
    names = sorted(p.stem for p in (root / "queries").glob("*.rq"))
    assert len(names) >= 15
    missing = [n for n in names if n not in headings]
    assert not missing, f"queries missing from docs/sparql-cookbook.md: {missing}"
    for name in names:
        section = cookbook.split(f"\n## {name}\n", 1)[1].split("\n## ", 1)[0]
        for part in ("**Question.**", "**Call it.**", "**Example output**", "**Adapt it.**"):
            assert part in section, f"{name}: no {part}"
        assert f"/queries/{name}" in section and "/sparql" in section, name


def test_head_answers_like_get_and_openapi_ids_are_unique(base: str) -> None:
    for path in ("/ontology", "/id/iso42001-2023/A.6.2.4"):
        head = httpx.head(base + path, headers={"Accept": "text/turtle"}, timeout=30)
        assert head.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"].startswith("text/turtle")
    spec = httpx.get(base + "/openapi.json", timeout=30).json()
    ids = [op["operationId"] for item in spec["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))

"""What GET /sparql without a query answers: a SPARQL 1.1 Service Description, or an HTML page."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pyoxigraph as ox

from aims_graph.config import Settings
from aims_graph.store import StoreError

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
RDFS_SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"
RESULT_FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
}


def service_description(
    endpoint: str,
    media_type: str,
    settings: Settings,
    named_graphs: Sequence[str],
    graph_store: str | None = None,
) -> bytes:
    """A SPARQL 1.1 Service Description of the endpoint, in an RDF media type."""
    nn = ox.NamedNode
    service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(service, nn(RDF_TYPE), nn(SD + "Service")),
        ox.Triple(service, nn(SD + "endpoint"), nn(endpoint)),
        ox.Triple(service, nn(SD + "supportedLanguage"), nn(SD + "SPARQL11Query")),
        ox.Triple(service, nn(SD + "feature"), nn(SD + "UnionDefaultGraph")),
        ox.Triple(
            service,
            nn(RDFS_COMMENT),
            ox.Literal(
                "Read-only SPARQL 1.1 Query endpoint of aims-graph: no updates, no SERVICE, "
                f"a time limit of {settings.query_timeout_s:g} s and a cap of "
                f"{settings.max_rows} result rows per query. Without a dataset the "
                "default graph is the union of the public graphs (plus, with an API key, "
                "the organisation's own graph); the named graphs are those listed here.",
                language="en",
            ),
        ),
        ox.Triple(service, nn(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, nn(RDF_TYPE), nn(SD + "Dataset")),
        ox.Triple(dataset, nn(SD + "defaultGraph"), default),
        ox.Triple(default, nn(RDF_TYPE), nn(SD + "Graph")),
    ]
    for media in RESULT_FORMAT_IRIS.values():
        triples.append(ox.Triple(service, nn(SD + "resultFormat"), nn(FORMATS + media)))
    for name in named_graphs:
        entry = ox.BlankNode()
        triples += [
            ox.Triple(dataset, nn(SD + "namedGraph"), entry),
            ox.Triple(entry, nn(RDF_TYPE), nn(SD + "NamedGraph")),
            ox.Triple(entry, nn(SD + "name"), nn(name)),
        ]
    if graph_store is not None:
        # The Service Description vocabulary has no term for a Graph Store Protocol endpoint.
        triples += [
            ox.Triple(service, nn(RDFS_SEE_ALSO), nn(graph_store)),
            ox.Triple(
                nn(graph_store),
                nn(RDFS_COMMENT),
                ox.Literal(
                    "SPARQL 1.1 Graph Store HTTP Protocol, read side: GET or HEAD with "
                    "?graph=IRI for one of the named graphs above, or ?default for the "
                    "default graph (the standards view); Turtle, N-Triples, RDF/XML, JSON-LD "
                    "or N-Quads. Writes are refused: organisation data goes through "
                    "/orgs/{id}/data.",
                    language="en",
                ),
            ),
        ]
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:  # pragma: no cover - the offers are all RDF formats pyoxigraph writes
        raise StoreError(f"cannot write {media_type}")
    out = ox.serialize(triples, format=fmt, prefixes={"sd": SD, "formats": FORMATS})
    return out if isinstance(out, bytes) else b""


def html_page(endpoint: str, settings: Settings) -> str:
    """The page a browser gets at /sparql without a query."""
    e = html.escape(endpoint)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aims-graph SPARQL endpoint</title></head>
<body>
<h1>aims-graph SPARQL 1.1 endpoint</h1>
<p>This is a read-only <a href="https://www.w3.org/TR/sparql11-protocol/">SPARQL 1.1 Protocol</a>
endpoint over the aims-graph knowledge graph. Send a query with <code>GET {e}?query=…</code>, or
POST it form-encoded or as <code>application/sparql-query</code>. Without a dataset the default
graph is the union of the public graphs (with an API key, plus your organisation's graph).
Limits: {settings.query_timeout_s:g} s per query,
{settings.max_rows} result rows. Updates, SERVICE and LOAD are refused.</p>
<p>Ask for <code>text/turtle</code> to get the service description. The HTTP API is documented at
<a href="/docs">/docs</a>.</p>
</body></html>
"""

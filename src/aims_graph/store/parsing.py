"""Parsing uploaded RDF without fetching anything: Oxigraph's parsers into an rdflib graph."""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox
from rdflib import Graph

OX_FORMATS: Final = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
}


def parse_rdf(data: bytes, fmt: str) -> Graph:
    """Parse Turtle / JSON-LD / N-Triples triples; ValueError naming the fault otherwise.

    Oxigraph's parsers fetch nothing: a remote JSON-LD context, for one, is a parse error here,
    where rdflib would download it (a request to wherever the file points).
    """
    try:
        quads = list(ox.parse(data, format=OX_FORMATS[fmt]))
    except (SyntaxError, ValueError) as exc:
        raise ValueError(f"cannot parse as {fmt}: {exc}") from exc
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise ValueError("the file has named graphs; send plain triples")
    graph = Graph()
    if quads:
        nt = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
        graph.parse(data=nt, format="nt")
    return graph

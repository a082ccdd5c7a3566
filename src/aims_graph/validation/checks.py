"""A compiled SHACL check (one SPARQL query per constraint) and the path forms of both engines."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from aims_graph.validation.paths import UnsupportedShapeError


@dataclass(frozen=True, slots=True)
class CompiledCheck:
    """One SPARQL query standing for one constraint of one rule shape."""

    shape: str
    component: str
    path: str | None
    query: str
    #: False when the check may read further than one link from its focus node (so an
    #: incremental re-check of an append's neighbourhood is not enough).
    local: bool = True
    #: The query to restrict to a few focus nodes, when it differs from ``query``: one planned
    #: for every focus node may start from data that a handful of focus nodes do not need.
    focus_query: str | None = None


def sparql_path(g: Graph, path: Node) -> str:
    """A SHACL path (IRI, inverse or sequence) as a SPARQL property path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if isinstance(path, BNode):
        inverse = g.value(path, SH.inversePath)
        if inverse is not None:
            return f"^({sparql_path(g, inverse)})"
        if g.value(path, RDF.first) is not None:
            return "(" + "/".join(sparql_path(g, p) for p in Collection(g, path)) + ")"
    raise UnsupportedShapeError(f"path {path} is not an IRI, inverse path or sequence")


def path_text(g: Graph, path: Node | None) -> str | None:
    """A stable text form of a SHACL path, the same for both engines' results."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    return sparql_path(g, path)

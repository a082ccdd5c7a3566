"""rdflib terms to Oxigraph terms and back, keeping blank-node identity both ways."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The Oxigraph term of an rdflib term (blank nodes keep their identifier)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: object) -> Node:
    """The rdflib term of an Oxigraph term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == str(XSD.string) else Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"not an RDF term: {term!r}")


def quads(g: Graph) -> Iterator[ox.Quad]:
    """The triples of a graph as Oxigraph quads in the default graph."""
    for s, p, o in g:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]


def store_of(graphs: Iterable[Graph]) -> ox.Store:
    """An in-memory store holding the triples of the graphs in its default graph."""
    store = ox.Store()
    for g in graphs:
        store.extend(quads(g))
    return store


__all__ = ["from_ox", "quads", "store_of", "to_ox"]

"""rdflib terms to Oxigraph terms and back, keeping blank-node identity both ways."""

from __future__ import annotations

from collections.abc import Iterator

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
        return (
            Literal(term.value)
            if dt == str(XSD.string)
            else Literal(term.value, datatype=URIRef(dt))
        )
    raise TypeError(f"not an RDF term: {term!r}")


def quads(g: Graph) -> Iterator[ox.Quad]:
    """The triples of a graph as Oxigraph quads in the default graph."""
    for s, p, o in g:
        yield ox.Quad(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]


_SCRATCH = ox.NamedNode("urn:aims-graph:literal-forms")
_FORM = ox.NamedNode("urn:aims-graph:form")


def store_of(data: Graph) -> tuple[ox.Store, dict[ox.Literal, Literal]]:
    """A store of the data in its default graph, and how to undo its literal normalisation.

    Oxigraph keeps literals by value ("4.0"^^xsd:decimal comes back as "4"): the map takes each
    normalised literal back to the one form the data wrote (absent when two forms share it).
    """
    store = ox.Store()
    store.extend(quads(data))
    typed = sorted(
        {
            o
            for o in data.objects()
            if isinstance(o, Literal) and o.datatype not in (None, XSD.string)
        },
        key=lambda lit: (str(lit.datatype), str(lit)),
    )
    if not typed:
        return store, {}
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:aims-graph:lit:{i}"), _FORM, to_ox(lit), _SCRATCH)
        for i, lit in enumerate(typed)
    )
    forms: dict[ox.Literal, Literal | None] = {}
    for q in store.quads_for_pattern(None, _FORM, None, _SCRATCH):
        subject, obj = q.subject, q.object
        assert isinstance(subject, ox.NamedNode) and isinstance(obj, ox.Literal)
        original = typed[int(subject.value.rsplit(":", 1)[1])]
        forms[obj] = original if forms.get(obj, original) == original else None
    store.remove_graph(_SCRATCH)
    return store, {k: v for k, v in forms.items() if v is not None}


def restore(term: object, forms: dict[ox.Literal, Literal]) -> Node:
    """The rdflib term of a store term, in the data's own lexical form where known."""
    if isinstance(term, ox.Literal) and term in forms:
        return forms[term]
    return from_ox(term)


__all__ = ["from_ox", "quads", "restore", "store_of", "to_ox"]

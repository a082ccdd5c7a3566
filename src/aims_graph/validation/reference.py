"""The reference engine: pyshacl on the organisation shapes, results as comparable text."""

from __future__ import annotations

from typing import Final

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from aims_graph.validation.compiler import path_text
from aims_graph.validation.context import ValidationContext
from aims_graph.validation.report import RawResult, raw_key
from aims_graph.validation.shapes import (
    rule_shapes,
)

_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"


def term_text(term: Node | object) -> str:
    """The text of a term both engines agree on: IRI, ``_:b`` for blank nodes, N3 for literals."""
    if isinstance(term, URIRef | ox.NamedNode):
        return str(term) if isinstance(term, URIRef) else term.value
    if isinstance(term, BNode | ox.BlankNode):
        return "_:b"
    if isinstance(term, RdfLiteral):
        dt = str(term.datatype) if term.datatype else None
        return _lit(str(term), dt, term.language)
    if isinstance(term, ox.Literal):
        return _lit(term.value, term.datatype.value, term.language)
    return str(term)


def _lit(value: str, datatype: str | None, lang: str | None) -> str:
    if lang:
        return f'"{value}"@{lang}'
    if datatype and datatype != _XSD_STRING:
        return f'"{value}"^^<{datatype}>'
    return f'"{value}"'


def flatten(data: Graph) -> Graph:
    """A dataset's quads as one plain graph (a graph as it is)."""
    if isinstance(data, Dataset):
        g = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return data


def parse_nt(data: bytes) -> Graph:
    """An rdflib graph of N-Triples."""
    g = Graph()
    g.parse(data=data, format="nt")
    return g


def run_pyshacl(org: Graph, bound_shapes: Graph, ctx: ValidationContext) -> list[RawResult]:
    """Raw results of pyshacl, the reference engine."""
    from pyshacl import validate as shacl_validate

    rules = {str(r) for r in rule_shapes(bound_shapes)}
    owner: dict[Node, str] = {}
    for rule_node in rule_shapes(bound_shapes):
        for prop in bound_shapes.objects(rule_node, SH.property):
            owner[prop] = str(rule_node)
    # The catalogs are merged into the data graph here rather than passed as pyshacl's ont_graph:
    # pyshacl "inoculates" an ontology graph by cloning node trees recursively, which on the linked
    # catalogs (skos:broader, applicability records) runs for minutes. A plain union is what the
    # fast path queries too.
    data = Graph()
    data += ctx.rdf
    data += org
    _conforms, results, _text = shacl_validate(
        data,
        shacl_graph=bound_shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
        advanced=False,
        inplace=True,
    )
    if not isinstance(results, Graph):
        raise TypeError(f"pyshacl did not validate: {_text!s:.300}")
    out: set[RawResult] = set()
    for r in results.subjects(RDF.type, SH.ValidationResult):
        src: Node | None = results.value(r, SH.sourceShape)
        rule = str(src) if str(src) in rules else owner.get(src) if src is not None else None
        if rule is None:
            continue
        value = results.value(r, SH.value)
        component = results.value(r, SH.sourceConstraintComponent)
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        out.add(
            RawResult(
                rule,
                term_text(focus),
                path_text(results, path),
                _value_text(component, value, focus),
            )
        )
    return sorted(out, key=raw_key)


#: Components whose results carry no value node in either engine.
_NO_VALUE: Final = {
    str(SH.MinCountConstraintComponent),
    str(SH.MaxCountConstraintComponent),
    str(SH.HasValueConstraintComponent),
}


def _value_text(component: Node | None, value: Node | None, focus: Node | None) -> str | None:
    if str(component) in _NO_VALUE or value is None:
        return None
    return term_text(value)


__all__ = ["flatten", "parse_nt", "run_pyshacl", "term_text"]

"""Which nodes a SHACL shape targets: explicit targets, implicit class targets, deactivation."""

from __future__ import annotations

from typing import Final

from rdflib import BNode, Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from aims_graph.validation.core_constraints import TYPE_OF, n3

TARGETS: Final = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_TARGETS: Final = TARGETS


def is_active(g: Graph, shape: Node) -> bool:
    """False for a shape with ``sh:deactivated true``."""
    return not is_true(g.value(shape, SH.deactivated))


def is_true(node: Node | None) -> bool:
    """True for the literal ``true`` only: SHACL names no other form ("1" does not count)."""
    return isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) == "true"


def target_shapes(g: Graph) -> list[Node]:
    """Every active shape with at least one target, explicit or implicit, in a stable order."""
    found: set[Node] = set()
    for pred in _TARGETS:
        found.update(g.subjects(pred, None))
    for cls in (RDFS.Class, OWL.Class):
        for s in g.subjects(RDF.type, cls):
            if (s, RDF.type, SH.NodeShape) in g or (s, RDF.type, SH.PropertyShape) in g:
                found.add(s)
    return sorted(
        (s for s in found if is_active(g, s)), key=lambda s: (isinstance(s, BNode), str(s))
    )


def target_pattern(g: Graph, shape: Node) -> str:
    """A SPARQL group binding ``?this`` to every focus node of a shape."""
    parts: list[str] = []
    classes = set(g.objects(shape, SH.targetClass))
    if any((shape, RDF.type, c) in g for c in (RDFS.Class, OWL.Class)):
        classes.add(shape)
    for c in sorted(classes, key=str):
        parts.append(f"{{ ?this {TYPE_OF} {n3(c)} . }}")
    nodes = sorted(g.objects(shape, SH.targetNode), key=str)
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(n3(n) for n in nodes) + " } }")
    for p in sorted(g.objects(shape, SH.targetSubjectsOf), key=str):
        parts.append(f"{{ ?this {n3(p)} [] . }}")
    for p in sorted(g.objects(shape, SH.targetObjectsOf), key=str):
        parts.append(f"{{ [] {n3(p)} ?this . }}")
    return "{ " + " UNION ".join(parts) + " }" if parts else "{ FILTER(false) }"


__all__ = ["TARGETS", "is_active", "is_true", "target_pattern", "target_shapes"]

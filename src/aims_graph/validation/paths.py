"""SHACL property paths: SPARQL patterns that find a focus node's value nodes, and a text form.

Every path form of SHACL Core maps onto a SPARQL property path. One case needs care: a path that
may be empty (``sh:zeroOrMorePath``, ``sh:zeroOrOnePath``, or made only of such) must give the focus
node itself even when that node does not occur in the data, which Oxigraph's zero-length paths
do not; the pattern adds the focus node explicitly then.
"""

from __future__ import annotations

from collections.abc import Callable

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node


class UnsupportedShapeError(ValueError):
    """A shape uses a SHACL feature the compiler does not handle."""


_UNARY = {
    SH.inversePath: "^",
    SH.zeroOrMorePath: "*",
    SH.oneOrMorePath: "+",
    SH.zeroOrOnePath: "?",
}


def _members(g: Graph, node: Node) -> list[Node]:
    if g.value(node, RDF.first) is None and node != RDF.nil:
        raise UnsupportedShapeError(f"path {node} is not a well-formed RDF list")
    return list(Collection(g, node))


def sparql_path(g: Graph, path: Node) -> str:
    """The SPARQL property path of a SHACL path."""
    if isinstance(path, URIRef):
        return f"<{path}>"
    if not isinstance(path, BNode):
        raise UnsupportedShapeError(f"path {path} is a literal")
    if g.value(path, RDF.first) is not None:
        members = _members(g, path)
        if len(members) < 2:
            raise UnsupportedShapeError(f"sequence path {path} has fewer than two members")
        return "(" + "/".join(sparql_path(g, m) for m in members) + ")"
    for pred, op in _UNARY.items():
        inner = g.value(path, pred)
        if inner is not None:
            return f"^({sparql_path(g, inner)})" if op == "^" else f"({sparql_path(g, inner)}){op}"
    alt = g.value(path, SH.alternativePath)
    if alt is not None:
        members = _members(g, alt)
        if len(members) < 2:
            raise UnsupportedShapeError(f"sh:alternativePath of {path} has fewer than two members")
        return "(" + "|".join(sparql_path(g, m) for m in members) + ")"
    raise UnsupportedShapeError(f"{path} is not a SHACL path")


def nullable(g: Graph, path: Node) -> bool:
    """True when the path may have length zero (so every node is one of its own values)."""
    if isinstance(path, URIRef):
        return False
    if g.value(path, RDF.first) is not None:
        return all(nullable(g, m) for m in _members(g, path))
    if g.value(path, SH.zeroOrMorePath) is not None or g.value(path, SH.zeroOrOnePath) is not None:
        return True
    for pred in (SH.inversePath, SH.oneOrMorePath):
        inner = g.value(path, pred)
        if inner is not None:
            return nullable(g, inner)
    alt = g.value(path, SH.alternativePath)
    if alt is not None:
        return any(nullable(g, m) for m in _members(g, alt))
    return all(nullable(g, m) for m in _members(g, path))


def values_pattern(g: Graph, path: Node, focus: str, value: str, fresh: Callable[[], str]) -> str:
    """A group-pattern fragment binding ``value`` to each value node of the bound ``focus``."""
    text = sparql_path(g, path)
    if not nullable(g, path):
        return f"{focus} {text} {value} ."
    k, via = fresh(), fresh()
    # VALUES/OPTIONAL in one group keeps the bound focus in scope, unlike a UNION branch.
    return (
        f"VALUES {k} {{ 0 1 }} OPTIONAL {{ FILTER({k} = 1) {focus} {text} {via} }} "
        f"BIND(IF({k} = 0, {focus}, {via}) AS {value}) FILTER(BOUND({value}))"
    )


def path_text(g: Graph, path: Node | None) -> str | None:
    """A stable text form of a SHACL path, equal for equal paths in different graphs."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    try:
        return sparql_path(g, path)
    except UnsupportedShapeError:
        return "_:path"


def copy_path(src: Graph, path: Node, dst: Graph) -> None:
    """Copy the triples describing a (blank-node) path, lists included, into another graph."""
    if not isinstance(path, BNode):
        return
    for p, o in src.predicate_objects(path):
        dst.add((path, p, o))
        copy_path(src, o, dst)


__all__ = [
    "UnsupportedShapeError",
    "copy_path",
    "nullable",
    "path_text",
    "sparql_path",
    "values_pattern",
]

"""SHACL-SPARQL constraints (``sh:sparql`` with ``sh:select``) of a target shape, as one query.

``$this`` is pre-bound by placing the target pattern first in the query's outer group, ``$PATH``
becomes the shape's path and ``$currentShape`` the shape's IRI. ``$shapesGraph`` would need the
shapes graph inside the store, so such a constraint is left to the fallback.
"""

from __future__ import annotations

import re
from typing import Final

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from aims_graph.validation.paths import UnsupportedShapeError, sparql_path

_OUTER_WHERE: Final = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_THIS: Final = re.compile(r"\$this\b")
_PATH: Final = re.compile(r"\$PATH\b")
_CURRENT: Final = re.compile(r"\$currentShape\b")
_SELECT: Final = re.compile(r"\bSELECT\b", re.IGNORECASE)
_SCOPED: Final = re.compile(
    r"\b(UNION|MINUS|OPTIONAL|VALUES|SERVICE|BIND|GRAPH)\b|\bAS\s+[?$]", re.IGNORECASE
)
_EXISTS: Final = re.compile(r"\bEXISTS\s*\{", re.IGNORECASE)


def prefixes(g: Graph, holder: Node) -> str:
    """The PREFIX lines of the ``sh:prefixes`` declarations of a SPARQL-based constraint."""
    lines = set()
    for decl_holder in g.objects(holder, SH.prefixes):
        for decl in g.objects(decl_holder, SH.declare):
            prefix, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.add(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(lines))


def _check_prebinding(shape: Node, query: str) -> None:
    """Refuse queries where a target pattern in the outer group is not SHACL's pre-binding."""
    scoped = _SCOPED.search(query)
    if scoped is not None:
        raise UnsupportedShapeError(f"sh:sparql of {shape} has {scoped[0]}")
    # Only the outer group and EXISTS bodies (which see the outer bindings) may hold braces:
    # a nested group is evaluated on its own, where $this would not be bound yet.
    braces = query.count("{")
    if braces != 1 + len(_EXISTS.findall(query)):
        raise UnsupportedShapeError(f"sh:sparql of {shape} has nested groups")


def sparql_query(g: Graph, shape: Node, constraint: Node) -> str:
    """The constraint's query with ``%TARGET%`` where the target pattern goes."""
    text = g.value(constraint, SH.select)
    if not isinstance(text, Literal):
        raise UnsupportedShapeError(f"sh:sparql of {shape} has no sh:select")
    query = str(text)
    if "$shapesGraph" in query or ("$currentShape" in query and not isinstance(shape, URIRef)):
        raise UnsupportedShapeError(f"sh:sparql of {shape} needs the shapes graph")
    if len(_SELECT.findall(query)) != 1:
        # A sub-select would not see the target pattern placed in the outer group.
        raise UnsupportedShapeError(f"sh:sparql of {shape} has a sub-select")
    _check_prebinding(shape, query)
    path = g.value(shape, SH.path)
    if "$PATH" in query:
        if path is None:
            raise UnsupportedShapeError(f"sh:sparql of node shape {shape} uses $PATH")
        query = _PATH.sub(lambda _m: sparql_path(g, path), query)
    query = _CURRENT.sub(f"<{shape}>", query)
    query = _THIS.sub("?this", query)
    m = _OUTER_WHERE.search(query)
    if m is None:
        raise UnsupportedShapeError(f"sh:select of {shape} has no WHERE clause")
    query = query[: m.end()] + "\n  %TARGET%\n" + query[m.end() :]
    return f"{prefixes(g, constraint)}\n{query}"


__all__ = ["prefixes", "sparql_query"]

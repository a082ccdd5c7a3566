"""Organisation rule shapes outside the fast subset, compiled by the SHACL Core compiler.

The checks report like the subset's (rule IRI, focus, path text, value), so findings and the
differential test treat them alike. They are marked non-local: a Core shape may follow paths
and nested shapes any distance from its focus node, so an append re-checks everything.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from aims_graph.validation.checks import CompiledCheck, path_text
from aims_graph.validation.core_compiler import CoreCompiler


def core_checks(g: Graph, rule: URIRef) -> list[CompiledCheck]:
    """The checks of one rule shape from the Core compiler (UnsupportedShapeError if none)."""
    out = []
    for top in CoreCompiler(g).compile_top(rule):
        v = top.violation
        component = str(v.component).rsplit("#", 1)[-1]
        path = path_text(g, g.value(v.shape, SH.path))
        out.append(CompiledCheck(str(rule), component, path, top.query, local=False))
    return out


__all__ = ["core_checks"]

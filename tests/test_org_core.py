"""Org rule shapes outside the fast subset are compiled by the SHACL Core compiler, not refused."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from aims_graph.validation.compiler import compile_shapes
from aims_graph.validation.terms import store_of

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:System ;
    sh:property [ sh:path ex:overseer ; sh:qualifiedMinCount 1 ;
                  sh:qualifiedValueShape [ sh:property [ sh:path ex:deputy ; sh:minCount 1 ] ] ] .
"""
DATA = """
@prefix ex: <http://example.org/> .
ex:ok a ex:System ; ex:overseer ex:ann . ex:ann ex:deputy ex:bob .
ex:bad a ex:System ; ex:overseer ex:cy .
"""


def test_a_qualified_shape_compiles_as_non_local_checks_with_the_right_answer() -> None:
    shapes = Graph().parse(data=SHAPES, format="turtle")
    checks = compile_shapes(shapes)
    assert [(c.shape, c.component, c.path, c.local) for c in checks] == [
        (
            "http://example.org/S",
            "QualifiedMinCountConstraintComponent",
            "http://example.org/overseer",
            False,
        )
    ]
    store, _forms = store_of(Graph().parse(data=DATA, format="turtle"))
    rows = store.query(checks[0].query)
    assert isinstance(rows, ox.QuerySolutions)
    assert [r["this"].value for r in rows] == ["http://example.org/bad"]

"""The fast forms of the compiled value and count checks find what their plain forms find.

A check's ``query`` starts from the property's triples (values filtered or counted first,
MINUS instead of NOT EXISTS); its ``focus_query`` is the plain form, target first. Both must
give the same results on data with violations of every kind, and on a synthetic organisation.
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
import pytest
from bench.synthetic_validation import AS_OF, synthetic_org_nt
from rdflib import Graph

from aims_graph.validation import ValidationContext
from aims_graph.validation.checks import CompiledCheck
from aims_graph.validation.compiler import compile_shapes
from aims_graph.validation.fast import _run_check, new_store
from aims_graph.validation.report import Finding, RawResult, findings_from_raw, raw_results

_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://ex/> .
ex:One a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:kind ; sh:class ex:Kind ; sh:minCount 1 ; sh:maxCount 1 ] ;
  sh:property [ sh:path ex:date ; sh:datatype xsd:date ; sh:maxCount 2 ; sh:minCount 2 ] ;
  sh:property [ sh:path ex:name ; sh:pattern "^A" ; sh:nodeKind sh:Literal ] ;
  sh:property [ sh:path ex:colour ; sh:in ( ex:red ex:blue ) ] ;
  sh:property [ sh:path [ sh:inversePath ex:owns ] ; sh:class ex:Owner ; sh:maxCount 1 ;
                sh:minCount 1 ] ;
  sh:property [ sh:path ( ex:part ex:kind ) ; sh:class ex:Kind ; sh:maxCount 1 ] .
ex:Two a sh:NodeShape ; sh:targetClass ex:Base ;
  sh:property [ sh:path ex:kind ; sh:class ex:Kind ; sh:minCount 1 ; sh:maxCount 1 ] .
"""

_DATA = """
@prefix ex: <http://ex/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:SubKind rdfs:subClassOf ex:Kind . ex:Sub rdfs:subClassOf ex:Base .
ex:k1 a ex:Kind . ex:k2 a ex:SubKind . ex:k3 a ex:Other . ex:o1 a ex:Owner .
ex:a a ex:Thing , ex:Sub ; ex:kind ex:k1 ; ex:date "2026-01-01"^^xsd:date ; ex:name "Alpha" ;
  ex:colour ex:red ; ex:part ex:p1 .
ex:b a ex:Thing , ex:Base ; ex:kind ex:k2 , ex:k3 ; ex:date "x" , "2026-01-02"^^xsd:date ,
  "2026-01-03"^^xsd:date ; ex:name "beta" , ex:notLiteral ; ex:colour ex:green ;
  ex:part ex:p1 , ex:p2 .
ex:c a ex:Thing , ex:Sub ; ex:kind "literal" ; ex:name _:blank .
ex:d a ex:Base .
ex:p1 ex:kind ex:k1 . ex:p2 ex:kind ex:k2 .
ex:o1 ex:owns ex:a . ex:o2 ex:owns ex:a , ex:b .
"""


def _subclasses(store: ox.Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for sol in store.query(  # type: ignore[union-attr]
        "SELECT ?sub ?sup WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?sup }"
    ):
        out.setdefault(sol["sup"].value, set()).add(sol["sub"].value)
    return out


def _plain(check: CompiledCheck) -> CompiledCheck:
    assert check.focus_query is not None
    return dataclasses.replace(check, query=check.focus_query, focus_query=None)


@pytest.mark.parametrize("with_subclasses", [True, False])
def test_fast_forms_find_what_plain_forms_find(with_subclasses: bool) -> None:
    store = ox.Store()
    store.load(_DATA.encode(), ox.RdfFormat.TURTLE)
    shapes = Graph().parse(data=_SHAPES, format="turtle")
    checks = compile_shapes(shapes, _subclasses(store) if with_subclasses else None)
    rewritten = [c for c in checks if c.focus_query is not None]
    assert {c.component for c in rewritten} >= {
        "ClassConstraintComponent",
        "DatatypeConstraintComponent",
        "PatternConstraintComponent",
        "NodeKindConstraintComponent",
        "InConstraintComponent",
        "MinCountConstraintComponent",
        "MaxCountConstraintComponent",
    }
    found = 0
    for check in rewritten:
        fast = _run_check(store, check)
        assert fast == _run_check(store, _plain(check)), check.query
        found += len(fast)
    assert found >= 10


def test_fast_forms_on_a_synthetic_organisation() -> None:
    ctx = ValidationContext.from_files()
    store = new_store(ctx, synthetic_org_nt(3_000))
    _bound, checks = ctx.compiled(AS_OF, "in-force")
    rewritten = [
        c
        for c in checks
        if c.focus_query is not None and c.component != "SPARQLConstraintComponent"
    ]
    assert rewritten
    for check in rewritten:
        assert _run_check(store, check) == _run_check(store, _plain(check)), check.query


def test_results_and_findings_made_from_drafts_are_plain_ones() -> None:
    made = raw_results([("s", "f", "", ""), ("s", "f", "p", '"v"')])
    assert made == [RawResult("s", "f", None, None), RawResult("s", "f", "p", '"v"')]
    assert all(type(r) is RawResult for r in made)
    assert hash(made[1]) == hash(RawResult("s", "f", "p", '"v"'))
    ctx = ValidationContext.from_files()
    shape = next(iter(ctx.info))
    (finding,) = findings_from_raw(
        [RawResult(shape, "http://ex/n", None, None)], {"http://ex/n": "N"}, ctx, AS_OF
    )
    assert type(finding) is Finding
    rebuilt = Finding(**{f.name: getattr(finding, f.name) for f in dataclasses.fields(Finding)})
    assert finding == rebuilt and hash(finding) == hash(rebuilt)
    assert finding.origin == "aims-graph" and finding.node_label == "N"
    assert dataclasses.replace(finding, node="x").node == "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.node = "y"  # type: ignore[misc]

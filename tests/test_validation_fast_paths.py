"""The fast engine's shortcuts agree with the slow, exact ways they replace.

Results read from TSV must equal results read term by term (escaped, numeric, boolean, tagged
and blank-node values included), and a query whose catalog part is evaluated first must find
exactly what the query as written finds.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from aims_graph.validation.checks import CompiledCheck
from aims_graph.validation.fast import _label_rows, _run_check, _run_check_terms
from aims_graph.validation.lateral import rewrite_exists

_DATA = b"""
<http://ex/a> <http://ex/p> "plain" .
<http://ex/a> <http://ex/p> "tab\\there" .
<http://ex/a> <http://ex/p> "quote \\" inside" .
<http://ex/a> <http://ex/p> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://ex/b> <http://ex/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<http://ex/b> <http://ex/p> "hallo"@de .
<http://ex/b> <http://ex/p> "2026-01-01"^^<http://www.w3.org/2001/XMLSchema#date> .
<http://ex/c> <http://ex/p> _:n .
<http://ex/c> <http://ex/p> <http://ex/d> .
_:n <http://ex/p> <http://ex/a> .
<http://ex/a> <http://www.w3.org/2000/01/rdf-schema#label> "A \\"one\\"" .
<http://ex/b> <http://www.w3.org/2000/01/rdf-schema#label> "B"@en .
<http://ex/c> <http://www.w3.org/2000/01/rdf-schema#label> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""


def _store(data: bytes) -> ox.Store:
    store = ox.Store()
    store.load(data, ox.RdfFormat.N_TRIPLES)
    return store


@pytest.mark.parametrize(
    "where",
    [
        "?this <http://ex/p> ?value .",
        "?this <http://ex/p> ?value . FILTER(isLiteral(?value) && !isNumeric(?value))",
        "?this <http://ex/p> ?value . FILTER(isIRI(?value) || isBlank(?value))",
        "?this <http://ex/p> ?v . OPTIONAL { ?v <http://ex/p> ?value }",
    ],
)
@pytest.mark.parametrize("component", ["SPARQLConstraintComponent", "ClassConstraintComponent"])
def test_tsv_results_equal_term_results(where: str, component: str) -> None:
    store = _store(_DATA)
    check = CompiledCheck(
        "http://ex/shape", component, "http://ex/p", f"SELECT ?this ?value WHERE {{ {where} }}"
    )
    assert _run_check(store, check) == _run_check_terms(store, check)
    assert _run_check(store, check)


def test_tsv_results_without_value_column() -> None:
    store = _store(_DATA)
    check = CompiledCheck(
        "http://ex/shape",
        "MinCountConstraintComponent",
        "http://ex/q",
        "SELECT DISTINCT ?this WHERE { ?this <http://ex/p> ?x . "
        "FILTER NOT EXISTS { ?this <http://ex/q> ?any } }",
    )
    assert _run_check(store, check) == _run_check_terms(store, check)


@pytest.mark.parametrize(
    "data",
    [_DATA, b'<http://ex/a> <http://www.w3.org/2000/01/rdf-schema#label> "A"@en .\n'],
)
def test_label_rows_equal_term_values(data: bytes) -> None:
    store = _store(data)
    query = (
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o . "
        "FILTER(?p = <http://www.w3.org/2000/01/rdf-schema#label> && isIRI(?s)) }"
    )
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    exact = {(s["s"].value, s["p"].value, s["o"].value) for s in solutions}
    assert set(_label_rows(store, query)) == exact


_RECORDS = b"""
<http://ex/s1> <http://ex/kind> <http://ex/K> .
<http://ex/s2> <http://ex/kind> <http://ex/K> .
<http://ex/s3> <http://ex/kind> <http://ex/K> .
<http://ex/s1> <http://ex/route> <http://ex/annex> .
<http://ex/e1> <http://ex/forSystem> <http://ex/s2> .
<http://ex/duty> <http://ex/record> <http://ex/r1> .
<http://ex/duty> <http://ex/record> <http://ex/r2> .
<http://ex/duty> <http://ex/record> <http://ex/r3> .
<http://ex/r1> <http://ex/scope> "all" .
<http://ex/r1> <http://ex/from> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://ex/r2> <http://ex/scope> "annex" .
<http://ex/r2> <http://ex/from> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .
<http://ex/r3> <http://ex/scope> "all" .
<http://ex/r3> <http://ex/from> "5"^^<http://www.w3.org/2001/XMLSchema#integer> .
"""

_QUERIES = [
    # The records and their filters need nothing of the focus node: evaluated first.
    """SELECT ?this ?value WHERE { ?this <http://ex/kind> <http://ex/K> .
      OPTIONAL { ?this <http://ex/route> ?r }
      BIND(IF(BOUND(?r), "annex", "other") AS ?sc)
      { BIND(<http://ex/duty> AS ?duty) }
      ?duty <http://ex/record> ?value . ?value <http://ex/scope> ?scope .
      ?value <http://ex/from> ?from .
      FILTER(?from <= 4)
      FILTER NOT EXISTS { ?duty <http://ex/record> ?newer . ?newer <http://ex/from> ?nf .
        FILTER(?nf > ?from && ?nf <= 4) }
      FILTER NOT EXISTS { ?e <http://ex/forSystem> ?this }
      FILTER(?scope = "all" || ?scope = ?sc) }""",
    # A BIND before the records reads one of their variables: nothing may move across it.
    """SELECT ?this ?value WHERE { ?this <http://ex/kind> <http://ex/K> .
      BIND(<http://ex/duty> AS ?duty)
      ?duty <http://ex/record> ?value .
      FILTER NOT EXISTS { ?e <http://ex/forSystem> ?this } }""",
    # A BIND after the records reads them: they move, the rest stays where it sees them.
    """SELECT ?this ?value WHERE { ?this <http://ex/kind> <http://ex/K> .
      OPTIONAL { ?this <http://ex/route> ?r }
      <http://ex/duty> <http://ex/record> ?value . ?value <http://ex/from> ?from .
      BIND(?from + 1 AS ?next)
      FILTER(?next > 2)
      FILTER NOT EXISTS { ?e <http://ex/forSystem> ?this } }""",
]


@pytest.mark.parametrize("query", _QUERIES)
def test_hoisted_records_find_the_same(query: str) -> None:
    store = _store(_RECORDS)
    rewritten = rewrite_exists(query)

    def rows(q: str) -> list[tuple[str, str]]:
        solutions = store.query(q)
        assert isinstance(solutions, ox.QuerySolutions)
        return sorted((str(s["this"]), str(s["value"])) for s in solutions)

    assert rows(rewritten) == rows(query)
    assert rows(query)


def test_records_are_evaluated_first() -> None:
    rewritten = rewrite_exists(_QUERIES[0])
    assert rewritten.index("<http://ex/record>") < rewritten.index("<http://ex/kind>")
    unmoved = rewrite_exists(_QUERIES[1])
    assert unmoved.index("<http://ex/kind>") < unmoved.index("<http://ex/record>")

"""The general SHACL Core engine against pyrudof and pyshacl on a generic core-constraint mix.

Data and shapes are generated here (people with names, ages, e-mails, acquaintances, statuses and
managers, a known share of them broken). Each engine validates data already loaded: ours on an
Oxigraph store, pyrudof on its own in-memory graph, pyshacl on an rdflib graph. The findings of
ours and pyshacl are asserted identical on the size pyshacl finishes; pyrudof's count too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from rdflib import BNode, Graph

from aims_graph.validation.core import ShaclReport, validate_store
from aims_graph.validation.fallback import run_fallback
from aims_graph.validation.terms import store_of
from bench.rudof import rudof_runner
from bench.timing import Result, Timing, measure

EX: Final = "http://example.org/bench#"
SHAPES: Final = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <{EX}> .
ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ] ;
  sh:property [ sh:path ex:age ; sh:datatype xsd:integer ; sh:maxInclusive 80 ] ;
  sh:property [ sh:path ex:email ; sh:pattern "^[^@ ]+@[^@ ]+$" ] ;
  sh:property [ sh:path ex:knows ; sh:class ex:Person ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path ex:status ; sh:in ( ex:Active ex:Inactive ) ] .
ex:EmployeeShape a sh:NodeShape ; sh:targetClass ex:Employee ;
  sh:property [ sh:path ex:manager ; sh:maxCount 1 ; sh:node ex:NamedShape ] .
ex:NamedShape a sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""
#: Triples per size (pyshacl runs on the first only).
SIZES: Final = (10_000, 100_000, 1_000_000)
PYSHACL_TRIPLES: Final = 10_000
QUICK_TRIPLES: Final = 2_000


def synthetic_people(triples: int) -> str:
    """N-Triples of about ``triples`` triples of people, some of them breaking the shapes."""
    e = f"<{EX}"
    lines = [f"{e}Employee> <http://www.w3.org/2000/01/rdf-schema#subClassOf> {e}Person> ."]
    n = max(2, triples // 7)
    for i in range(n):
        p = f"{e}p{i}>"
        kind = "Employee" if i % 3 == 0 else "Person"
        lines.append(f"{p} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> {e}{kind}> .")
        if i % 17:
            lines.append(f'{p} {e}name> "Person {i}" .')
        age = (
            f'"x{i}"' if i % 23 == 0 else f'"{i % 90}"^^<http://www.w3.org/2001/XMLSchema#integer>'
        )
        lines.append(f"{p} {e}age> {age} .")
        lines.append(f'{p} {e}email> "{"bad" if i % 29 == 0 else f"p{i}@example.org"}" .')
        other = f'"p{i}"' if i % 31 == 0 else f"{e}p{(i + 1) % n}>"
        lines.append(f"{p} {e}knows> {other} .")
        status = "Unknown" if i % 37 == 0 else ("Active" if i % 2 else "Inactive")
        lines.append(f"{p} {e}status> {e}{status}> .")
        if kind == "Employee":
            lines.append(f"{p} {e}manager> {e}p{i // 10}> .")
    return "\n".join(lines) + "\n"


def _key(focus: object, component: object, value: object) -> tuple[str, str, str]:
    def text(t: object) -> str:
        return "_:" if isinstance(t, BNode) else str(t if t is not None else "")

    return text(focus), str(component).rsplit("#", 1)[-1], text(value)


def _ours_keys(report: ShaclReport) -> set[tuple[str, str, str]]:
    return {_key(r.focus, r.component, r.value) for r in report.rows}


def _timed(fn: Callable[[], object]) -> tuple[Timing, object]:
    started = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - started
    return Timing(seconds, seconds, 1), out


def _one_size(triples: int, runs: int, pyshacl: bool) -> list[Result]:
    nt = synthetic_people(triples)
    data = Graph().parse(data=nt, format="nt")
    shapes = Graph().parse(data=SHAPES, format="turtle")
    store, forms = store_of(data)

    def ours_fn() -> ShaclReport:
        return validate_store(store, forms, shapes, None)

    report = ours_fn()
    assert not report.fallback, report.fallback
    rudof = rudof_runner(nt, SHAPES)
    rudof_count = rudof()
    assert rudof_count == len(report.rows), (rudof_count, len(report.rows))
    ours = measure(ours_fn, runs)
    label = f"SHACL Core mix, {len(data):,} triples ({len(report.rows):,} results, same as pyrudof"
    out = [
        Result(
            label + (", same as pyshacl)" if pyshacl else ")"),
            ours,
            "pyrudof (native engine)",
            measure(rudof, runs),
            "≥ 2× faster than pyrudof",
        )
    ]
    if pyshacl:
        tops = [s for s in shapes.subjects() if str(s).endswith("Shape")]
        timing, rows = _timed(lambda: run_fallback(data, shapes, set(tops), tops))
        assert isinstance(rows, list)
        want = {_key(r.focus, r.component, r.value) for r in rows}
        assert _ours_keys(report) == want, (len(_ours_keys(report)), len(want))
        out.append(
            Result(
                f"SHACL Core mix, {len(data):,} triples, against pyshacl",
                ours,
                "pyshacl (1 run)",
                timing,
                "faster than pyshacl",
            )
        )
    return out


def results(quick: bool) -> list[Result]:
    """The general engine against pyrudof at each size, and pyshacl on the smallest."""
    if quick:
        return _one_size(QUICK_TRIPLES, 2, pyshacl=True)
    out: list[Result] = []
    for triples in SIZES:
        out += _one_size(triples, 3, pyshacl=triples <= PYSHACL_TRIPLES)
    return out


__all__ = ["SHAPES", "SIZES", "results", "synthetic_people"]

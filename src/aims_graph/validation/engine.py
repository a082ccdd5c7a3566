"""Validate an organisation graph against the org shapes, with pyshacl or the compiled fast path.

Both engines produce the same raw results (rule shape, focus node, path, value); one function turns
them into findings a person can act on, so any difference between the engines is a raw difference
the differential test sees.

A rule whose SPARQL reports an EU AI Act applicability record as its value (the record that
makes the duty bite for that system) becomes ``upcoming`` when the record's ``aims:appliesFrom``
is after the as-of date, and names the record's obligation among the items it enforces.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Final, Literal

from rdflib import Graph

from aims_graph.validation.context import CATALOG_EDITIONS, ValidationContext
from aims_graph.validation.fast import fast_report, new_store, ntriples_of
from aims_graph.validation.reference import flatten, parse_nt, run_pyshacl, term_text
from aims_graph.validation.report import (
    EnforcedItem,
    Finding,
    RawResult,
    ValidationReport,
    findings_from_raw,
    graph_labels,
)
from aims_graph.validation.shapes import (
    LAW_MODES,
)

Engine = Literal["fast", "pyshacl"]
ENGINES: Final[tuple[str, ...]] = ("fast", "pyshacl")


def validate(
    org_graph: Graph | bytes,
    *,
    as_of: date,
    catalogs: ValidationContext,
    engine: str = "fast",
    law_mode: str = "in-force",
) -> ValidationReport:
    """Validate an organisation graph on a date; findings tie each problem to its clause.

    The graph may be given as N-Triples, which the fast engine loads without rdflib.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if law_mode not in LAW_MODES:
        raise ValueError(f"unknown law mode {law_mode!r}; use one of {', '.join(LAW_MODES)}")
    started = time.perf_counter()
    if engine == "fast":
        store = new_store(catalogs, ntriples_of(org_graph))
        return fast_report(store, catalogs, as_of=as_of, law_mode=law_mode, started=started)
    bound, _checks = catalogs.compiled(as_of, law_mode)
    org = flatten(org_graph) if isinstance(org_graph, Graph) else parse_nt(org_graph)
    raw = run_pyshacl(org, bound, catalogs)
    findings, triples = findings_from_raw(raw, graph_labels(org), catalogs, as_of), len(org)
    return ValidationReport(
        as_of=as_of,
        engine=engine,
        law_mode=law_mode,
        findings=findings,
        raw=raw,
        rules=len(catalogs.info),
        triples=triples,
        seconds=time.perf_counter() - started,
    )


__all__ = [
    "CATALOG_EDITIONS",
    "ENGINES",
    "EnforcedItem",
    "Engine",
    "Finding",
    "RawResult",
    "ValidationContext",
    "ValidationReport",
    "fast_report",
    "findings_from_raw",
    "graph_labels",
    "run_pyshacl",
    "term_text",
    "validate",
]

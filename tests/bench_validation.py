"""Benchmark: pyshacl against the compiled fast path on a synthetic organisation graph.

Run with ``pytest tests/bench_validation.py -m bench -s -o addopts=''``; ``AIMS_BENCH_TRIPLES`` sets the
size. Both engines must report the same findings; the ratio is printed.

Measured (38 rules, catalogs of 42001, 27001:2022 and the AI Act loaded): 2 009 org triples, fast
0.28 s, pyshacl 271 s (about 950x); 50 002 triples, fast 8.7 s (pyshacl runs each SPARQL rule once
per focus node and would take hours, so the default size is 5 000: set AIMS_BENCH_TRIPLES=50000 to
measure at that size).
"""

from __future__ import annotations

import os
import time
from datetime import date

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from aims_graph.namespaces import AIMS
from aims_graph.validation import ValidationContext, validate

EU = Namespace("https://w3id.org/aims-graph/id/eu-ai-act/")
ISO = Namespace("https://w3id.org/aims-graph/id/iso42001-2023/")
AS_OF = date(2026, 11, 28)
KINDS = [AIMS.EvRiskManagement, AIMS.EvLogging, AIMS.EvTechnicalDocumentation, AIMS.EvPolicy]


def synthetic_org(triples: int) -> Graph:
    """An organisation with systems, SoA entries and evidence, about ``triples`` triples."""
    ex = Namespace("https://w3id.org/aims-graph/org/bench/")
    g = Graph()
    org = ex["organisation/bench"]
    g.add((org, RDF.type, AIMS.Organisation))
    g.add((org, RDFS.label, Literal("Bench Org")))
    i = 0
    while len(g) < triples:
        s, e, soa = ex[f"system/s{i}"], ex[f"evidence/e{i}"], ex[f"soa/x{i}"]
        tier = [EU["tier-high-risk"], EU["tier-transparency"], EU["tier-any"]][i % 3]
        role = [EU["actor-provider"], EU["actor-deployer"]][i % 2]
        g.add((s, RDF.type, AIMS.AISystem))
        g.add((s, AIMS.organisation, org))
        g.add((s, RDFS.label, Literal(f"System {i}")))
        g.add((s, AIMS.riskTier, tier))
        g.add((s, AIMS.systemRole, role))
        if i % 4:
            g.add((s, AIMS.owner, Literal(f"Team {i % 17}")))
        if tier == EU["tier-high-risk"]:
            g.add((s, AIMS.annexIIIUseCase, EU["annex-III-5-b"]))
        g.add((e, RDF.type, AIMS.Evidence))
        g.add((e, AIMS.organisation, org))
        g.add((e, AIMS.evidenceKind, KINDS[i % len(KINDS)]))
        g.add((e, AIMS.forSystem, s))
        g.add((e, AIMS.evidenceDate, Literal("2026-01-01", datatype=XSD.date)))
        until = "2026-06-30" if i % 5 == 0 else "2027-06-30"
        g.add((e, AIMS.validUntil, Literal(until, datatype=XSD.date)))
        g.add((soa, RDF.type, AIMS.SoAEntry))
        g.add((soa, AIMS.organisation, org))
        g.add((soa, AIMS.control, URIRef(ISO["A.2.2"])))
        g.add((soa, AIMS.applicable, Literal(True)))
        g.add((soa, AIMS.implementationStatus, AIMS.StatusImplemented))
        g.add((soa, AIMS.evidence, e))
        i += 1
    return g


@pytest.mark.bench
def test_fast_path_against_pyshacl() -> None:
    size = int(os.environ.get("AIMS_BENCH_TRIPLES", "5000"))
    ctx = ValidationContext.from_files()
    org = synthetic_org(size)
    t = time.perf_counter()
    fast = validate(org, as_of=AS_OF, catalogs=ctx, engine="fast")
    t_fast = time.perf_counter() - t
    t = time.perf_counter()
    ref = validate(org, as_of=AS_OF, catalogs=ctx, engine="pyshacl")
    t_ref = time.perf_counter() - t
    print(
        f"\n{len(org)} org triples, {len(fast.raw)} results: fast {t_fast:.2f}s, "
        f"pyshacl {t_ref:.2f}s, ratio {t_ref / t_fast:.0f}x"
    )
    assert set(fast.raw) == set(ref.raw)

"""A deterministic, seeded synthetic organisation for the coverage benchmark (issue 7, no. 4)."""

from __future__ import annotations

import random

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

from aims_graph.catalog.items import ItemIndex
from aims_graph.namespaces import AIMS
from aims_graph.orgdata.model import ORG_BASE, STATUSES

#: Editions whose controls the synthetic implementations point at.
CONTROL_EDITIONS = ("iso42001-2023", "iso27001-2022", "iso27701-2025")


def large_organisation(
    index: ItemIndex, *, systems: int = 1000, implementations: int = 20000, seed: int = 42
) -> Graph:
    """An organisation with ``systems`` AI systems and ``implementations`` control records."""
    rng = random.Random(seed)
    base = f"{ORG_BASE}bench/"
    org = URIRef(f"{base}organisation/bench")
    g = Graph()
    g.add((org, RDF.type, AIMS.Organisation))
    g.add((org, RDFS.label, Literal("Bench Org")))
    controls = sorted(
        item.iri
        for ed in CONTROL_EDITIONS
        for item in index.in_edition(ed)
        if item.kind == "Control"
    )
    statuses = [STATUSES["implemented"]] * 6 + [STATUSES["partial"]] * 3 + [STATUSES["planned"]]
    evidence = [URIRef(f"{base}evidence/e{i}") for i in range(500)]
    for i, ev in enumerate(evidence):
        g.add((ev, RDF.type, AIMS.Evidence))
        g.add((ev, AIMS.organisation, org))
        g.add((ev, AIMS.evidenceDate, Literal("2026-01-01", datatype=XSD.date)))
        until = "2026-06-30" if i % 7 == 0 else "2027-06-30"
        g.add((ev, AIMS.validUntil, Literal(until, datatype=XSD.date)))
    system_iris = [URIRef(f"{base}system/s{i}") for i in range(systems)]
    for s in system_iris:
        g.add((s, RDF.type, AIMS.AISystem))
        g.add((s, AIMS.organisation, org))
    for i in range(implementations):
        rec = URIRef(f"{base}implementation/c{i}")
        g.add((rec, RDF.type, AIMS.ControlImplementation))
        g.add((rec, AIMS.organisation, org))
        g.add((rec, AIMS.control, URIRef(rng.choice(controls))))
        g.add((rec, AIMS.forSystem, rng.choice(system_iris)))
        g.add((rec, AIMS.implementationStatus, rng.choice(statuses)))
        g.add((rec, AIMS.evidence, rng.choice(evidence)))
    return g

"""org_controls keeps its answer per in-memory graph and date, and forgets it on any change.

Northwind's A.6.2.8 is implemented with one piece of evidence, EV-07, which expired on
2026-06-30: it counts at partial strength on 2026-11-28, and at full strength once the expiry
is taken away or moved past that date.
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from aims_graph import resources
from aims_graph.coverage import org_controls
from aims_graph.namespaces import AIMS

AS_OF = date(2026, 11, 28)
A628 = "https://w3id.org/aims-graph/id/iso42001-2023/A.6.2.8"
ORG = "https://w3id.org/aims-graph/org/northwind/"
EV07 = URIRef(f"{ORG}evidence/EV-07")
SOA_A628 = URIRef(f"{ORG}soa/iso42001-2023-A.6.2.8")


@pytest.fixture
def org() -> Graph:
    return Graph().parse(resources.examples_dir() / "northwind.ttl")


def strength(org: Graph, iri: str = A628, as_of: date = AS_OF) -> str | None:
    return {c.iri: c.strength for c in org_controls(org, as_of)}.get(iri)


def test_kept_answer_equals_a_fresh_read(org: Graph) -> None:
    first = org_controls(org, AS_OF)
    again = org_controls(org, AS_OF)
    assert again == first and again is not first  # a copy: the caller may change it
    fresh = Graph().parse(resources.examples_dir() / "northwind.ttl")
    assert org_controls(fresh, AS_OF) == first


def test_a_removal_alone_is_seen(org: Graph) -> None:
    assert strength(org) == "partial"
    org.remove((EV07, AIMS.validUntil, None))
    assert strength(org) == "full"


def test_a_replacement_of_the_same_size_is_seen(org: Graph) -> None:
    assert strength(org) == "partial"
    org.set((EV07, AIMS.validUntil, Literal(date(2027, 6, 30))))
    assert strength(org) == "full"


def test_an_addition_is_seen(org: Graph) -> None:
    before = strength(org)
    org.remove((SOA_A628, AIMS.implementationStatus, None))
    assert strength(org) is None  # no status: not counted
    org.add((SOA_A628, AIMS.implementationStatus, AIMS.StatusPartial))
    assert strength(org) == "partial" == before


def test_each_date_has_its_own_answer(org: Graph) -> None:
    assert strength(org, as_of=date(2026, 1, 1)) == "full"  # EV-07 still valid then
    assert strength(org) == "partial"
    assert strength(org, as_of=date(2026, 1, 1)) == "full"


def test_a_named_graph_of_a_dataset_is_followed_too() -> None:
    ds = Dataset()
    named = ds.graph(URIRef(f"{ORG}graph"))
    named.parse(resources.examples_dir() / "northwind.ttl")
    assert strength(named) == "partial"
    named.remove((EV07, AIMS.validUntil, None))
    assert strength(named) == "full"

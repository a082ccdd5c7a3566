"""Coverage and gaps on the example organisation (examples/northwind.ttl), checked by hand.

Hand computation, as of 2026-11-28, from examples/northwind/soa.csv and evidence.csv and the mapping
files in mappings/:

- Controls counted. A.2.2 and A.2.4 are ``implemented`` with evidence EV-01 (2026-01-15, valid until
  2027-01-15): FULL strength. A.6.2.8 is ``implemented`` but its only evidence EV-07 expired on
  2026-06-30: PARTIAL strength. A.4.6 is ``partial`` (EV-21): PARTIAL. A.8.3 is ``planned`` and A.5.5
  is excluded: not counted.
- nist-ai-rmf:GOVERN-1.1: the NIST crosswalk maps it (intersects-with) to 42001 4.1, 6.2, A.2.2 and
  A.2.4. 4.1 and 6.2 are clauses, not SoA controls; A.2.2 and A.2.4 are full strength but only
  intersect, so the verdict is PARTLY, explained by exactly those two direct mappings.
- eu-ai-act:obl-AIA-4-PRV (AI literacy, applies from 2025-02-02; Northwind is a provider): mapped
  (intersects-with) to 42001 7.2, 7.3 and A.4.6. Only A.4.6 is in the SoA, at partial strength:
  PARTLY, through A.4.6.
- iso42001 as the target: A.2.2 is COVERED by itself ("same item"); A.6.2.8 is PARTLY (implemented,
  evidence expired); A.5.5 and A.8.3 are GAPS.
- High-risk duties for the Annex III credit score (e.g. AIA-9-1-PRV) apply from 2027-12-02 under the
  law in force on 2026-11-28, so they are not targets yet; under the original dates they are.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rdflib import Graph

from aims_graph import resources
from aims_graph.coverage import CoverageEngine, CoverageInputError, org_controls
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.store import Store

AS_OF = date(2026, 11, 28)
ISO = "https://w3id.org/aims-graph/id/iso42001-2023/"


@pytest.fixture(scope="module")
def engine(built_store: Store) -> CoverageEngine:
    return CoverageEngine(MappingService.from_store(built_store), built_store)


@pytest.fixture(scope="module")
def org() -> Graph:
    return Graph().parse(resources.examples_dir() / "northwind.ttl")


def _item(data: dict[str, Any], curie: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["item"] == curie)


def test_controls_counted_with_their_strength(org: Graph) -> None:
    strength = {c.iri.removeprefix(ISO): c.strength for c in org_controls(org, AS_OF)}
    assert strength["A.2.2"] == "full"
    assert strength["A.2.4"] == "full"
    assert strength["A.6.2.8"] == "partial"  # implemented, evidence expired
    assert strength["A.4.6"] == "partial"
    assert "A.8.3" not in strength and "A.5.5" not in strength


def test_nist_govern_1_1_is_partly_covered(engine: CoverageEngine, org: Graph) -> None:
    data = engine.as_dict(engine.coverage(org, "nist-ai-rmf", as_of=AS_OF))
    item = _item(data, "nist-ai-rmf:GOVERN-1.1")
    assert item["verdict"] == "partly"
    direct = {(e["control"], e["relation"]) for e in item["explanation"] if not e["derived"]}
    assert direct == {("iso42001:A.2.2", "intersects-with"), ("iso42001:A.2.4", "intersects-with")}
    assert all(e["chain"] for e in item["explanation"])
    assert data["totals"]["items"] == 72
    assert sum(t["items"] for t in data["by_section"].values()) == 72


def test_ai_act_literacy_partly_through_a_4_6(engine: CoverageEngine, org: Graph) -> None:
    data = engine.as_dict(engine.coverage(org, "eu-ai-act", as_of=AS_OF))
    item = _item(data, "eu-ai-act:obl-AIA-4-PRV")
    assert item["verdict"] == "partly"
    assert item["applies_from"] == "2025-02-02"
    assert {e["control"] for e in item["explanation"] if not e["derived"]} == {"iso42001:A.4.6"}
    targets = {i["item"] for i in data["items"]}
    assert "eu-ai-act:obl-AIA-9-1-PRV" not in targets  # deferred to 2027-12-02


def test_original_dates_bring_high_risk_duties_in(engine: CoverageEngine, org: Graph) -> None:
    data = engine.as_dict(engine.coverage(org, "eu-ai-act", as_of=AS_OF, law_mode="original"))
    assert _item(data, "eu-ai-act:obl-AIA-9-1-PRV")["applies_from"] == "2026-08-02"


def test_iso42001_target(engine: CoverageEngine, org: Graph) -> None:
    data = engine.as_dict(engine.coverage(org, "iso42001", as_of=AS_OF))
    assert _item(data, "iso42001:A.2.2")["verdict"] == "covered"
    assert _item(data, "iso42001:A.2.2")["explanation"][0]["relation"] == "same item"
    assert _item(data, "iso42001:A.6.2.8")["verdict"] == "partly"
    assert _item(data, "iso42001:A.5.5")["verdict"] == "gap"
    assert _item(data, "iso42001:A.8.3")["verdict"] == "gap"
    # Annex A items are totalled by their objective, clauses by their top-level clause.
    assert data["by_section"]["A.10 Third-party and customer relationships"]["items"] == 3
    assert "4 Context of the organization" in data["by_section"]


def test_reverse_view_and_threshold(engine: CoverageEngine, org: Graph) -> None:
    all_ = engine.coverage(org, "nist-ai-rmf", as_of=AS_OF)
    rev = all_.reverse()
    assert rev and rev[0]["total"] >= rev[-1]["total"]
    strict = engine.coverage(org, "nist-ai-rmf", as_of=AS_OF, min_confidence=0.99)
    assert strict.totals()["gap"] >= all_.totals()["gap"]
    with pytest.raises(CoverageInputError):
        engine.coverage(org, "nist-ai-rmf", as_of=AS_OF, min_confidence=1.5)
    with pytest.raises(CoverageInputError):
        engine.coverage(org, "no-such-framework", as_of=AS_OF)

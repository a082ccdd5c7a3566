"""The catalogs are the product: counts, identifiers and structure are checked on the real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from aims_graph import resources
from aims_graph.catalog.build import CatalogSourceError, build_catalog, render_turtle
from aims_graph.catalog.frameworks import FRAMEWORKS, framework
from aims_graph.catalog.stats import framework_stats
from aims_graph.namespaces import scheme_iri
from aims_graph.store import Store, Term

EXPECTED: dict[str, dict[str, int]] = {
    "iso42001-2023": {
        "Clause": 7,
        "Subclause": 36,
        "Annex": 1,
        "ControlObjective": 11,
        "Control": 38,
    },
    "iso27001-2022": {"Clause": 7, "Subclause": 34, "Annex": 1, "ControlTheme": 4, "Control": 93},
    "iso27001-2013": {
        "Clause": 7,
        "Subclause": 28,
        "Annex": 1,
        "ControlCategory": 14,
        "ControlObjective": 35,
        "Control": 114,
    },
    "nist-ai-rmf-1.0": {"Function": 4, "Category": 19, "Subcategory": 72},
    "nist-ai-600-1": {"GAIRisk": 12, "SuggestedAction": 212},
}
PREFIX = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
AIMS = "PREFIX aims: <https://w3id.org/aims-graph/ontology#>\n"


@pytest.fixture(scope="module")
def counts(built_store: Store) -> dict[str, dict[str, int]]:
    return {s.edition: s.counts for s in framework_stats(built_store)}


@pytest.mark.parametrize("edition", sorted(EXPECTED))
def test_counts_hold_exactly(counts: dict[str, dict[str, int]], edition: str) -> None:
    assert counts[edition] == EXPECTED[edition]


def test_iso42001_annex_a_objectives(built_store: Store) -> None:
    rows = built_store.select(
        PREFIX
        + AIMS
        + "SELECT ?n WHERE { ?o a aims:ControlObjective ; skos:inScheme ?s ; skos:notation ?n }",
        {"s": Term.iri(scheme_iri("iso42001-2023"))},
    )
    notations = {r["n"].value for r in rows}
    top = sorted((n for n in notations if n.count(".") == 1), key=lambda n: int(n[2:]))
    assert top == [f"A.{i}" for i in range(2, 11)]
    assert {"A.6.1", "A.6.2"} <= notations


def test_iso42001_has_6_1_subclauses(built_store: Store) -> None:
    rows = built_store.select(
        PREFIX
        + "SELECT ?n WHERE { ?i skos:inScheme ?s ; skos:notation ?n FILTER(STRSTARTS(?n, '6.1.')) }",
        {"s": Term.iri(scheme_iri("iso42001-2023"))},
    )
    assert sorted(r["n"].value for r in rows) == ["6.1.1", "6.1.2", "6.1.3", "6.1.4"]


def test_iso27701_annex_counts(built_store: Store) -> None:
    q = (
        PREFIX
        + AIMS
        + """SELECT ?top (COUNT(?c) AS ?n) WHERE {
          ?c a aims:Control ; skos:inScheme ?s ; skos:broader+ ?top .
          ?top skos:topConceptOf ?s } GROUP BY ?top"""
    )
    for edition, expected in {
        "iso27701-2019": {"annex-A": 31, "annex-B": 18},
        "iso27701-2025": {"annex-A": 78},
    }.items():
        rows = built_store.select(q, {"s": Term.iri(scheme_iri(edition))})
        got = {r["top"].value.rsplit("/", 1)[1]: int(r["n"].value) for r in rows}
        assert got == expected, edition
    rows = built_store.select(
        PREFIX
        + AIMS
        + """SELECT ?t (COUNT(?c) AS ?n) WHERE { ?c a aims:Control ; skos:inScheme ?s ;
             skos:notation ?no BIND(SUBSTR(?no, 1, 3) AS ?t) } GROUP BY ?t""",
        {"s": Term.iri(scheme_iri("iso27701-2025"))},
    )
    assert {r["t"].value: int(r["n"].value) for r in rows} == {"A.1": 31, "A.2": 18, "A.3": 29}


def test_eu_ai_act_structure(counts: dict[str, dict[str, int]]) -> None:
    eu = counts["eu-ai-act"]
    assert eu["Article"] == 113
    assert eu["Annex"] == 13
    assert eu["AnnexIIIArea"] == 8
    assert eu["AnnexIIIUseCase"] == 25
    assert eu["Chapter"] == 13
    assert eu["Obligation"] == 180
    assert eu["Paragraph"] > 500


def test_eu_ai_act_oj_numbering(built_store: Store) -> None:
    def paragraphs(article: int) -> list[str]:
        rows = built_store.select(
            PREFIX
            + AIMS
            + "SELECT ?n WHERE { ?p a aims:Paragraph ; skos:broader ?a ; skos:notation ?n }",
            {"a": Term.iri(f"https://w3id.org/aims-graph/id/eu-ai-act/art-{article}")},
        )
        return sorted((r["n"].value for r in rows), key=lambda n: int(n.split("(")[1][:-1]))

    assert len(paragraphs(3)) == 68
    assert paragraphs(69) == ["Article 69(1)", "Article 69(2)", "Article 69(3)"]
    assert len(paragraphs(73)) == 11
    assert "Article 73(4)" in paragraphs(73)


def test_notations_unique_within_scheme(built_store: Store) -> None:
    rows = built_store.select(
        PREFIX
        + """SELECT ?s ?n (COUNT(DISTINCT ?i) AS ?c) WHERE { ?i skos:inScheme ?s ; skos:notation ?n }
        GROUP BY ?s ?n HAVING (COUNT(DISTINCT ?i) > 1)"""
    )
    assert rows == []


def test_every_item_reaches_its_root(built_store: Store) -> None:
    rows = built_store.select(
        PREFIX
        + """SELECT ?i WHERE { ?i skos:inScheme ?s .
        FILTER NOT EXISTS { ?i skos:broader* ?top . ?top skos:topConceptOf ?s .
                            FILTER NOT EXISTS { ?top skos:broader ?x } } }"""
    )
    assert rows == []
    # and broader never leaves the scheme
    rows = built_store.select(
        PREFIX
        + "SELECT ?i WHERE { ?i skos:inScheme ?s ; skos:broader ?p . FILTER NOT EXISTS { ?p skos:inScheme ?s } }"
    )
    assert rows == []


def test_every_item_has_label_notation_and_source(built_store: Store) -> None:
    rows = built_store.select(
        PREFIX
        + """PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?i WHERE { ?i skos:inScheme ?s .
          FILTER (NOT EXISTS { ?i skos:prefLabel ?l } || NOT EXISTS { ?i skos:notation ?n }
                  || NOT EXISTS { ?i dcterms:source ?src }) }"""
    )
    assert rows == []


def test_summaries_where_no_title_exists(built_store: Store) -> None:
    rows = built_store.select(
        PREFIX
        + AIMS
        + """SELECT ?i WHERE { VALUES ?k { aims:Subcategory aims:Paragraph aims:Article aims:Obligation }
        ?i a ?k . FILTER NOT EXISTS { ?i aims:summary ?sum } }"""
    )
    assert [r["i"].value for r in rows] == []


def test_every_obligation_is_complete(built_store: Store) -> None:
    rows = built_store.select(
        AIMS
        + """SELECT ?o WHERE { ?o a aims:Obligation .
        FILTER (NOT EXISTS { ?o aims:actor ?a } || NOT EXISTS { ?o aims:riskTier ?t }
             || NOT EXISTS { ?o aims:sourceProvision ?p } || NOT EXISTS { ?o aims:applicability ?r }) }"""
    )
    assert rows == []


def test_suggested_actions_have_subcategory_and_risks(built_store: Store) -> None:
    rows = built_store.select(
        PREFIX
        + AIMS
        + """SELECT ?a WHERE { ?a a aims:SuggestedAction .
        FILTER (NOT EXISTS { ?a aims:suggestedFor ?s . ?s a aims:Subcategory }
             || NOT EXISTS { ?a aims:gaiRisk ?r . ?r a aims:GAIRisk }) }"""
    )
    assert rows == []


def test_amended_high_risk_dates(built_store: Store) -> None:
    """Art. 9 for Annex III systems moved from 2026-08-02 to 2027-12-02 by Reg. (EU) 2026/1744."""
    rows = built_store.select(
        AIMS
        + """SELECT ?status ?date ?scope WHERE { ?o aims:applicability ?r .
        ?r aims:applicabilityStatus ?status ; aims:appliesFrom ?date ; aims:scope ?scope }""",
        {"o": Term.iri("https://w3id.org/aims-graph/id/eu-ai-act/obl-AIA-9-1-PRV")},
    )
    got = {(r["status"].value.rsplit("#", 1)[1], r["date"].value) for r in rows}
    assert ("Original", "2026-08-02") in got
    assert ("Amended", "2027-12-02") in got


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=lambda f: f.slug)
def test_generated_turtle_is_fresh(fw: object) -> None:
    """ontology/standards/*.ttl must be regenerated (`make catalogs`) after editing the sources."""
    edition = framework(getattr(fw, "slug", ""))
    built = build_catalog(edition, resources.catalog_sources_dir())
    committed = (resources.standards_dir() / f"{edition.slug}.ttl").read_text(encoding="utf-8")
    assert render_turtle(built) in committed


def test_broken_source_is_rejected_with_line(tmp_path: Path) -> None:
    src = tmp_path / "iso42001-2023.tsv"
    src.write_text(
        "ref\tkind\tparent\tnotation\ttitle\tsummary\tsource\n"
        "iso42001-2023\tstandard\t\tISO/IEC 42001:2023\tx\t\t\n"
        "4\tclause\tiso42001-2023\t4\tContext\t\t\n"
        "4.1\tsubclause\t9\t4.1\tBad parent\t\t\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogSourceError, match=r"iso42001-2023.tsv:4: parent '9'"):
        build_catalog(framework("iso42001"), tmp_path)

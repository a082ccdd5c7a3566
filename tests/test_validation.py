"""Validation: the fast path and pyshacl agree, dated duties are upcoming before their date.

The differential tests compare the raw results of both engines (rule shape, focus node, path, value)
on every shape's conforming and violating sample and on the example organisation.
"""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pytest
from bench.synthetic_validation import synthetic_org_nt
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from aims_graph import resources
from aims_graph.namespaces import AIMS
from aims_graph.validation import (
    OrgValidator,
    ValidationContext,
    ValidationReport,
    load_shapes,
    merge_reports,
    validate,
)
from aims_graph.validation.compiler import UnsupportedShapeError, compile_shape, compile_shapes
from aims_graph.validation.lateral import rewrite_exists
from aims_graph.validation.shapes import bind_parameters, rule_shapes, substitute, year_before

SAMPLES = Path(__file__).parent / "data" / "org"
SAMPLE_NS = "https://w3id.org/aims-graph/org/sample/"
EU = "https://w3id.org/aims-graph/id/eu-ai-act/"
AS_OF = date(2026, 11, 28)
ART9 = "Art9RiskManagementShape"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


@pytest.fixture(scope="module")
def ctx() -> ValidationContext:
    return ValidationContext.from_files()


def _samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.ttl"))


def _all_samples_as_one_graph() -> Graph:
    """Every sample under its own namespace, so they can be validated in one run."""
    g = Graph()
    for p in _samples():
        ns = f"https://w3id.org/aims-graph/org/{p.name.removesuffix('.ttl').replace('.', '-')}/"
        g.parse(data=p.read_text().replace(SAMPLE_NS, ns), format="turtle")
    return g


@pytest.mark.slow  # about 2 minutes: pyshacl runs each SPARQL rule once per focus node
def test_differential_on_all_samples(ctx: ValidationContext) -> None:
    org = _all_samples_as_one_graph()
    fast = validate(org, as_of=AS_OF, catalogs=ctx, engine="fast")
    ref = validate(org, as_of=AS_OF, catalogs=ctx, engine="pyshacl")
    assert len(fast.raw) > 100
    assert set(fast.raw) == set(ref.raw)
    assert [f.as_dict() for f in fast.findings] == [f.as_dict() for f in ref.findings]


# pyshacl is the reference here and takes about 17 s per law mode: both run with the slow tests.
@pytest.mark.slow
@pytest.mark.parametrize("law", ["in-force", "original"])
def test_differential_on_the_example(ctx: ValidationContext, law: str) -> None:
    org = Graph().parse(resources.examples_dir() / "northwind.ttl")
    fast = validate(org, as_of=AS_OF, catalogs=ctx, engine="fast", law_mode=law)
    ref = validate(org, as_of=AS_OF, catalogs=ctx, engine="pyshacl", law_mode=law)
    assert fast.findings
    assert set(fast.raw) == set(ref.raw)


@pytest.mark.slow
@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.name)
def test_differential_on_each_sample(ctx: ValidationContext, path: Path) -> None:
    org = Graph().parse(path)
    fast = validate(org, as_of=AS_OF, catalogs=ctx, engine="fast")
    ref = validate(org, as_of=AS_OF, catalogs=ctx, engine="pyshacl")
    assert set(fast.raw) == set(ref.raw)


def _without_evidence(name: str) -> Graph:
    org = Graph().parse(SAMPLES / name)
    org.remove((URIRef(SAMPLE_NS + "ev"), None, None))
    return org


def _art9(ctx: ValidationContext, day: date, law: str = "in-force") -> tuple[str, str | None]:
    org = _without_evidence(f"{ART9}.bad.ttl")
    found = [
        f for f in validate(org, as_of=day, catalogs=ctx, law_mode=law).findings if f.rule == ART9
    ]
    assert len(found) == 1
    return found[0].severity, found[0].applies_from


@pytest.mark.parametrize(
    ("day", "law", "expected"),
    [
        # Before the amending act (in force 2026-07-27) the 2024 text says 2026-08-02.
        (date(2026, 7, 1), "in-force", ("upcoming", "2026-08-02")),
        # From 2026-07-27 Regulation (EU) 2026/1744 moves Annex III duties to 2027-12-02.
        (date(2026, 8, 2), "in-force", ("upcoming", "2027-12-02")),
        (date(2027, 12, 1), "in-force", ("upcoming", "2027-12-02")),
        (date(2027, 12, 2), "in-force", ("violation", "2027-12-02")),
        # Under the original dates the duty bites on 2026-08-02.
        (date(2026, 8, 1), "original", ("upcoming", "2026-08-02")),
        (date(2026, 8, 2), "original", ("violation", "2026-08-02")),
        # "amended" applies the amended dates even before the amending act was in force.
        (date(2026, 7, 1), "amended", ("upcoming", "2027-12-02")),
    ],
)
def test_annex_iii_provider_duty_upcoming_or_violation(
    ctx: ValidationContext, day: date, law: str, expected: tuple[str, str]
) -> None:
    assert _art9(ctx, day, law) == expected


def test_annex_i_system_uses_annex_i_dates(ctx: ValidationContext) -> None:
    org = _without_evidence(f"{ART9}.bad.ttl")
    sys = URIRef(SAMPLE_NS + "sys")
    org.remove((sys, AIMS.annexIIIUseCase, None))
    org.add((sys, AIMS.highRiskPathway, URIRef(EU + "pathway-annex-I")))
    found = [
        f for f in validate(org, as_of=date(2027, 12, 2), catalogs=ctx).findings if f.rule == ART9
    ]
    assert [(f.severity, f.applies_from) for f in found] == [("upcoming", "2028-08-02")]


def test_finding_names_node_rule_clause_and_fix(ctx: ValidationContext) -> None:
    org = Graph().parse(SAMPLES / "SystemOwnerShape.bad.ttl")
    report = validate(org, as_of=AS_OF, catalogs=ctx)
    f = next(f for f in report.findings if f.rule == "SystemOwnerShape")
    d = f.as_dict()
    assert d["node"] == SAMPLE_NS + "sys"
    assert d["node_label"] == "Sample system"
    assert d["severity"] == "violation"
    assert d["enforces"] == [
        {
            "iri": "https://w3id.org/aims-graph/id/iso42001-2023/A.3.2",
            "curie": "iso42001:A.3.2",
            "notation": "A.3.2",
            "title": ctx.items["https://w3id.org/aims-graph/id/iso42001-2023/A.3.2"][1],
        }
    ]
    assert d["fix"].startswith("Fill the owner column")
    assert not report.conforms
    assert report.as_dict()["counts"]["violation"] >= 1


def test_expired_evidence_does_not_meet_a_duty(ctx: ValidationContext) -> None:
    org = Graph().parse(SAMPLES / f"{ART9}.ok.ttl")
    # Its evidence is valid until 2027-12-31; the duty applies from 2027-12-02.
    assert not [
        f for f in validate(org, as_of=date(2027, 12, 31), catalogs=ctx).findings if f.rule == ART9
    ]
    found = validate(org, as_of=date(2028, 1, 1), catalogs=ctx).findings
    assert [f.severity for f in found if f.rule == ART9] == ["violation"]


def test_bad_engine_or_law_mode(ctx: ValidationContext) -> None:
    with pytest.raises(ValueError, match="engine"):
        validate(Graph(), as_of=AS_OF, catalogs=ctx, engine="jena")
    with pytest.raises(ValueError, match="law mode"):
        validate(Graph(), as_of=AS_OF, catalogs=ctx, law_mode="future")


def test_placeholders() -> None:
    text = substitute(
        "FILTER(?d > $yearBeforeAsOf && ?d <= $asOf && $lawMode = 'x')", AS_OF, "original"
    )
    assert '"2025-11-28"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    assert '"2026-11-28"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    assert '"original"' in text and "$" not in text
    assert year_before(date(2028, 2, 29)) == date(2027, 2, 28)


def test_every_shape_compiles() -> None:
    bound = bind_parameters(load_shapes(), AS_OF, "in-force")
    checks = compile_shapes(bound)
    assert {c.shape for c in checks} == {str(r) for r in rule_shapes(bound)}
    assert not [c.shape for c in checks if re.search(r"\$[A-Za-z]", c.query)]


def test_compiler_refuses_what_it_does_not_know() -> None:
    g = Graph().parse(
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:qualifiedMinCount 1 ; sh:qualifiedValueShape ex:Q ] .
        """,
        format="turtle",
    )
    with pytest.raises(UnsupportedShapeError, match="qualified"):
        compile_shape(g, next(iter(g.subjects(SH.targetClass, None))))  # type: ignore[arg-type]


# -- appends, validated incrementally --------------------------------------------------------------


def _nt(g: Graph) -> bytes:
    return g.serialize(format="nt", encoding="utf-8")


def _assert_same(got: ValidationReport, want: ValidationReport) -> None:
    assert set(got.raw) == set(want.raw)
    assert [f.as_dict() for f in got.findings] == [f.as_dict() for f in want.findings]


@pytest.mark.parametrize(
    "seed", [0, 1, *(pytest.param(s, marks=pytest.mark.slow) for s in range(2, 6))]
)
def test_append_merged_equals_full_validation(ctx: ValidationContext, seed: int) -> None:
    """Any split of all samples into stored data and an append: stale report + re-check = full."""
    triples = sorted(_all_samples_as_one_graph())
    rng = random.Random(seed)
    rng.shuffle(triples)
    cut = len(triples) * (seed + 1) // 8
    stored, upload = Graph(), Graph()
    for t in triples[:cut]:
        upload.add(t)
    for t in triples[cut:]:
        stored.add(t)
    want = OrgValidator(_nt(stored + upload), ctx).validate(as_of=AS_OF)
    v = OrgValidator(_nt(stored), ctx)
    before = v.validate(as_of=AS_OF)
    update = v.append(_nt(upload), as_of=AS_OF)
    assert update.focus is not None  # the samples name every node
    _assert_same(merge_reports(before, update), want)
    # The fast path on a store matches the reference-checked validate() of the whole graph.
    _assert_same(want, validate(stored + upload, as_of=AS_OF, catalogs=ctx))


def test_append_rechecks_the_nodes_it_touches_only(ctx: ValidationContext) -> None:
    """Expiring an evidence record makes its system violate Art. 9: the system is re-checked,
    though the upload does not mention it, and nothing else of a large organisation is."""
    sample = Graph().parse(SAMPLES / f"{ART9}.ok.ttl")
    ev, until = URIRef(SAMPLE_NS + "ev"), AIMS.validUntil
    expiry = sample.value(ev, until)
    sample.remove((ev, until, None))
    big = synthetic_org_nt(20_000)
    v = OrgValidator(big + _nt(sample), ctx)
    before = v.validate(as_of=AS_OF)
    assert not [f for f in before.findings if f.rule == ART9 and f.node == SAMPLE_NS + "sys"]
    update = v.append(
        f'<{ev}> <{until}> "2026-10-31"^^<{XSD_DATE}> .\n'.encode(),
        as_of=AS_OF,
    )
    assert expiry is not None and update.focus is not None
    # The evidence, the nodes it links to (system, organisation, kind) and nothing more.
    assert SAMPLE_NS + "sys" in update.focus and len(update.focus) <= 6
    assert [f.rule for f in update.findings if f.node == SAMPLE_NS + "sys"].count(ART9) == 1
    after = Graph()
    after.parse(data=big, format="nt")
    after += sample
    after.add((ev, until, Literal("2026-10-31", datatype=URIRef(XSD_DATE))))
    _assert_same(merge_reports(before, update), validate(after, as_of=AS_OF, catalogs=ctx))


def test_exists_bodies_are_chained_by_lateral() -> None:
    """Oxigraph hash-joins EXISTS bodies as written; the rewrite makes them index lookups."""
    q = (
        "PREFIX aims: <https://w3id.org/aims-graph/ontology#>\n"
        "SELECT ?this WHERE { ?this a aims:AISystem .\n"
        "  FILTER NOT EXISTS { ?a a aims:RiskAssessment ; aims:forSystem ?this . } }"
    )
    out = rewrite_exists(q)
    # Starts from the focus node, then checks the type of what it found.
    assert re.search(r"\?a aims:forSystem \?this \.\s+LATERAL \{ \?a a aims:RiskAssessment", out)
    assert rewrite_exists("SELECT ?s WHERE { ?s ?p ?o }") == "SELECT ?s WHERE { ?s ?p ?o }"
    odd = "SELECT ?s WHERE { ?s ?p [ ?q ?o ] FILTER EXISTS { ?s ?p ?x . ?x ?q ?o } }"
    assert rewrite_exists(odd) == odd  # syntax it does not handle is left alone


def test_class_targets_follow_the_organisations_own_subclass_axioms(
    ctx: ValidationContext,
) -> None:
    """An organisation's own subclass of aims:AISystem is targeted as SHACL (and pyshacl) say.

    The fast engine expands class targets from the vocabulary's subclass closure; data that adds
    an axiom of its own is checked with targets that follow rdfs:subClassOf instead.
    """
    text = (SAMPLES / "Art12LoggingShape.bad.ttl").read_text()
    assert "ex:sys a aims:AISystem" in text
    own = text.replace("ex:sys a aims:AISystem", "ex:sys a ex:ChatSystem") + (
        "\nex:ChatSystem rdfs:subClassOf aims:AISystem .\n"
    )
    org = Graph().parse(data=own, format="turtle")
    fast = validate(org, as_of=AS_OF, catalogs=ctx, engine="fast")
    ref = validate(org, as_of=AS_OF, catalogs=ctx, engine="pyshacl")
    # The system is a focus node of the shapes targeting aims:AISystem (Art. 12 among them).
    assert any(f.rule == "Art12LoggingShape" and f.node == SAMPLE_NS + "sys" for f in fast.findings)
    assert set(fast.raw) == set(ref.raw)

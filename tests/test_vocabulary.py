"""The OWL vocabulary: it parses, documents every term, covers docs/conventions.md, stays OWL DL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from aims_graph import resources
from aims_graph.checks.reasoner import check_consistency
from aims_graph.namespaces import AIMS

ONTO = resources.ontology_dir()
DATA = Path(__file__).parent / "data"
TERM_KINDS = (
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.NamedIndividual,
)
REQUIREMENT_KINDS = [
    "Clause",
    "Subclause",
    "Annex",
    "ControlTheme",
    "ControlCategory",
    "ControlObjective",
    "Control",
    "Function",
    "Category",
    "Subcategory",
    "SuggestedAction",
    "GAIRisk",
    "Chapter",
    "Section",
    "Article",
    "Paragraph",
    "AnnexIIIArea",
    "AnnexIIIUseCase",
    "Obligation",
]


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return Graph().parse(ONTO / "aims.ttl", format="turtle")


@pytest.fixture(scope="module")
def vocab_and_alignments(vocab: Graph) -> Graph:
    g = Graph()
    for t in vocab:
        g.add(t)
    g.parse(ONTO / "alignments.ttl", format="turtle")
    return g


def aims_terms(g: Graph) -> set[URIRef]:
    return {
        s
        for kind in TERM_KINDS
        for s in g.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and str(s).startswith(str(AIMS))
    }


def test_ontology_header(vocab: Graph) -> None:
    onto = URIRef("https://w3id.org/aims-graph/ontology")
    assert (onto, RDF.type, OWL.Ontology) in vocab
    assert vocab.value(onto, DCTERMS.title) is not None
    assert vocab.value(onto, DCTERMS.description) is not None
    assert vocab.value(onto, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert vocab.value(onto, OWL.versionInfo) is not None


def test_every_term_has_english_label_and_definition(vocab: Graph) -> None:
    terms = aims_terms(vocab)
    assert len(terms) > 100
    missing = []
    for term in sorted(terms):
        labels = [o for o in vocab.objects(term, RDFS.label) if isinstance(o, Literal)]
        defs = [o for o in vocab.objects(term, SKOS.definition) if isinstance(o, Literal)]
        if not any(lab.language == "en" for lab in labels):
            missing.append(f"{term} rdfs:label@en")
        if not any(d.language == "en" for d in defs):
            missing.append(f"{term} skos:definition@en")
    assert not missing, "terms without documentation:\n" + "\n".join(missing)


def test_every_term_named_in_conventions_is_declared(vocab: Graph) -> None:
    text = (resources.repo_root() / "docs" / "conventions.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`aims:([A-Za-z][A-Za-z0-9]*)`", text))
    named |= set(re.findall(r"\baims:([A-Za-z][A-Za-z0-9]*)", text))
    assert len(named) > 60
    declared = {str(t)[len(str(AIMS)) :] for t in aims_terms(vocab)}
    assert sorted(named - declared) == []


def test_aims_terms_used_by_code_shapes_and_queries_are_declared(vocab: Graph) -> None:
    root = resources.repo_root()
    used: set[str] = set()
    for pattern, folder in (
        ("*.py", root / "src" / "aims_graph"),
        ("*.rq", root / "queries"),
        ("*.ttl", ONTO / "shapes"),
        ("alignments.ttl", ONTO),
    ):
        for path in folder.rglob(pattern):
            text = path.read_text(encoding="utf-8")
            used |= set(re.findall(r"\bAIMS\.([A-Za-z][A-Za-z0-9_]*)", text))
            used |= set(re.findall(r"\baims:([A-Za-z][A-Za-z0-9]*)", text))
    declared = {str(t)[len(str(AIMS)) :] for t in aims_terms(vocab)}
    assert sorted(used - declared) == []


def test_requirement_hierarchy(vocab: Graph) -> None:
    assert (AIMS.Requirement, RDFS.subClassOf, SKOS.Concept) in vocab
    assert (AIMS.Framework, RDFS.subClassOf, SKOS.ConceptScheme) in vocab
    assert (AIMS.DerivedMapping, RDFS.subClassOf, AIMS.Mapping) in vocab
    for kind in REQUIREMENT_KINDS:
        assert (AIMS[kind], RDFS.subClassOf, AIMS.Requirement) in vocab, kind


def _all_disjoint_sets(g: Graph) -> list[set[URIRef]]:
    out = []
    for node in g.subjects(RDF.type, OWL.AllDisjointClasses):
        members = g.value(node, OWL.members)
        out.append({m for m in g.items(members) if isinstance(m, URIRef)})
    return out


def test_disjointness_axioms(vocab: Graph) -> None:
    sets = _all_disjoint_sets(vocab)
    assert {AIMS[k] for k in REQUIREMENT_KINDS} in sets
    top = {AIMS.Requirement, AIMS.Framework, AIMS.Mapping, AIMS.Actor, AIMS.RiskTier}
    top |= {AIMS.ApplicabilityRecord, AIMS.Organisation, AIMS.AISystem}
    assert any(top <= s for s in sets)


@pytest.mark.parametrize(
    ("cls", "individuals"),
    [
        (AIMS.SetRelation, "equal subsetOf supersetOf intersectsWith notRelated"),
        (AIMS.ApplicabilityStatus, "Original Amended"),
        (AIMS.FrameworkKind, "StandardKind RegulationKind FrameworkKindFramework ProfileKind"),
    ],
)
def test_enumerated_individuals_are_named_and_all_different(
    vocab: Graph, cls: URIRef, individuals: str
) -> None:
    expected = {AIMS[i] for i in individuals.split()}
    typed = set(vocab.subjects(RDF.type, cls))
    assert expected <= typed
    for ind in expected:
        assert (ind, RDF.type, OWL.NamedIndividual) in vocab
    groups = [
        set(vocab.items(vocab.value(n, OWL.distinctMembers)))
        for n in vocab.subjects(RDF.type, OWL.AllDifferent)
    ]
    assert any(expected <= g for g in groups)


def test_property_kinds(vocab: Graph) -> None:
    assert (AIMS.confidence, RDF.type, OWL.DatatypeProperty) in vocab
    assert (AIMS.confidence, RDF.type, OWL.FunctionalProperty) in vocab
    for p in ("actor", "riskTier", "sourceProvision", "applicability", "relation", "frameworkKind"):
        assert (AIMS[p], RDF.type, OWL.ObjectProperty) in vocab, p
    for p in ("appliesFrom", "recordValidFrom", "amendmentOnly", "inferred", "edition", "summary"):
        assert (AIMS[p], RDF.type, OWL.DatatypeProperty) in vocab, p
    assert (SKOS.broader, RDF.type, OWL.ObjectProperty) in vocab
    assert (SKOS.notation, RDF.type, OWL.DatatypeProperty) in vocab
    assert (SKOS.prefLabel, RDF.type, OWL.AnnotationProperty) in vocab


def test_no_term_is_punned_across_property_kinds(vocab_and_alignments: Graph) -> None:
    # OWL 2 DL forbids one IRI being two kinds of property, or a class and a property at once.
    g = vocab_and_alignments
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Class)
    by_term: dict[URIRef, set[URIRef]] = {}
    for kind in kinds:
        for s in g.subjects(RDF.type, kind):
            if isinstance(s, URIRef):
                by_term.setdefault(s, set()).add(kind)
    clashes = {str(t): sorted(map(str, k)) for t, k in by_term.items() if len(k) > 1}
    assert clashes == {}


def test_alignments_parse_and_use_verified_external_names(vocab_and_alignments: Graph) -> None:
    aiact = "https://w3id.org/dpv/legal/eu/aiact#"
    used = {str(o) for o in vocab_and_alignments.all_nodes() if str(o).startswith(aiact)}
    expected = {
        aiact + n
        for n in [
            "AIProvider",
            "AIDeployer",
            "AIImporter",
            "AIDistributor",
            "AuthorisedRepresentative",
            "AIProductManufacturer",
        ]
    }
    assert expected <= used
    assert (AIMS.AISystem, RDFS.subClassOf, URIRef("https://w3id.org/airo#AISystem")) in (
        vocab_and_alignments
    )


@pytest.mark.slow
def test_vocabulary_and_alignments_are_consistent_under_hermit() -> None:
    report = check_consistency([ONTO / "aims.ttl", ONTO / "alignments.ttl"])
    assert report.consistent, report.message
    assert report.unsatisfiable == []


@pytest.mark.slow
def test_good_samples_are_consistent_with_the_vocabulary() -> None:
    files = [ONTO / "aims.ttl", ONTO / "alignments.ttl"]
    files += [DATA / "catalog-good.ttl", DATA / "mapping-good.ttl"]
    report = check_consistency(files)
    assert report.consistent, report.message
    assert report.unsatisfiable == []


@pytest.mark.slow
def test_deliberately_inconsistent_sample_is_found_inconsistent() -> None:
    report = check_consistency(
        [ONTO / "aims.ttl", ONTO / "alignments.ttl", DATA / "inconsistent.ttl"]
    )
    assert not report.consistent
    assert "inconsistent" in report.message


@pytest.mark.slow
def test_generated_catalogs_are_consistent_with_the_vocabulary() -> None:
    catalogs = sorted(resources.standards_dir().glob("*.ttl"))
    if not catalogs:
        pytest.skip("no generated catalogs yet (run aims-graph build-catalogs)")
    report = check_consistency([ONTO / "aims.ttl", ONTO / "alignments.ttl", *catalogs])
    assert report.consistent, report.message
    assert report.unsatisfiable == []

"""SHACL catalog and mapping shapes on hand-written samples, and the HermiT wrapper's behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH

from aims_graph import resources
from aims_graph.checks.reasoner import JavaNotFoundError, check_consistency
from aims_graph.checks.shacl import ShaclReport, validate_shapes
from aims_graph.mappings.loading import DERIVED_GRAPH, DERIVED_SET
from aims_graph.store import Store

DATA = Path(__file__).parent / "data"
SHAPES = resources.shapes_dir()
ID = "https://w3id.org/aims-graph/id/"
AIMS = "https://w3id.org/aims-graph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
MAP = "https://w3id.org/aims-graph/mapping/"


def run(sample: str, shapes: str) -> ShaclReport:
    return validate_shapes(Graph().parse(DATA / sample), SHAPES / shapes)


def pairs(report: ShaclReport) -> set[tuple[str, str | None]]:
    return {(f.focus, f.path) for f in report.findings}


@pytest.mark.parametrize("shapes", ["catalog.ttl", "mappings.ttl"])
def test_every_shape_says_why_and_what(shapes: str) -> None:
    g = Graph().parse(SHAPES / shapes)
    node_shapes = set(g.subjects(RDF.type, SH.NodeShape))
    prop_shapes = set(g.objects(None, SH.property)) | set(g.subjects(RDF.type, SH.PropertyShape))
    assert node_shapes
    lacking = [
        str(s)
        for s in node_shapes | prop_shapes
        if g.value(s, SH.message) is None or g.value(s, RDFS.comment) is None
    ]
    assert lacking == []


def test_catalog_shapes_pass_on_good_sample() -> None:
    report = run("catalog-good.ttl", "catalog.ttl")
    assert report.conforms, report.findings
    assert report.findings == []


def test_catalog_shapes_report_each_defect_of_broken_sample() -> None:
    report = run("catalog-broken.ttl", "catalog.ttl")
    assert not report.conforms
    iso, eu = ID + "broken-iso", ID + "broken-eu"
    expected = {
        (iso, DCT + "issued"),  # framework without issue date
        (iso, AIMS + "frameworkKind"),  # not one of the four kinds
        (iso + "/4.1", DCT + "source"),  # no source link
        (iso + "/4.1", SKOS + "prefLabel"),  # two English labels
        (iso + "/4.2", SKOS + "notation"),  # two notations
        (iso + "/5", None),  # orphan: no broader, no topConceptOf
        (iso + "/5", SKOS + "prefLabel"),  # no English label
        (eu + "/art-9-1", AIMS + "summary"),  # paragraph without summary
        (eu + "/art-9-1", DCT + "source"),  # source given as a string
        (eu + "/obl-X", AIMS + "actor"),  # two actors
        (eu + "/obl-X", AIMS + "riskTier"),  # none
        (eu + "/obl-X", AIMS + "sourceProvision"),  # a clause, not an article/paragraph
        (eu + "/obl-X", AIMS + "applicability"),  # none
        (eu + "/obl-X", AIMS + "summary"),  # obligations need a summary
        (eu + "/obl-Y-applicability-1", AIMS + "appliesFrom"),  # untyped date
        (eu + "/obl-Y-applicability-1", AIMS + "legalBasis"),  # missing
        (eu + "/obl-Y-applicability-2", None),  # amended without amendedBy
        (eu + "/tier-high-risk", SKOS + "prefLabel"),  # no English label
    }
    assert expected <= pairs(report), sorted(expected - pairs(report))
    framework_values = {f.value for f in report.by_focus(iso) if f.path is None}
    assert "4.1" in framework_values  # duplicate notation within the scheme
    assert iso + "/6" in framework_values  # parent outside its scheme
    # Nothing is reported on the items that are correct.
    assert report.by_focus(iso + "/4") == []
    assert report.by_focus(eu + "/art-9") == []
    assert all(f.severity == "Violation" and f.message for f in report.findings)


def test_catalog_shapes_accept_a_dataset_and_validate_the_union() -> None:
    ds = Dataset()
    good = Graph().parse(DATA / "catalog-good.ttl")
    # Split the sample over two named graphs: cross-graph links (suggestedFor) must still resolve.
    rmf = ds.graph(URIRef("https://w3id.org/aims-graph/graph/catalog/a"))
    rest = ds.graph(URIRef("https://w3id.org/aims-graph/graph/catalog/b"))
    for s, p, o in good:
        (rmf if "sample-rmf" in str(s) else rest).add((s, p, o))
    report = validate_shapes(ds, SHAPES / "catalog.ttl")
    assert report.conforms, report.findings
    assert report.triples == len(good)


def test_mapping_shapes_pass_on_good_sample() -> None:
    report = run("mapping-good.ttl", "mappings.ttl")
    assert report.conforms, report.findings


def test_mapping_shapes_report_each_defect_of_broken_sample() -> None:
    report = run("mapping-broken.ttl", "mappings.ttl")
    assert not report.conforms
    sets = "https://w3id.org/aims-graph/mappings/"
    expected = {
        (MAP + "b1", AIMS + "relation"),  # missing
        (MAP + "b1", AIMS + "confidence"),  # 1.2 > 1
        (MAP + "b2", AIMS + "relation"),  # two relations
        (MAP + "b2", AIMS + "confidence"),  # xsd:double
        (MAP + "b2", AIMS + "justification"),  # not SEMAPV
        (MAP + "b3", AIMS + "mappingSubject"),  # same as object
        (MAP + "b3", AIMS + "inMappingSet"),  # missing
        (MAP + "b3", None),  # stated mapping without dcterms:source
        (MAP + "b4", "http://www.w3.org/ns/prov#wasDerivedFrom"),  # chain not kept
        (sets + "broken-set", DCT + "license"),  # no licence
        (sets + "sourceless-set", None),  # no source, no derivation
    }
    assert expected <= pairs(report), sorted(expected - pairs(report))
    # A derived mapping needs no dcterms:source.
    assert (MAP + "b4", None) not in pairs(report)


def test_findings_are_plain_strings() -> None:
    report = run("mapping-broken.ttl", "mappings.ttl")
    for f in report.findings:
        assert isinstance(f.focus, str) and isinstance(f.message, str)
        assert not isinstance(f.focus, BNode)
        assert f.severity in {"Violation", "Warning", "Info"}


def test_missing_java_is_a_clear_error() -> None:
    onto = resources.ontology_dir()
    with pytest.raises(JavaNotFoundError, match="default-jre-headless"):
        check_consistency([onto / "aims.ttl"], java="no-such-java-binary")


@pytest.mark.slow
def test_reasoner_reports_inconsistency_as_a_result() -> None:
    onto = resources.ontology_dir()
    report = check_consistency([onto / "aims.ttl", DATA / "inconsistent.ttl"])
    assert report.consistent is False
    assert report.seconds > 0
    again = check_consistency([onto / "aims.ttl", onto / "alignments.ttl"])
    assert again.consistent is True  # a fresh World each call: no state leaks between runs


@pytest.mark.slow  # pyshacl over the 58k-triple derived set
def test_mapping_shapes_pass_on_the_real_derived_set(built_store: Store) -> None:
    """The materialised derived set names the stated sets it comes from, as the shapes ask."""
    data = Graph().parse(
        data=built_store.dump_graph(DERIVED_GRAPH, "application/n-triples"), format="nt"
    )
    assert (URIRef(DERIVED_SET), PROV.wasDerivedFrom, None) in data
    report = validate_shapes(data, resources.shapes_dir() / "mappings.ttl")
    assert report.conforms, report.findings[:5]

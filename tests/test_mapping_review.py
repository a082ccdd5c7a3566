"""Review columns, the strength slot and sssom:NoTermFound rows: reading, RDF, store, export."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from aims_graph import resources
from aims_graph.build import loader
from aims_graph.checks.shacl import validate_shapes
from aims_graph.config import Settings
from aims_graph.exports.data import mapping_set
from aims_graph.exports.sssom import export_sssom
from aims_graph.mappings.graph import MappingGraph
from aims_graph.mappings.loading import mapping_iri, mapping_set_ntriples, mapping_sources
from aims_graph.mappings.relations import Relation
from aims_graph.mappings.review import (
    MAPPING_DATE,
    NO_TERM_FOUND,
    REVIEWER_ID,
    no_counterpart_iri,
    no_counterparts,
)
from aims_graph.mappings.sssom_io import MappingFileError, read_sssom
from aims_graph.mappings.sssom_write import dumps_sssom
from aims_graph.namespaces import AIMS
from aims_graph.service import Graph as KnowledgeGraph
from aims_graph.store import OxigraphStore, Store

EU = "https://w3id.org/aims-graph/id/eu-ai-act/"
ISO = "https://w3id.org/aims-graph/id/iso42001-2023/"
ISO_SCHEME = "https://w3id.org/aims-graph/id/iso42001-2023"
REVIEWER = "https://w3id.org/aims-graph/review-2026-12"
SET_ID = "eu-ai-act--iso42001-2023-review-fixture"
KNOWN = {EU + "obl-AIA-4-PRV", EU + "obl-AIA-23-4-IMP", EU + "obl-AIA-43-4-PRV", ISO + "7.2"}
KNOWN |= {ISO + "8.1", ISO + "A.6.2.6"}

HEADER = f"""#curie_map:
#  eu-ai-act: {EU}
#  iso42001: {ISO}
#  aims: https://w3id.org/aims-graph/ontology#
#  semapv: https://w3id.org/semapv/vocab/
#  skos: http://www.w3.org/2004/02/skos/core#
#  aimsgraph: https://w3id.org/aims-graph/
#  sssom: https://w3id.org/sssom/
#mapping_set_id: https://w3id.org/aims-graph/mappings/{SET_ID}
#mapping_set_title: Review fixture
#license: https://creativecommons.org/licenses/by/4.0/
#see_also:
#  - https://eur-lex.europa.eu/eli/reg/2024/1689/oj
#comment: "confidence = certainty (0.9/0.7/0.5); strength = share of the duty (0.8/0.6/0.4)"
#subject_source: https://w3id.org/aims-graph/id/eu-ai-act
#object_source: {ISO_SCHEME}
#extension_definitions:
#  - slot_name: strength
#    property: https://w3id.org/aims-graph/ontology#strength
#    type_hint: http://www.w3.org/2001/XMLSchema#double
subject_id\tsubject_label\tpredicate_id\tpredicate_modifier\tobject_id\tobject_label\tmapping_justification\tconfidence\tset_relation\tsource_document\tcomment\treviewer_id\treviewer_label\tmapping_date\tstrength
"""
#: The line of the first data row (the header block's lines, then the column names).
FIRST = HEADER.count("\n") + 1
SRC = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
REV = "aimsgraph:review-2026-12\tSecond review\t2026-12-07"
GOOD = [
    f"eu-ai-act:obl-AIA-4-PRV\tAI literacy\taims:intersects\t\tiso42001:7.2\tCompetence\t"
    f"semapv:ManualMappingCuration\t0.9\tintersects-with\t{SRC}\t7.2 Competence carries the "
    f"staff-competence part of the literacy duty.\t{REV}\t0.6",
    f"eu-ai-act:obl-AIA-43-4-PRV\tNew assessment\taims:intersects\t\tiso42001:8.1\tOperational "
    f"planning and control\tsemapv:ManualMappingCuration\t0.7\tintersects-with\t{SRC}\t8.1 "
    f"controls planned changes to operations.\t\t\t\t",
    f"eu-ai-act:obl-AIA-23-4-IMP\tStorage and transport\tskos:relatedMatch\t\tsssom:NoTermFound\t\t"
    f"semapv:ManualMappingCuration\t0.9\tno-relationship\t{SRC}\tNo 42001 item governs how an "
    f"importer stores or transports a product.\t{REV}\t",
]


def write(folder: Path, rows: list[str], header: str = HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SET_ID}.sssom.tsv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_review_columns_strength_and_no_term_rows_are_read(tmp_path: Path) -> None:
    msf = read_sssom(write(tmp_path, GOOD), KNOWN)
    assert [r.line for r in msf.rows] == [FIRST, FIRST + 1]
    first, second = msf.rows
    assert first.strength == 0.6 and first.confidence == 0.9
    assert first.review.reviewer_ids == (REVIEWER,)
    assert first.review.reviewer_label == "Second review"
    assert first.review.mapping_date == "2026-12-07"
    assert second.strength is None and second.review.reviewer_ids == ()
    (absent,) = msf.no_counterparts
    assert absent.line == FIRST + 2 and absent.item == EU + "obl-AIA-23-4-IMP"
    assert absent.edition == ISO_SCHEME and absent.missing_side == "object"
    assert "stores or transports" in absent.comment
    assert msf.meta("comment").startswith("confidence = certainty")


def bad(tmp_path: Path, row: str) -> list[tuple[int, str]]:
    with pytest.raises(MappingFileError) as info:
        read_sssom(write(tmp_path, [GOOD[0], row]), KNOWN)
    return [(i.line, i.reason) for i in info.value.issues]


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (GOOD[2].replace("no-relationship", "intersects-with"), "write 'no-relationship'"),
        (GOOD[2].replace("sssom:NoTermFound\t", "sssom:NoTermFound\tSomething"), "object_label"),
        (GOOD[2].replace("\tskos:relatedMatch\t", "\taims:intersects\t"), "skos:relatedMatch"),
        (GOOD[2][: GOOD[2].rindex("\t")] + "\t0.4", "strength must be empty"),
        (GOOD[2].replace("No 42001 item governs", "").split("\t", 10)[0], "comment is required"),
        (GOOD[2].replace("eu-ai-act:obl-AIA-23-4-IMP", "sssom:NoTermFound"), "both"),
        (GOOD[2].replace("obl-AIA-23-4-IMP", "obl-NOPE"), "not a known item"),
        (GOOD[1].replace("\t\t\t\t", "\t\t\t2026-13-01\t"), "not a date"),
        (GOOD[1].replace("\t\t\t\t", "\t\t\t\t1.4"), "strength '1.4' is outside 0..1"),
        (GOOD[1].replace("\t\t\t\t", "\t\t\t\thigh"), "not a number"),
        (GOOD[1].replace("\t\t\t\t", "\tnope:x\t\t\t"), "reviewer_id 'nope:x'"),
        (GOOD[1].replace("intersects-with", "no-relationship"), "only for rows whose object_id"),
        (GOOD[2].replace("obl-AIA-23-4-IMP", "obl-AIA-4-PRV"), f"is mapped on line {FIRST}"),
    ],
)
def test_bad_review_or_no_term_row_rejected_with_its_line(
    tmp_path: Path, row: str, needle: str
) -> None:
    if needle == "comment is required":
        cells = GOOD[2].split("\t")
        cells[10] = ""
        row = "\t".join(cells)
    found = bad(tmp_path, row)
    assert {line for line, _ in found} == {FIRST + 1}, found
    assert any(needle in why for _, why in found), found


def test_no_term_row_needs_the_edition_in_the_metadata(tmp_path: Path) -> None:
    header = HEADER.replace(f"#object_source: {ISO_SCHEME}\n", "")
    want = rf":{FIRST + 1}: .*needs object_source in the metadata"  # one header line fewer
    with pytest.raises(MappingFileError, match=want):
        read_sssom(write(tmp_path, GOOD, header), KNOWN)


def test_duplicate_no_term_row_rejected(tmp_path: Path) -> None:
    want = rf":{FIRST + 3}: .*already has a NoTermFound row on line {FIRST + 2}"
    with pytest.raises(MappingFileError, match=want):
        read_sssom(write(tmp_path, [*GOOD, GOOD[2]]), KNOWN)


def test_rdf_stores_review_and_no_counterpart_not_a_mapping(tmp_path: Path) -> None:
    msf = read_sssom(write(tmp_path, GOOD), KNOWN)
    g = Graph().parse(data=mapping_set_ntriples(msf).decode(), format="nt")
    stated = URIRef(
        mapping_iri(msf.iri, EU + "obl-AIA-4-PRV", Relation.INTERSECTS_WITH, ISO + "7.2")
    )
    inverse = URIRef(
        mapping_iri(msf.iri, ISO + "7.2", Relation.INTERSECTS_WITH, EU + "obl-AIA-4-PRV")
    )
    assert g.value(stated, AIMS.strength) == Literal("0.6", datatype=XSD.double)
    assert g.value(inverse, AIMS.strength) == Literal("0.6", datatype=XSD.double)
    assert g.value(stated, URIRef(REVIEWER_ID)) == URIRef(REVIEWER)
    assert g.value(stated, URIRef(MAPPING_DATE)) == Literal("2026-12-07", datatype=XSD.date)
    assert g.value(inverse, URIRef(REVIEWER_ID)) is None  # the loader made the inverse
    node = URIRef(no_counterpart_iri(msf.iri, EU + "obl-AIA-23-4-IMP", ISO_SCHEME))
    assert (node, RDF.type, AIMS.NoCounterpart) in g
    assert g.value(node, AIMS.noCounterpartIn) == URIRef(ISO_SCHEME)
    assert "stores or transports" in str(g.value(node, RDFS.comment))
    # Never a mapping, never a link to a fake item
    assert (node, RDF.type, AIMS.Mapping) not in g
    assert not list(g.triples((None, None, URIRef(NO_TERM_FOUND))))
    assert len(set(g.subjects(RDF.type, AIMS.Mapping))) == 4  # two rows, each with its inverse


def test_writer_round_trips_review_fields_and_no_term_rows(tmp_path: Path) -> None:
    msf = read_sssom(write(tmp_path, GOOD), KNOWN)
    text = dumps_sssom(msf.metadata, msf.rows, msf.no_counterparts)
    path = tmp_path / "again2" / f"{SET_ID}.sssom.tsv"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    again = read_sssom(path, KNOWN)
    assert [(r.subject, r.object, r.review) for r in again.rows] == [
        (r.subject, r.object, r.review) for r in msf.rows
    ]
    assert [(r.item, r.edition, r.comment, r.review) for r in again.no_counterparts] == [
        (r.item, r.edition, r.comment, r.review) for r in msf.no_counterparts
    ]


def test_writer_leaves_review_columns_out_when_no_row_has_them(tmp_path: Path) -> None:
    rows = [GOOD[1]]
    msf = read_sssom(write(tmp_path, rows), KNOWN)
    header = next(
        line for line in dumps_sssom(msf.metadata, msf.rows).splitlines() if line[0] != "#"
    )
    assert header.split("\t")[-1] == "comment"


def test_fixture_passes_sssom_py(tmp_path: Path) -> None:
    parsers = pytest.importorskip("sssom.parsers")
    validators = pytest.importorskip("sssom.validators")
    from sssom.constants import SchemaValidationType

    logging.getLogger("sssom").setLevel(logging.ERROR)
    msdf = parsers.parse_sssom_table(write(tmp_path, GOOD))
    reports = validators.validate(
        msdf,
        [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness],
        fail_on_error=False,
    )
    for kind, report in reports.items():
        assert not report.results, f"{kind}: {report.results[:3]}"
    assert len(msdf.df) == 3


# ---- in a real store ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("mappings")
    write(folder, GOOD)
    s = OxigraphStore()
    loader.build(s, loader.base_sources() + mapping_sources(Settings(), folder))
    yield s
    s.close()


def test_store_keeps_no_counterpart_out_of_the_mapping_graph(store: Store) -> None:
    graph = MappingGraph.from_store(store)
    assert EU + "obl-AIA-23-4-IMP" not in graph.g
    assert NO_TERM_FOUND not in graph.g
    assert all(e.object != NO_TERM_FOUND for e in graph.edges())
    strengths = {(e.subject, e.object): e.strength for e in graph.edges()}
    assert strengths[(EU + "obl-AIA-4-PRV", ISO + "7.2")] == 0.6
    assert strengths[(ISO + "7.2", EU + "obl-AIA-4-PRV")] == 0.6
    assert strengths[(EU + "obl-AIA-43-4-PRV", ISO + "8.1")] is None
    (rec,) = no_counterparts(store)
    assert rec.item == EU + "obl-AIA-23-4-IMP" and rec.edition == ISO_SCHEME
    assert rec.review.reviewer_ids == (REVIEWER,) and rec.review.mapping_date == "2026-12-07"


def test_crosswalk_min_strength_drops_only_graded_rows_below_it(store: Store) -> None:
    graph = MappingGraph.from_store(store)
    rows = graph.crosswalk(EU + "obl-AIA-4-PRV", "iso42001-2023", min_strength=0.8)
    assert rows == []
    rows = graph.crosswalk(EU + "obl-AIA-4-PRV", "iso42001-2023", min_strength=0.6)
    assert [(r.object_iri, r.strength) for r in rows] == [(ISO + "7.2", 0.6)]
    ungraded = graph.crosswalk(EU + "obl-AIA-43-4-PRV", "iso42001-2023", min_strength=0.8)
    assert [r.object_iri for r in ungraded] == [ISO + "8.1"]


def test_mapping_shapes_accept_the_fixture_and_reject_a_record_without_reason(
    tmp_path: Path,
) -> None:
    msf = read_sssom(write(tmp_path, GOOD), KNOWN)
    data = Graph().parse(data=mapping_set_ntriples(msf).decode(), format="nt")
    shapes = resources.shapes_dir() / "mappings.ttl"
    report = validate_shapes(data, shapes)
    assert report.conforms, report.findings[:5]
    node = URIRef(no_counterpart_iri(msf.iri, EU + "obl-AIA-23-4-IMP", ISO_SCHEME))
    data.remove((node, RDFS.comment, None))
    data.add((node, AIMS.strength, Literal("2", datatype=XSD.double)))
    report = validate_shapes(data, shapes)
    assert not report.conforms
    assert any("reason" in f.message for f in report.findings), report.findings


def test_sssom_export_round_trips_review_fields_and_no_term_rows(
    store: Store, tmp_path: Path
) -> None:
    kg = KnowledgeGraph(store, Settings(store="memory:"), loader.BuildReport())
    body = export_sssom(kg, mapping_set(store, SET_ID)).decode()
    path = write(tmp_path, [], "")
    path.write_text(body, encoding="utf-8")
    back = read_sssom(path, KNOWN)
    original = read_sssom(write(tmp_path / "orig", GOOD), KNOWN)
    key = sorted((r.subject, r.object, r.review, r.comment) for r in back.rows)
    assert key == sorted((r.subject, r.object, r.review, r.comment) for r in original.rows)
    assert [(r.item, r.edition, r.comment, r.review) for r in back.no_counterparts] == [
        (r.item, r.edition, r.comment, r.review) for r in original.no_counterparts
    ]
    assert "slot_name: strength" in body and back.meta("comment") == original.meta("comment")

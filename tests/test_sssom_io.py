"""Reading, validating and writing SSSOM/TSV mapping sets."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from tests.sampling import spread

from aims_graph import resources
from aims_graph.mappings.loading import mapping_files, mapping_iri, mapping_set_ntriples
from aims_graph.mappings.relations import Relation
from aims_graph.mappings.sssom_io import MappingFileError, read_sssom
from aims_graph.mappings.sssom_write import dumps_sssom

NIST = "https://w3id.org/aims-graph/id/nist-ai-rmf-1.0/"
ISO = "https://w3id.org/aims-graph/id/iso42001-2023/"
KNOWN = {NIST + "GOVERN-1.1", NIST + "MAP-1.4", ISO + "4.1", ISO + "A.10.4", ISO + "9.3.2"}

HEADER = """#curie_map:
#  iso42001: https://w3id.org/aims-graph/id/iso42001-2023/
#  nist-ai-rmf: https://w3id.org/aims-graph/id/nist-ai-rmf-1.0/
#  aims: https://w3id.org/aims-graph/ontology#
#  semapv: https://w3id.org/semapv/vocab/
#  skos: http://www.w3.org/2004/02/skos/core#
#mapping_set_id: https://w3id.org/aims-graph/mappings/test-set
#mapping_set_title: A test set
#mapping_set_description: Small set for the tests.
#license: https://creativecommons.org/licenses/by/4.0/
#mapping_date: 2026-11-28
#creator_id:
#  - https://w3id.org/aims-graph/team
#see_also:
#  - https://example.org/source
subject_id\tsubject_label\tpredicate_id\tpredicate_modifier\tobject_id\tobject_label\tmapping_justification\tconfidence\tset_relation\tsource_document\tcomment
"""
# The header block above is 16 lines; data rows start on line 17.
GOOD_ROWS = [
    "nist-ai-rmf:GOVERN-1.1\tGOVERN 1.1\taims:intersects\t\tiso42001:4.1\tContext\tsemapv:MappingReview\t0.9\tintersects-with\thttps://example.org/source\tThey overlap",
    "nist-ai-rmf:MAP-1.4\tMAP 1.4\tskos:broadMatch\t\tiso42001:A.10.4\tCustomers\tsemapv:ManualMappingCuration\t0.7\tsubset-of\t\tMAP 1.4 asks less",
    "nist-ai-rmf:GOVERN-1.1\tGOVERN 1.1\tskos:relatedMatch\tNot\tiso42001:9.3.2\tInputs\tsemapv:StructuralMatching\t1\tnot-related\t\t",
]


def write(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    path = tmp_path / "test-set.sssom.tsv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_good_file_loads(tmp_path: Path) -> None:
    msf = read_sssom(write(tmp_path, GOOD_ROWS), KNOWN)
    assert msf.set_id == "test-set"
    assert msf.iri == "https://w3id.org/aims-graph/mappings/test-set"
    assert [r.line for r in msf.rows] == [17, 18, 19]
    first = msf.rows[0]
    assert first.subject == NIST + "GOVERN-1.1" and first.object == ISO + "4.1"
    assert first.relation is Relation.INTERSECTS_WITH and first.confidence == 0.9
    assert msf.meta("mapping_date") == "2026-11-28"


def test_rdf_has_stated_inverse_and_set(tmp_path: Path) -> None:
    msf = read_sssom(write(tmp_path, GOOD_ROWS), KNOWN)
    nt = mapping_set_ntriples(msf).decode()
    stated = mapping_iri(msf.iri, NIST + "MAP-1.4", Relation.SUBSET_OF, ISO + "A.10.4")
    inverse = mapping_iri(msf.iri, ISO + "A.10.4", Relation.SUPERSET_OF, NIST + "MAP-1.4")
    assert f"<{inverse}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{stated}> ." in nt
    assert f"<{NIST}MAP-1.4> <http://www.w3.org/2004/02/skos/core#broadMatch> <{ISO}A.10.4>" in nt
    assert f"<{ISO}A.10.4> <http://www.w3.org/2004/02/skos/core#narrowMatch> <{NIST}MAP-1.4>" in nt
    assert "MappingInversion" in nt and "#MappingSet>" in nt
    # not-related gets no plain SKOS triple (a relatedMatch would say the opposite)
    assert f"<{NIST}GOVERN-1.1> <http://www.w3.org/2004/02/skos/core#relatedMatch>" not in nt
    # stable identifiers across rebuilds
    assert mapping_set_ntriples(read_sssom(write(tmp_path, GOOD_ROWS), KNOWN)).decode() == nt


def bad(tmp_path: Path, row: str, known: set[str] | None = KNOWN) -> MappingFileError:
    with pytest.raises(MappingFileError) as info:
        read_sssom(write(tmp_path, [GOOD_ROWS[0], row]), known)
    return info.value


def reasons(exc: MappingFileError) -> list[tuple[int, str]]:
    return [(i.line, i.reason) for i in exc.issues]


@pytest.mark.parametrize(
    ("row", "needle"),
    [
        (GOOD_ROWS[1].replace("iso42001:A.10.4", "iso42001:A.99.9"), "not a known item"),
        (GOOD_ROWS[1].replace("nist-ai-rmf:MAP-1.4", "nist-ai-rmf:NOPE-1"), "subject_id"),
        (GOOD_ROWS[1].replace("iso42001:A.10.4", "iso27001:A.5.1"), "prefix declared"),
        (GOOD_ROWS[1].replace("subset-of", "overlaps"), "unknown relation 'overlaps'"),
        (GOOD_ROWS[1].replace("skos:broadMatch", "skos:narrowMatch"), "inconsistent with relation"),
        (GOOD_ROWS[2].replace("\tNot\t", "\t\t"), "inconsistent with relation"),
        (GOOD_ROWS[1].replace("\t0.7\t", "\t1.5\t"), "outside 0..1"),
        (GOOD_ROWS[1].replace("\t0.7\t", "\t-0.1\t"), "outside 0..1"),
        (GOOD_ROWS[1].replace("\t0.7\t", "\tnan\t"), "outside 0..1"),
        (GOOD_ROWS[1].replace("\t0.7\t", "\thigh\t"), "not a number"),
        (GOOD_ROWS[1].replace("semapv:ManualMappingCuration", ""), "justification is missing"),
        (GOOD_ROWS[1].replace("semapv:ManualMappingCuration", "semapv:GutFeeling"), "not a SEMAPV"),
        (GOOD_ROWS[1].replace("semapv:ManualMappingCuration", "semapv:MappingChaining"), "loader"),
        (GOOD_ROWS[1].replace("MAP 1.4 asks less", ""), "comment is required"),
        (GOOD_ROWS[0].replace("\t0.9\t", "\t0.8\t"), "already mapped on line 17"),
    ],
)
def test_bad_row_rejected_with_its_line(tmp_path: Path, row: str, needle: str) -> None:
    exc = bad(tmp_path, row)
    assert [line for line, _ in reasons(exc)] == [18], reasons(exc)
    assert needle in exc.issues[0].reason, reasons(exc)
    assert f"{tmp_path / 'test-set.sssom.tsv'}:18:" in str(exc)


def test_reverse_direction_duplicate_rejected(tmp_path: Path) -> None:
    row = "iso42001:4.1\tContext\taims:intersects\t\tnist-ai-rmf:GOVERN-1.1\tG\tsemapv:MappingReview\t0.9\tintersects-with\t\tsame pair"
    exc = bad(tmp_path, row)
    assert reasons(exc)[0][0] == 18 and "already mapped" in reasons(exc)[0][1]


def test_every_problem_reported_never_partial(tmp_path: Path) -> None:
    rows = [
        GOOD_ROWS[0],
        GOOD_ROWS[1].replace("\t0.7\t", "\t7\t"),
        GOOD_ROWS[2],
        GOOD_ROWS[1].replace("iso42001:A.10.4", "iso42001:9.3.2").replace("subset-of", "x"),
    ]
    with pytest.raises(MappingFileError) as info:
        read_sssom(write(tmp_path, rows), KNOWN)
    assert [i.line for i in info.value.issues] == [18, 20]


def test_metadata_problems(tmp_path: Path) -> None:
    header = HEADER.replace("#license: https://creativecommons.org/licenses/by/4.0/\n", "")
    with pytest.raises(MappingFileError, match="lacks 'license'"):
        read_sssom(write(tmp_path, GOOD_ROWS, header), KNOWN)
    header = HEADER.replace("mappings/test-set", "mappings/other")
    with pytest.raises(
        MappingFileError, match=r":7: mapping_set_id .* should end with '/test-set'"
    ):
        read_sssom(write(tmp_path, GOOD_ROWS, header), KNOWN)
    header = HEADER.replace("\tset_relation", "")
    with pytest.raises(MappingFileError, match=r":16: missing column\(s\): set_relation"):
        read_sssom(write(tmp_path, [], header), KNOWN)
    with pytest.raises(MappingFileError, match=":1: no metadata block"):
        read_sssom(write(tmp_path, GOOD_ROWS, HEADER.split("\n")[-2] + "\n"), KNOWN)


def test_too_many_cells(tmp_path: Path) -> None:
    exc = bad(tmp_path, GOOD_ROWS[1] + "\textra")
    assert reasons(exc)[0][0] == 18 and "cells" in reasons(exc)[0][1]


def test_writer_round_trips(tmp_path: Path) -> None:
    msf = read_sssom(write(tmp_path, GOOD_ROWS), KNOWN)
    text = dumps_sssom(msf.metadata, msf.rows)
    again = tmp_path / "again" / "test-set.sssom.tsv"
    again.parent.mkdir()
    again.write_text(text, encoding="utf-8")
    back = read_sssom(again, KNOWN)
    strip = [(r.subject, r.object, r.relation, r.confidence, r.comment) for r in back.rows]
    assert strip == [(r.subject, r.object, r.relation, r.confidence, r.comment) for r in msf.rows]


pytestmark = pytest.mark.filterwarnings("ignore:::sssom.*")

SHIPPED = mapping_files(resources.mappings_dir())


def test_mapping_sets_are_shipped() -> None:
    assert len(SHIPPED) >= 8


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_file_passes_our_reader(path: Path) -> None:
    msf = read_sssom(path)  # item IRIs are checked against the catalogs in test_mapping_graph
    assert msf.rows or msf.no_counterparts


@pytest.mark.parametrize("path", spread(SHIPPED, ids=lambda p: p.name))
def test_shipped_file_passes_sssom_py(path: Path) -> None:
    parsers = pytest.importorskip("sssom.parsers")
    validators = pytest.importorskip("sssom.validators")
    from sssom.constants import SchemaValidationType

    logging.getLogger("sssom").setLevel(logging.ERROR)
    msdf = parsers.parse_sssom_table(path)
    reports = validators.validate(
        msdf,
        [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness],
        fail_on_error=False,
    )
    for kind, report in reports.items():
        assert not report.results, f"{path.name}: {kind}: {report.results[:3]}"
    msf = read_sssom(path)
    assert len(msdf.df) == len(msf.rows) + len(msf.no_counterparts)

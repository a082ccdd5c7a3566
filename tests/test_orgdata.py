"""Organisation data import: good files, corrupted sheets refused cell by cell, storing, templates."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SKOS
from tests.orgdata_support import (
    EXAMPLE_DIR,
    EXAMPLE_ORG,
    EXAMPLE_TTL,
    EXAMPLE_XLSX,
    catalog_index,
    copy_of,
    example_csvs,
    import_example,
)

from aims_graph import resources
from aims_graph.build import loader
from aims_graph.catalog.items import ItemIndex
from aims_graph.config import Settings
from aims_graph.namespaces import AIMS
from aims_graph.orgdata import (
    OrgDataError,
    import_files,
    import_sources,
    load_org_graph,
    org_graph_iri,
    record_iri,
    store_org_data,
)
from aims_graph.orgdata.model import EVIDENCE_KINDS, INCIDENT_KINDS, ORG_CLASSES, ORG_PROPERTIES
from aims_graph.orgdata.service import OrgService
from aims_graph.orgdata.sheets import read_xlsx
from aims_graph.orgdata.templates import guide_csv, template
from aims_graph.service import Graph as KnowledgeGraph
from aims_graph.store import OxigraphStore, Store
from aims_graph.validation import validate

ORG = "acme"


@pytest.fixture(scope="module")
def index() -> ItemIndex:
    return catalog_index()


@pytest.fixture(scope="module")
def example(index: ItemIndex) -> Graph:
    return import_example(example_csvs(), index)


def _csv(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode()


def _example_rows(kind: str) -> list[list[str]]:
    with (EXAMPLE_DIR / f"{kind}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


# --- the model in code agrees with the ontology and the document -----------------------------------


def test_model_terms_are_declared_in_the_vocabulary() -> None:
    vocab = Graph().parse(resources.ontology_dir() / "aims.ttl")
    for term in ORG_CLASSES | {p for p in ORG_PROPERTIES if str(p).startswith(str(AIMS))}:
        assert (term, None, None) in vocab, term
    for table in (EVIDENCE_KINDS, INCIDENT_KINDS):
        for short, ind in table.items():
            assert vocab.value(ind, SKOS.notation) == Literal(short), ind
    doc = (resources.repo_root() / "docs" / "org-model.md").read_text(encoding="utf-8")
    for short in EVIDENCE_KINDS:
        assert f"`{short}`" in doc, short


# --- the example -------------------------------------------------------------------------------------


def test_example_imports_cleanly_with_expected_counts(example: Graph) -> None:
    def count(cls: URIRef) -> int:
        return len(set(example.subjects(RDF.type, cls)))

    assert count(AIMS.SoAEntry) == 38
    assert count(AIMS.AISystem) == 3
    assert count(AIMS.Evidence) == 30
    assert count(AIMS.Risk) == 5 and count(AIMS.RiskTreatment) == 5
    assert count(AIMS.ImpactAssessment) == 2
    assert count(AIMS.FundamentalRightsImpactAssessment) == 0
    assert count(AIMS.InternalAudit) == 1 and count(AIMS.ManagementReview) == 1
    org = record_iri(EXAMPLE_ORG, "organisation", EXAMPLE_ORG)
    assert set(example.objects(org, AIMS.aiActRole)) == {
        URIRef("https://w3id.org/aims-graph/id/eu-ai-act/actor-provider"),
        URIRef("https://w3id.org/aims-graph/id/eu-ai-act/actor-deployer"),
    }
    credit = record_iri(EXAMPLE_ORG, "system", "credit-score")
    assert (credit, AIMS.highRiskPathway, None) in example
    assert example.value(credit, AIMS.annexIIIUseCase) == URIRef(
        "https://w3id.org/aims-graph/id/eu-ai-act/annex-III-5-b"
    )


def test_example_turtle_csv_and_xlsx_agree(index: ItemIndex, example: Graph) -> None:
    from_ttl = import_files([EXAMPLE_TTL], EXAMPLE_ORG, index)
    assert from_ttl.ok, from_ttl.problems
    from_xlsx = import_files([EXAMPLE_XLSX], EXAMPLE_ORG, index)
    assert from_xlsx.ok, from_xlsx.problems
    assert isomorphic(from_ttl.graph, example), "run python -m tests.orgdata_support"
    assert isomorphic(from_xlsx.graph, example)


def test_example_planted_gaps_are_present(example: Graph) -> None:
    def soa(ref: str) -> URIRef:
        return record_iri(EXAMPLE_ORG, "soa", f"iso42001-2023-{ref}")

    assert example.value(soa("A.5.5"), AIMS.applicable) == Literal(False)
    assert example.value(soa("A.5.5"), AIMS.rationale) is None
    assert example.value(soa("A.6.2.6"), AIMS.owner) is None
    logging = record_iri(EXAMPLE_ORG, "evidence", "EV-07")
    assert str(example.value(logging, AIMS.validUntil)) < "2026-11-28"
    kinds = set(example.objects(None, AIMS.evidenceKind))
    assert AIMS.EvPostMarketMonitoringPlan not in kinds


# --- importers on good input -------------------------------------------------------------------------


def test_jsonld_import_round_trips(index: ItemIndex, example: Graph) -> None:
    data = example.serialize(format="json-ld").encode()
    result = import_sources([("northwind.jsonld", data)], EXAMPLE_ORG, index)
    assert result.ok, result.problems
    assert isomorphic(result.graph, example)


def test_turtle_blank_nodes_are_skolemised_into_the_org_space(index: ItemIndex) -> None:
    ttl = b"""@prefix aims: <https://w3id.org/aims-graph/ontology#> .
    <https://w3id.org/aims-graph/org/acme/risk/R1> a aims:Risk ; aims:identifiedIn [ a aims:RiskAssessment ] ."""
    result = import_sources([("r.ttl", ttl)], ORG, index)
    assert result.ok, result.problems
    nodes = set(result.graph.subjects(RDF.type, AIMS.RiskAssessment))
    assert len(nodes) == 1
    assert str(next(iter(nodes))).startswith("https://w3id.org/aims-graph/org/acme/node/")


@pytest.mark.parametrize(
    ("ttl", "reason"),
    [
        ("eu:art-9 aims:owner 'me' .", "catalog item"),
        ("<https://example.org/x> a aims:Risk .", "outside the organisation"),
        (
            "<https://w3id.org/aims-graph/org/other/risk/R1> a aims:Risk .",
            "outside the organisation",
        ),
        ("<https://w3id.org/aims-graph/org/acme/risk/R1> aims:summary 'x' .", "property not in"),
        ("<https://w3id.org/aims-graph/org/acme/risk/R1> a aims:Control .", "class not in"),
        (
            "<https://w3id.org/aims-graph/org/acme/evidence/E1> aims:evidenceDate"
            " '2026-01-01'^^xsd:date, '2026-02-01'^^xsd:date .",
            "takes one",
        ),
    ],
)
def test_rdf_import_refuses_what_is_not_org_data(index: ItemIndex, ttl: str, reason: str) -> None:
    head = (
        "@prefix aims: <https://w3id.org/aims-graph/ontology#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix eu: <https://w3id.org/aims-graph/id/eu-ai-act/> .\n"
    )
    result = import_sources([("bad.ttl", (head + ttl).encode())], ORG, index)
    assert not result.ok and len(result.graph) == 0
    assert any(reason in p.reason for p in result.problems), result.problems


def test_unparseable_turtle_is_a_problem(index: ItemIndex) -> None:
    result = import_sources([("bad.ttl", b"<a> <b> .")], ORG, index)
    assert not result.ok and "cannot parse" in result.problems[0].reason


# --- corrupted sheets: exact cell, nothing stored -----------------------------------------------------


def _corrupt(rows: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    out = [list(r) for r in rows]
    out[row - 1][out[0].index(column)] = value
    return out


@pytest.mark.parametrize(
    ("kind", "row", "column", "value", "reason"),
    [
        ("evidence", 8, "valid_until", "30/06/2026", "is not a date"),
        ("soa", 5, "control", "iso42001:A.99.1", "no item 'iso42001:A.99.1'"),
        ("soa", 7, "applicable", "maybe", "is not yes or no"),
        ("soa", 3, "control", "eu-ai-act:art-9", "the framework given is iso42001-2023"),
        ("systems", 2, "annex_iii_use_case", "eu-ai-act:art-9", "not a AnnexIIIUseCase"),
        ("risks", 3, "treatment_controls", "eu-ai-act:art-9", "not a Control"),
        ("systems", 2, "risk_tier", "very-high", "is not allowed here"),
        ("incidents", 2, "serious", "perhaps", "is not yes or no"),
        ("soa", 4, "evidence", "EV-99", "no evidence with id 'EV-99'"),
    ],
)
def test_corrupted_cell_is_located_and_nothing_is_stored(
    index: ItemIndex, kind: str, row: int, column: str, value: str, reason: str
) -> None:
    bad = _corrupt(_example_rows(kind), row, column, value)
    sources = [
        (f"northwind/{p.stem}.csv", p.read_bytes()) for p in example_csvs() if p.stem != kind
    ]
    sources.append((f"northwind/{kind}.csv", _csv(bad)))
    store = OxigraphStore()
    result = import_sources(sources, EXAMPLE_ORG, index)
    if result.ok:
        store_org_data(store, EXAMPLE_ORG, result.graph)
    assert not result.ok and len(result.graph) == 0
    assert len(result.problems) == 1, result.problems
    p = result.problems[0]
    assert (p.file, p.sheet, p.row, p.column) == (f"northwind/{kind}.csv", kind, row, column)
    assert reason in p.reason and p.fix
    assert org_graph_iri(EXAMPLE_ORG) not in store.graphs()
    assert store.triple_count() == 0


def test_missing_required_column_and_several_bad_cells_are_all_reported(index: ItemIndex) -> None:
    rows = [r[:2] + r[3:] for r in _example_rows("soa")]  # drop 'applicable'
    evidence = _corrupt(_example_rows("evidence"), 3, "date", "2026-13-01")
    evidence = _corrupt(evidence, 5, "kind", "hearsay")
    result = import_sources(
        [("soa.csv", _csv(rows)), ("evidence.csv", _csv(evidence))], EXAMPLE_ORG, index
    )
    where = {(p.file, p.row, p.column) for p in result.problems}
    assert ("soa.csv", 1, "applicable") in where
    assert ("evidence.csv", 3, "date") in where
    assert ("evidence.csv", 5, "kind") in where


def test_corrupted_xlsx_cell_is_located(index: ItemIndex) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(EXAMPLE_XLSX)
    ws = wb["soa"]
    ws.cell(row=9, column=3, value="perhaps")  # column C = applicable
    buf = io.BytesIO()
    wb.save(buf)
    result = import_sources([("northwind.xlsx", buf.getvalue())], EXAMPLE_ORG, index)
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("soa", 9, "applicable")]


def test_unknown_column_and_unknown_sheet_name(index: ItemIndex) -> None:
    result = import_sources(
        [
            ("soa.csv", b"control,applicable,justifcation\niso42001:A.2.2,yes,x\n"),
            ("misc.csv", b"a\n"),
        ],
        ORG,
        index,
    )
    reasons = " | ".join(p.reason for p in result.problems)
    assert "unknown column 'justifcation'" in reasons
    assert "cannot tell which sheet" in reasons


# --- storing: replace and append -----------------------------------------------------------------------


def _sheet(index: ItemIndex, name: str, text: str) -> Graph:
    result = import_sources([(name, text.encode())], ORG, index)
    assert result.ok, result.problems
    return result.graph


def test_replace_and_append(index: ItemIndex) -> None:
    store = OxigraphStore()
    a = _sheet(index, "systems.csv", "id,name\ns1,First\n")
    b = _sheet(index, "systems.csv", "id,name\ns2,Second\n")
    store_org_data(store, ORG, a)
    store_org_data(store, ORG, b, mode="replace")
    systems = set(load_org_graph(store, ORG).subjects(RDF.type, AIMS.AISystem))
    assert systems == {record_iri(ORG, "system", "s2")}
    store_org_data(store, ORG, a, mode="append")
    systems = set(load_org_graph(store, ORG).subjects(RDF.type, AIMS.AISystem))
    assert systems == {record_iri(ORG, "system", "s1"), record_iri(ORG, "system", "s2")}


def test_append_that_contradicts_stored_data_is_refused(index: ItemIndex) -> None:
    store = OxigraphStore()
    first = "id,title,kind,date\nE1,Policy,policy,2026-01-01\n"
    store_org_data(store, ORG, _sheet(index, "evidence.csv", first))
    before = store.triple_count()
    second = _sheet(index, "evidence.csv", "id,title,kind,date\nE1,Policy,policy,2026-02-01\n")
    with pytest.raises(OrgDataError) as info:
        store_org_data(store, ORG, second, mode="append")
    assert "takes one" in str(info.value)
    assert store.triple_count() == before


def test_append_may_refer_to_stored_records(index: ItemIndex) -> None:
    store = OxigraphStore()
    store_org_data(store, ORG, _sheet(index, "systems.csv", "id,name\ns1,First\n"))
    text = "id,title,kind,date,systems\nE1,Log,logging,2026-01-01,s1\n"
    alone = import_sources([("evidence.csv", text.encode())], ORG, index)
    assert not alone.ok and alone.problems[0].column == "systems"
    with_stored = import_sources(
        [("evidence.csv", text.encode())], ORG, index, existing=load_org_graph(store, ORG)
    )
    assert with_stored.ok, with_stored.problems


# --- templates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["soa", "systems", "evidence", "risks", "assessments", "incidents"]
)
def test_xlsx_template_documents_columns_and_a_filled_template_imports(
    index: ItemIndex, kind: str
) -> None:
    from openpyxl import load_workbook

    data, name, _ = template(kind, "xlsx")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [kind, "README"]
    header = [c.value for c in wb[kind][1]]
    assert all(c.comment is not None and "Allowed" in c.comment.text for c in wb[kind][1])
    readme = " ".join(str(c.value) for row in wb["README"].iter_rows() for c in row if c.value)
    assert all(h in readme for h in header)
    # fill the template with the example's rows of this kind and import it
    rows = _example_rows(kind)
    ws = wb[kind]
    for r, row in enumerate(rows[1:], start=2):
        for c, value in enumerate(row, start=1):
            if value:
                ws.cell(row=r, column=c, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    others = [(p.name, p.read_bytes()) for p in example_csvs() if p.stem != kind]
    result = import_sources([*others, (name, buf.getvalue())], EXAMPLE_ORG, index)
    assert result.ok, result.problems
    assert read_xlsx(buf.getvalue())[kind][0] == header


def test_csv_template_and_its_column_guide(index: ItemIndex) -> None:
    data, name, media = template("soa", "csv")
    assert (name, media) == ("soa.csv", "text/csv")
    header = data.decode().strip().split(",")
    guide = list(csv.reader(io.StringIO(guide_csv("soa").decode())))
    assert [r[0] for r in guide[1:]] == header
    filled = data + b"iso42001:A.2.2,,yes,Needed,implemented,CRO,,,\n"
    result = import_sources([(name, filled)], ORG, index)
    assert result.ok, result.problems


def test_template_cli_writes_files(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from aims_graph.cli import app

    runner = CliRunner()
    res = runner.invoke(
        app, ["template", "evidence", "--format", "csv", "-o", str(tmp_path / "ev.csv")]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "ev.csv").read_text().startswith("id,title,kind")
    assert (tmp_path / "ev-columns.csv").exists()
    res = runner.invoke(app, ["template", "nonsense"])
    assert res.exit_code == 2
    assert re.search("unknown template", res.output + (res.stderr if res.stderr_bytes else ""))


def test_validation_after_an_append_rechecks_only_what_it_touched(built_store: Store) -> None:
    store = copy_of(built_store)
    service = OrgService(KnowledgeGraph(store, Settings(store="memory:"), loader.BuildReport()))
    service.registry.create("acme", "Acme")
    files = [(p.name, p.read_bytes()) for p in sorted(EXAMPLE_DIR.glob("*.csv"))]
    service.upload("acme", files, "replace")
    as_of = date(2026, 11, 28)
    before = service.validation("acme", as_of=as_of, law_mode="in-force")
    # A new high-risk provider system with no owner and none of its duties met.
    system = (
        "id,name,purpose,role,risk_tier,annex_iii_use_case,high_risk_pathway,lifecycle_stage,"
        "owner,gpai_model,placed_on_market,notes\n"
        "hiring,Acme Hiring,Ranks job applicants.,provider,high-risk,annex-III-4-a,,"
        "operation-monitoring,,,2025-01-01,\n"
    )
    service.upload("acme", [("systems.csv", system.encode())], "append")
    held = service._held["acme"]
    assert held.report is not None and held.report is not before  # merged on the append
    after = service.validation("acme", as_of=as_of, law_mode="in-force")
    assert after is held.report  # answered from the held report, not validated again

    full = validate(
        store.dump_graph(org_graph_iri("acme"), "application/n-triples"),
        as_of=as_of,
        catalogs=service.validation_context,
    )
    assert set(after.raw) == set(full.raw)
    assert [f.message for f in after.findings] == [f.message for f in full.findings]
    assert len(after.findings) > len(before.findings)

    # Replacing the data, or deleting the organisation, lets go of what was held.
    service.upload("acme", files, "replace")
    assert "acme" not in service._held
    service.validation("acme", as_of=as_of, law_mode="in-force")
    service.delete("acme")
    assert "acme" not in service._held
    store.close()


def test_csv_the_reader_refuses_is_a_problem_not_a_crash(index: ItemIndex) -> None:
    # A lone carriage return ends a row, as in old Mac files; it used to raise csv.Error.
    lone_cr = import_sources([("systems.csv", b"id,name\rs1,One\r")], "acme", index)
    assert not any("readable" in p.reason for p in lone_cr.problems)
    # A field past the CSV reader's size limit (128 KiB) is reported with the file's name.
    huge = b"id,name\ns1," + b"x" * 200_000 + b"\n"
    result = import_sources([("systems.csv", huge)], "acme", index)
    assert not result.ok
    problem = next(p for p in result.problems if "not a readable CSV file" in p.reason)
    assert problem.file == "systems.csv" and "CSV" in problem.fix

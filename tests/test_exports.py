"""Exports on the real graph: every format parses back with an independent reader."""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from openpyxl import load_workbook
from rdflib.compare import isomorphic
from tests.sampling import spread
from tests.servers import uvicorn_server
from typer.testing import CliRunner

from aims_graph import resources
from aims_graph.api.app import create_app
from aims_graph.build.loader import BuildReport
from aims_graph.catalog.frameworks import FRAMEWORKS
from aims_graph.config import Settings
from aims_graph.exports import ExportInputError, run_export
from aims_graph.exports.oscal import GROUP_KINDS, RELATIONSHIP
from aims_graph.exports.rdf import exported_graphs
from aims_graph.exports.tables import COLUMNS
from aims_graph.mappings.loading import mapping_files
from aims_graph.mappings.sssom_io import read_sssom, set_id_of
from aims_graph.namespaces import graph_iri
from aims_graph.service import Graph
from aims_graph.store import Store

pytestmark = pytest.mark.filterwarnings("ignore:::sssom.*", "ignore::DeprecationWarning")

SHIPPED = {set_id_of(p): p for p in mapping_files(resources.mappings_dir())}
SLUGS = [f.slug for f in FRAMEWORKS]


@pytest.fixture(scope="module")
def graph(built_store: Store) -> Graph:
    """The real graph, wrapped as the service sees it (mapping index built once per module)."""
    return Graph(built_store, Settings(store="memory:"), BuildReport())


@pytest.fixture(scope="module")
def base_url(graph: Graph) -> Iterator[str]:
    """The full app on a real uvicorn server on 127.0.0.1."""
    with uvicorn_server(create_app(graph)) as url:
        yield url


def _stated(path: Path) -> set[tuple[str, str, str, float]]:
    msf = read_sssom(path)
    rows = {(r.subject, r.object, r.relation.value, r.confidence) for r in msf.rows}
    # A NoTermFound row is a row of the file too, kept as a no-counterpart record.
    return rows | {(r.item, r.edition, "no-counterpart", r.confidence) for r in msf.no_counterparts}


def _stated_mappings(path: Path) -> set[tuple[str, str, str, float]]:
    """The file's mapping rows only: tables list mappings, not no-counterpart records."""
    return {(r.subject, r.object, r.relation.value, r.confidence) for r in read_sssom(path).rows}


# -- RDF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def union(graph: Graph) -> set[ox.Triple]:
    """Every triple of the public named graphs, read straight from the store."""
    out: set[ox.Triple] = set()
    for g in exported_graphs(graph.store):
        nt = graph.store.dump_graph(g, "application/n-triples")
        out.update(q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    return out


@pytest.mark.parametrize("fmt", ["nquads", pytest.param("trig", marks=pytest.mark.slow)])
def test_whole_graph_as_dataset_keeps_every_public_quad(graph: Graph, fmt: str) -> None:
    result = run_export(graph, "graph", fmt)
    quads = list(ox.parse(result.data, format=ox.RdfFormat.from_media_type(result.media_type)))
    graphs = exported_graphs(graph.store)
    assert {q.graph_name.value for q in quads} == set(graphs)
    assert len(quads) == sum(graph.store.triple_count(g) for g in graphs)
    assert not any(g.endswith("/meta") or "/org/" in g for g in graphs)


@pytest.mark.parametrize(
    "fmt",
    [
        pytest.param("turtle", marks=pytest.mark.slow),
        "nt",
        pytest.param("jsonld", marks=pytest.mark.slow),
    ],
)
def test_whole_graph_as_triples_is_the_union_of_exported_graphs(
    graph: Graph, union: set[ox.Triple], fmt: str
) -> None:
    result = run_export(graph, "graph", fmt)
    assert result.filename.startswith("aims-graph.")
    fmt_ = ox.RdfFormat.from_media_type(result.media_type)
    got = {q.triple for q in ox.parse(result.data, format=fmt_)}
    assert got == union


@pytest.mark.parametrize("slug", SLUGS)
def test_framework_turtle_round_trip_with_rdflib(graph: Graph, slug: str) -> None:
    result = run_export(graph, "framework", "turtle", id=slug)
    assert (result.filename, result.media_type) == (f"{slug}.ttl", "text/turtle")
    parsed = rdflib.Graph().parse(data=result.data, format="turtle")
    assert len(parsed) == graph.store.triple_count(graph_iri(f"catalog/{slug}"))


def test_framework_jsonld_and_ntriples_equal_turtle_in_rdflib(graph: Graph) -> None:
    ttl = rdflib.Graph().parse(data=run_export(graph, "framework", "turtle", id="iso42001").data)
    nt = rdflib.Graph().parse(
        data=run_export(graph, "framework", "nt", id="iso42001").data, format="nt"
    )
    js = run_export(graph, "framework", "jsonld", id="iso42001")
    assert json.loads(js.data)["@context"]["iso42001"].endswith("/iso42001-2023/")
    jsonld = rdflib.Graph().parse(data=js.data, format="json-ld")
    assert isomorphic(ttl, nt)
    assert isomorphic(ttl, jsonld)


def test_mapping_set_as_trig_is_its_named_graph(graph: Graph) -> None:
    set_id = "nist-ai-rmf-1.0--iso42001-2023"
    ds = rdflib.Dataset()
    ds.parse(data=run_export(graph, "set", "trig", id=set_id).data, format="trig")
    named = ds.graph(rdflib.URIRef(graph_iri(f"mappings/{set_id}")))
    assert len(named) == graph.store.triple_count(graph_iri(f"mappings/{set_id}"))


# -- SSSOM -------------------------------------------------------------------------------------


@pytest.mark.parametrize("set_id", spread(sorted(SHIPPED)))
def test_sssom_export_passes_sssom_py_with_the_stated_rows(
    graph: Graph, set_id: str, tmp_path: Path
) -> None:
    parsers = pytest.importorskip("sssom.parsers")
    validators = pytest.importorskip("sssom.validators")
    from sssom.constants import SchemaValidationType

    logging.getLogger("sssom").setLevel(logging.ERROR)
    result = run_export(graph, "set", "sssom", id=set_id)
    path = tmp_path / result.filename
    path.write_bytes(result.data)
    msdf = parsers.parse_sssom_table(path)
    reports = validators.validate(
        msdf,
        [SchemaValidationType.JsonSchema, SchemaValidationType.PrefixMapCompleteness],
        fail_on_error=False,
    )
    for kind, report in reports.items():
        assert not report.results, f"{set_id}: {kind}: {report.results[:3]}"
    stated = _stated(SHIPPED[set_id])
    assert len(msdf.df) == len(stated)
    # Our own strict reader takes it back too, with exactly the file's mappings.
    assert _stated(path) == stated


# -- tables ------------------------------------------------------------------------------------


def test_set_csv_has_one_row_per_stated_mapping(graph: Graph) -> None:
    set_id = "eu-ai-act--iso42001-2023"
    result = run_export(graph, "set", "csv", id=set_id)
    rows = list(csv.DictReader(io.StringIO(result.data.decode())))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == len(_stated_mappings(SHIPPED[set_id]))
    assert {r["direction"] for r in rows} == {"stated"}
    assert all(
        r["subject"].startswith("eu-ai-act:") and r["object"].startswith("iso42001:") for r in rows
    )
    assert all(r["comment"] and r["justification"].startswith("semapv:") for r in rows)


def test_framework_crosswalk_reads_every_mapping_from_the_first_framework(graph: Graph) -> None:
    forward = run_export(graph, "crosswalk", "csv", id="iso42001", to="nist-ai-rmf")
    backward = run_export(graph, "crosswalk", "csv", id="nist-ai-rmf", to="iso42001")
    fw_rows = list(csv.DictReader(io.StringIO(forward.data.decode())))
    bw_rows = list(csv.DictReader(io.StringIO(backward.data.decode())))
    assert forward.filename == "iso42001-2023--nist-ai-rmf-1.0.csv"
    assert len(fw_rows) == len(bw_rows) >= len(_stated(SHIPPED["nist-ai-rmf-1.0--iso42001-2023"]))
    assert all(r["subject"].startswith("iso42001:") for r in fw_rows)
    # Read from 42001, the NIST-stated rows are inverses that keep the stated reason.
    inverse = [r for r in fw_rows if r["set"] == "nist-ai-rmf-1.0--iso42001-2023"]
    assert inverse and all(r["direction"] == "inverse" for r in inverse)
    assert all(r["justification"] != "semapv:MappingInversion" for r in inverse)


def test_crosswalk_xlsx_is_a_filterable_workbook_with_metadata(graph: Graph) -> None:
    result = run_export(graph, "crosswalk", "xlsx", id="eu-ai-act", to="iso42001")
    assert result.binary and result.data[:2] == b"PK"
    wb = load_workbook(io.BytesIO(result.data))
    assert wb.sheetnames == ["Crosswalk", "About"]
    ws = wb["Crosswalk"]
    header = [c.value for c in ws[1]]
    assert tuple(header) == COLUMNS
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == f"A1:O{ws.max_row}"
    assert ws.max_row - 1 == len(_stated_mappings(SHIPPED["eu-ai-act--iso42001-2023"]))
    conf = ws.cell(2, COLUMNS.index("confidence") + 1).value
    assert isinstance(conf, float) and 0 <= conf <= 1
    about = {r[0].value: r[1].value for r in wb["About"].iter_rows() if r[0].value}
    assert about["Licence"] == "https://creativecommons.org/licenses/by/4.0/"
    assert about["Mapping set"] == "eu-ai-act--iso42001-2023"


# -- OSCAL -------------------------------------------------------------------------------------


def _controls(node: dict[str, Any], out: dict[str, dict[str, Any]], groups: set[str]) -> None:
    for g in node.get("groups", []):
        groups.add(g["id"])
        _controls(g, out, groups)
    for c in node.get("controls", []):
        out[c["id"]] = c
        _controls(c, out, groups)


@pytest.fixture(scope="module")
def catalogs(graph: Graph) -> dict[str, dict[str, Any]]:
    """Every framework's OSCAL catalog document."""
    return {s: json.loads(run_export(graph, "framework", "oscal", id=s).data) for s in SLUGS}


@pytest.mark.parametrize("slug", SLUGS)
def test_oscal_catalog_validates_with_trestle(
    graph: Graph, catalogs: dict[str, dict[str, Any]], slug: str
) -> None:
    trestle_catalog = pytest.importorskip("trestle.oscal.catalog")
    doc = catalogs[slug]
    model = trestle_catalog.Catalog.model_validate(doc["catalog"])
    assert model.metadata.oscal_version.root.root == "1.2.1"
    controls: dict[str, dict[str, Any]] = {}
    groups: set[str] = set()
    _controls(doc["catalog"], controls, groups)
    assert not controls.keys() & groups
    items = graph.mappings.items.items
    in_edition = [i for i in items.values() if i.edition == slug]
    assert len(controls) + len(groups) == len(in_edition)
    for c in controls.values():
        label = next(p["value"] for p in c["props"] if p["name"] == "label")
        assert label and c["links"][0]["href"].startswith("#")
    resources_ = {r["uuid"] for r in doc["catalog"]["back-matter"]["resources"]}
    assert all(c["links"][0]["href"][1:] in resources_ for c in controls.values())


def test_oscal_catalog_carries_only_our_summaries(
    graph: Graph, catalogs: dict[str, dict[str, Any]]
) -> None:
    rows = graph.store.select(
        "SELECT ?i ?s WHERE { ?i <https://w3id.org/aims-graph/ontology#summary> ?s }"
    )
    summaries = {r["s"].value for r in rows}
    for doc in catalogs.values():
        controls: dict[str, dict[str, Any]] = {}
        _controls(doc["catalog"], controls, set())
        for c in controls.values():
            for part in c.get("parts", []):
                assert part["name"] == "overview" and part["prose"] in summaries


@pytest.mark.parametrize("set_id", sorted(SHIPPED))
def test_oscal_mapping_collection_validates_and_resolves(
    graph: Graph, catalogs: dict[str, dict[str, Any]], set_id: str
) -> None:
    trestle_mapping = pytest.importorskip("trestle.oscal.mapping")
    doc = json.loads(run_export(graph, "set", "oscal", id=set_id).data)["mapping-collection"]
    trestle_mapping.MappingCollection.model_validate(doc)
    resources_ = {r["uuid"]: r for r in doc["back-matter"]["resources"]}
    total = 0
    for mapping in doc["mappings"]:
        ends = []
        for side in ("source-resource", "target-resource"):
            ref = mapping[side]
            slug = next(p["value"] for p in ref["props"] if p["name"] == "edition")
            href = resources_[ref["href"][1:]]["rlinks"][0]["href"]
            assert href == f"../catalogs/{slug}.json"
            controls: dict[str, dict[str, Any]] = {}
            _controls(catalogs[slug]["catalog"], controls, set())
            ends.append(controls)
        for m in mapping["maps"]:
            total += 1
            assert m["relationship"] in RELATIONSHIP.values()
            # Every reference names a control of the referenced catalog (never a group).
            assert m["sources"][0]["id-ref"] in ends[0]
            assert m["targets"][0]["id-ref"] in ends[1]
    assert total == len(_stated_mappings(SHIPPED[set_id]))


def test_group_kinds_stay_groups_unless_mapped(catalogs: dict[str, dict[str, Any]]) -> None:
    groups: set[str] = set()
    _controls(catalogs["eu-ai-act"]["catalog"], {}, groups)
    assert {"chapter-III", "chapter-III-section-2", "annex-III"} <= groups
    assert "Chapter" in GROUP_KINDS


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "fmt", "kw", "kind"),
    [
        ("framework", "turtle", {"id": "iso9001"}, "unknown-framework"),
        ("set", "sssom", {"id": "no-such-set"}, "unknown-mapping-set"),
        ("graph", "sssom", {}, "unknown-format"),
        ("graph", "docx", {}, "unknown-format"),
        ("crosswalk", "csv", {"id": "iso42001", "to": "iso42001-2023"}, "bad-request"),
        ("crosswalk", "csv", {"id": "iso42001"}, "bad-request"),
    ],
)
def test_bad_requests_say_what_is_wrong(
    graph: Graph, what: str, fmt: str, kw: dict[str, str], kind: str
) -> None:
    with pytest.raises(ExportInputError) as exc:
        run_export(graph, what, fmt, **kw)
    assert exc.value.kind == kind
    assert str(exc.value)


# -- CLI ---------------------------------------------------------------------------------------


@pytest.mark.slow  # builds the whole graph in-process through the CLI
def test_cli_exports_to_a_file_and_rejects_bad_input(tmp_path: Path) -> None:
    from aims_graph.cli import app

    runner = CliRunner()
    env = {"AIMS_GRAPH_STORE": "memory:"}
    out = tmp_path / "iso42001.oscal.json"
    args = [
        "export",
        "--what",
        "framework",
        "--id",
        "iso42001",
        "--format",
        "oscal",
        "-o",
        str(out),
    ]
    done = runner.invoke(app, args, env=env)
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text())["catalog"]["metadata"]["oscal-version"] == "1.2.1"
    bad = runner.invoke(
        app, ["export", "--what", "set", "--id", "nope", "--format", "sssom"], env=env
    )
    assert bad.exit_code == 2
    assert "unknown mapping set" in bad.output
    usage = runner.invoke(app, ["export", "--format", "docx"], env=env)
    assert usage.exit_code == 2


# -- HTTP --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "media", "filename"),
    [
        pytest.param(
            "/export/graph.trig", "application/trig", "aims-graph.trig", marks=pytest.mark.slow
        ),
        ("/export/frameworks/nist-ai-rmf-1.0.ttl", "text/turtle", "nist-ai-rmf-1.0.ttl"),
        ("/export/frameworks/iso42001.jsonld", "application/ld+json", "iso42001-2023.jsonld"),
        (
            "/export/mappings/iso27001-2013--iso27001-2022.sssom.tsv",
            "text/tab-separated-values",
            "iso27001-2013--iso27001-2022.sssom.tsv",
        ),
        ("/export/mappings/iso27001-2013--iso27001-2022.nt", "application/n-triples", None),
        (
            "/export/crosswalk/eu-ai-act/nist-ai-rmf.csv",
            "text/csv",
            "eu-ai-act--nist-ai-rmf-1.0.csv",
        ),
        (
            "/export/crosswalk/eu-ai-act/iso42001.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "eu-ai-act--iso42001-2023.xlsx",
        ),
        ("/export/oscal/catalogs/eu-ai-act.json", "application/json", "eu-ai-act.oscal.json"),
        (
            "/export/oscal/mappings/nist-ai-rmf-1.0--iso42001-2023.json",
            "application/json",
            "nist-ai-rmf-1.0--iso42001-2023.oscal.json",
        ),
    ],
)
def test_http_downloads(base_url: str, path: str, media: str, filename: str | None) -> None:
    r = httpx.get(base_url + path, timeout=30)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].split(";")[0] == media
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=")
    if filename:
        assert disposition == f'attachment; filename="{filename}"'
    again = httpx.get(base_url + path, headers={"If-None-Match": r.headers["etag"]}, timeout=30)
    if "oscal" not in path:  # OSCAL carries its export time, so its bytes differ per call
        assert again.status_code == 304


def test_http_oscal_and_rdf_bodies_parse(base_url: str) -> None:
    trestle_catalog = pytest.importorskip("trestle.oscal.catalog")
    doc = httpx.get(base_url + "/export/oscal/catalogs/iso27001-2013.json", timeout=30).json()
    trestle_catalog.Catalog.model_validate(doc["catalog"])
    ttl = httpx.get(base_url + "/export/frameworks/iso27701-2019.ttl", timeout=30)
    assert len(rdflib.Graph().parse(data=ttl.text, format="turtle")) > 100


@pytest.mark.parametrize(
    ("path", "status", "slug"),
    [
        ("/export/frameworks/iso9001-2015.ttl", 404, "unknown-framework"),
        ("/export/frameworks/iso42001-2023.docx", 404, "unknown-format"),
        ("/export/graph.rdf", 404, "unknown-format"),
        ("/export/mappings/no-such-set.sssom.tsv", 404, "unknown-mapping-set"),
        ("/export/crosswalk/iso42001/iso42001-2023.csv", 400, "bad-request"),
        ("/export/crosswalk/iso42001/nist-ai-rmf.ttl", 404, "unknown-format"),
        ("/export/oscal/catalogs/eu-ai-act.xml", 404, "unknown-format"),
        ("/export/oscal/mappings/nope.json", 404, "unknown-mapping-set"),
    ],
)
def test_http_errors_are_problem_json(base_url: str, path: str, status: int, slug: str) -> None:
    r = httpx.get(base_url + path, timeout=30)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["type"] == f"https://w3id.org/aims-graph/problems/{slug}"
    assert body["status"] == status and body["detail"]

"""The organisation HTTP API on a real uvicorn server: keys, uploads, reports, SoA, isolation.

The example organisation (examples/northwind) is uploaded through the API as its analysts' CSV
sheets; the reports read back must be those the domain computes on the same files, and a second
organisation's data must never show through the first one's key (or no key) on any route.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from tests.orgdata_support import EXAMPLE_DIR, SHEET_ORDER, copy_of
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.coverage import CoverageEngine
from aims_graph.orgdata import import_files, org_graph_iri
from aims_graph.orgdata.model import (
    org_framework_graph_iri,
    org_mappings_graph_iri,
    org_shapes_graph_iri,
)
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.graphs import ORG_REGISTRY_GRAPH
from aims_graph.validation import ValidationContext, validate

AS_OF = "2026-11-28"
MARKER = "Zebra-Quartz-Secret-Lab"
OWN = Path(__file__).parent / "fixtures" / "org-controls"
OWN_CONTROLS = OWN / "acme-controls.csv"
OWN_MAPPINGS = OWN / "acme-controls--iso42001-2023.sssom.tsv"
#: Organisation B's data: a marker no response to anyone but B may carry.
B_TTL = f"""
@prefix aims: <https://w3id.org/aims-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/aims-graph/org/bravo/organisation/bravo> a aims:Organisation ;
    aims:name "{MARKER}" ; rdfs:label "{MARKER}" .
<https://w3id.org/aims-graph/org/bravo/system/s1> a aims:AISystem ;
    aims:name "{MARKER} system" ; rdfs:label "{MARKER} system" ;
    aims:organisation <https://w3id.org/aims-graph/org/bravo/organisation/bravo> .
""".encode()
#: Organisation B's policy shapes, carrying the marker too.
B_SHAPES_TTL = f"""
@prefix aims: <https://w3id.org/aims-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
<https://bravo.example/rules#OwnerShape> a sh:NodeShape ; rdfs:label "{MARKER} rule" ;
    aims:enforces <https://w3id.org/aims-graph/id/iso42001-2023/A.3.2> ;
    sh:targetClass aims:AISystem ; sh:property [ sh:path aims:owner ; sh:minCount 1 ] .
""".encode()


def example_files() -> list[tuple[str, tuple[str, bytes, str]]]:
    return [
        ("files", (f"{kind}.csv", (EXAMPLE_DIR / f"{kind}.csv").read_bytes(), "text/csv"))
        for kind in SHEET_ORDER
    ]


@pytest.fixture(scope="module")
def store(built_store: Store) -> Iterator[OxigraphStore]:
    copy = copy_of(built_store)  # the tests register organisations in it
    yield copy
    copy.close()


@pytest.fixture(scope="module")
def base(store: OxigraphStore) -> Iterator[str]:
    graph = Graph(
        store, Settings(store="memory:", max_upload_bytes=2_000_000), loader.BuildReport()
    )
    with uvicorn_server(create_app(graph)) as url:
        yield url


@pytest.fixture(scope="module")
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


def register(http: httpx.Client, org_id: str, name: str) -> str:
    r = http.post("/orgs", json={"id": org_id, "name": name})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["graph"] == org_graph_iri(org_id)
    return str(body["api_key"])


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def keys(http: httpx.Client) -> dict[str, str]:
    """Two organisations with data: northwind (the example) and bravo (the marker)."""
    a = register(http, "northwind", "Northwind Lending")
    r = http.put("/orgs/northwind/data", files=example_files(), headers=auth(a))
    assert r.status_code == 200, r.text
    b = register(http, "bravo", "Bravo")
    r = http.put(
        "/orgs/bravo/data", content=B_TTL, headers={**auth(b), "Content-Type": "text/turtle"}
    )
    assert r.status_code == 200, r.text
    r = http.put(
        "/orgs/bravo/shapes",
        content=B_SHAPES_TTL,
        headers={**auth(b), "Content-Type": "text/turtle"},
    )
    assert r.status_code == 200, r.text
    # Its own control set and mapping set: graphs of its own the probes must not reach either.
    r = http.put(
        "/orgs/bravo/frameworks/controls",
        content=OWN_CONTROLS.read_bytes(),
        params={"title": f"{MARKER} controls"},
        headers={**auth(b), "Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    own_set = OWN_MAPPINGS.read_text().replace("org.acme.", "org.bravo.")
    r = http.put(
        "/orgs/bravo/mappings/to-iso42001",
        content=own_set.encode(),
        headers={**auth(b), "Content-Type": "text/tab-separated-values"},
    )
    assert r.status_code == 201, r.text
    return {"a": a, "b": b}


@pytest.fixture(scope="module")
def expected_graph(built_store: Store) -> Any:
    from aims_graph.catalog.items import ItemIndex

    paths = [EXAMPLE_DIR / f"{kind}.csv" for kind in SHEET_ORDER]
    result = import_files(paths, "northwind", ItemIndex.from_store(built_store))
    assert result.ok
    return result.graph


# -- registering and keys --------------------------------------------------------------------


def test_key_is_shown_once_and_stored_only_as_a_hash(
    http: httpx.Client, keys: dict[str, str], store: OxigraphStore
) -> None:
    token = keys["a"]
    assert token.startswith("agk_")
    registry = store.dump_graph(ORG_REGISTRY_GRAPH, "application/n-triples").decode()
    secret = token.split("_", 2)[2]
    assert token not in registry and secret not in registry
    assert hashlib.sha256(secret.encode()).hexdigest() in registry
    listed = http.get("/orgs/northwind/keys", headers=auth(token))
    assert listed.status_code == 200
    assert secret not in listed.text and "agk_" not in listed.text
    assert http.post("/orgs", json={"id": "northwind", "name": "again"}).status_code == 409


def test_missing_and_wrong_keys_are_refused(http: httpx.Client, keys: dict[str, str]) -> None:
    r = http.get("/orgs/northwind")
    assert r.status_code == 401 and "Bearer" in r.headers["www-authenticate"]
    wrong = keys["a"][:-4] + ("AAAA" if not keys["a"].endswith("AAAA") else "BBBB")
    for headers in (auth(wrong), auth("nonsense"), {"X-API-Key": wrong}):
        assert http.get("/orgs/northwind", headers=headers).status_code == 401
    # A bad key on /sparql is refused too, not downgraded to anonymous.
    assert http.get("/sparql", params={"query": "ASK {}"}, headers=auth(wrong)).status_code == 401
    assert http.get("/orgs/northwind", headers={"X-API-Key": keys["a"]}).status_code == 200


def test_keys_can_be_issued_and_revoked(http: httpx.Client, keys: dict[str, str]) -> None:
    r = http.post("/orgs/northwind/keys", headers=auth(keys["a"]))
    assert r.status_code == 201
    extra, key_id = r.json()["api_key"], r.json()["key_id"]
    assert http.get("/orgs/northwind", headers=auth(extra)).status_code == 200
    assert http.delete(f"/orgs/northwind/keys/{key_id}", headers=auth(keys["a"])).status_code == 204
    assert http.get("/orgs/northwind", headers=auth(extra)).status_code == 401
    assert http.delete(f"/orgs/northwind/keys/{key_id}", headers=auth(keys["a"])).status_code == 404
    listed = {
        k["key_id"]: k for k in http.get("/orgs/northwind/keys", headers=auth(keys["a"])).json()
    }
    assert listed[key_id]["revoked"] is not None


def test_bad_registrations(http: httpx.Client) -> None:
    assert http.post("/orgs", json={"id": "no spaces", "name": "x"}).status_code == 422
    assert http.post("/orgs", json={"id": "ok-id", "name": ""}).status_code == 422


def test_admin_token_guards_registration(built_store: Store) -> None:
    settings = Settings(store="memory:", org_admin_token="s3cret-admin-token-123")
    graph = Graph(OxigraphStore(), settings, loader.BuildReport())
    with uvicorn_server(create_app(graph)) as url, httpx.Client(base_url=url) as c:
        body = {"id": "acme", "name": "Acme"}
        assert c.post("/orgs", json=body).status_code == 401
        assert (
            c.post("/orgs", json=body, headers=auth("wrong-token-wrong-token")).status_code == 401
        )
        assert c.post("/orgs", json=body, headers=auth("s3cret-admin-token-123")).status_code == 201


# -- uploads ----------------------------------------------------------------------------------


def test_upload_stored_the_example(
    http: httpx.Client, keys: dict[str, str], expected_graph: Any
) -> None:
    r = http.get("/orgs/northwind", headers=auth(keys["a"]))
    assert r.status_code == 200
    body = r.json()
    assert body["triples"] == len(expected_graph)
    assert body["records"]["AISystem"] == 3
    data = http.get(
        "/orgs/northwind/data", headers={**auth(keys["a"]), "Accept": "application/n-triples"}
    )
    assert data.status_code == 200
    from rdflib import Graph as RdfGraph
    from rdflib.compare import isomorphic

    assert isomorphic(RdfGraph().parse(data=data.text, format="nt"), expected_graph)


def test_corrupted_sheet_names_the_cell_and_stores_nothing(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    before = http.get(
        "/orgs/northwind/data", headers={**auth(keys["a"]), "Accept": "application/n-triples"}
    ).text
    rows = list(csv.reader(io.StringIO((EXAMPLE_DIR / "soa.csv").read_text())))
    col = rows[0].index("applicable")
    rows[5][col] = "perhaps"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    for method in ("put", "post"):
        r = http.request(
            method,
            "/orgs/northwind/data",
            params={"kind": "soa"},
            content=buf.getvalue().encode(),
            headers={**auth(keys["a"]), "Content-Type": "text/csv"},
        )
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["type"].endswith("/import-refused")
        assert problem["problems"][0]["row"] == 6
        assert problem["problems"][0]["column"] == "applicable"
        assert "perhaps" in problem["problems"][0]["reason"]
    after = http.get(
        "/orgs/northwind/data", headers={**auth(keys["a"]), "Accept": "application/n-triples"}
    ).text
    assert after == before


def test_upload_limits_and_media_types(http: httpx.Client, keys: dict[str, str]) -> None:
    h = auth(keys["a"])
    big = b"#" * 2_100_000
    r = http.post("/orgs/northwind/data", content=big, headers={**h, "Content-Type": "text/turtle"})
    assert r.status_code == 413 and r.json()["limit"] == "max_upload_bytes"
    r = http.post("/orgs/northwind/data", content=b"x", headers={**h, "Content-Type": "image/png"})
    assert r.status_code == 415
    r = http.post(
        "/orgs/northwind/data", content=b"a,b\n", headers={**h, "Content-Type": "text/csv"}
    )
    assert r.status_code == 400 and "kind" in r.json()["detail"]


def test_append_refers_to_stored_records(http: httpx.Client, keys: dict[str, str]) -> None:
    b = auth(keys["b"])
    row = (
        "id,title,kind,supports,systems,date,valid_until,link,owner\n"
        "EV-B1,Test report,test-report,,s1,2026-10-01,2027-10-01,https://example.org/r,QA\n"
    )
    r = http.post(
        "/orgs/bravo/data",
        params={"kind": "evidence"},
        content=row.encode(),
        headers={**b, "Content-Type": "text/csv"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["triples_stored"] > r.json()["triples_uploaded"]


def test_remote_json_ld_context_is_refused_without_a_request(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    calls: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            calls.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"@context": {}}')

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        doc = {
            "@context": f"http://127.0.0.1:{server.server_port}/ctx.jsonld",
            "@id": "https://w3id.org/aims-graph/org/bravo/system/s2",
        }
        r = http.post(
            "/orgs/bravo/data",
            content=json.dumps(doc).encode(),
            headers={**auth(keys["b"]), "Content-Type": "application/ld+json"},
        )
        assert r.status_code == 422
    finally:
        server.shutdown()
    assert calls == []


# -- reports ----------------------------------------------------------------------------------


def test_validation_report_is_the_domain_report(
    http: httpx.Client, keys: dict[str, str], built_store: Store, expected_graph: Any
) -> None:
    r = http.get("/orgs/northwind/validation", params={"as_of": AS_OF}, headers=auth(keys["a"]))
    assert r.status_code == 200
    got = r.json()
    want = validate(
        expected_graph,
        as_of=date.fromisoformat(AS_OF),
        catalogs=ValidationContext.from_store(built_store),
    ).as_dict()
    assert got["counts"] == want["counts"] and got["counts"]["violation"] > 0
    assert got["findings"] == want["findings"]
    r = http.get(
        "/orgs/northwind/validation",
        params={"as_of": AS_OF, "format": "csv"},
        headers=auth(keys["a"]),
    )
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == len(want["findings"])
    assert {"severity", "enforces", "message", "fix"} <= set(rows[0])


def test_coverage_and_gaps_in_three_formats(
    http: httpx.Client, keys: dict[str, str], built_store: Store, expected_graph: Any
) -> None:
    from aims_graph.mappings.crosswalk import MappingService

    engine = CoverageEngine(MappingService.from_store(built_store), built_store)
    want = engine.as_dict(
        engine.coverage(expected_graph, "iso42001", as_of=date.fromisoformat(AS_OF))
    )
    params = {"target": "iso42001", "as_of": AS_OF}
    h = auth(keys["a"])
    got = http.get("/orgs/northwind/coverage", params=params, headers=h).json()
    assert got["totals"] == want["totals"]
    verdicts = {i["item"]: i["verdict"] for i in got["items"]}
    assert verdicts["iso42001:A.2.2"] == "covered" and verdicts["iso42001:A.5.5"] == "gap"
    gaps = http.get("/orgs/northwind/gaps", params=params, headers=h).json()
    assert {i["verdict"] for i in gaps["items"]} == {"partly", "gap"}
    assert len(gaps["items"]) == want["totals"]["partly"] + want["totals"]["gap"]
    r = http.get("/orgs/northwind/gaps", params={**params, "format": "csv"}, headers=h)
    assert r.headers["content-type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(r.text)))) == len(gaps["items"])
    r = http.get(
        "/orgs/northwind/coverage",
        params=params,
        headers={
            **h,
            "Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert wb["items"].max_row - 1 == want["totals"]["items"]
    assert wb["by section"].cell(wb["by section"].max_row, 1).value == "total"
    bad = http.get("/orgs/northwind/coverage", params={"target": "nope"}, headers=h)
    assert bad.status_code == 400
    bad = http.get("/orgs/northwind/coverage", params={**params, "as_of": "28/11/2026"}, headers=h)
    assert bad.status_code == 422 and "as_of" in bad.json()["detail"]
    bad = http.get("/orgs/northwind/coverage", params={**params, "as_of": "2026-02-30"}, headers=h)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["detail"]


def test_ai_act_coverage_uses_the_organisations_roles(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    got = http.get(
        "/orgs/northwind/coverage",
        params={"target": "eu-ai-act", "as_of": AS_OF},
        headers=auth(keys["a"]),
    ).json()
    literacy = next(i for i in got["items"] if i["item"] == "eu-ai-act:obl-AIA-4-PRV")
    assert literacy["verdict"] == "partly"
    assert [e["control"] for e in literacy["explanation"]] == ["iso42001:A.4.6"]


def test_generated_soa_lists_every_control_and_uploads_back(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    h = auth(keys["a"])
    r = http.get("/orgs/northwind/soa.xlsx", headers=h)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["soa"]
    header = [c.value for c in ws[1]]
    rows = {
        row[0]: dict(zip(header, row, strict=False))
        for row in ws.iter_rows(min_row=2, values_only=True)
    }
    assert len(rows) == 38
    assert rows["iso42001:A.10.4"]["applicable"] == "no"
    assert rows["iso42001:A.2.2"]["status"] == "implemented"
    before = http.get("/orgs/northwind", headers=h).json()["triples"]
    up = http.post(
        "/orgs/northwind/data",
        content=r.content,
        headers={
            **h,
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        },
    )
    assert up.status_code == 200, up.text
    assert http.get("/orgs/northwind", headers=h).json()["triples"] == before


def test_templates(http: httpx.Client) -> None:
    r = http.get("/templates/systems")
    assert r.status_code == 200
    assert "risk_tier" in [
        c.value for c in openpyxl.load_workbook(io.BytesIO(r.content))["systems"][1]
    ]
    r = http.get("/templates/evidence", params={"format": "csv"})
    assert r.text.splitlines()[0].startswith("id,")
    assert http.get("/templates/nothing").status_code == 404
    assert http.get("/templates/soa", params={"format": "pdf"}).status_code == 400


# -- isolation --------------------------------------------------------------------------------

B_GRAPH = org_graph_iri("bravo")
B_NODE = "https://w3id.org/aims-graph/org/bravo/system/s1"
B_SHAPES = org_shapes_graph_iri("bravo")
B_OWN = (
    org_framework_graph_iri("bravo", "controls"),
    org_mappings_graph_iri("bravo", "to-iso42001"),
)
B_OWN_ITEM = "https://w3id.org/aims-graph/id/org.bravo.controls/AC-GOV-1"
PROBES: list[dict[str, Any]] = [
    *(
        probe
        for g in B_OWN
        for probe in (
            {"query": f"SELECT * WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"},
            {"query": f"SELECT * FROM <{g}> WHERE {{ ?s ?p ?o }}"},
            {"query": f"SELECT * FROM NAMED <{g}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
            {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": g},
            {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": g},
        )
    ),
    {"query": f"DESCRIBE <{B_OWN_ITEM}>"},
    {"query": "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?s), 'org.bravo')) }"},
    {
        "query": "SELECT * WHERE { GRAPH ?g { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> } }"
    },
    {"query": f"SELECT * WHERE {{ GRAPH <{B_SHAPES}> {{ ?s ?p ?o }} }}"},
    {"query": f"SELECT * FROM <{B_SHAPES}> WHERE {{ ?s ?p ?o }}"},
    {"query": f"SELECT * FROM NAMED <{B_SHAPES}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
    {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": B_SHAPES},
    {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": B_SHAPES},
    {"query": "SELECT * WHERE { GRAPH ?g { ?s a <http://www.w3.org/ns/shacl#NodeShape> } }"},
    {"query": "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
    {"query": "SELECT * WHERE { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'Zebra')) }"},
    {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'Zebra')) } }"},
    {"query": f"SELECT * WHERE {{ GRAPH <{B_GRAPH}> {{ ?s ?p ?o }} }}"},
    {"query": f"SELECT * FROM <{B_GRAPH}> WHERE {{ ?s ?p ?o }}"},
    {"query": f"SELECT * FROM NAMED <{B_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
    {"query": f"PREFIX b: <{B_GRAPH[:-5]}> SELECT * FROM b:bravo WHERE {{ ?s ?p ?o }}"},
    {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": B_GRAPH},
    {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": B_GRAPH},
    {"query": f"DESCRIBE <{B_NODE}>"},
    {"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ <{B_NODE}> (<urn:x>|!<urn:x>)* ?s . ?s ?p ?o }}"},
    {"query": f"SELECT * WHERE {{ GRAPH <{ORG_REGISTRY_GRAPH}> {{ ?s ?p ?o }} }}"},
    {
        "query": "SELECT * WHERE { GRAPH ?g { ?s <https://w3id.org/aims-graph/system#secretHash> ?h } }"
    },
    {
        "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), 'bravo')) }"
    },
]


LEAK_SIGNS = (
    MARKER,
    "org.bravo",
    "org/bravo",
    "bravo.example",
    "secretHash",
    "system/organisations",
    "system/key/",
)


def _leaks(text: str, probe: dict[str, Any] | None = None) -> bool:
    """True when a response shows B's data or the registry beyond what the request itself named."""
    asked = " ".join(str(v) for v in (probe or {}).values())
    for iri in (B_SHAPES, B_GRAPH, B_NODE, ORG_REGISTRY_GRAPH, *B_OWN, B_OWN_ITEM):
        # An IRI the request named (also as a prefixed name) may be echoed in an error.
        if iri in asked or iri.rsplit("/", 1)[-1] in asked:
            text = text.replace(iri, "")
    return any(s in text for s in LEAK_SIGNS if s not in asked or s == MARKER)


@pytest.mark.parametrize("who", ["a", None])
def test_no_query_reveals_another_organisation(
    http: httpx.Client, keys: dict[str, str], who: str | None
) -> None:
    headers = auth(keys[who]) if who else {}
    for probe in PROBES:
        for accept in ("application/sparql-results+json", "text/turtle", "text/csv"):
            r = http.get("/sparql", params=probe, headers={**headers, "Accept": accept})
            assert r.status_code in (200, 400, 404, 406), (probe, r.status_code, r.text)
            assert not _leaks(r.text, probe), (probe, r.text[:300])
            r = http.post("/sparql", data=probe, headers={**headers, "Accept": accept})
            assert not _leaks(r.text, probe), (probe, r.text[:300])
    sd = http.get("/sparql", headers={**headers, "Accept": "text/turtle"})
    assert sd.status_code == 200 and not _leaks(sd.text)
    own = "northwind" in sd.text
    assert own == (who == "a")


def test_the_own_catalog_probes_find_it_with_its_own_key(
    http: httpx.Client, keys: dict[str, str]
) -> None:
    """The probes above can fail: with bravo's key the same queries show its own control set."""
    found = [
        probe
        for probe in PROBES[:10]
        if MARKER
        in http.get("/sparql", params=probe, headers={**auth(keys["b"]), "Accept": "text/csv"}).text
        or "org.bravo" in http.get("/sparql", params=probe, headers=auth(keys["b"])).text
    ]
    assert found == PROBES[:10]


@pytest.mark.parametrize("who", ["a", None])
def test_another_organisations_graph_reads_like_an_absent_one(
    http: httpx.Client, keys: dict[str, str], who: str | None
) -> None:
    """Naming bravo's graph gives the very answer naming a graph nobody has gives: no oracle."""
    headers = auth(keys[who]) if who else {}
    absent = org_graph_iri("nosuchorg")
    asks = [
        {"query": "SELECT * FROM <G> WHERE { ?s ?p ?o }"},
        {"query": "SELECT ?g (COUNT(*) AS ?n) FROM NAMED <G> WHERE { GRAPH ?g { } } GROUP BY ?g"},
        {"query": "CONSTRUCT WHERE { ?s ?p ?o }", "default-graph-uri": "G"},
        {"query": "DESCRIBE ?s WHERE { ?s ?p ?o }", "default-graph-uri": "G"},
        {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": "G"},
        {"query": "SELECT * WHERE { GRAPH ?g { } }", "named-graph-uri": ["G", "G"]},
    ]
    for ask in asks:
        for graph, other in (
            (B_GRAPH, absent),
            (B_SHAPES, org_shapes_graph_iri("nosuchorg")),
            (B_OWN[0], org_framework_graph_iri("nosuchorg", "controls")),
            (B_OWN[1], org_mappings_graph_iri("nosuchorg", "to-iso42001")),
        ):
            _same_answer(http, headers, ask, graph, other)


def _same_answer(
    http: httpx.Client, headers: dict[str, str], ask: dict[str, Any], *graphs: str
) -> None:
    """Each graph named in the ask gets the very same answer (bar the header naming it)."""
    answers = []
    for graph in graphs:
        params = {
            k: [x.replace("G", graph) for x in v]
            if isinstance(v, list)
            else v.replace("<G>", f"<{graph}>")
            if k == "query"
            else graph
            for k, v in ask.items()
        }
        r = http.get("/sparql", params=params, headers=headers)
        assert r.status_code == 200, (ask, r.text)
        assert r.headers["AIMS-Graph-Empty-Graphs"] == f"<{graph}>", ask
        answers.append((r.content, r.headers["content-type"]))
    assert answers[0] == answers[1], ask
    assert MARKER not in answers[0][0].decode()


def test_own_graph_is_readable_with_the_key(http: httpx.Client, keys: dict[str, str]) -> None:
    q = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/aims-graph/ontology#AISystem> }"
    h = {"Accept": "text/csv"}
    assert (
        http.get("/sparql", params={"query": q}, headers={**h, **auth(keys["a"])}).text.split()[-1]
        == "3"
    )
    assert http.get("/sparql", params={"query": q}, headers=h).text.split()[-1] == "0"
    g = org_graph_iri("northwind")
    r = http.get(
        "/sparql",
        params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{g}> WHERE {{ ?s ?p ?o }}"},
        headers={**h, **auth(keys["a"])},
    )
    assert int(r.text.split()[-1]) > 0
    # Standards stay there with the key: the org's SoA joins the catalog titles.
    q2 = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?e <https://w3id.org/aims-graph/ontology#control> ?c . "
        "?c <http://www.w3.org/2004/02/skos/core#notation> ?nt }"
    )
    assert (
        int(
            http.get(
                "/sparql", params={"query": q2}, headers={**h, **auth(keys["a"])}
            ).text.split()[-1]
        )
        == 38
    )


ORG_ROUTES = [
    ("get", "/orgs/bravo"),
    ("get", "/orgs/bravo/data"),
    ("get", "/orgs/bravo/shapes"),
    ("put", "/orgs/bravo/shapes"),
    ("delete", "/orgs/bravo/shapes"),
    ("get", "/orgs/bravo/keys"),
    ("post", "/orgs/bravo/keys"),
    ("get", "/orgs/bravo/validation"),
    ("get", "/orgs/bravo/coverage?target=iso42001"),
    ("get", "/orgs/bravo/gaps?target=eu-ai-act"),
    ("get", "/orgs/bravo/soa.xlsx"),
    ("put", "/orgs/bravo/data"),
    ("post", "/orgs/bravo/data"),
    ("delete", "/orgs/bravo/keys/0123456789ab"),
    ("delete", "/orgs/bravo"),
]


def test_no_route_serves_another_organisation(http: httpx.Client, keys: dict[str, str]) -> None:
    for method, url in ORG_ROUTES:
        r = http.request(
            method, url, headers={**auth(keys["a"]), "Content-Type": "text/turtle"}, content=b""
        )
        assert r.status_code == 404, (method, url, r.status_code)
        assert not _leaks(r.text), r.text
        # The same answer as for an organisation that does not exist.
        r2 = http.request(
            method, url.replace("bravo", "nosuchorg"), headers=auth(keys["a"]), content=b""
        )
        assert r2.status_code == 404
    # bravo is still whole.
    assert http.get("/orgs/bravo", headers=auth(keys["b"])).json()["records"]["AISystem"] == 1
    assert MARKER in http.get("/orgs/bravo/shapes", headers=auth(keys["b"])).text


def test_public_api_is_unchanged_by_organisation_data(
    http: httpx.Client, keys: dict[str, str], built_store: Store
) -> None:
    urls = [
        "/stats",
        "/search?q=Zebra",
        "/frameworks",
        "/crosswalk?from=iso42001:A.6.2.4&to=iso27001-2022",
        "/export/graph.nt",
    ]
    for url in urls:
        r = http.get(url, headers=auth(keys["a"]))
        assert r.status_code in (200, 404), (url, r.status_code)
        assert not _leaks(r.text) and "northwind/system" not in r.text, url
    assert http.get("/health").json()["triples"] == built_store.triple_count()


def test_delete_removes_the_organisation(http: httpx.Client, store: OxigraphStore) -> None:
    key = register(http, "temp-org", "Temporary")
    r = http.put(
        "/orgs/temp-org/data",
        content=B_TTL.replace(b"bravo", b"temp-org"),
        headers={**auth(key), "Content-Type": "text/turtle"},
    )
    assert r.status_code == 200, r.text
    assert http.delete("/orgs/temp-org", headers=auth(key)).status_code == 204
    assert http.get("/orgs/temp-org", headers=auth(key)).status_code == 401
    assert org_graph_iri("temp-org") not in store.graphs()
    assert "temp-org" not in store.dump_graph(ORG_REGISTRY_GRAPH, "application/n-triples").decode()

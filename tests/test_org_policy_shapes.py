"""An organisation's own policy shapes on a real uvicorn server: upload, check, validate, isolate.

The example policy (examples/org/policy-shapes.ttl) is uploaded for the example organisation
(examples/northwind.ttl); the findings the report must hold are worked out here from the data
itself with rdflib, rule by rule, never read from the engine's output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SH
from tests.orgdata_support import copy_of
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.namespaces import AIMS, ID
from aims_graph.orgdata.model import org_shapes_graph_iri
from aims_graph.service import Graph as AimsGraph
from aims_graph.store import OxigraphStore, Store

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "examples" / "org" / "policy-shapes.ttl"
NORTHWIND = ROOT / "examples" / "northwind.ttl"
AS_OF = date(2026, 11, 28)
HIGH_RISK = URIRef(ID + "eu-ai-act/tier-high-risk")
NWP = "https://northwind.example/policy/shapes#"
HEALTH = re.compile("health|medical|patient|clinical", re.IGNORECASE)
PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix aims: <https://w3id.org/aims-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/rules#> .
@prefix iso42001: <https://w3id.org/aims-graph/id/iso42001-2023/> .
"""


def ttl(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Content-Type": "text/turtle"}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def store(built_store: Store) -> Iterator[OxigraphStore]:
    copy = copy_of(built_store)
    yield copy
    copy.close()


@pytest.fixture(scope="module")
def http(store: OxigraphStore) -> Iterator[httpx.Client]:
    settings = Settings(store="memory:", max_upload_bytes=2_000_000)
    graph = AimsGraph(store, settings, loader.BuildReport())
    with uvicorn_server(create_app(graph)) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c


def register(http: httpx.Client, org_id: str, data: bytes | None) -> str:
    r = http.post("/orgs", json={"id": org_id, "name": org_id.title()})
    assert r.status_code == 201, r.text
    key = str(r.json()["api_key"])
    if data is None:
        return key
    r = http.put(f"/orgs/{org_id}/data", content=data, headers=ttl(key))
    assert r.status_code == 200, r.text
    return key


def retarget(org_id: str) -> bytes:
    """The example organisation's data under another organisation id."""
    return NORTHWIND.read_bytes().replace(b"/org/northwind/", f"/org/{org_id}/".encode())


@pytest.fixture(scope="module")
def key(http: httpx.Client) -> str:
    return register(http, "northwind", NORTHWIND.read_bytes())


def validation(http: httpx.Client, org_id: str, key: str, day: date = AS_OF) -> dict[str, Any]:
    r = http.get(
        f"/orgs/{org_id}/validation", params={"as_of": day.isoformat()}, headers=bearer(key)
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def policy_findings(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["rule"], f["node"]) for f in report["findings"] if f["origin"] == "organisation"}


# -- what the example data should produce, worked out from the data --------------------------


def expected(data: Graph, day: date) -> set[tuple[str, str]]:
    """Each rule of the example policy, in plain Python over the organisation's graph."""
    out: set[tuple[str, str]] = set()
    systems = set(data.subjects(RDF.type, AIMS.AISystem))
    for system in systems:
        assignments = [
            ev
            for ev in data.subjects(AIMS.forSystem, system)
            if (ev, AIMS.evidenceKind, AIMS.EvHumanOversightAssignment) in data
        ]
        named_with_deputy = any(len(set(data.objects(ev, AIMS.owner))) >= 2 for ev in assignments)
        if (system, AIMS.riskTier, HIGH_RISK) in data and not named_with_deputy:
            out.add(("HighRiskOversightDeputyShape", str(system)))
        texts = [*data.objects(system, AIMS.purpose), *data.objects(system, RDFS.comment)]
        p7 = any(
            (ev, AIMS.evidenceKind, AIMS.EvPolicy) in data
            and any(str(t).startswith("P-7") for t in data.objects(ev, RDFS.label))
            for ev in data.subjects(AIMS.forSystem, system)
        )
        if any(HEALTH.search(str(t)) for t in texts) and not p7:
            out.add(("HealthDataPolicyShape", str(system)))
    year_before = day.replace(year=day.year - 1)
    for ev in data.subjects(RDF.type, AIMS.Evidence):
        for d in data.objects(ev, AIMS.evidenceDate):
            assert isinstance(d, Literal)
            if d.toPython() < year_before:
                out.add(("StaleEvidenceShape", str(ev)))
    return out


def enforced_by_rule() -> dict[str, set[str]]:
    shapes = Graph().parse(POLICY)
    return {
        str(s).rsplit("#", 1)[-1]: {str(i) for i in shapes.objects(s, AIMS.enforces)}
        for s in shapes.subjects(RDF.type, SH.NodeShape)
    }


@pytest.fixture(scope="module")
def uploaded(http: httpx.Client, key: str) -> dict[str, Any]:
    before = validation(http, "northwind", key)
    r = http.put("/orgs/northwind/shapes", content=POLICY.read_bytes(), headers=ttl(key))
    assert r.status_code == 200, r.text
    return {"before": before, "put": r.json()}


def test_example_policy_gives_exactly_the_findings_of_the_data(
    http: httpx.Client, key: str, uploaded: dict[str, Any]
) -> None:
    assert uploaded["put"]["rules"] == 3
    data = Graph().parse(NORTHWIND)
    tied = enforced_by_rule()
    for day in (AS_OF, date(2027, 6, 1)):
        report = validation(http, "northwind", key, day)
        want = expected(data, day)
        assert want, "the example should break some of its own rules"
        assert policy_findings(report) == want, day
        # The project's findings are those of the same day without the organisation's shapes.
        ours = [f for f in report["findings"] if f["origin"] == "aims-graph"]
        assert report["policy_rules"] == 3
        for f in report["findings"]:
            if f["origin"] != "organisation":
                continue
            assert {e["iri"] for e in f["enforces"]} == tied[f["rule"]]
            assert all(e["notation"] and e["curie"].startswith("iso42001:") for e in f["enforces"])
            assert f["message"] and f["fix"] and f["rule_label"]
    before = uploaded["before"]
    now = validation(http, "northwind", key)
    assert [f for f in now["findings"] if f["origin"] == "aims-graph"] == before["findings"]
    assert now["rules"] == before["rules"] + 3
    assert ours  # the last day's project findings were there too
    # Staleness follows the report's day: more evidence is a year old half a year later.
    assert len(expected(data, date(2027, 6, 1))) > len(expected(data, AS_OF))


def test_w3c_report_names_the_enforced_items(
    http: httpx.Client, key: str, uploaded: dict[str, Any]
) -> None:
    r = http.get(
        "/orgs/northwind/validation",
        params={"as_of": AS_OF.isoformat()},
        headers={**bearer(key), "Accept": "text/turtle"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    tied = enforced_by_rule()
    found = set()
    for res in g.subjects(RDF.type, SH.ValidationResult):
        shape = str(g.value(res, SH.sourceShape))
        items = {str(i) for i in g.objects(res, AIMS.enforces)}
        assert items, shape
        if shape.startswith(NWP):
            assert g.value(res, AIMS.ruleOrigin) == Literal("organisation")
            assert items == tied[shape[len(NWP) :]]
            found.add((shape[len(NWP) :], str(g.value(res, SH.focusNode))))
    assert found == expected(Graph().parse(NORTHWIND), AS_OF)
    r = http.get("/orgs/northwind/validation", params={"format": "jsonld"}, headers=bearer(key))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")


def test_health_rule_bites_and_is_met(http: httpx.Client) -> None:
    key = register(http, "clinic", retarget("clinic"))
    r = http.put("/orgs/clinic/shapes", content=POLICY.read_bytes(), headers=ttl(key))
    assert r.status_code == 200, r.text
    base = "https://w3id.org/aims-graph/org/clinic/"
    triage = (
        f"@prefix aims: <{AIMS}> . @prefix rdfs: <{RDFS}> .\n"
        f"<{base}system/triage> a aims:AISystem ; rdfs:label 'Claims triage' ;"
        f" aims:organisation <{base}organisation/clinic> ;"
        " aims:purpose 'Sorts insurance claims using Medical records of the claimant.' ."
    ).encode()
    assert http.post("/orgs/clinic/data", content=triage, headers=ttl(key)).status_code == 200
    data = Graph().parse(data=retarget("clinic") + triage, format="turtle")
    got = policy_findings(validation(http, "clinic", key))
    assert ("HealthDataPolicyShape", f"{base}system/triage") in got
    assert got == expected(data, AS_OF)
    p7 = (
        f"@prefix aims: <{AIMS}> . @prefix rdfs: <{RDFS}> . "
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f"<{base}evidence/P-7> a aims:Evidence ; rdfs:label 'P-7 Health data policy' ;"
        f" aims:organisation <{base}organisation/clinic> ; aims:evidenceKind aims:EvPolicy ;"
        f" aims:evidenceDate '2026-10-01'^^xsd:date ; aims:forSystem <{base}system/triage> ."
    ).encode()
    assert http.post("/orgs/clinic/data", content=p7, headers=ttl(key)).status_code == 200
    data.parse(data=p7, format="turtle")
    got = policy_findings(validation(http, "clinic", key))
    assert ("HealthDataPolicyShape", f"{base}system/triage") not in got
    assert got == expected(data, AS_OF)


REFUSED = {
    "no aims:enforces": (
        "ex:R a sh:NodeShape ; sh:targetClass aims:AISystem ;"
        " sh:property [ sh:path aims:owner ; sh:minCount 1 ] .",
        "https://example.org/rules#R",
        "enforces",
    ),
    "unknown item": (
        "ex:R a sh:NodeShape ; aims:enforces iso42001:Z.99 ; sh:targetClass aims:AISystem .",
        "https://example.org/rules#R",
        "no item",
    ),
    "not valid SHACL": (
        "ex:R a sh:NodeShape ; aims:enforces iso42001:A.9.2 ; sh:targetClass aims:AISystem ;"
        ' sh:property [ sh:path aims:owner ; sh:minCount "two" ] .',
        "https://example.org/rules#R",
        "not valid SHACL",
    ),
    "SPARQL syntax": (
        "ex:R a sh:NodeShape ; aims:enforces iso42001:A.9.2 ; sh:targetClass aims:AISystem ;"
        ' sh:sparql [ sh:select "SELECT $this WHERE { $this ?p }" ] .',
        "https://example.org/rules#R",
        "does not parse",
    ),
    "SERVICE": (
        "ex:R a sh:NodeShape ; aims:enforces iso42001:A.9.2 ; sh:targetClass aims:AISystem ;"
        ' sh:sparql [ sh:select "SELECT $this WHERE { SERVICE <http://127.0.0.1:9/> { $this ?p ?o } }" ] .',
        "https://example.org/rules#R",
        "SERVICE",
    ),
    "blank node shape": (
        "[] a sh:NodeShape ; aims:enforces iso42001:A.9.2 ; sh:targetClass aims:AISystem .",
        None,
        "blank node",
    ),
    "project namespace": (
        "<https://w3id.org/aims-graph/shapes/org#SystemHasOwnerShape> a sh:NodeShape ;"
        " aims:enforces iso42001:A.9.2 ; sh:targetClass aims:AISystem .",
        "https://w3id.org/aims-graph/shapes/org#SystemHasOwnerShape",
        "namespace",
    ),
    "Turtle syntax": ("ex:R a sh:NodeShape", None, "cannot parse"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_bad_shapes_are_refused_and_nothing_is_stored(
    http: httpx.Client, key: str, uploaded: dict[str, Any], case: str
) -> None:
    text, shape, reason = REFUSED[case]
    before = Graph().parse(data=http.get("/orgs/northwind/shapes", headers=bearer(key)).text)
    r = http.put("/orgs/northwind/shapes", content=(PREFIXES + text).encode(), headers=ttl(key))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    problems = r.json()["problems"]
    assert any(reason in p["reason"] for p in problems), problems
    if shape is not None:
        assert any(p["shape"] == shape for p in problems), problems
    after = Graph().parse(data=http.get("/orgs/northwind/shapes", headers=bearer(key)).text)
    assert len(before) and isomorphic(after, before)


def test_read_back_in_three_formats_multipart_and_media_types(
    http: httpx.Client, key: str, uploaded: dict[str, Any]
) -> None:
    sent = Graph().parse(POLICY)
    for media, fmt in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
    ):
        r = http.get("/orgs/northwind/shapes", headers={**bearer(key), "Accept": media})
        assert r.status_code == 200 and r.headers["cache-control"] == "private, no-store"
        assert isomorphic(Graph().parse(data=r.content, format=fmt), sent), media
    r = http.get("/orgs/northwind/shapes", headers={**bearer(key), "Accept": "text/csv"})
    assert r.status_code == 406
    files = {"files": ("policy.ttl", POLICY.read_bytes(), "text/turtle")}
    r = http.put("/orgs/northwind/shapes", files=files, headers=bearer(key))
    assert r.status_code == 200 and r.json()["files"] == ["policy.ttl"], r.text
    r = http.put(
        "/orgs/northwind/shapes",
        content=b"a,b",
        headers={**bearer(key), "Content-Type": "text/csv"},
    )
    assert r.status_code == 415
    assert http.put("/orgs/northwind/shapes", content=POLICY.read_bytes()).status_code == 401


def test_shapes_graph_is_private_but_readable_with_its_key(
    http: httpx.Client, key: str, uploaded: dict[str, Any]
) -> None:
    other = register(http, "outsider", None)
    graph = org_shapes_graph_iri("northwind")
    probes = [
        {"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        {"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"},
        {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "default-graph-uri": graph},
    ]
    for probe in probes:
        counts = {}
        for who, headers in (("owner", bearer(key)), ("other", bearer(other)), ("none", {})):
            r = http.get("/sparql", params=probe, headers={**headers, "Accept": "text/csv"})
            assert r.status_code == 200, r.text
            counts[who] = int(r.text.split()[-1])
        assert counts["owner"] == len(Graph().parse(POLICY)), probe
        assert counts["other"] == counts["none"] == 0, probe
    # The shapes are not mixed into the owner's default graph, which holds its data.
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{SH.NodeShape}> }}"
    r = http.get("/sparql", params={"query": q}, headers={**bearer(key), "Accept": "text/csv"})
    assert int(r.text.split()[-1]) == 0
    # Another organisation's key gets what an unknown organisation gets.
    for method in ("get", "put", "delete"):
        r = http.request(method, "/orgs/northwind/shapes", headers=ttl(other), content=b"")
        assert r.status_code == 404, method
    assert http.get("/orgs/northwind/shapes", headers=bearer(key)).content


def test_delete_shapes_then_validation_runs_the_project_rules_only(
    http: httpx.Client, store: OxigraphStore
) -> None:
    key = register(http, "shortlived", retarget("shortlived"))
    r = http.put("/orgs/shortlived/shapes", content=POLICY.read_bytes(), headers=ttl(key))
    assert r.status_code == 200
    assert policy_findings(validation(http, "shortlived", key))
    assert http.delete("/orgs/shortlived/shapes", headers=bearer(key)).status_code == 204
    report = validation(http, "shortlived", key)
    assert policy_findings(report) == set() and report["policy_rules"] == 0
    r = http.get("/orgs/shortlived/shapes", headers={**bearer(key), "Accept": "text/turtle"})
    assert r.status_code == 200 and len(Graph().parse(data=r.text, format="turtle")) == 0
    # Deleting the organisation takes its shapes with it.
    http.put("/orgs/shortlived/shapes", content=POLICY.read_bytes(), headers=ttl(key))
    assert org_shapes_graph_iri("shortlived") in store.graphs()
    assert http.delete("/orgs/shortlived", headers=bearer(key)).status_code == 204
    assert org_shapes_graph_iri("shortlived") not in store.graphs()


def test_words_in_string_literals_are_not_refused(
    http: httpx.Client, key: str, uploaded: dict[str, Any]
) -> None:
    """SERVICE and FROM are refused as keywords, not as words of a string the query compares."""
    text = (
        "ex:R a sh:NodeShape ; aims:enforces iso42001:A.7.3 ; sh:targetClass aims:AISystem ;"
        ' sh:sparql [ sh:select """SELECT $this WHERE { $this rdfs:comment ?c .'
        ' FILTER(CONTAINS(?c, "bureau") || ?c = "data from a service") }""" ;'
        " sh:prefixes ex: ] . ex: sh:declare [ sh:prefix 'rdfs' ;"
        " sh:namespace 'http://www.w3.org/2000/01/rdf-schema#'^^<http://www.w3.org/2001/XMLSchema#anyURI> ] ."
    )
    key2 = register(http, "wordy", retarget("wordy"))
    r = http.put("/orgs/wordy/shapes", content=(PREFIXES + text).encode(), headers=ttl(key2))
    assert r.status_code == 200, r.text
    data = Graph().parse(data=retarget("wordy"), format="turtle")
    want = {("R", str(s)) for s, c in data.subject_objects(RDFS.comment) if "bureau" in str(c)}
    assert want and policy_findings(validation(http, "wordy", key2)) == want


def test_shapes_over_the_policy_limit_are_refused_before_any_check(
    http: httpx.Client, key: str, uploaded: dict[str, Any]
) -> None:
    """Policy shapes are capped far below a data upload: shapes for shapes runs on pyshacl."""
    from aims_graph.orgdata.service import MAX_SHAPES_TRIPLES

    rules = MAX_SHAPES_TRIPLES // 4 + 1  # four triples a rule: just over the limit
    text = "".join(
        f"ex:R{i} a sh:NodeShape ; aims:enforces iso42001:A.9.2 ; sh:targetClass aims:AISystem ;"
        f" sh:name 'rule {i}' .\n"
        for i in range(rules)
    )
    before = Graph().parse(data=http.get("/orgs/northwind/shapes", headers=bearer(key)).text)
    r = http.put("/orgs/northwind/shapes", content=(PREFIXES + text).encode(), headers=ttl(key))
    assert r.status_code == 413, r.text
    body = r.json()
    assert body["limit"] == "max_shapes_triples" and body["value"] == MAX_SHAPES_TRIPLES
    assert "policy shapes may hold" in body["detail"]
    after = Graph().parse(data=http.get("/orgs/northwind/shapes", headers=bearer(key)).text)
    assert isomorphic(after, before)

"""An organisation's own control set and mapping set on a real server: stored in its own graphs,
AI Act coverage through it (one covered obligation checked hop by hop), invisible to others."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import rdflib
from tests.orgdata_support import copy_of
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.catalog.frameworks import PRIVATE
from aims_graph.config import Settings
from aims_graph.orgdata.model import org_catalog_graphs_prefix, org_framework_graph_iri
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store

FIXTURES = Path(__file__).parent / "fixtures" / "org-controls"
CONTROLS = (FIXTURES / "acme-controls.csv").read_bytes()
MAPPINGS = (FIXTURES / "acme-controls--iso42001-2023.sssom.tsv").read_bytes()
REL_1 = "org.acme.controls:AC-REL-1"
OBLIGATION = "eu-ai-act:obl-AIA-9-8-PRV"
SYSTEMS = "id,name,purpose,role,risk_tier,annex_iii_use_case\nscore,Acme Score,Scores loan applicants.,provider,high-risk,annex-III-5-b\n"
SOA = (
    "control,framework,applicable,justification,status,evidence\n"
    "AC-REL-1,org.acme.controls,yes,Every release is tested.,implemented,EV-1\n"
)
EVIDENCE = (
    "id,title,kind,supports,date,valid_until\n"
    "EV-1,Release test report,technical-documentation,org.acme.controls:AC-REL-1,2026-11-01,2029-01-01\n"
)


@pytest.fixture(scope="module")
def store(built_store: Store) -> Iterator[OxigraphStore]:
    copy = copy_of(built_store)
    yield copy
    copy.close()


@pytest.fixture(scope="module")
def http(store: OxigraphStore) -> Iterator[httpx.Client]:
    graph = Graph(store, Settings(store="memory:"), loader.BuildReport())
    with uvicorn_server(create_app(graph)) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c


def _key(http: httpx.Client, org: str) -> dict[str, str]:
    r = http.post("/orgs", json={"id": org, "name": org.title()})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['api_key']}"}


@pytest.fixture(scope="module")
def keys(http: httpx.Client) -> dict[str, dict[str, str]]:
    a, b = _key(http, "acme"), _key(http, "bravo")
    r = http.put(
        "/orgs/acme/frameworks/controls",
        content=CONTROLS,
        params={"title": "Acme AI controls"},
        headers={**a, "Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    r = http.put(
        "/orgs/acme/mappings/to-iso42001",
        content=MAPPINGS,
        headers={**a, "Content-Type": "text/tab-separated-values"},
    )
    assert r.status_code == 201, r.text
    files = [
        ("files", (name, text.encode(), "text/csv"))
        for name, text in (("systems.csv", SYSTEMS), ("soa.csv", SOA), ("evidence.csv", EVIDENCE))
    ]
    r = http.put("/orgs/acme/data", files=files, headers=a)
    assert r.status_code == 200, r.text
    return {"a": a, "b": b}


def test_own_framework_and_set_are_listed_with_their_counts(
    http: httpx.Client, keys: dict[str, dict[str, str]]
) -> None:
    body = http.get("/orgs/acme/frameworks", headers=keys["a"]).json()
    [fw] = body["frameworks"]
    assert fw["id"] == "org.acme.controls"
    # Counted against the fixture itself: 3 categories, the rest controls.
    rows = CONTROLS.decode().splitlines()[1:]
    assert fw["counts"]["items"] == len(rows)
    assert fw["counts"]["control_category"] == sum(",control_category," in r for r in rows)
    [s] = body["mapping_sets"]
    stated = [r for r in MAPPINGS.decode().splitlines() if r.startswith("acme:")]
    assert s["mappings"] == sum("NoTermFound" not in r for r in stated)


def test_ai_act_coverage_through_the_own_control_set_hop_by_hop(
    http: httpx.Client, keys: dict[str, dict[str, str]]
) -> None:
    r = http.get(
        "/orgs/acme/coverage",
        params={"target": "eu-ai-act", "as_of": "2028-09-01"},
        headers=keys["a"],
    )
    assert r.status_code == 200, r.text
    items = {i["item"]: i for i in r.json()["items"]}
    covered = items[OBLIGATION]
    assert covered["verdict"] == "covered", covered
    r = http.get("/orgs/acme/explain", params={"from": REL_1, "to": OBLIGATION}, headers=keys["a"])
    [path] = r.json()["paths"]
    first, second = path["hops"]
    assert (first["subject"], first["relation"], first["object"]) == (
        REL_1,
        "superset-of",
        "iso42001:A.6.2.4",
    )
    assert first["set"] == "org.acme.to-iso42001" and first["comment"]
    assert (second["subject"], second["relation"], second["object"]) == (
        "iso42001:A.6.2.4",
        "superset-of",
        OBLIGATION,
    )
    assert second["set"] == "eu-ai-act--iso42001-2023"
    assert path["relation"] == "superset-of"
    # A subset-of then a superset-of composes to nothing: AC-OPS-1 reaches no obligation.
    rows = http.get(
        "/orgs/acme/crosswalk",
        params={"from": "org.acme.controls:AC-OPS-1", "to": "eu-ai-act", "derived": "true"},
        headers=keys["a"],
    ).json()["mappings"]
    assert rows == []


def test_nobody_else_sees_the_own_control_set(
    http: httpx.Client, keys: dict[str, dict[str, str]]
) -> None:
    g = org_framework_graph_iri("acme", "controls")
    q = {"query": f"SELECT (COUNT(*) AS ?n) FROM <{g}> WHERE {{ ?s ?p ?o }}"}
    h = {"Accept": "text/csv"}
    assert int(http.get("/sparql", params=q, headers={**h, **keys["a"]}).text.split()[-1]) > 0
    for other in ({}, keys["b"]):
        assert http.get("/sparql", params=q, headers={**h, **other}).text.split()[-1] == "0"
        r = http.get(
            "/sparql",
            params={
                "query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?s), 'org.acme')) } LIMIT 3"
            },
            headers={**h, **other},
        )
        assert "org.acme" not in r.text
    assert http.get("/crosswalk", params={"from": REL_1}).status_code == 404
    assert http.get("/orgs/acme/frameworks", headers=keys["b"]).status_code == 404
    assert http.get("/orgs/acme/crosswalk", params={"from": REL_1}).status_code == 401
    r = http.get("/orgs/bravo/crosswalk", params={"from": REL_1}, headers=keys["b"])
    assert r.status_code == 404 and "AC-REL-1" in r.text  # only its own words echoed
    assert "org.acme" not in http.get("/frameworks").text


def test_a_malformed_control_set_is_refused_and_changes_nothing(
    http: httpx.Client, keys: dict[str, dict[str, str]], store: OxigraphStore
) -> None:
    before = store.dump_graph(org_framework_graph_iri("acme", "controls"), "application/n-triples")
    broken = CONTROLS.decode().replace(
        "AC-REL-1,AC-REL,control,Verification", "AC-REL-1,AC-NOPE,control,Verification"
    )
    r = http.put(
        "/orgs/acme/frameworks/controls",
        content=broken.encode(),
        headers={**keys["a"], "Content-Type": "text/csv"},
    )
    assert r.status_code == 422, r.text
    [p] = [p for p in r.json()["problems"] if "AC-NOPE" in p["reason"]]
    assert p["where"] and p["fix"]
    after = store.dump_graph(org_framework_graph_iri("acme", "controls"), "application/n-triples")
    assert sorted(before.splitlines()) == sorted(after.splitlines())
    # The set still needs AC-REL-1: deleting the framework is refused.
    r = http.delete("/orgs/acme/frameworks/controls", headers=keys["a"])
    assert r.status_code == 409, r.text


def test_two_own_sets_of_the_same_editions_are_compared(
    http: httpx.Client, keys: dict[str, dict[str, str]]
) -> None:
    # A second reading of the same two editions: one pair dropped, one relation changed.
    lines = MAPPINGS.decode().splitlines(keepends=True)
    second = "".join(
        line.replace("skos:narrowMatch", "skos:exactMatch").replace("superset-of", "equal")
        if line.startswith("acme:AC-REL-1")
        else line
        for line in lines
        if not line.startswith("acme:AC-GOV-1\tAI policy owner\taims:intersects\tiso42001:A.3.2")
    ).replace("acme-controls--iso42001-2023", "acme-controls--iso42001-2023-review")
    r = http.put(
        "/orgs/acme/mappings/review",
        content=second.encode(),
        headers={**keys["a"], "Content-Type": "text/tab-separated-values"},
    )
    assert r.status_code == 201, r.text
    params = {"first": "org.acme.to-iso42001", "second": "org.acme.review"}
    r = http.get("/orgs/acme/compare", params=params, headers=keys["a"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["both"], body["first_only"], body["second_only"]) == (3, 1, 0)
    assert body["relations"]["same"] == 2
    [changed] = [d for d in body["disagreements"] if d["subject"] == REL_1]
    assert changed["first"]["relation"] == "superset-of"
    assert changed["second"]["relation"] == "equal"
    assert changed["first"]["comment"] and changed["second"]["comment"]
    # Nobody else can name them: not the public route, not another organisation.
    assert http.get("/compare", params=params).status_code == 404
    r = http.get("/orgs/bravo/compare", params=params, headers=keys["b"])
    assert r.status_code == 404
    assert http.delete("/orgs/acme/mappings/review", headers=keys["a"]).status_code == 204


def test_the_soa_may_name_own_controls(http: httpx.Client, keys: dict[str, dict[str, str]]) -> None:
    r = http.get("/orgs/acme/validation", params={"as_of": "2028-09-01"}, headers=keys["a"])
    assert r.status_code == 200, r.text
    entry = "https://w3id.org/aims-graph/org/acme/soa/org.acme.controls-AC-REL-1"
    rules = {f["rule"] for f in r.json()["findings"] if f["node"] == entry}
    # The row names AC-REL-1 of the own set, a control: only the missing owner is found.
    assert rules == {"ImplementedControlOwnerShape"}
    # The same row naming an item of the set that is no control (a category) is refused.
    soa = SOA.replace("AC-REL-1,org.acme.controls", "AC-REL,org.acme.controls")
    files = [
        ("files", (name, text.encode(), "text/csv"))
        for name, text in (("systems.csv", SYSTEMS), ("soa.csv", soa), ("evidence.csv", EVIDENCE))
    ]
    r = http.put("/orgs/acme/data", files=files, headers=keys["a"])
    assert r.status_code == 422 and "AC-REL" in r.text, r.text


def test_own_framework_downloads_in_rdf_and_as_an_oscal_catalog(
    http: httpx.Client, keys: dict[str, dict[str, str]]
) -> None:
    rows = CONTROLS.decode().splitlines()[1:]
    r = http.get("/orgs/acme/frameworks/controls", params={"format": "nt"}, headers=keys["a"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-triples")
    g = rdflib.Graph().parse(data=r.text, format="nt")
    items = set(g.subjects(rdflib.SKOS.inScheme, None))
    assert len(items) == len(rows)
    assert "editionRecord" not in r.text  # the store's bookkeeping stays in
    r = http.get("/orgs/acme/frameworks/controls", params={"format": "oscal"}, headers=keys["a"])
    assert r.status_code == 200, r.text
    trestle_catalog = pytest.importorskip("trestle.oscal.catalog")
    catalog = r.json()["catalog"]
    trestle_catalog.Catalog.model_validate(catalog)

    def count(node: dict[str, object], key: str) -> int:
        kids = [k for k in node.get(key, []) if isinstance(k, dict)]  # type: ignore[union-attr]
        return len(kids) + sum(count(k, "controls") for k in kids)

    groups = catalog.get("groups", [])
    controls = sum(count(grp, "controls") for grp in groups) + count(catalog, "controls")
    assert (len(groups), controls) == (
        sum(",control_category," in r for r in rows),
        sum(",control," in r for r in rows),
    )
    # Another organisation's key, or none: as if it did not exist.
    assert http.get("/orgs/acme/frameworks/controls", headers=keys["b"]).status_code == 404
    assert http.get("/orgs/acme/frameworks/controls").status_code == 401


def test_deleting_the_organisation_drops_its_own_editions_and_sets(
    http: httpx.Client, store: OxigraphStore
) -> None:
    c = _key(http, "charlie")
    r = http.put(
        "/orgs/charlie/frameworks/controls",
        content=CONTROLS,
        headers={**c, "Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    own_set = MAPPINGS.decode().replace("org.acme.", "org.charlie.").encode()
    r = http.put(
        "/orgs/charlie/mappings/to-iso42001",
        content=own_set,
        headers={**c, "Content-Type": "text/tab-separated-values"},
    )
    assert r.status_code == 201, r.text
    prefix = org_catalog_graphs_prefix("charlie")
    assert len([g for g in store.graphs() if g.startswith(prefix)]) == 2
    assert "org.charlie.controls" in PRIVATE
    assert http.delete("/orgs/charlie", headers=c).status_code == 204
    assert not [g for g in store.graphs() if g.startswith(prefix)]
    assert "org.charlie.controls" not in PRIVATE
    # Registered again, the name starts empty.
    c = _key(http, "charlie")
    assert http.get("/orgs/charlie/frameworks", headers=c).json() == {
        "frameworks": [],
        "mapping_sets": [],
    }

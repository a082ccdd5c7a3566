"""Every named query in queries/*.rq, run over HTTP on the real graph, with expected rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import rdflib
from tests.remote_engines import SLOW_ENGINES, built_remote_store
from tests.servers import uvicorn_server

from aims_graph import queries, resources
from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.catalog.frameworks import FRAMEWORKS
from aims_graph.config import Settings
from aims_graph.coverage import CoverageEngine, org_controls
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.namespaces import AIMS, ID
from aims_graph.queries import PARAM_TYPES, load_catalog
from aims_graph.service import Graph
from aims_graph.store import Store

EU = f"{ID}eu-ai-act/"
AS_OF = date(2026, 11, 28)
PROVIDER, DEPLOYER, HIGH_RISK = f"{EU}actor-provider", f"{EU}actor-deployer", f"{EU}tier-high-risk"
Rows = list[dict[str, Any]]


def iri(edition: str, ref: str) -> str:
    return f"{ID}{edition}/{ref}"


@pytest.fixture(scope="module")
def northwind() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.examples_dir() / "northwind.ttl")


@pytest.fixture(scope="module")
def engine(built_store: Store) -> CoverageEngine:
    return CoverageEngine(MappingService.from_store(built_store), built_store)


@pytest.fixture(scope="module", params=["memory", *SLOW_ENGINES])
def client(request: pytest.FixtureRequest, built_store: Store) -> Iterator[httpx.Client]:
    """The API over the embedded store, or over a sparql: store on each real SPARQL server."""
    with ExitStack() as stack:
        store = built_store
        if request.param != "memory":
            store = stack.enter_context(built_remote_store(request.param))
        graph = Graph(store, Settings(store="memory:"), loader.BuildReport())
        base = stack.enter_context(uvicorn_server(create_app(graph)))
        yield stack.enter_context(httpx.Client(base_url=base, timeout=60))


def run(client: httpx.Client, name: str, **params: Any) -> Rows:
    r = client.get(f"/queries/{name}", params=params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["query"] == name and body["count"] == len(body["rows"])
    for row in body["rows"]:
        assert set(row) <= set(body["columns"])
    rows: Rows = body["rows"]
    return rows


def pairs(rows: Rows, a: str, b: str) -> set[tuple[Any, Any]]:
    return {(r.get(a), r.get(b)) for r in rows}


# ---- one check per query: name → (parameters, what the real data must give) -----------------


def check_crosswalk(rows: Rows) -> None:
    a829 = [r for r in rows if r["object"] == iri("iso27001-2022", "A.8.29")]
    assert a829 and a829[0]["relation"] == str(AIMS.intersectsWith)
    assert a829[0]["set"].endswith("/iso42001-2023--iso27001-2022-annex-a")
    assert all(r["target"] == f"{ID}iso27001-2022" for r in rows)


def check_crosswalk_derived(rows: Rows) -> None:
    # GOVERN 2.1 -> 42001 7.1 -> (HS equal) 27001 7.1
    hit = {r["object"]: r for r in rows}[iri("iso27001-2022", "7.1")]
    assert hit["hops"] == 2 and 0 < hit["confidence"] < 1


def check_outline(rows: Rows) -> None:
    by_item = {r["item"]: r for r in rows}
    assert len(by_item) == 95  # 4 functions, 19 categories, 72 subcategories
    assert by_item[iri("nist-ai-rmf-1.0", "GOVERN-1.1")]["parent"] == iri(
        "nist-ai-rmf-1.0", "GOVERN-1"
    )
    assert "parent" not in by_item[iri("nist-ai-rmf-1.0", "GOVERN")]


def check_gai(rows: Rows) -> None:
    assert len(rows) >= 10
    assert all(r["risk"] == iri("nist-ai-600-1", "risk-confabulation") for r in rows)
    assert all(r["subcategory"].startswith(iri("nist-ai-rmf-1.0", "")) for r in rows)
    assert ("GOVERN 1.3", "GV-1.3-002") in pairs(rows, "subcategoryNotation", "actionNotation")


def check_27001_migration(rows: Rows) -> None:
    got = pairs(rows, "fromNotation", "toNotation")
    assert ("A.9.2.5", "A.5.18") in got and ("A.13.2.1", "A.5.14") in got
    assert all(r["to"].startswith(iri("iso27001-2022", "")) for r in rows)


def check_27701_migration(rows: Rows) -> None:
    got = pairs(rows, "fromNotation", "toNotation")
    assert ("A.7.2.1", "A.1.2.2") in got and ("B.8.2.1", "A.2.2.2") in got


def check_42001_for_article(rows: Rows) -> None:
    assert {r["obligation"] for r in rows} >= {f"{EU}obl-AIA-9-1-PRV"}
    assert (f"{EU}obl-AIA-9-1-PRV", "6.1.2") in pairs(rows, "obligation", "isoNotation")
    assert all(r["iso"].startswith(iri("iso42001-2023", "")) for r in rows)
    assert all(r.get("justification") for r in rows)


def check_item_details(rows: Rows) -> None:
    (row,) = rows
    assert row["kind"] == str(AIMS.Control) and row["parent"] == iri("iso42001-2023", "A.6.2")
    assert row["label"] == "AI system verification and validation" and row["summary"]


def check_keyword(rows: Rows) -> None:
    items = {r["item"] for r in rows}
    assert {iri("iso42001-2023", "6.1.4"), iri("iso42001-2023", "A.5.2"), f"{EU}art-27"} <= items


def check_density(rows: Rows) -> None:
    assert {r["relation"] for r in rows} <= {
        str(AIMS[n]) for n in ("equal", "subsetOf", "supersetOf", "intersectsWith")
    }
    assert sum(r["mappings"] for r in rows) > 200
    assert all(r["sourceItems"] <= 72 and r["targetItems"] > 0 for r in rows)


def check_sets(rows: Rows) -> None:
    sets = {r["set"].rsplit("/", 1)[-1]: r for r in rows}
    assert {"nist-ai-rmf-1.0--iso42001-2023", "iso27001-2013--iso27001-2022", "derived"} <= set(
        sets
    )
    nist = sets["nist-ai-rmf-1.0--iso42001-2023"]
    assert "nist.gov" in nist["source"]
    # Each set counts each of its file's rows once, however many sources it cites (a set citing
    # two was counted twice), and names the same source on every backend.
    for path in sorted(resources.mappings_dir().glob("*.sssom.tsv")):
        lines = [line for line in path.read_text().splitlines() if line and line[0] != "#"]
        row = sets[path.name.removesuffix(".sssom.tsv")]
        assert row["mappings"] == len(lines) - 1, path.name  # less the header
    multi = sets["iso27701-2019--iso27701-2025"]
    assert multi["sources"] == 2 and multi["source"] == min(
        "https://www.iso.org/standard/27701", "https://www.iso.org/standard/71670.html"
    )


def check_dates(rows: Rows) -> None:
    assert {r["actor"] for r in rows} == {DEPLOYER}
    art26 = {
        (r["scope"], r["status"]): r["appliesFrom"] for r in rows if r["notation"] == "AIA-26-1-DEP"
    }
    assert art26[("Annex III systems", str(AIMS.Original))] == "2026-08-02"
    assert art26[("Annex III systems", str(AIMS.Amended))] == "2027-12-02"


def check_as_of(rows: Rows) -> None:
    notations = {r["notation"] for r in rows}
    assert "AIA-9-1-PRV" not in notations  # deferred by Reg. (EU) 2026/1744 to 2027-12-02
    assert "AIA-4-PRV" in notations  # AI literacy (any tier) applies since 2025-02-02
    assert all(r["appliesFrom"] <= "2026-08-02" for r in rows)


def check_annex_iii_area(rows: Rows) -> None:
    assert all(r["area"] == f"{EU}annex-III-4" for r in rows)
    cases = {r["useCase"] for r in rows}
    assert f"{EU}annex-III-4-a" in cases
    deployer = [r for r in rows if r["actor"] == DEPLOYER and r["useCase"] == f"{EU}annex-III-4-a"]
    assert deployer and deployer[0]["obligations"] > 5


def check_path(rows: Rows) -> None:
    via = {r.get("via") for r in rows}
    assert iri("iso42001-2023", "4.1") in via
    assert all(r["from"] == iri("nist-ai-rmf-1.0", "GOVERN-1.1") for r in rows)


def check_unmapped(rows: Rows) -> None:
    items = {r["item"] for r in rows}
    assert iri("iso42001-2023", "A.6.2.4") not in items
    assert all(r["framework"] == f"{ID}iso42001-2023" for r in rows)
    assert str(AIMS.Annex) not in {r["kind"] for r in rows}


def check_why(rows: Rows) -> None:
    (row,) = rows
    assert row["relation"] == str(AIMS.intersectsWith) and row["set"].endswith("--iso42001-2023")
    assert "Erratum" in row["comment"]


def check_coverage(rows: Rows) -> None:
    verdicts = {r["item"]: r["verdict"] for r in rows}
    assert len(verdicts) == len(rows) == 72  # every NIST AI RMF subcategory, once
    # A.2.2 and A.2.4 map to GOVERN 1.1 as intersects-with: partly, never covered.
    assert verdicts[iri("nist-ai-rmf-1.0", "GOVERN-1.1")] == "partly"
    assert set(verdicts.values()) <= {"covered", "partly", "gap"}
    assert all(r["target"] == f"{ID}nist-ai-rmf-1.0" for r in rows)


def check_gaps(rows: Rows) -> None:
    items = {r["item"] for r in rows}
    assert iri("nist-ai-rmf-1.0", "GOVERN-1.1") not in items
    assert 0 < len(items) < 72 and all(
        r["item"].startswith(iri("nist-ai-rmf-1.0", "")) for r in rows
    )


ORG_CONTROLS = {
    "target": "nist-ai-rmf",
    "implemented": "iso42001:A.2.2,iso42001:A.2.4",
    "partial": "iso42001:A.6.2.8",
}

CASES: dict[str, tuple[dict[str, Any], Callable[[Rows], None]]] = {
    "coverage": (ORG_CONTROLS, check_coverage),
    "crosswalk": ({"item": "iso42001:A.6.2.4", "target": "iso27001"}, check_crosswalk),
    "crosswalk-derived": (
        {"item": "nist-ai-rmf:GOVERN-2.1", "target": "iso27001"},
        check_crosswalk_derived,
    ),
    "framework-outline": ({"framework": "nist-ai-rmf"}, check_outline),
    "gaps": (ORG_CONTROLS, check_gaps),
    "gai-risk-actions": ({"risk": "nist-ai-600-1:risk-confabulation"}, check_gai),
    "iso27001-2013-to-2022": (
        {"controls": "iso27001-2013:A.9.2.5,iso27001-2013:A.13.2.1"},
        check_27001_migration,
    ),
    "iso27701-2019-to-2025": (
        {"items": ["iso27701-2019:A.7.2.1", "iso27701-2019:B.8.2.1"]},  # repeated keys
        check_27701_migration,
    ),
    "iso42001-for-ai-act-article": ({"article": "eu-ai-act:Article 9"}, check_42001_for_article),
    "item-details": ({"item": iri("iso42001-2023", "A.6.2.4")}, check_item_details),
    "items-by-keyword": ({"keyword": "Impact Assessment"}, check_keyword),
    "mapping-density": ({"source": "nist-ai-rmf", "target": "iso42001"}, check_density),
    "mapping-sets": ({}, check_sets),
    "obligation-dates": ({"actor": DEPLOYER}, check_dates),
    "obligations-as-of": (
        {"actor": PROVIDER, "tier": HIGH_RISK, "asOf": "2026-08-02"},
        check_as_of,
    ),
    "obligations-by-annex-iii-area": ({"area": "eu-ai-act:annex-III-4"}, check_annex_iii_area),
    "path-between": ({"from": "nist-ai-rmf:GOVERN-1.1", "to": "iso27001:4.1"}, check_path),
    "unmapped-items": ({"framework": "iso42001"}, check_unmapped),
    "why-mapped": ({"from": "nist-ai-rmf:MAP-1.4", "to": "iso42001:A.10.4"}, check_why),
}


def test_every_query_file_has_a_test() -> None:
    names = {p.stem for p in resources.queries_dir().glob("*.rq")}
    assert names, "no queries found"
    missing = sorted(names - set(CASES))
    assert not missing, f"named queries without a test in {__file__}: {missing}"
    assert not set(CASES) - names, "tests for queries that no longer exist"


#: Named queries Virtuoso 7.2.5 answers wrongly: its MINUS removes every solution when the
#: MINUS side binds the shared variable with BIND (`MINUS { BIND (<x> AS ?item) }`).
VIRTUOSO_WRONG = {"gaps"}


def engine_of(request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params.get("client", "memory"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_named_query(client: httpx.Client, name: str, request: pytest.FixtureRequest) -> None:
    if engine_of(request) == "virtuoso" and name in VIRTUOSO_WRONG:
        reason = "Virtuoso 7.2.5: MINUS { BIND (<x> AS ?item) } removes every solution"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    params, check = CASES[name]
    rows = run(client, name, **params)
    assert rows, f"{name} returned no rows"
    check(rows)


def test_every_header_documents_its_params() -> None:
    for query in load_catalog().values():
        assert query.summary and len(query.summary) < 120, query.name
        for p in query.params:
            assert p.type in PARAM_TYPES and p.description and p.example, (query.name, p.name)


def test_every_example_runs(client: httpx.Client, request: pytest.FixtureRequest) -> None:
    listed = client.get("/queries").json()
    assert {q["name"] for q in listed} == set(CASES)
    # test_named_query shows those (xfail, strict); the others must all run here.
    wrong = VIRTUOSO_WRONG if engine_of(request) == "virtuoso" else set()
    for q in listed:
        if q["name"] in wrong:
            continue
        assert q["summary"] and all(p["type"] and p["example"] for p in q["params"])
        r = client.get(q["example_url"])
        assert r.status_code == 200, (q["name"], r.text)
        assert r.json()["count"] > 0, f"{q['name']}: its header example finds nothing"


def test_obligations_as_of_amendment_effect(client: httpx.Client) -> None:
    def notations(day: str) -> set[str]:
        rows = run(client, "obligations-as-of", actor=PROVIDER, tier=HIGH_RISK, asOf=day)
        return {r["notation"] for r in rows}

    before, day_one, later = (
        notations("2026-07-01"),
        notations("2026-08-02"),
        notations("2028-01-01"),
    )
    assert "AIA-9-1-PRV" not in day_one and "AIA-9-1-PRV" in later
    assert before <= day_one < later
    rows = run(client, "obligations-as-of", actor=PROVIDER, tier=HIGH_RISK, asOf="2028-01-01")
    art9 = [r for r in rows if r["notation"] == "AIA-9-1-PRV"]
    assert [(r["scope"], r["status"], r["appliesFrom"]) for r in art9] == [
        ("Annex III systems", str(AIMS.Amended), "2027-12-02")
    ]
    assert "2026/1744" in art9[0]["legalBasis"]


def test_csv_on_accept(client: httpx.Client) -> None:
    r = client.get(
        "/queries/iso27001-2013-to-2022",
        params={"controls": "iso27001-2013:A.9.2.5"},
        headers={"Accept": "text/csv"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(r.text)))
    assert table[0]["toNotation"] == "A.5.18" and "relation" in table[0]


def test_values_are_bound_not_pasted(client: httpx.Client) -> None:
    nasty = '") } } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o FILTER("'
    assert run(client, "items-by-keyword", keyword=nasty) == []
    r = client.get("/queries/item-details", params={"item": "<https://x> } UNION { ?s ?p ?o"})
    assert r.status_code in (400, 404) and r.headers["content-type"].startswith(
        "application/problem+json"
    )


def test_named_query_errors(client: httpx.Client) -> None:
    r = client.get("/queries/crosswalks")
    assert r.status_code == 404 and r.json()["close_matches"][0] == "crosswalk"
    r = client.get("/queries/crosswalk", params={"item": "iso42001:A.6.2.4"})
    assert r.status_code == 400 and "target" in r.json()["detail"]
    r = client.get("/queries/crosswalk", params={"item": "iso42001:A.6.2.4", "target": "x", "z": 1})
    assert r.status_code == 400 and "unknown parameter" in r.json()["detail"]
    r = client.get(
        "/queries/obligations-as-of",
        params={"actor": PROVIDER, "tier": HIGH_RISK, "asOf": "next week"},
    )
    assert r.status_code == 400 and "asOf" in r.json()["detail"]
    r = client.get("/queries/crosswalk", params={"item": "iso42001:Q.9", "target": "iso27001"})
    assert r.status_code == 404 and r.json()["type"].endswith("/unknown-item")
    r = client.get("/queries/mapping-sets", headers={"Accept": "image/png"})
    assert r.status_code == 406


@pytest.mark.parametrize(
    "target",
    [f.slug for f in FRAMEWORKS if f.slug != "eu-ai-act"],  # the AI Act's targets need the org
)
def test_coverage_and_gaps_equal_the_engine_on_northwind(
    built_store: Store, engine: CoverageEngine, northwind: rdflib.Graph, target: str
) -> None:
    report = engine.coverage(northwind, target, as_of=AS_OF)
    want = {v.item.iri: v.verdict for v in report.items}
    controls = org_controls(northwind, AS_OF)
    args: dict[str, str | list[str]] = {
        "target": target,
        "implemented": [c.iri for c in controls if c.strength == "full"],
        "partial": [c.iri for c in controls if c.strength == "partial"],
    }
    catalog = load_catalog()

    def resolve(text: str) -> str:
        return engine.mappings.resolve(text).iri

    rows = queries.run(built_store, catalog["coverage"], args, resolve)
    assert {r["item"].value: r["verdict"].value for r in rows} == want
    gaps = queries.run(built_store, catalog["gaps"], args, resolve)
    assert {r["item"].value for r in gaps} == {i for i, v in want.items() if v == "gap"}
    if target == "iso42001-2023":  # the controls' own framework: covered by being the item
        assert {"covered", "partly", "gap"} <= set(want.values())


def test_list_parameters_fill_inline_values_blocks() -> None:
    query = queries.NamedQuery(
        "two-lists",
        "two lists",
        "",
        (
            queries.Param("a", "item_list", "first", "x"),
            queries.Param("b", "item_list", "second", "y", required=False),
        ),
        "SELECT * WHERE { { VALUES ?a {} } UNION { VALUES ?a { } ?s ?p ?a } UNION { VALUES ?b {} } }",
        Path("two-lists.rq"),
    )
    text, _ = queries.bind(query, {"a": "https://x.org/1,https://x.org/2"}, str)
    assert text.count("VALUES ?a { <https://x.org/1> <https://x.org/2> }") == 2
    assert "VALUES ?b {}" in text and "\nVALUES" not in text  # b left empty, nothing appended
    plain = queries.NamedQuery(
        "one-list",
        "one list",
        "",
        (queries.Param("a", "item_list", "", "x"),),
        "SELECT * {}",
        Path("one-list.rq"),
    )
    text, _ = queries.bind(plain, {"a": ["https://x.org/1"]}, str)
    assert text == "SELECT * {}\nVALUES ?a { <https://x.org/1> }"  # trailing, as before

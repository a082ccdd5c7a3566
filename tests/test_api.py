"""The JSON API over a real uvicorn server on the real graph: every endpoint, format and error."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.namespaces import AIMS, ID
from aims_graph.service import Graph
from aims_graph.store import Store

PROBLEMS = "https://w3id.org/aims-graph/problems/"
A624 = f"{ID}iso42001-2023/A.6.2.4"
JSON_API_PATHS = (
    "/frameworks",
    "/frameworks/{id}",
    "/frameworks/{id}/items",
    "/items/{item}",
    "/crosswalk",
    "/explain",
    "/search",
    "/matrix",
    "/obligations",
    "/queries",
    "/queries/crosswalk",
    "/queries/why-mapped",
    "/context.jsonld",
)


@pytest.fixture(scope="module")
def client(built_store: Store) -> Iterator[httpx.Client]:
    graph = Graph(built_store, Settings(store="memory:", api_page_size=50), loader.BuildReport())
    with uvicorn_server(create_app(graph)) as base, httpx.Client(base_url=base) as c:
        yield c


def ok(r: httpx.Response) -> Any:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def problem(r: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = r.json()
    assert body["type"] == PROBLEMS + slug
    assert body["status"] == status and body["title"] and body["detail"]
    return body


# ---- frameworks --------------------------------------------------------------------------


def test_frameworks_list_every_edition(client: httpx.Client) -> None:
    body = ok(client.get("/frameworks"))
    ids = [f["id"] for f in body]
    assert ids[0] == "iso42001-2023" and "eu-ai-act" in ids and "nist-ai-600-1" in ids
    assert len(ids) == 10  # 8 before NIST CSF 2.0 and SP 800-53 Rev. 5 shipped
    assert all(f["total"] > 0 for f in body)


def test_framework_counts_by_kind(client: httpx.Client) -> None:
    fw = ok(client.get("/frameworks/iso42001"))
    assert fw["id"] == "iso42001-2023" and fw["kind"] == "Framework"
    assert sum(fw["counts"].values()) == fw["total"]
    assert fw["counts"]["Control"] == 38 and fw["counts"]["Clause"] == 7
    assert [t["curie"] for t in fw["top_concepts"]][:2] == ["iso42001:4", "iso42001:5"]
    controls = ok(client.get("/frameworks/iso42001-2023/items", params={"kind": "Control"}))
    assert controls["total"] == fw["counts"]["Control"]


def test_unknown_framework_is_404(client: httpx.Client) -> None:
    body = problem(client.get("/frameworks/iso9001"), 404, "unknown-framework")
    assert "iso42001-2023" in body["detail"]


def test_items_tree_pages_with_link_next(client: httpx.Client) -> None:
    first = client.get("/frameworks/nist-ai-rmf/items", params={"limit": 20})
    page = ok(first)
    total = page["total"]
    assert total > 60 and len(page["items"]) == 20
    assert first.headers["link"] == f'<{page["next"]}>; rel="next"'
    seen = [i["curie"] for i in page["items"]]
    # The tree in document order: the function, then its first category and subcategories.
    assert seen[:3] == ["nist-ai-rmf:GOVERN", "nist-ai-rmf:GOVERN-1", "nist-ai-rmf:GOVERN-1.1"]
    assert page["items"][2]["parent"] == "nist-ai-rmf:GOVERN-1"
    assert page["items"][0]["children_count"] >= 6 and page["items"][0]["depth"] == 0
    url = page["next"]
    while url:
        r = client.get(url)
        page = ok(r)
        seen += [i["curie"] for i in page["items"]]
        url = page["next"]
        assert ("link" in r.headers) == bool(url)
    assert len(seen) == len(set(seen)) == total
    assert ok(client.get("/frameworks/nist-ai-rmf/items", params={"offset": total}))["items"] == []


def test_items_tree_filters(client: httpx.Client) -> None:
    kids = ok(client.get("/frameworks/iso42001/items", params={"parent": "A.6.2"}))
    assert [i["notation"] for i in kids["items"]] == [f"A.6.2.{n}" for n in range(2, 9)]
    subcats = ok(client.get("/frameworks/nist-ai-rmf/items", params={"kind": "subcategory"}))
    assert subcats["total"] == 72 and {i["kind"] for i in subcats["items"]} == {"Subcategory"}
    body = problem(
        client.get("/frameworks/nist-ai-rmf/items", params={"kind": "Article"}),
        404,
        "unknown-kind",
    )
    assert "Subcategory" in body["detail"]
    problem(client.get("/frameworks/iso42001/items", params={"parent": "Z.1"}), 404, "unknown-item")
    body = problem(
        client.get("/frameworks/iso42001/items", params={"limit": 0}), 422, "validation-error"
    )
    assert body["errors"][0]["parameter"] == "limit"


# ---- items ---------------------------------------------------------------------------------


def test_item_by_curie_iri_and_notation(client: httpx.Client) -> None:
    by_curie = ok(client.get("/items/iso42001:A.6.2.4"))
    by_iri = ok(client.get(f"/items/{A624}"))
    by_prefixed_notation = ok(client.get("/items/iso42001-2023:A.6.2.4"))
    assert by_curie == by_iri == by_prefixed_notation
    assert ok(client.get("/items/" + quote("GOVERN 1.1")))["curie"] == "nist-ai-rmf:GOVERN-1.1"
    art = ok(client.get("/items/eu-ai-act:Art.9(1)"))
    assert art["iri"] == f"{ID}eu-ai-act/art-9-1" and art["notation"] == "Article 9(1)"


def test_item_details_and_mappings(client: httpx.Client) -> None:
    item = ok(client.get("/items/iso42001:A.6.2.4"))
    assert item["label"] == "AI system verification and validation" and item["kind"] == "Control"
    assert item["summary"] and item["source"].startswith("https://www.iso.org/")
    assert [p["curie"] for p in item["parents"]] == ["iso42001:A.6.2"]
    out = {m["object"]: m for m in item["mappings_out"]}
    assert out["iso27001:A.8.29"]["relation"] == "intersects-with"
    assert out["iso27001:A.8.29"]["set"] == "iso42001-2023--iso27001-2022-annex-a"
    assert 0 < out["iso27001:A.8.29"]["confidence"] <= 1
    assert out["iso27001:A.8.29"]["justification"].startswith("semapv:")
    incoming = {m["subject"] for m in item["mappings_in"]}
    assert all(m["object"] == "iso42001:A.6.2.4" for m in item["mappings_in"])
    assert any(s.startswith(("nist-ai-rmf:", "eu-ai-act:")) for s in incoming)
    target = ok(client.get("/items/iso27001:A.8.29"))
    assert any(m["subject"] == "iso42001:A.6.2.4" for m in target["mappings_in"])
    parent = ok(client.get("/items/iso42001:A.6.2"))
    assert "iso42001:A.6.2.4" in [c["curie"] for c in parent["children"]]


def test_item_derived_mappings_carry_their_chain(client: httpx.Client) -> None:
    # GOVERN 2.1 reaches 27001 through 42001 HS clauses that are equal (5.3, 7.1-7.4).
    item = ok(client.get("/items/nist-ai-rmf:GOVERN-2.1"))
    derived = item["derived_mappings"]
    assert derived and all(d["derived"] and len(d["chain"]) >= 2 for d in derived)
    for d in derived:
        chain = d["chain"]
        assert chain[0]["subject"] == d["subject"] and chain[-1]["object"] == d["object"]
        assert all(a["object"] == b["subject"] for a, b in itertools.pairwise(chain))
        assert d["justification"] == "semapv:MappingChaining"


def test_unknown_and_ambiguous_items(client: httpx.Client) -> None:
    body = problem(client.get("/items/iso42001:A.6.2.44"), 404, "unknown-item")
    assert "iso42001:A.6.2.4" in body["close_matches"]
    assert body["instance"] == "/items/iso42001:A.6.2.44"
    problem(client.get("/items/https://example.org/nothing"), 404, "unknown-item")
    body = problem(client.get("/items/A.5.1"), 300, "ambiguous-item")
    assert "ambiguous" in body["detail"]
    assert len(body["choices"]) > 1 and all(c.endswith(":A.5.1") for c in body["choices"])


# ---- crosswalk, explain, matrix ---------------------------------------------------------------


def test_crosswalk(client: httpx.Client) -> None:
    body = ok(client.get("/crosswalk", params={"from": "iso42001:A.6.2.4", "to": "iso27001"}))
    assert body["target"] == "iso27001-2022" and body["count"] == len(body["mappings"])
    assert "iso27001:A.8.29" in {m["object"] for m in body["mappings"]}
    assert all(m["object"].startswith("iso27001:") and not m["derived"] for m in body["mappings"])
    everything = ok(client.get("/crosswalk", params={"from": A624}))
    assert everything["target"] is None and everything["count"] >= body["count"]


def test_crosswalk_derived_and_min_confidence(client: httpx.Client) -> None:
    params = {"from": "nist-ai-rmf:GOVERN-2.1", "to": "iso27001"}
    stated = ok(client.get("/crosswalk", params=params))
    derived = ok(client.get("/crosswalk", params={**params, "derived": "true"}))
    extra = [m for m in derived["mappings"] if m["derived"]]
    assert extra and not any(m["derived"] for m in stated["mappings"])
    assert all(m["chain"] and m["set"] == "derived" for m in extra)
    floor = min(m["confidence"] for m in extra) + 0.001
    high = ok(
        client.get("/crosswalk", params={**params, "derived": "true", "min_confidence": floor})
    )
    assert all(m["confidence"] >= floor for m in high["mappings"])
    assert high["count"] < derived["count"]


def test_crosswalk_errors(client: httpx.Client) -> None:
    problem(client.get("/crosswalk"), 422, "validation-error")
    problem(
        client.get("/crosswalk", params={"from": A624, "min_confidence": 2}),
        422,
        "validation-error",
    )
    problem(
        client.get("/crosswalk", params={"from": A624, "to": "iso9001"}), 404, "unknown-framework"
    )
    problem(client.get("/crosswalk", params={"from": "iso42001:Q.1"}), 404, "unknown-item")


def test_explain(client: httpx.Client) -> None:
    body = ok(
        client.get("/explain", params={"from": "nist-ai-rmf:GOVERN-1.1", "to": "iso27001:4.1"})
    )
    assert body["subject"] == "nist-ai-rmf:GOVERN-1.1" and body["object"] == "iso27001:4.1"
    assert body["paths"]
    for path in body["paths"]:
        hops = path["hops"]
        assert hops[0]["subject"] == body["subject"] and hops[-1]["object"] == body["object"]
        assert all(h["set"] and h["relation"] for h in hops)
    problem(
        client.get("/explain", params={"from": A624, "to": A624, "max_hops": 9}),
        422,
        "validation-error",
    )


def test_matrix(client: httpx.Client) -> None:
    body = ok(client.get("/matrix"))
    assert body["frameworks"][0] == "iso42001-2023"
    pairs = {(p["first"], p["second"]): p for p in body["pairs"]}
    nist = pairs[("iso42001-2023", "nist-ai-rmf-1.0")]
    assert nist["mappings"] == sum(nist["by_relation"].values()) > 200
    assert 0 < nist["first_share"] <= 1
    assert pairs[("iso27001-2022", "iso27001-2013")]["mappings"] > 100


# ---- search --------------------------------------------------------------------------------


def test_search_ranking(client: httpx.Client) -> None:
    hits = ok(client.get("/search", params={"q": "A.6.2.4"}))["hits"]
    assert hits[0]["match"] == "notation"
    assert "iso42001:A.6.2.4" in [h["curie"] for h in hits if h["match"] == "notation"]
    prefix = ok(client.get("/search", params={"q": "iso42001:A.6.2", "limit": 50}))
    assert prefix["framework"] == "iso42001-2023"
    assert prefix["hits"][0]["curie"] == "iso42001:A.6.2"
    assert {h["match"] for h in prefix["hits"][1:]} == {"notation-prefix"}
    words = ok(client.get("/search", params={"q": "impact assessment", "limit": 200}))
    order = ["notation", "notation-prefix", "label", "summary"]
    ranks = [order.index(h["match"]) for h in words["hits"]]
    assert ranks == sorted(ranks) and ranks[0] == 2 and ranks[-1] == 3
    assert "iso42001:A.5.2" in [h["curie"] for h in words["hits"] if h["match"] == "label"]
    one = ok(client.get("/search", params={"q": "impact assessment", "framework": "eu-ai-act"}))
    assert one["hits"] and {h["framework"] for h in one["hits"]} == {"eu-ai-act"}


def test_search_errors(client: httpx.Client) -> None:
    problem(client.get("/search"), 422, "validation-error")
    problem(client.get("/search", params={"q": ""}), 422, "validation-error")
    problem(client.get("/search", params={"q": " "}), 400, "bad-parameter")
    assert ok(client.get("/search", params={"q": "zzqx-nothing"}))["total"] == 0


# ---- obligations ---------------------------------------------------------------------------


def _obligations(client: httpx.Client, **params: str) -> dict[str, dict[str, Any]]:
    body = ok(client.get("/obligations", params=params))
    return {o["notation"]: o for o in body["obligations"]}


def test_obligations_as_of_shows_the_amendment(client: httpx.Client) -> None:
    who = {"actor": "provider", "tier": "high-risk"}
    on_2026 = _obligations(client, **who, as_of="2026-08-02")
    on_2028 = _obligations(client, **who, as_of="2028-01-01")
    # The 2024 text applied Art. 9 to Annex III systems from 2026-08-02; Reg. (EU) 2026/1744,
    # law from 2026-07-27, moved that to 2027-12-02.
    assert "AIA-9-1-PRV" not in on_2026 and "AIA-9-1-PRV" in on_2028
    scopes = {s["scope"]: s for s in on_2028["AIA-9-1-PRV"]["scopes"]}
    annex3 = scopes["Annex III systems"]
    assert annex3["applies"] and annex3["status"] == "amended"
    assert (
        annex3["applies_from"] == "2027-12-02" and annex3["original_applies_from"] == "2026-08-02"
    )
    assert (
        "2026/1744" in annex3["legal_basis"] and annex3["amended_by"] == "eu-ai-act:reg-2026-1744"
    )
    assert not scopes["Annex I products"]["applies"]
    # AI literacy (any tier) applies throughout; its record is the amended one after 2026-07-27.
    assert on_2026["AIA-4-PRV"]["tier"] == "any" and on_2026["AIA-4-PRV"]["applies"]
    assert len(on_2028) > len(on_2026)


def test_obligations_pending_and_original_record(client: httpx.Client) -> None:
    who = {"actor": "provider", "tier": "high-risk"}
    pending = _obligations(client, **who, as_of="2026-08-02", include_pending="true")
    art9 = {s["scope"]: s for s in pending["AIA-9-1-PRV"]["scopes"]}["Annex III systems"]
    assert not art9["applies"] and art9["applies_from"] == "2027-12-02"
    before = _obligations(client, **who, as_of="2026-07-01", include_pending="true")
    art9 = {s["scope"]: s for s in before["AIA-9-1-PRV"]["scopes"]}["Annex III systems"]
    assert art9["status"] == "original" and art9["applies_from"] == "2026-08-02"
    assert art9["legal_basis"].endswith("Regulation (EU) 2024/1689")
    only_tier = _obligations(client, **who, as_of="2026-08-02", include_any_tier="false")
    assert "AIA-4-PRV" not in only_tier


def test_obligations_errors(client: httpx.Client) -> None:
    problem(client.get("/obligations", params={"as_of": "2026-13-01"}), 400, "bad-parameter")
    body = problem(client.get("/obligations", params={"actor": "wizard"}), 404, "unknown-actor")
    assert "provider" in body["detail"] and "provider" in body["close_matches"]
    problem(client.get("/obligations", params={"tier": "medium"}), 404, "unknown-risk-tier")


# ---- JSON-LD -------------------------------------------------------------------------------


def _jsonld(client: httpx.Client, path: str, **params: Any) -> rdflib.Graph:
    r = client.get(path, params=params, headers={"Accept": "application/ld+json"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/ld+json")
    assert r.json()["@context"] == f"{client.base_url}/context.jsonld"
    # rdflib fetches the published context from the running server.
    return rdflib.Graph().parse(data=r.text, format="json-ld", base=str(r.url))


def test_context_is_published(client: httpx.Client) -> None:
    r = client.get("/context.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    ctx = r.json()["@context"]
    assert ctx["notation"]["@id"] == "skos:notation" and ctx["iri"] == "@id"
    assert ctx["curie"] is None


def test_item_jsonld_triples(client: httpx.Client) -> None:
    g = _jsonld(client, "/items/iso42001:A.6.2.4")
    s = rdflib.URIRef(A624)
    assert (s, RDF.type, AIMS.Control) in g
    assert (s, SKOS.notation, rdflib.Literal("A.6.2.4")) in g
    assert (
        s,
        SKOS.prefLabel,
        rdflib.Literal("AI system verification and validation", lang="en"),
    ) in g
    assert (s, SKOS.broader, rdflib.URIRef(f"{ID}iso42001-2023/A.6.2")) in g
    assert (s, SKOS.inScheme, rdflib.URIRef(f"{ID}iso42001-2023")) in g
    assert (s, AIMS.summary, None) in g
    a829 = rdflib.URIRef(f"{ID}iso27001-2022/A.8.29")
    mappings = set(g.subjects(AIMS.mappingObject, a829))
    assert any((m, AIMS.mappingSubject, s) in g for m in mappings)
    m = next(m for m in mappings if (m, AIMS.mappingSubject, s) in g)
    assert (m, AIMS.relation, AIMS.intersectsWith) in g
    conf = g.value(m, AIMS.confidence)
    assert isinstance(conf, rdflib.Literal) and 0 < float(conf) <= 1
    assert (m, AIMS.inMappingSet, None) in g
    # Keys without RDF meaning are not invented as aims: properties.
    assert not any(str(p).endswith(("#curie", "#framework", "#derived")) for p in g.predicates())


def test_framework_and_crosswalk_jsonld(client: httpx.Client) -> None:
    g = _jsonld(client, "/frameworks/iso42001")
    fw = rdflib.URIRef(f"{ID}iso42001-2023")
    assert (fw, RDF.type, AIMS.Framework) in g
    assert (fw, DCTERMS.issued, rdflib.Literal("2023-12-18", datatype=rdflib.XSD.date)) in g
    assert (fw, SKOS.hasTopConcept, rdflib.URIRef(f"{ID}iso42001-2023/4")) in g
    g = _jsonld(client, "/crosswalk", **{"from": "nist-ai-rmf:GOVERN-2.1", "derived": "true"})
    gov = rdflib.URIRef(f"{ID}nist-ai-rmf-1.0/GOVERN-2.1")
    mappings = set(g.subjects(AIMS.mappingSubject, gov))
    assert len(mappings) >= 3
    derived = [m for m in mappings if "/mapping/derived/" in str(m)]
    assert derived and all((m, AIMS.justification, None) in g for m in derived)
    # A derived mapping has no source document: nothing may point at the request URL.
    assert not any(str(o).startswith(str(client.base_url)) for o in g.objects())


# ---- caching, negotiation, docs --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/frameworks",
        "/frameworks/iso42001",
        "/frameworks/iso42001/items",
        "/items/iso42001:A.6.2.4",
        "/crosswalk?from=iso42001:A.6.2.4",
        "/explain?from=nist-ai-rmf:GOVERN-1.1&to=iso27001:4.1",
        "/search?q=risk",
        "/matrix",
        "/obligations?actor=provider",
        "/queries",
        "/queries/mapping-sets",
        "/context.jsonld",
    ],
)
def test_etag_and_304(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    etag = r.headers["etag"]
    assert etag.startswith('"') and "max-age=" in r.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_etag_differs_by_representation(client: httpx.Client) -> None:
    plain = client.get("/items/iso42001:A.6.2.4")
    ld = client.get("/items/iso42001:A.6.2.4", headers={"Accept": "application/ld+json"})
    assert plain.headers["etag"] != ld.headers["etag"] and "Accept" in plain.headers["vary"]


def test_not_acceptable_and_unknown_route(client: httpx.Client) -> None:
    body = problem(
        client.get("/items/iso42001:A.6.2.4", headers={"Accept": "text/csv"}), 406, "not-acceptable"
    )
    assert "application/ld+json" in body["supported"]
    problem(
        client.get("/search?q=x", headers={"Accept": "application/ld+json"}), 406, "not-acceptable"
    )
    problem(client.get("/no/such/route"), 404, "not-found")


def test_openapi_documents_every_endpoint(client: httpx.Client) -> None:
    spec = ok(client.get("/openapi.json"))
    for path in JSON_API_PATHS:
        key = "/items/{item}" if path == "/items/{item}" else path
        op = spec["paths"].get(key) or spec["paths"].get(key.replace("{item}", "{item:path}"))
        assert op is not None, f"{path} missing from OpenAPI"
        get = op["get"]
        assert get.get("summary"), path
        for param in get.get("parameters", []):
            assert param.get("description"), f"{path}: {param['name']} has no description"
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()

"""Answers of the hot read paths, pinned byte for byte while they are made faster (issue 18).

Digests (sha256) of what /crosswalk sends (status, content type, ETag, body) for a dozen
parameter combinations, of what the organisation coverage and gap routes send, and of the JSON
form (CoverageEngine.as_dict) of coverage reports on the real graph and on the 5-framework
synthetic graph. They were recorded before the caches and indexes behind these answers were
written; any change to an answer is a failure here.

Record them again (only when an answer is meant to change) with
``AIMS_GRAPH_RECORD_DIGESTS=1 python -m pytest tests/test_hot_path_answers.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Graph as RdfGraph
from tests.orgdata_support import EXAMPLE_DIR, SHEET_ORDER, copy_of
from tests.servers import uvicorn_server

from aims_graph import resources
from aims_graph.api.app import create_app
from aims_graph.api.common import etag_of
from aims_graph.build import loader
from aims_graph.catalog.frameworks import FRAMEWORKS
from aims_graph.config import Settings
from aims_graph.coverage import CoverageEngine, org_controls
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store

DIGESTS = Path(__file__).parent / "data" / "hot_path_digests.json"
RECORD = os.environ.get("AIMS_GRAPH_RECORD_DIGESTS") == "1"
AS_OF = date(2026, 11, 28)
A624 = "iso42001:A.6.2.4"

#: (name, query parameters, request headers) of the /crosswalk answers pinned.
CROSSWALKS: tuple[tuple[str, dict[str, str], dict[str, str]], ...] = (
    ("a624-27001-2022", {"from": A624, "to": "iso27001-2022"}, {}),
    ("a624-27001", {"from": A624, "to": "iso27001"}, {}),
    ("a624-all", {"from": A624}, {}),
    ("a624-all-derived", {"from": A624, "derived": "true"}, {}),
    ("a624-27001-derived", {"from": A624, "to": "iso27001", "derived": "true"}, {}),
    (
        "a624-derived-floor",
        {"from": A624, "derived": "true", "min_confidence": "0.6"},
        {},
    ),
    ("govern-1.1-derived", {"from": "nist-ai-rmf:GOVERN-1.1", "derived": "true"}, {}),
    ("iri-form", {"from": "https://w3id.org/aims-graph/id/iso42001-2023/A.6.2.4"}, {}),
    (
        "jsonld",
        {"from": "nist-ai-rmf:GOVERN-2.1", "derived": "true"},
        {"Accept": "application/ld+json"},
    ),
    ("not-acceptable", {"from": A624}, {"Accept": "text/csv"}),
    ("unknown-item", {"from": "iso42001:Q.1"}, {}),
    ("unknown-framework", {"from": A624, "to": "iso9001"}, {}),
    ("confidence-outside", {"from": A624, "min_confidence": "2"}, {}),
    ("missing-from", {}, {}),
    ("derived-false", {"from": A624, "derived": "false", "to": "eu-ai-act"}, {}),
)

#: (route, target, extra parameters) of the organisation answers pinned.
ORG_REPORTS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("coverage", "iso42001", {}),
    ("coverage", "iso42001", {"format": "csv"}),
    ("gaps", "iso42001", {}),
    ("gaps", "iso42001", {"format": "csv"}),
    ("coverage", "eu-ai-act", {}),
    ("coverage", "eu-ai-act", {"law": "original"}),
    ("gaps", "nist-ai-rmf", {"min_confidence": "0.5"}),
    ("coverage", "iso27001-2022", {"min_strength": "0.5"}),
    ("coverage", "nope", {}),
)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _answer(r: httpx.Response, base: str) -> dict[str, Any]:
    """Status, media type, ETag and body digest; the server's own address is taken out."""
    body = r.content.replace(base.encode(), b"http://server")
    etag = r.headers.get("etag")
    if etag is not None and r.status_code == 200:
        assert etag == etag_of(r.content)  # a strong validator of the bytes sent
        etag = etag_of(body)
    return {
        "status": r.status_code,
        "content-type": r.headers.get("content-type"),
        "etag": etag,
        "cache-control": r.headers.get("cache-control"),
        "vary": r.headers.get("vary"),
        "body": _sha(body),
    }


@pytest.fixture(scope="module")
def recorded() -> dict[str, Any]:
    if RECORD or not DIGESTS.exists():
        return {}
    data: dict[str, Any] = json.loads(DIGESTS.read_text())
    return data


@pytest.fixture(scope="module")
def found() -> Iterator[dict[str, Any]]:
    out: dict[str, Any] = {}
    yield out
    if RECORD:
        old = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
        DIGESTS.write_text(json.dumps({**old, **out}, indent=1, sort_keys=True) + "\n")


def _check(
    recorded: dict[str, Any], found: dict[str, Any], group: str, got: dict[str, Any]
) -> None:
    found[group] = got
    if RECORD:
        pytest.skip("digests recorded")
    want = recorded.get(group)
    assert want is not None, f"no digests recorded for {group}"
    bad = sorted(k for k in want.keys() | got.keys() if want.get(k) != got.get(k))
    assert not bad, f"answers changed: {bad}"


@pytest.fixture(scope="module")
def store(built_store: Store) -> Iterator[OxigraphStore]:
    copy = copy_of(built_store)  # the organisation is registered in it
    yield copy
    copy.close()


@pytest.fixture(scope="module")
def base(store: OxigraphStore) -> Iterator[str]:
    settings = Settings(store="memory:", max_upload_bytes=2_000_000)
    with uvicorn_server(create_app(Graph(store, settings, loader.BuildReport()))) as url:
        yield url


def test_crosswalk_answers(base: str, recorded: dict[str, Any], found: dict[str, Any]) -> None:
    got: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=60) as c:
        for name, params, headers in CROSSWALKS:
            # Twice: the first answer may be computed, the second may come from a cache.
            first = _answer(c.get("/crosswalk", params=params, headers=headers), base)
            again = _answer(c.get("/crosswalk", params=params, headers=headers), base)
            assert first == again, name
            got[name] = first
        r = c.get("/crosswalk", params=CROSSWALKS[0][1])
        etag = r.headers["etag"]
        for match in (etag, f"W/{etag}", '"other", ' + etag, "*", '"other"'):
            r = c.get("/crosswalk", params=CROSSWALKS[0][1], headers={"If-None-Match": match})
            got[f"if-none-match {match}"] = _answer(r, base) | {"etag-sent": r.headers.get("etag")}
        r = c.head("/crosswalk", params=CROSSWALKS[0][1])
        got["head"] = _answer(r, base)
    _check(recorded, found, "crosswalk", got)


def test_org_report_answers(base: str, recorded: dict[str, Any], found: dict[str, Any]) -> None:
    got: dict[str, Any] = {}
    with httpx.Client(base_url=base, timeout=60) as c:
        r = c.post("/orgs", json={"id": "northwind", "name": "Northwind Lending"})
        assert r.status_code == 201, r.text
        h = {"Authorization": f"Bearer {r.json()['api_key']}"}
        files = [
            ("files", (f"{k}.csv", (EXAMPLE_DIR / f"{k}.csv").read_bytes(), "text/csv"))
            for k in SHEET_ORDER
        ]
        assert c.put("/orgs/northwind/data", files=files, headers=h).status_code == 200
        for route, target, extra in ORG_REPORTS:
            params = {"target": target, "as_of": AS_OF.isoformat(), **extra}
            r = c.get(f"/orgs/northwind/{route}", params=params, headers=h)
            got[f"{route} {target} {sorted(extra.items())}"] = _answer(r, base)
    _check(recorded, found, "org reports", got)


def _reports(engine: CoverageEngine, org: RdfGraph, targets: list[str]) -> dict[str, str]:
    settings: list[dict[str, Any]] = [
        {},
        {"min_confidence": 0.5},
        {"min_strength": 0.5},
        {"min_confidence": 0.3, "min_strength": 0.8},
        {"law_mode": "original"},
    ]
    out = {}
    controls = org_controls(org, AS_OF)
    for target in targets:
        for s in settings:
            report = engine.coverage(org, target, as_of=AS_OF, **s)
            out[f"{target} {sorted(s.items())}"] = _sha(_json(engine.as_dict(report)))
        again = engine.coverage(org, target, as_of=AS_OF, controls=controls)
        out[f"{target} controls given"] = _sha(_json(engine.as_dict(again)))
    return out


def test_coverage_reports_on_the_real_graph(
    built_store: Store, recorded: dict[str, Any], found: dict[str, Any]
) -> None:
    engine = CoverageEngine(MappingService.from_store(built_store), built_store)
    org = RdfGraph().parse(resources.examples_dir() / "northwind.ttl")
    got = _reports(engine, org, [f.slug for f in FRAMEWORKS])
    _check(recorded, found, "coverage, real graph", got)


def test_coverage_reports_on_a_synthetic_graph(
    recorded: dict[str, Any], found: dict[str, Any]
) -> None:
    from bench.synthetic_frameworks import generate

    g = generate(5)
    with g.registered():
        store = g.build()
        try:
            engine = CoverageEngine(MappingService.from_store(store), store)
            got = _reports(engine, g.org, [e.slug for e in g.editions])
        finally:
            store.close()
    _check(recorded, found, "coverage, 5 synthetic frameworks", got)

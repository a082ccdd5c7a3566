"""Public imports over HTTP on a real server and an on-disk store: the admin token guards them,
an imported edition is listed and crosswalkable, a broken file changes nothing, delete works."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.config import Settings
from aims_graph.service import open_graph

SHEET = Path(__file__).parents[1] / "examples" / "frameworks" / "acme-internal-controls.csv"
OSCAL = Path(__file__).parent / "fixtures" / "oscal"
TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


pytestmark = pytest.mark.slow  # builds the graph on disk, then rebuilds it per import


@pytest.fixture(scope="module")
def http(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    where = tmp_path_factory.mktemp("store")
    graph = open_graph(Settings(store=f"oxigraph:{where / 'db'}", org_admin_token=TOKEN))
    with uvicorn_server(create_app(graph)) as url, httpx.Client(base_url=url, timeout=120) as c:
        yield c
    graph.close()


def test_imports_need_the_admin_token(http: httpx.Client) -> None:
    put = {"content": SHEET.read_bytes(), "params": {"title": "Acme"}}
    r = http.put("/imports/frameworks/acme-public", **put, headers={"Content-Type": "text/csv"})
    assert r.status_code == 401
    assert "acme-public" not in http.get("/frameworks").text


def test_an_imported_edition_is_first_class_and_can_be_deleted(http: httpx.Client) -> None:
    data = (
        OSCAL / "NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog.json.gz"
    ).read_bytes()
    r = http.put(
        "/imports/frameworks/sp800-53-low",
        content=data,
        params={"filename": "low.json.gz"},
        headers={**ADMIN, "Content-Type": "application/gzip"},
    )
    assert r.status_code == 201, r.text
    counts = r.json()["counts"]
    catalog = json.loads(gzip.decompress(data))["catalog"]

    def walk(node: dict[str, Any]) -> int:
        kids = node.get("groups", []) + node.get("controls", [])
        return len(kids) + sum(walk(k) for k in kids)

    assert counts["items"] == walk(catalog)
    listed = http.get("/imports").json()["frameworks"]
    assert [f["id"] for f in listed] == ["sp800-53-low"]
    assert "sp800-53-low" in http.get("/frameworks").text
    q = {"query": "ASK { <https://w3id.org/aims-graph/id/sp800-53-low/ac-1> ?p ?o }"}
    assert (
        http.get("/sparql", params=q, headers={"Accept": "text/csv"}).text.strip().endswith("true")
    )
    # A broken file is refused with its place, and the stored edition stays as it was.
    r = http.put(
        "/imports/frameworks/sp800-53-low",
        content=b'{"catalog": {"uuid": 1',
        params={"filename": "x.json"},
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert all(p["where"] and p["fix"] for p in r.json()["problems"])
    assert http.get("/imports").json()["frameworks"][0]["counts"] == {
        k: v for k, v in counts.items() if k != "items"
    }
    assert http.delete("/imports/frameworks/sp800-53-low", headers=ADMIN).status_code == 204
    assert http.get("/imports").json()["frameworks"] == []
    assert http.delete("/imports/frameworks/iso42001-2023", headers=ADMIN).status_code == 409

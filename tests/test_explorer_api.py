"""The web explorer's server side: its page and files, and the two JSON routes it added.

The page must be served offline (every file it loads comes from this server), stay out of the
OpenAPI document, and the new routes must agree with the routes they sum up (/items, /matrix and
the CSV export).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.servers import uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.api.web import WEB_DIR
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import Store

PROBLEMS = "https://w3id.org/aims-graph/problems/"
IMPORT = re.compile(r"""(?:from\s+|import\s*\(\s*)["'](\.{1,2}/[^"']+)["']""")


@pytest.fixture(scope="module")
def client(built_store: Store) -> Iterator[httpx.Client]:
    graph = Graph(built_store, Settings(store="memory:"), loader.BuildReport())
    with uvicorn_server(create_app(graph)) as base, httpx.Client(base_url=base) as c:
        yield c


def ok(r: httpx.Response) -> Any:
    assert r.status_code == 200, r.text
    return r.json()


# ---- the page and its files ----------------------------------------------------------------


def test_root_serves_the_explorer_page(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/explorer/app.js">' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert client.head("/").status_code == 200


def test_page_loads_nothing_from_elsewhere(client: httpx.Client) -> None:
    page = client.get("/").text
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith(("/", "#")), f"index.html loads {url} from elsewhere"
    for path in WEB_DIR.rglob("*"):
        if path.suffix in (".js", ".css"):
            text = path.read_text()
            assert "@import" not in text and "url(http" not in text, path
            assert not re.search(r"""import\s*\(?\s*["']https?:""", text), path


def test_every_module_import_resolves_and_is_served(client: httpx.Client) -> None:
    seen: set[Path] = set()
    todo = [WEB_DIR / "app.js"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for ref in IMPORT.findall(path.read_text()):
            target = (path.parent / ref).resolve()
            assert target.is_file(), f"{path.name} imports {ref}, which does not exist"
            todo.append(target)
    assert {p.name for p in seen} >= {"app.js", "api.js", "item.js", "matrix.js", "org.js"}
    for path in seen:
        rel = path.relative_to(WEB_DIR).as_posix()
        r = client.get(f"/explorer/{rel}")
        assert r.status_code == 200, rel
        assert r.headers["content-type"].startswith("text/javascript")


def test_files_are_revalidated_with_etags(client: httpx.Client) -> None:
    r = client.get("/explorer/style.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")
    assert r.headers["cache-control"] == "no-cache"
    again = client.get("/explorer/style.css", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    "path", ["/explorer/nope.js", "/explorer/../api/web.py", "/explorer/%2e%2e/app.py"]
)
def test_unknown_or_outside_files_are_404(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_page_routes_stay_out_of_the_openapi_document(client: httpx.Client) -> None:
    paths = ok(client.get("/openapi.json"))["paths"]
    assert "/" not in paths and not any(p.startswith("/explorer") for p in paths)
    assert "/frameworks/{id}/mapping-counts" in paths and "/matrix/{first}/{second}" in paths
    for kept in ("/sparql", "/id/{path}", "/ontology", "/matrix", "/items/{item}"):
        assert kept in paths or kept.replace("}", ":path}") in paths, kept
    assert client.get("/docs").status_code == 200


# ---- /frameworks/{id}/mapping-counts ------------------------------------------------------


@pytest.mark.parametrize(
    "curie", ["iso42001:A.6.2.4", "iso27001:A.5.1", "nist-ai-rmf:GOVERN-1.1", "iso42001:6.1.2"]
)
def test_mapping_counts_agree_with_the_item(client: httpx.Client, curie: str) -> None:
    item = ok(client.get(f"/items/{curie}"))
    counts = ok(client.get(f"/frameworks/{item['framework']}/mapping-counts"))
    assert counts["framework"] == item["framework"]
    assert counts["counts"][curie] == {
        "stated": len(item["mappings_out"]) + len(item["mappings_in"]),
        "derived": len(item["derived_mappings"]),
    }


def test_mapping_counts_sum_to_both_ends_of_every_stated_mapping(client: httpx.Client) -> None:
    total = 0
    for fw in ok(client.get("/frameworks")):
        counts = ok(client.get(f"/frameworks/{fw['id']}/mapping-counts"))["counts"]
        assert all(c["stated"] + c["derived"] > 0 for c in counts.values())
        total += sum(c["stated"] for c in counts.values())
    pairs = ok(client.get("/matrix"))["pairs"]
    assert total == 2 * sum(p["mappings"] for p in pairs) > 3000


def test_mapping_counts_of_an_unknown_framework_is_404(client: httpx.Client) -> None:
    r = client.get("/frameworks/iso9001/mapping-counts")
    assert r.status_code == 404 and r.json()["type"] == PROBLEMS + "unknown-framework"


# ---- /matrix/{first}/{second} -------------------------------------------------------------


def test_matrix_cell_holds_the_csv_exports_rows(client: httpx.Client) -> None:
    cell = ok(client.get("/matrix/iso42001/iso27001-2022"))
    assert cell["first"] == "iso42001-2023" and cell["second"] == "iso27001-2022"
    exported = list(
        csv.DictReader(
            io.StringIO(client.get("/export/crosswalk/iso42001-2023/iso27001-2022.csv").text)
        )
    )
    assert cell["stated"] == cell["count"] == len(exported) == 76
    assert [m["inverse_of"] or m["iri"] for m in cell["mappings"]] == [
        r["mapping"] for r in exported
    ]
    assert [m["comment"] or "" for m in cell["mappings"]] == [r["comment"] for r in exported]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("iso42001-2023", "eu-ai-act"),
        ("eu-ai-act", "iso42001-2023"),
        ("iso42001-2023", "iso27001-2013"),
    ],
)
def test_matrix_cell_counts_match_the_matrix(client: httpx.Client, first: str, second: str) -> None:
    pairs = {(p["first"], p["second"]): p for p in ok(client.get("/matrix"))["pairs"]}
    pair = pairs.get((first, second)) or pairs[(second, first)]
    cell = ok(client.get(f"/matrix/{first}/{second}", params={"derived": "true"}))
    assert cell["stated"] == pair["mappings"]
    derived = [m for m in cell["mappings"] if m["derived"]]
    assert cell["derived"] == len(derived) and cell["count"] == cell["stated"] + len(derived)
    if (first, second) in pairs:
        assert cell["derived"] == pair["derived"]
    for m in derived:
        hops = m["chain"]
        assert len(hops) >= 2 and hops[0]["subject"] == m["subject"]
        assert hops[-1]["object"] == m["object"]
        assert all(a["object"] == b["subject"] for a, b in itertools.pairwise(hops))


def test_derived_only_pair_has_rows_only_when_asked(client: httpx.Client) -> None:
    plain = ok(client.get("/matrix/iso42001-2023/iso27001-2013"))
    assert plain["stated"] == 0 and plain["count"] == 0 and plain["derived"] > 0
    assert plain["derived_included"] is False


def test_matrix_cell_of_an_unknown_framework_is_404(client: httpx.Client) -> None:
    r = client.get("/matrix/iso42001/nope")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")


def test_named_queries_list_their_text(client: httpx.Client) -> None:
    for q in ok(client.get("/queries")):
        assert "SELECT" in q["sparql"] or "ASK" in q["sparql"], q["name"]

"""The web explorer in a real browser: Debian's chromium driven by Playwright over a real server.

Each test walks a page the way a reader would (links, forms, keys) and checks what it shows
against the JSON API's own answers. Every test also fails on a console error, an uncaught
exception or any request leaving the server (the explorer must work offline). Full-page
screenshots go to test-output/screenshots/. How fast the pages render is a benchmark
(bench/explorer_render.py, `make bench`), not a timed assertion here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from tests.orgdata_support import EXAMPLE_DIR, SHEET_ORDER, copy_of
from tests.servers import CHROMIUM, CHROMIUM_ARGS, uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, Store

OUT = Path(__file__).resolve().parent.parent / "test-output"
SHOTS = OUT / "screenshots"


@pytest.fixture(scope="module")
def store(built_store: Store) -> Iterator[OxigraphStore]:
    copy = copy_of(built_store)  # the tests register organisations in it
    yield copy
    copy.close()


@pytest.fixture(scope="module")
def base(store: OxigraphStore) -> Iterator[str]:
    graph = Graph(store, Settings(store="memory:"), loader.BuildReport())
    with uvicorn_server(create_app(graph)) as url:
        yield url


@pytest.fixture(scope="module")
def api(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (make test does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@dataclass
class Tab:
    """A browser tab on the explorer, with what went wrong in it."""

    page: Page
    base: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def rendered(self) -> str:
        return str(self.page.evaluate("document.documentElement.dataset.rendered || ''"))

    def wait(self, route: str, before: str) -> None:
        """Until the page of `route` that follows render number `before` is painted."""
        self.page.wait_for_selector(
            f'html[data-route="{route}"][data-rendered]:not([data-rendered="{before}"])',
            state="attached",
            timeout=20_000,
        )

    def open(self, hash_: str, route: str) -> None:
        before = self.rendered() if self.page.url.startswith(self.base) else ""
        if before:
            self.page.evaluate("(h) => { location.hash = h; }", hash_)
        else:
            self.page.goto(f"{self.base}/{hash_}")
        self.wait(route, before)

    def click(self, selector: str, route: str) -> None:
        before = self.rendered()
        self.page.click(selector)
        self.wait(route, before)

    def timings(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self.page.evaluate("window.explorerTimings")
        return result

    def shot(self, name: str) -> None:
        # Readable on a laptop screen: wide tables scroll in their own box, never the page.
        wide = self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{name}: the page is {wide}px wider than the window"
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / name), full_page=True)


@pytest.fixture
def tab(browser: Browser, base: str) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    t = Tab(page, base)
    page.on("console", lambda m: t.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: t.errors.append(str(e)))
    page.on(
        "request",
        lambda r: None if r.url.startswith((base, "blob:", "data:")) else t.foreign.append(r.url),
    )
    yield t
    context.close()
    assert not t.errors, t.errors
    assert not t.foreign, f"requests left the server: {t.foreign}"


def text_of(download: Any) -> str:
    return Path(download.path()).read_text(encoding="utf-8")


# ---- home → framework → item → a mapping ------------------------------------------------------


def test_home_framework_item_and_a_mapping(tab: Tab, api: httpx.Client) -> None:
    page = tab.page
    tab.open("#/", "home")
    frameworks = api.get("/frameworks").json()
    cards = page.locator("article.fw-card")
    assert cards.count() == len(frameworks) == 10
    first = cards.first
    assert "ISO/IEC 42001:2023" in first.inner_text()
    assert first.locator(".total").inner_text() == str(frameworks[0]["total"])
    tab.shot("home.png")

    page.fill("#search-q", "impact assessment")
    before = tab.rendered()
    page.press("#search-q", "Enter")
    tab.wait("home", before)
    hits = api.get("/search", params={"q": "impact assessment", "limit": 50}).json()
    assert page.locator(".hit-list li").count() == min(hits["total"], 50)
    assert "q=impact+assessment" in page.url or "q=impact%20assessment" in page.url
    tab.shot("search.png")

    tab.click('article.fw-card a[href="#/framework/iso42001-2023"]', "framework")
    counts = api.get("/frameworks/iso42001-2023/mapping-counts").json()["counts"]
    node = page.locator('li[data-curie="iso42001:A.6.2.4"]')
    assert node.is_hidden()  # deep in Annex A, folded
    tab.shot("framework.png")
    page.fill(".toolbar input[type=search]", "A.6.2.4")
    assert node.is_visible()
    badge = node.locator(":scope > .row .count").inner_text()
    assert badge.split()[0] == str(counts["iso42001:A.6.2.4"]["stated"])
    assert "q=A.6.2.4" in page.url
    # Keyboard: the filter leaves Annex A › A.6 › A.6.2 › A.6.2.4; End goes to the last, Enter opens.
    page.focus('[role="tree"] [role="treeitem"][tabindex="0"]')
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.dataset.curie") == "iso42001:A.6.2.4"
    before = tab.rendered()
    page.keyboard.press("Enter")
    tab.wait("item", before)

    item = api.get("/items/iso42001:A.6.2.4").json()
    assert item["notation"] in page.locator("h1").inner_text()
    assert item["label"] in page.locator("h1").inner_text()
    assert page.locator(".summary").inner_text() == item["summary"]
    out = item["mappings_out"][0]
    row = page.locator(f'tr[data-mapping="{out["iri"]}"]')
    assert out["comment"] in row.locator("td.why").inner_text()
    assert out["relation"] in row.inner_text()
    assert page.locator("#mappings tbody tr").count() == len(item["mappings_out"]) + len(
        item["mappings_in"]
    )
    groups = page.locator("#mappings .fw-group h3").all_inner_texts()
    assert any("27001:2022" in g for g in groups) and any("EU AI Act" in g for g in groups)
    neighbours = (
        {p["curie"] for p in item["parents"]}
        | {m["object"] for m in item["mappings_out"]}
        | {m["subject"] for m in item["mappings_in"]}
        | {c["curie"] for c in item["children"]}
        | {m["object"] for m in item["derived_mappings"]}
    )
    assert page.locator("svg.neighbourhood a.node").count() == min(24, len(neighbours))
    assert page.locator("svg.neighbourhood text.edge-label").count() == min(24, len(neighbours))
    tab.shot("item.png")

    tab.click(f'#mappings a[href="#/item/{out["object"].replace(":", "%3A")}"]', "item")
    assert "A.8.29" in page.locator("h1").inner_text()
    back = page.locator("#mappings tr", has_text="AI system verification and validation")
    assert back.count() == 1 and "intersects-with" in back.inner_text()


def test_derived_mapping_chain_and_explanation(tab: Tab, api: httpx.Client) -> None:
    page = tab.page
    tab.open("#/item/iso27001:A.5.1", "item")
    item = api.get("/items/iso27001:A.5.1").json()
    derived = page.locator("article.derived")
    assert derived.count() == len(item["derived_mappings"]) == 2
    first = item["derived_mappings"][0]
    drawn = derived.first.locator("svg.chain a.chain-node")
    assert drawn.count() == len(first["chain"]) + 1
    assert derived.first.locator("svg.chain line.hop-line").count() == len(first["chain"])
    hop_labels = derived.first.locator("svg.chain text.hop-rel").all_text_contents()
    assert [t.split()[-1] for t in hop_labels] == [h["relation"] for h in first["chain"]]
    tab.shot("item-derived.png")

    tab.click("article.derived >> nth=0 >> text=every path between the two", "explain")
    paths = api.get("/explain", params={"from": item["curie"], "to": first["object"]}).json()
    assert page.locator("ol.paths > li").count() == len(paths["paths"]) >= 1
    assert first["chain"][0]["comment"] in page.locator("ol.paths").inner_text()
    tab.shot("explain.png")


# ---- matrix → pair → CSV ------------------------------------------------------------------


def test_compare_page_from_the_pair_and_its_disagreements(tab: Tab, api: httpx.Client) -> None:
    page = tab.page
    first, second = "iso42001-2023", "iso27001-2022"
    tab.open(f"#/pair/{first}/{second}", "pair")
    link = page.locator("a.compare-link", has_text="iso42001-2023--iso27001-2022-clauses")
    before = tab.rendered()
    link.click()
    tab.wait("compare", before)
    want = api.get(
        "/compare",
        params={
            "first": "iso42001-2023--iso27001-2022-clauses",
            "second": f"derived:{first}>{second}",
        },
    ).json()

    def figure(name: str) -> str:
        return page.locator(f'.compare-summary div[data-figure="{name}"] dd').inner_text()

    assert figure("in both") == str(want["both"])
    assert figure("first only") == str(want["first_only"])
    assert figure("second only") == str(want["second_only"])
    assert figure("same relation") == str(want["relations"]["same"])
    rows = page.locator("#disagreements table.data tbody tr")
    assert rows.count() == len(want["disagreements"])
    assert page.locator("#per-item table.data tbody tr").count() == len(want["per_item"])
    # A disagreement shows what each side says, with its justification.
    d = next(d for d in want["disagreements"] if d["first"] and d["first"]["comment"])
    row = rows.filter(has_text=d["subject"]).filter(has_text=d["object"]).first
    assert d["first"]["comment"][:40] in row.inner_text()
    tab.shot("compare.png")
    # A side naming nothing is an error on the page, the form kept.
    tab.open("#/compare?first=no-such-set&second=derived:iso42001-2023>iso27001-2022", "compare")
    assert "no-such-set" in page.locator(".message").inner_text()
    assert page.locator("#compare-first").input_value() == "no-such-set"
    # The browser logs the 404 it was answered; that one only.
    assert len([e for e in tab.errors if "404 (Not Found)" in e]) == 1
    tab.errors[:] = [e for e in tab.errors if "404 (Not Found)" not in e]


def test_matrix_cell_opens_the_pair_and_its_csv(tab: Tab, api: httpx.Client) -> None:
    page = tab.page
    tab.open("#/matrix", "matrix")
    pairs = {(p["first"], p["second"]): p for p in api.get("/matrix").json()["pairs"]}
    cell = 'td[data-first="iso42001-2023"][data-second="iso27001-2022"] a'
    mirror = 'td[data-first="iso27001-2022"][data-second="iso42001-2023"] a'
    stated = pairs[("iso42001-2023", "iso27001-2022")]
    assert page.inner_text(cell) == page.inner_text(mirror) == str(stated["mappings"])
    page.select_option(".toolbar select", "superset-of")
    assert page.inner_text(cell) == str(stated["by_relation"]["superset-of"])
    # Read from the other side a superset-of is a subset-of, so the mirror shows the subset-of rows.
    assert page.inner_text(mirror) == str(stated["by_relation"].get("subset-of", 0))
    assert "rel=superset-of" in page.url
    page.check('input[name="mode"][value="derived"]')
    derived_cell = 'td[data-first="iso42001-2023"][data-second="iso27001-2013"] a'
    assert page.inner_text(derived_cell) == str(
        pairs[("iso42001-2023", "iso27001-2013")]["derived"]
    )
    assert "mode=derived" in page.url
    page.check('input[name="mode"][value="stated"]')
    page.select_option(".toolbar select", "")
    tab.shot("matrix.png")
    page.focus(cell)
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.closest('td').dataset.second") == "iso27001-2013"
    page.keyboard.press("ArrowLeft")

    before = tab.rendered()
    page.keyboard.press("Enter")
    tab.wait("pair", before)
    table = api.get("/matrix/iso42001-2023/iso27001-2022").json()
    rows = page.locator("table.data tbody tr")
    assert rows.count() == table["count"] == stated["mappings"]
    tab.shot("pair.png")
    page.fill(".table-tools input[type=search]", "A.8.29")
    expected = [m for m in table["mappings"] if "A.8.29" in m["subject"] + m["object"]]
    assert rows.count() == len(expected) >= 1
    assert "q=A.8.29" in page.url
    page.fill(".table-tools input[type=search]", "")
    page.click("th[data-key=confidence] button")
    page.click("th[data-key=confidence] button")
    assert page.get_attribute("th[data-key=confidence]", "aria-sort") == "descending"
    top = max(m["confidence"] for m in table["mappings"])
    assert rows.first.locator(".conf-num").inner_text() == f"{top:.2f}"

    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert download.suggested_filename == "iso42001-2023--iso27001-2022.csv"
    got = list(csv.DictReader(io.StringIO(text_of(download))))
    assert len(got) == table["count"]
    assert {r["mapping"] for r in got} == {m["inverse_of"] or m["iri"] for m in table["mappings"]}
    assert got[0]["comment"] == table["mappings"][0]["comment"]
    sssom = page.locator("a.sssom")
    assert sssom.count() >= 1
    assert (
        api.get(sssom.first.get_attribute("href") or "").text.startswith("#")
        or "subject_id" in api.get(sssom.first.get_attribute("href") or "").text
    )


# ---- obligations --------------------------------------------------------------------------


def test_obligations_by_actor_tier_and_date(tab: Tab, api: httpx.Client) -> None:
    page = tab.page
    tab.open(
        "#/obligations?actor=provider&tier=high-risk&as_of=2026-11-28&pending=1", "obligations"
    )
    params = {
        "actor": "provider",
        "tier": "high-risk",
        "as_of": "2026-11-28",
        "include_pending": "true",
    }
    body = api.get("/obligations", params=params).json()
    assert page.locator("table.obligations tbody tr").count() == body["total"]
    assert f"{body['applicable']} of {body['total']}" in page.inner_text(".summary-line")
    moved = [
        (o, s)
        for o in body["obligations"]
        for s in o["scopes"]
        if s["original_applies_from"] and s["original_applies_from"] != s["applies_from"]
    ]
    assert moved, "the amendment moved some dates"
    o, s = moved[0]
    row = page.locator(f'tr[data-curie="{o["curie"]}"]')
    assert s["original_applies_from"] in row.locator("del").all_inner_texts()
    assert s["applies_from"] in row.inner_text()
    tab.shot("obligations.png")

    before = tab.rendered()
    page.fill("#ob-as_of", "2028-01-01")
    page.dispatch_event("#ob-as_of", "change")
    tab.wait("obligations", before)
    assert "as_of=2028-01-01" in page.url
    later = api.get("/obligations", params={**params, "as_of": "2028-01-01"}).json()
    assert f"{later['applicable']} of {later['total']}" in page.inner_text(".summary-line")
    assert page.evaluate("document.activeElement.id") == "ob-as_of"


# ---- SPARQL -------------------------------------------------------------------------------


def test_sparql_named_query_editor_and_errors(tab: Tab, api: httpx.Client) -> None:
    page = tab.page
    tab.open("#/sparql", "sparql")
    assert page.locator("nav.examples li").count() == len(api.get("/queries").json())
    tab.click('nav.examples a[href="#/sparql?name=crosswalk"]', "sparql")
    expected = api.get(
        "/queries/crosswalk", params={"item": "iso42001:A.6.2.4", "target": "iso27001"}
    ).json()
    page.click("#run-named")
    page.wait_for_selector("table.results")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == expected["count"] >= 1
    headers = page.locator("table.results th").all_inner_texts()
    assert headers == expected["columns"]
    assert expected["rows"][0]["label"] in page.inner_text("table.results")

    # The editor holds the same query with the values bound; running it gives the same rows.
    text = page.input_value("#sparql-text")
    assert "VALUES (?item ?target)" in text and "#+" not in text
    assert page.locator(".editor .tok-keyword").count() > 5
    assert page.locator(".editor .tok-variable").count() > 5
    page.click("#run-sparql")
    page.wait_for_selector("#results .muted:has-text('query ·')")
    assert rows.count() == expected["count"]
    with page.expect_download() as info:
        page.click("#results button:has-text('CSV')")
    got = list(csv.reader(io.StringIO(text_of(info.value))))
    assert len(got) == expected["count"] + 1 and got[0] == expected["columns"]
    with page.expect_download() as info:
        page.click("#results button:has-text('JSON')")
    data = json.loads(text_of(info.value))
    assert len(data["results"]["bindings"]) == expected["count"]
    tab.shot("sparql.png")

    page.fill("#sparql-text", "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?s = }")
    page.press("#sparql-text", "Control+Enter")
    error = page.locator(".editor-error .message.error")
    error.wait_for()
    assert "line 3" in error.inner_text() and "Malformed query" in error.inner_text()
    marked = page.locator(".editor .line.error-line")
    assert marked.count() == 1 and "FILTER" in marked.inner_text()
    tab.shot("sparql-error.png")
    # The browser logs the 400 of the query this test broke on purpose; nothing else may fail.
    assert len([e for e in tab.errors if "400 (Bad Request)" in e]) == 1
    tab.errors[:] = [e for e in tab.errors if "400 (Bad Request)" not in e]


# ---- the organisation dashboard --------------------------------------------------------------


@pytest.fixture(scope="module")
def northwind_key(api: httpx.Client) -> str:
    r = api.post("/orgs", json={"id": "northwind", "name": "Northwind Lending"})
    assert r.status_code == 201, r.text
    key = str(r.json()["api_key"])
    files = [
        ("files", (f"{k}.csv", (EXAMPLE_DIR / f"{k}.csv").read_bytes(), "text/csv"))
        for k in SHEET_ORDER
    ]
    up = api.put("/orgs/northwind/data", files=files, headers={"Authorization": f"Bearer {key}"})
    assert up.status_code == 200, up.text
    return key


def test_dashboard_lists_own_frameworks_and_downloads_them_with_the_key(
    tab: Tab, api: httpx.Client, northwind_key: str
) -> None:
    auth = {"Authorization": f"Bearer {northwind_key}"}
    own = Path(__file__).parent / "fixtures" / "org-controls"
    controls = (own / "acme-controls.csv").read_bytes()
    r = api.put(
        "/orgs/northwind/frameworks/controls",
        content=controls,
        params={"title": "Northwind AI controls"},
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    sssom = (own / "acme-controls--iso42001-2023.sssom.tsv").read_text()
    r = api.put(
        "/orgs/northwind/mappings/to-iso42001",
        content=sssom.replace("org.acme.", "org.northwind.").encode(),
        headers={**auth, "Content-Type": "text/tab-separated-values"},
    )
    assert r.status_code == 201, r.text
    try:
        page = tab.page
        tab.open("#/org", "org")  # the explorer's origin holds the key, as after signing in
        page.evaluate(
            f"sessionStorage.setItem('aims-graph:key:northwind', {json.dumps(northwind_key)})"
        )
        tab.open("#/org/northwind", "org")
        row = page.locator('#own-catalogs tr[data-id="org.northwind.controls"]')
        assert "Northwind AI controls" in row.inner_text()
        assert f"{len(controls.decode().splitlines()) - 1} items" in row.inner_text()
        with page.expect_download() as got:
            row.locator("button", has_text="OSCAL").click()
        download = got.value
        assert download.suggested_filename == "org.northwind.controls.oscal.json"
        doc = json.loads(Path(download.path()).read_text())
        assert doc["catalog"]["metadata"]["title"].startswith("Northwind AI controls")
        tab.shot("org-own-catalogs.png")

        # Its tree, and one control's mappings through the organisation's view, derived too.
        tab.click("#own-catalogs a.own-framework", "org-framework")
        tree = api.get("/orgs/northwind/frameworks/controls/items", headers=auth).json()

        def count(nodes: list[dict[str, Any]]) -> int:
            return len(nodes) + sum(count(n["children"]) for n in nodes)

        assert page.locator(".own-tree li").count() == count(tree["items"])
        tab.click('.own-tree li[data-curie="org.northwind.controls:AC-REL-1"] > a', "org-framework")
        panel = page.locator("#own-item")
        stated = panel.locator('tr[data-object="iso42001:A.6.2.4"][data-derived="false"]')
        assert "superset-of" in stated.inner_text()
        derived = panel.locator('tr[data-object="eu-ai-act:obl-AIA-9-8-PRV"][data-derived="true"]')
        assert "via iso42001:A.6.2.4" in derived.inner_text()
        tab.shot("org-own-framework.png")
    finally:
        assert api.delete("/orgs/northwind/mappings/to-iso42001", headers=auth).status_code == 204
        assert api.delete("/orgs/northwind/frameworks/controls", headers=auth).status_code == 204


def test_organisation_dashboard(tab: Tab, api: httpx.Client, northwind_key: str) -> None:
    page = tab.page
    sent: list[str | None] = []
    page.on(
        "request",
        lambda r: sent.append(r.headers.get("authorization")) if "/orgs/" in r.url else None,
    )
    tab.open("#/org", "org")
    page.fill("#org-id", "northwind")
    page.fill("#org-key", northwind_key)
    tab.click("#org-open", "org")
    auth = {"Authorization": f"Bearer {northwind_key}"}
    assert page.locator("h1").inner_text() == "Northwind Lending"
    assert northwind_key not in page.url
    assert page.evaluate("sessionStorage.getItem('aims-graph:key:northwind')") == northwind_key
    assert page.evaluate("localStorage.length") == 0
    assert sent and all(h == f"Bearer {northwind_key}" for h in sent)

    report = api.get("/orgs/northwind/validation", headers=auth).json()
    clauses = {t["curie"] for f in report["findings"] for t in f["enforces"]}
    assert page.locator(".finding-group").count() == len(clauses)
    first = report["findings"][0]
    group = page.locator(f'.finding-group[data-clause="{first["enforces"][0]["curie"]}"]')
    assert first["message"] in group.inner_text() and first["fix"] in group.inner_text()

    coverage = api.get(
        "/orgs/northwind/coverage", params={"target": "iso27001-2022"}, headers=auth
    ).json()
    assert page.locator("#coverage svg.bars .bar-row").count() == len(coverage["by_section"])
    page.wait_for_selector(".overview[data-ready=true]")
    assert page.locator(".overview .bar-row").count() == len(api.get("/frameworks").json())
    tab.shot("org.png")

    gap = next(i for i in coverage["items"] if i["verdict"] == "gap")
    section = page.locator("#coverage a.bar-row", has=page.locator(f"text={gap['section']}"))
    before = tab.rendered()
    section.click()
    tab.wait("org", before)
    tab.click(f'#coverage a[data-item="{gap["item"]}"]', "org")
    panel = page.locator("#explanation")
    assert gap["title"].split(" ", 1)[1] in panel.inner_text()
    assert "No control in your statement of applicability" in panel.inner_text()
    assert f"item={gap['item'].replace(':', '%3A')}" in page.url

    partly = next(i for i in coverage["items"] if i["verdict"] == "partly")
    tab.open(
        f"#/org/northwind?target=iso27001-2022&item={partly['item'].replace(':', '%3A')}", "org"
    )
    assert panel.locator("svg.chain").count() == len(partly["explanation"])
    assert partly["explanation"][0]["chain"][0]["comment"] in panel.inner_text()
    tab.shot("org-explanation.png")


def test_dashboard_marks_the_organisations_own_rules(
    tab: Tab, api: httpx.Client, northwind_key: str
) -> None:
    auth = {"Authorization": f"Bearer {northwind_key}"}
    policy = Path(__file__).resolve().parents[1] / "examples" / "org" / "policy-shapes.ttl"
    r = api.put(
        "/orgs/northwind/shapes",
        content=policy.read_bytes(),
        headers={**auth, "Content-Type": "text/turtle"},
    )
    assert r.status_code == 200, r.text
    try:
        report = api.get("/orgs/northwind/validation", headers=auth).json()
        own = [f for f in report["findings"] if f["origin"] == "organisation"]
        assert own
        page = tab.page
        tab.open("#/org", "org")
        page.evaluate("(k) => sessionStorage.setItem('aims-graph:key:northwind', k)", northwind_key)
        tab.open("#/org/northwind?target=iso42001-2023", "org")
        page.wait_for_selector("#validation li.finding")
        # A finding shows once under each clause it enforces, marked as the organisation's.
        assert page.locator("li.finding-policy").count() == sum(len(f["enforces"]) for f in own)
        for f in own:
            for e in f["enforces"]:
                group = page.locator(f'.finding-group[data-clause="{e["curie"]}"]')
                item = group.locator(f'li.finding-policy[data-rule="{f["rule"]}"]').first
                assert "your policy" in item.inner_text()
                assert e["notation"] in item.locator(".enforces").inner_text()
        tab.shot("org-policy.png")
    finally:
        assert api.delete("/orgs/northwind/shapes", headers=auth).status_code == 204

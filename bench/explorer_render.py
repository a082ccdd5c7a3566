"""How fast the web explorer's item page and matrix are on screen, in Debian's chromium.

Each page is timed from navigation to painted (the explorer's own ``explorerTimings``: the first
page from the navigation's time origin, an in-app move from the hash change), in a fresh tab and
after a move inside the app. The baseline is the server-rendered HTML page of the same item at its
IRI (``/id/...``), loaded in a fresh tab of the same browser until its load event.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.servers import CHROMIUM, CHROMIUM_ARGS, uvicorn_server

from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore
from bench.timing import Result, Timing

#: (label, explorer hash, route, the same item's server-rendered page): the item with the most
#: mappings, the one the README walks through, and the matrix.
PAGES = [
    (
        "item GOVERN-1.1 (most mappings)",
        "#/item/nist-ai-rmf:GOVERN-1.1",
        "item",
        "/id/nist-ai-rmf-1.0/GOVERN-1.1",
    ),
    ("item A.6.2.4", "#/item/iso42001:A.6.2.4", "item", "/id/iso42001-2023/A.6.2.4"),
    ("crosswalk matrix", "#/matrix", "matrix", None),
]
TARGET = "≤ 500 ms"


def _timing(ms: list[float]) -> Timing:
    ordered = sorted(x / 1000 for x in ms)
    return Timing(statistics.median(ordered), ordered[-1], len(ordered))


@contextmanager
def _served() -> Iterator[str]:
    store = OxigraphStore()
    loader.build(store)
    graph = Graph(store, Settings(store="memory:"), loader.BuildReport())
    with uvicorn_server(create_app(graph)) as url:
        yield url
    store.close()


def results(quick: bool) -> list[Result]:
    """Item pages and the matrix, fresh tab and in-app, against the server-rendered item page."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make chromium`")
    from playwright.sync_api import sync_playwright

    runs = 2 if quick else 7
    out: list[Result] = []
    with _served() as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def explorer(hash_: str, route: str) -> tuple[float, float]:
            """Fresh-tab and in-app render times (ms) of one explorer page."""
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            try:
                times: list[float] = []
                for step, target in enumerate([hash_, "#/", hash_]):
                    before = page.evaluate("document.documentElement.dataset.rendered || ''")
                    if step == 0:
                        page.goto(f"{base}/{target}")
                    else:
                        page.evaluate("(h) => { location.hash = h; }", target)
                    name = route if target == hash_ else "home"
                    page.wait_for_selector(
                        f'html[data-route="{name}"][data-rendered]:not([data-rendered="{before}"])',
                        state="attached",
                        timeout=30_000,
                    )
                    times.append(float(page.evaluate("window.explorerTimings.at(-1).ms")))
                return times[0], times[2]
            finally:
                context.close()

        def server_page(path: str) -> float:
            """Navigation start to load event (ms) of a server-rendered page."""
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            try:
                page.goto(f"{base}{path}", wait_until="load")
                return float(
                    page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
                )
            finally:
                context.close()

        for label, hash_, route, html_path in PAGES:
            explorer(hash_, route)  # the server's first answers build its indexes
            samples = [explorer(hash_, route) for _ in range(runs)]
            baseline = _timing([server_page(html_path) for _ in range(runs)]) if html_path else None
            base_name = "server-rendered item page, fresh tab" if html_path else ""
            out.append(
                Result(
                    f"explorer {label}, fresh tab",
                    _timing([s[0] for s in samples]),
                    base_name,
                    baseline,
                    TARGET,
                )
            )
            out.append(
                Result(
                    f"explorer {label}, in-app move",
                    _timing([s[1] for s in samples]),
                    "",
                    None,
                    TARGET,
                )
            )
        browser.close()
    return out

"""Kept /crosswalk answers (aims_graph.api.answers): the same bytes as the route, per build."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.servers import uvicorn_server

from aims_graph.api.answers import AnswerCache, KeptAnswers
from aims_graph.api.app import create_app
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import Store

PARAMS = {"from": "iso42001:A.6.2.4", "to": "iso27001-2022"}


@pytest.fixture(scope="module")
def graph(built_store: Store) -> Graph:
    return Graph(
        built_store, Settings(store="memory:", max_request_bytes=1024), loader.BuildReport()
    )


@pytest.fixture(scope="module")
def cache(graph: Graph) -> Iterator[tuple[httpx.Client, AnswerCache]]:
    app = create_app(graph)
    found = [m.kwargs["cache"] for m in app.user_middleware if m.cls is KeptAnswers]
    assert len(found) == 1
    with uvicorn_server(app) as base, httpx.Client(base_url=base) as c:
        yield c, found[0]


def _wire(r: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in r.headers.multi_items() if k != "date"]


def test_a_kept_answer_is_the_routes_answer(
    cache: tuple[httpx.Client, AnswerCache], graph: Graph
) -> None:
    c, answers = cache
    params = {**PARAMS, "derived": "true"}
    first = c.get("/crosswalk", params=params)
    assert answers.get(_scope(first.request)) is not None  # kept by the route
    again = c.get("/crosswalk", params=params)
    assert (again.status_code, _wire(again), again.content) == (
        first.status_code,
        _wire(first),
        first.content,
    )
    etag = first.headers["etag"]
    routed = c.get("/crosswalk", params={**params, "min_confidence": "0"})  # not kept yet
    kept_304 = c.get("/crosswalk", params=params, headers={"If-None-Match": etag})
    routed_304 = c.get(
        "/crosswalk", params={**params, "min_confidence": "0.0"}, headers={"If-None-Match": etag}
    )
    assert routed.headers["etag"] == etag
    assert kept_304.status_code == routed_304.status_code == 304
    assert _wire(kept_304) == _wire(routed_304) and kept_304.content == routed_304.content == b""


def test_errors_and_json_ld_are_not_kept(cache: tuple[httpx.Client, AnswerCache]) -> None:
    c, answers = cache
    for params, headers in (
        ({"from": "iso42001:Q.1"}, {}),
        ({"from": "iso42001:A.6.2.4", "to": "nope"}, {}),
        (PARAMS, {"Accept": "application/ld+json"}),
        (PARAMS, {"Accept": "text/csv"}),
    ):
        r = c.get("/crosswalk", params=params, headers=headers)
        assert answers.get(_scope(r.request)) is None, (params, headers, r.status_code)


def test_accept_is_part_of_the_key(cache: tuple[httpx.Client, AnswerCache]) -> None:
    c, _ = cache
    assert c.get("/crosswalk", params=PARAMS).status_code == 200
    r = c.get("/crosswalk", params=PARAMS, headers={"Accept": "text/csv"})
    assert r.status_code == 406  # not the kept JSON answer of the same query string


def test_only_get_and_body_limit_first(cache: tuple[httpx.Client, AnswerCache]) -> None:
    c, _ = cache
    assert c.get("/crosswalk", params=PARAMS).status_code == 200
    assert c.head("/crosswalk", params=PARAMS).status_code == 405
    r = c.request("GET", "/crosswalk", params=PARAMS, content=b"x" * 4096)
    assert r.status_code == 413  # the request limit is checked before any kept answer


def test_a_new_build_drops_the_kept_answers(
    cache: tuple[httpx.Client, AnswerCache], graph: Graph
) -> None:
    c, answers = cache
    r = c.get("/crosswalk", params=PARAMS)
    scope = _scope(r.request)
    assert answers.get(scope) is not None
    graph.invalidate()
    assert answers.get(scope) is None  # not built yet: the route builds it, off the event loop
    again = c.get("/crosswalk", params=PARAMS)
    assert again.content == r.content
    assert answers.get(scope) is not None  # kept again, for the new build


def test_the_number_kept_is_bounded(graph: Graph) -> None:
    from starlette.requests import Request

    answers = AnswerCache(graph, frozenset({"/crosswalk"}), max_answers=2)
    svc = graph.mappings
    from aims_graph.api.common import answer_of

    for n in range(3):
        req = Request(_raw_scope(f"n={n}".encode()))
        answers.keep(req, svc, answer_of(b"{}", "application/json", graph.settings))
    assert answers.get(_raw_scope(b"n=0")) is None
    assert answers.get(_raw_scope(b"n=2")) is not None


def _raw_scope(query: bytes, headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, object]:
    return {
        "type": "http",
        "method": "GET",
        "path": "/crosswalk",
        "query_string": query,
        "headers": headers or [(b"accept", b"*/*")],
    }


def _scope(req: httpx.Request) -> dict[str, object]:
    accept = req.headers.get("accept")
    headers = [(b"accept", accept.encode())] if accept is not None else []
    return _raw_scope(req.url.query, headers)

"""The public SPARQL 1.1 Protocol endpoint at /sparql: read-only, limited, content-negotiated.

The work is shared out: ``text`` reads the query text, ``negotiation`` picks the media type,
``dataset`` decides which graphs a request reads, ``engine`` runs the query and ``description``
answers GET /sparql without a query. This module is the HTTP side.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aims_graph.api.problems import ProblemError
from aims_graph.api.sparql.dataset import Dataset, scoped_dataset
from aims_graph.api.sparql.description import html_page, service_description
from aims_graph.api.sparql.engine import SparqlEndpoint, store_problem
from aims_graph.api.sparql.negotiation import (
    GRAPH_ACCEPT,
    RESULTS_ACCEPT,
    SD_ACCEPT,
    negotiate,
    not_acceptable,
    text_media,
)
from aims_graph.api.sparql.text import query_shape
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import StoreError
from aims_graph.store.query_pool import PoolBusyError


def _check_iri(name: str, value: str) -> str:
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise ProblemError(
            400, "bad-parameter", "Bad Request", f"{name}={value!r} is not an absolute IRI: {exc}"
        ) from exc
    return value


async def _read_body(request: Request, limit: int) -> bytes:
    """Read a POST body, refusing it as soon as it passes the size limit."""
    too_large = ProblemError(
        413,
        "request-too-large",
        "Content Too Large",
        f"The request body is larger than {limit} bytes, the limit of this endpoint "
        "(setting AIMS_GRAPH_MAX_REQUEST_BYTES).",
        limit="max_request_bytes",
        value=limit,
    )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError(
            400, "bad-parameter", "Bad Request", f"{what} is not UTF-8: {exc}"
        ) from exc


def anonymous(_request: Request) -> tuple[str, ...]:
    """The caller resolver of a service without organisations: nobody owns a graph."""
    return ()


def _one_query(params: list[tuple[str, str]]) -> str | None:
    """The request's query text; None for none (the service description); refusals raise."""
    queries = [v for k, v in params if k == "query"]
    updates = [v for k, v in params if k == "update"]
    if queries and updates:
        raise ProblemError(
            400, "bad-parameter", "Bad Request", "Send either query= or update=, not both."
        )
    if updates:
        raise _read_only()
    if len(queries) > 1:
        raise ProblemError(
            400, "bad-parameter", "Bad Request", "The request has more than one query=."
        )
    return queries[0] if queries else None


def sparql_router(
    graph: Graph,
    settings: Settings,
    caller: Callable[[Request], Sequence[str]] = anonymous,
    graph_store_path: str | None = None,
) -> APIRouter:
    """The /sparql router: SPARQL 1.1 Protocol queries, service description, limits.

    ``caller`` names the graphs the request's API key owns, its data graph first (none without
    a key); it raises a
    ProblemError for a key that is not valid. ``graph_store_path``, when the app serves the
    Graph Store Protocol, is where: the service description links to it.
    """
    endpoint = SparqlEndpoint(graph, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(endpoint.close)

    router = SparqlRouter(endpoint, lifespan=lifespan, tags=["sparql"])

    async def handle(request: Request, params: list[tuple[str, str]]) -> Response:
        query = _one_query(params)
        if query is None:
            if request.method == "GET":
                return await _describe(request)
            raise ProblemError(
                400, "bad-parameter", "Bad Request", "The request has no query= parameter."
            )
        defaults = tuple(_check_iri(k, v) for k, v in params if k == "default-graph-uri")
        nameds = tuple(_check_iri(k, v) for k, v in params if k == "named-graph-uri")

        shape = query_shape(query)
        if shape.update_words:
            raise _read_only(shape.update_words)
        if shape.service:
            raise ProblemError(
                403,
                "service-refused",
                "Forbidden",
                "SERVICE (federated query) is refused: this endpoint makes no outbound requests.",
            )
        own = caller(request)
        visible = await run_in_threadpool(endpoint.visible_graphs)
        scoped = scoped_dataset(query, defaults, nameds, visible, own)

        graph_form = shape.form in ("CONSTRUCT", "DESCRIBE")
        offers = GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT
        media_type = negotiate(request.headers.get("accept"), offers)
        if media_type is None:
            raise not_acceptable(offers)
        headers = {"Vary": "Accept", **scoped.headers()}
        return await _run(request, query, media_type, scoped.dataset, headers)

    async def _run(
        request: Request, query: str, media_type: str, dataset: Dataset, headers: dict[str, str]
    ) -> Response:
        # Relative IRIs resolve against the endpoint's URL, the base the protocol suggests.
        base = str(request.url.replace(query=None, fragment=None))
        # A client asking past caches (Cache-Control: no-cache) gets a fresh run.
        if "no-cache" not in request.headers.get("cache-control", "").lower():
            kept = endpoint.cached(query, media_type, dataset, base)
            if kept is not None:
                headers["X-Cache"] = "hit"
                return Response(kept, media_type=text_media(media_type), headers=headers)
        headers["X-Cache"] = "miss"
        # Wait for a query worker here, on the event loop, not in a pool thread: a queue of
        # /sparql requests must not take every thread the other routes need.
        try:
            await asyncio.wait_for(endpoint.slots.acquire(), settings.query_timeout_s)
        except TimeoutError:
            raise store_problem(
                PoolBusyError(f"every query worker stayed busy for {settings.query_timeout_s:g} s"),
                settings,
            ) from None
        try:
            body = await run_in_threadpool(endpoint.execute, query, media_type, dataset, base)
        finally:
            endpoint.slots.release()
        return Response(body, media_type=text_media(media_type), headers=headers)

    async def _describe(request: Request) -> Response:
        media_type = negotiate(request.headers.get("accept"), SD_ACCEPT)
        if media_type is None:
            raise not_acceptable(SD_ACCEPT)
        url = str(request.url.replace(query=None, fragment=None))
        if media_type == "text/html":
            return Response(
                html_page(url, settings),
                media_type="text/html; charset=utf-8",
                headers={"Vary": "Accept"},
            )
        own = caller(request)
        visible = await run_in_threadpool(endpoint.visible_graphs)
        gsp = str(request.base_url).rstrip("/") + graph_store_path if graph_store_path else None
        body = await run_in_threadpool(
            service_description, url, media_type, settings, [*visible, *own], gsp
        )
        return Response(body, media_type=text_media(media_type), headers={"Vary": "Accept"})

    async def guarded(request: Request, params: list[tuple[str, str]]) -> Response:
        try:
            return await handle(request, params)
        except ProblemError as problem:
            return problem.response()
        except StoreError as exc:
            return store_problem(exc, settings).response()

    sparql_doc = (
        "SPARQL 1.1 Protocol query endpoint (read-only). Results by content negotiation: "
        "SPARQL JSON/XML/CSV/TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML, JSON-LD for "
        "CONSTRUCT and DESCRIBE. Without query=, the service description."
    )

    @router.get(
        "/sparql", summary="SPARQL query (GET) or service description", description=sparql_doc
    )
    async def sparql_get(request: Request) -> Response:
        params = parse_qsl(request.url.query, keep_blank_values=True)
        return await guarded(request, params)

    @router.post("/sparql", summary="SPARQL query (POST)", description=sparql_doc)
    async def sparql_post(request: Request) -> Response:
        try:
            params = parse_qsl(request.url.query, keep_blank_values=True)
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                raise _read_only()
            if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
                raise ProblemError(
                    415,
                    "unsupported-media-type",
                    "Unsupported Media Type",
                    f"POST a query as application/x-www-form-urlencoded (query=…) or as "
                    f"application/sparql-query; got {ctype or 'no Content-Type'}.",
                )
            body = await _read_body(request, settings.max_request_bytes)
            text = _decode(body, "The request body")
            if ctype == "application/sparql-query":
                params = [(k, v) for k, v in params if k != "query"] + [("query", text)]
            else:
                params += parse_qsl(text, keep_blank_values=True)
        except ProblemError as problem:
            return problem.response()
        return await guarded(request, params)

    return router


class SparqlRouter(APIRouter):
    """An APIRouter that keeps its endpoint (tests and monitoring reach the worker pool)."""

    def __init__(self, endpoint: SparqlEndpoint, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.endpoint = endpoint


def _read_only(words: Sequence[str] = ()) -> ProblemError:
    found = f" (found {', '.join(words)})" if words else ""
    return ProblemError(
        403,
        "read-only",
        "Forbidden",
        f"This public SPARQL endpoint is read-only: SPARQL Update and LOAD are refused{found}.",
    )

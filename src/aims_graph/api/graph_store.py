"""The SPARQL 1.1 Graph Store HTTP Protocol, read side, at /graph-store (indirect identification).

``GET`` or ``HEAD`` with ``?graph=IRI`` answers one named graph the caller may read: a public
graph (catalog editions, mapping sets, the derived set, the vocabulary, the build's bookkeeping)
or, with an API key, the caller's own organisation graphs (its data and its policy shapes).
``?default`` answers the default graph, the standards view. Another organisation's graph and a
graph that does not exist get the very same 404, so the answer tells an outsider nothing. Writes
are refused with 405: organisation data is written through /orgs/{id}/data, where it is validated
before it replaces the graph.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Final

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aims_graph.api.common import cached
from aims_graph.api.problems import ProblemError
from aims_graph.api.sparql.dataset import PublicGraphs
from aims_graph.api.sparql.negotiation import GRAPH_ACCEPT, negotiate, not_acceptable, text_media
from aims_graph.exports.rdf import RDF_SYNTAXES, RDF_XML_SYNTAX, RdfSyntax, serialise_graphs
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, StoreError
from aims_graph.store.graphs import view_sources
from aims_graph.store.result_cache import ResultCache

GRAPH_STORE_PATH: Final = "/graph-store"
#: Accepted media types (aliases included) → the type we write; Turtle first, for ``*/*``.
OFFERS: Final[dict[str, str]] = {**GRAPH_ACCEPT, "application/n-quads": "application/n-quads"}
SYNTAXES: Final[dict[str, RdfSyntax]] = {
    s.media_type: s
    for s in (*RDF_SYNTAXES.values(), RDF_XML_SYNTAX)
    if s.media_type in OFFERS.values()
}
ALLOW: Final = "GET, HEAD"
REFUSED_METHODS: Final = ["PUT", "POST", "DELETE", "PATCH", "OPTIONS", "TRACE"]
#: Serialisations kept (the standards view is 4-19 MB and 1.5-3.5 s to write, per media type).
CACHE_ENTRIES: Final = 12
CACHE_ENTRY_BYTES: Final = 32 << 20
GRAPH_DOC: Final = "The IRI of a named graph (the service description at /sparql lists them)."
DEFAULT_DOC: Final = "Present (with any value or none): the default graph, the standards view."


def _bad(detail: str) -> ProblemError:
    return ProblemError(400, "bad-parameter", "Bad Request", detail)


def unknown_graph(iri: str) -> ProblemError:
    """The one 404 for a graph that is absent and for a graph the caller may not read."""
    return ProblemError(
        404,
        "unknown-graph",
        "Unknown graph",
        f"No graph <{iri}> is readable here. The service description (GET /sparql with "
        "Accept: text/turtle) lists the named graphs this request may read.",
        graph=iri,
    )


class GraphStore:
    """Which graph a request names, whether the caller may read it, and its serialisations."""

    def __init__(self, graph: Graph, caller: Callable[[Request], Sequence[str]]) -> None:
        self.graph = graph
        self.caller = caller
        self.public = PublicGraphs(graph)
        self.cache = ResultCache(CACHE_ENTRIES, CACHE_ENTRY_BYTES)

    def target(self, request: Request) -> tuple[str | None, tuple[str, ...]]:
        """The graph asked for (None: the default graph) and the caller's own graphs, or raise."""
        params = request.query_params
        graphs = params.getlist("graph")
        default = "default" in params
        if default and graphs:
            raise _bad("Send either ?graph=IRI or ?default, not both.")
        if len(graphs) > 1:
            raise _bad("The request has more than one graph=.")
        # An invalid key is refused (401) before anything is said about graphs.
        own = tuple(self.caller(request))
        if default:
            return None, own
        if not graphs:
            raise _bad("Name the graph: ?graph=IRI for a named graph, or ?default.")
        iri = graphs[0]
        try:
            ox.NamedNode(iri)
        except ValueError as exc:
            raise _bad(f"graph={iri!r} is not an absolute IRI: {exc}") from exc
        return iri, own

    def readable(self, iri: str, own: tuple[str, ...]) -> bool:
        """True when the graph exists and is public or the caller's own."""
        if iri in self.public():
            return True
        return iri in own and iri in self.graph.store.graphs()

    def body(self, iri: str | None, media_type: str) -> bytes:
        """A graph (None: the default graph) serialised, from the cache while the store holds."""
        store = self.graph.store
        # Only the embedded store's writes are all seen here; a remote one is written afresh.
        version = store.writes if isinstance(store, OxigraphStore) else None
        key = (iri, media_type)
        if version is not None:
            kept = self.cache.get(key, version)
            if kept is not None:
                return kept
        syntax = SYNTAXES[media_type]
        if iri is None:
            graphs = view_sources(store.graphs())
            if syntax.dataset:
                # The default graph's triples carry no graph name: N-Triples lines are N-Quads.
                syntax = RDF_SYNTAXES["nt"]
        else:
            graphs = [iri]
        data = serialise_graphs(store, graphs, syntax)
        if version is not None:
            self.cache.put(key, version, data)
        return data


def graph_store_router(graph: Graph, caller: Callable[[Request], Sequence[str]]) -> APIRouter:
    """The /graph-store router: GET and HEAD of one graph, 405 for every write."""
    router = APIRouter(tags=["sparql"])
    gsp = GraphStore(graph, caller)
    settings = graph.settings

    async def answer(request: Request) -> Response:
        try:
            iri, own = gsp.target(request)
            if iri is not None and not await run_in_threadpool(gsp.readable, iri, own):
                raise unknown_graph(iri)
            media_type = negotiate(request.headers.get("accept"), OFFERS)
            if media_type is None:
                raise not_acceptable(OFFERS)
            data = await run_in_threadpool(gsp.body, iri, media_type)
        except ProblemError as problem:
            return problem.response(request.url.path)
        except StoreError as exc:
            return ProblemError(502, "store-error", "Store error", str(exc)).response()
        private = iri is not None and iri in own
        headers = {"Allow": ALLOW}
        if private:
            # The caller's own data: no shared cache may keep it, and the key selects it.
            headers |= {"Cache-Control": "private, no-cache", "Vary": "Accept, Authorization"}
        response = cached(request, data, text_media(media_type), settings, headers)
        if request.method == "HEAD" and response.status_code == 200:
            # The GET's headers (Content-Type, Content-Length, ETag) without its body.
            return Response(status_code=200, headers=dict(response.headers))
        return response

    @router.get(
        GRAPH_STORE_PATH,
        summary="Graph Store Protocol: read one graph",
        description=(
            "SPARQL 1.1 Graph Store HTTP Protocol, read side (indirect identification): "
            "?graph=IRI for a public named graph or, with an API key, your organisation's "
            "graph; ?default for the default graph (the standards view). Turtle, N-Triples, "
            "RDF/XML, JSON-LD or N-Quads by Accept; strong ETag and If-None-Match; HEAD too. "
            "An unknown graph and another organisation's graph both answer 404. Writes are "
            "refused (405): organisation data goes through /orgs/{org_id}/data."
        ),
        response_class=Response,
        responses={
            200: {"description": "The graph", "content": {m: {} for m in SYNTAXES}},
            304: {"description": "Not Modified: the client's copy (If-None-Match) is current"},
        },
    )
    async def read_graph(
        request: Request,
        graph: Annotated[str | None, Query(description=GRAPH_DOC)] = None,
        default: Annotated[str | None, Query(description=DEFAULT_DOC)] = None,
    ) -> Response:
        """One graph of the store, serialised as the Accept header asks."""
        return await answer(request)

    async def head_graph(request: Request) -> Response:
        return await answer(request)

    async def refuse(request: Request) -> Response:
        return ProblemError(
            405,
            "method-not-allowed",
            "Method Not Allowed",
            f"{request.method} is not allowed here: this Graph Store is read-only (use "
            f"{ALLOW}). An organisation writes its own graph through PUT or POST "
            "/orgs/{id}/data, which validates the data first.",
            headers={"Allow": ALLOW},
        ).response(request.url.path)

    # HEAD answers as GET does; kept out of the OpenAPI document so operation ids stay unique.
    router.add_api_route(GRAPH_STORE_PATH, head_graph, methods=["HEAD"], include_in_schema=False)
    router.add_api_route(GRAPH_STORE_PATH, refuse, methods=REFUSED_METHODS, include_in_schema=False)
    return router

"""Documentation served with the graph: the vocabulary at /ontology, dereferenceable /id/ IRIs."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aims_graph.api.common import cached
from aims_graph.api.problems import ProblemError
from aims_graph.api.sparql.negotiation import negotiate
from aims_graph.config import Settings
from aims_graph.exports.describe import describe, render_html
from aims_graph.exports.ontology_docs import OntologyDocs
from aims_graph.namespaces import ID
from aims_graph.service import Graph
from aims_graph.store.base import InvalidTermError

HTML: Final = "text/html"

#: Accepted media types (aliases included) → the type we write; the order breaks ties (*/*).
OFFERS: Final[dict[str, str]] = {
    "text/html": HTML,
    "application/xhtml+xml": HTML,
    "text/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/ld+json": "application/ld+json",
    "application/json": "application/ld+json",
    "application/n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
}

#: ``?format=`` values (for links and browsers) → media type; they override the Accept header.
FORMAT_PARAM: Final[dict[str, str]] = {
    "html": HTML,
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "xml": "application/rdf+xml",
}

_CHARSET: Final = {HTML, "text/turtle", "application/n-triples"}


def choose_media_type(request: Request) -> str:
    """The media type to answer with, from ``?format=`` or the Accept header (406 when none)."""
    fmt = request.query_params.get("format")
    if fmt is not None:
        media = FORMAT_PARAM.get(fmt.lower())
        if media is None:
            raise ProblemError(
                400,
                "bad-format",
                "Unknown format",
                f"format={fmt!r} is not one of {', '.join(sorted(FORMAT_PARAM))}.",
            )
        return media
    media = negotiate(request.headers.get("accept"), OFFERS)
    if media is None:
        supported = sorted(set(OFFERS.values()))
        raise ProblemError(
            406,
            "not-acceptable",
            "Not Acceptable",
            "None of the media types in the Accept header is available for this resource; "
            f"supported: {', '.join(supported)}.",
            supported=supported,
        )
    return media


def _response(request: Request, body: bytes | str, media: str, settings: Settings) -> Response:
    content_type = f"{media}; charset=utf-8" if media in _CHARSET else media
    data = body.encode() if isinstance(body, str) else body
    return cached(request, data, content_type, settings)


def docs_router(graph: Graph, ontology: OntologyDocs | None = None) -> APIRouter:
    """Routes for /ontology and /id/{path}; content-negotiated, served directly (no 303)."""
    router = APIRouter(tags=["documentation"])
    docs = ontology or OntologyDocs()

    async def guarded_ontology(request: Request) -> Response:
        try:
            media = choose_media_type(request)
        except ProblemError as exc:
            return exc.response()
        if media == HTML:
            page = await run_in_threadpool(docs.html)
            return _response(request, page.html, media, graph.settings)
        return _response(request, await run_in_threadpool(docs.rdf, media), media, graph.settings)

    @router.get("/ontology", summary="The vocabulary")
    async def ontology_page(request: Request) -> Response:
        """The aims: vocabulary: an HTML reference (pyLODE) or Turtle/JSON-LD/N-Triples/RDF/XML."""
        return await guarded_ontology(request)

    @router.api_route("/ontology/", methods=["GET", "HEAD"], include_in_schema=False)
    async def ontology_slash(request: Request) -> Response:
        return await guarded_ontology(request)

    @router.get("/id/{path:path}", summary="Dereference an IRI")
    async def dereference(path: str, request: Request) -> Response:
        """Describe an item, framework edition or mapping IRI (HTML for browsers, RDF otherwise)."""
        try:
            media = choose_media_type(request)
            iri = ID + path
            try:
                desc = await run_in_threadpool(describe, graph.store, iri)
            except InvalidTermError:
                desc = None  # not even an IRI, so certainly not one the graph knows
            if desc is None:
                raise ProblemError(
                    404,
                    "not-found",
                    "Not Found",
                    f"the graph says nothing about <{iri}>; IRIs look like "
                    f"{ID}iso42001-2023/A.6.2.4 or {ID}eu-ai-act/art-9-1",
                    iri=iri,
                )
        except ProblemError as exc:
            return exc.response()
        if media == HTML:
            return _response(
                request, await run_in_threadpool(render_html, desc), media, graph.settings
            )
        return _response(
            request, await run_in_threadpool(desc.serialize, media), media, graph.settings
        )

    # HEAD answers as GET does; kept out of the OpenAPI document so operation ids stay unique.
    router.add_api_route("/ontology", ontology_page, methods=["HEAD"], include_in_schema=False)
    router.add_api_route("/id/{path:path}", dereference, methods=["HEAD"], include_in_schema=False)
    return router

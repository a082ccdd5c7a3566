"""The FastAPI application factory."""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI

from aims_graph import __version__
from aims_graph.api.access_log import redact_access_log
from aims_graph.api.answers import AnswerCache, KeptAnswers
from aims_graph.api.crosswalk import KEPT_PATHS
from aims_graph.api.docs import docs_router
from aims_graph.api.exports import exports_router
from aims_graph.api.graph_store import GRAPH_STORE_PATH, graph_store_router
from aims_graph.api.imports import imports_router
from aims_graph.api.json_api import json_api_routers
from aims_graph.api.limits import BodyLimit, RateLimiter
from aims_graph.api.openapi import install_openapi
from aims_graph.api.orgs import Authenticator, orgs_router
from aims_graph.api.problems import install_problem_handlers
from aims_graph.api.shacl import shacl_router
from aims_graph.api.sparql import sparql_router
from aims_graph.api.web import web_router
from aims_graph.catalog.frameworks import BY_PREFIX, BY_SLUG
from aims_graph.config import Settings
from aims_graph.orgdata.service import OrgService
from aims_graph.queries import load_catalog
from aims_graph.service import Graph, open_built_graph


def create_app(graph: Graph) -> FastAPI:
    """Build the app over an opened graph."""
    redact_access_log()
    app = FastAPI(
        title="aims-graph",
        version=__version__,
        description=(
            "Crosswalks between ISO/IEC 42001, 27001, 27701, the NIST AI RMF and the EU AI Act."
        ),
    )

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Tell whether the service is up and its store answers, and which process answered."""
        return {"status": "ok", "triples": graph.store.triple_count(), "process": os.getpid()}

    @app.get("/stats")
    def stats() -> list[dict[str, Any]]:
        """Item counts per framework edition and kind."""
        return [
            {"edition": s.edition, "title": s.title, "total": s.total, "counts": s.counts}
            for s in graph.stats()
        ]

    settings = graph.settings
    service = OrgService(graph, max_upload_triples=settings.max_upload_triples)
    auth = Authenticator(service, RateLimiter(settings.rate_limit_per_minute))
    app.include_router(sparql_router(graph, graph.settings, auth.org_graphs, GRAPH_STORE_PATH))
    app.include_router(graph_store_router(graph, auth.org_graphs))
    app.include_router(orgs_router(graph.settings, auth))
    app.include_router(exports_router(graph))
    app.include_router(imports_router(graph))
    app.include_router(shacl_router(settings))
    answers = AnswerCache(graph, KEPT_PATHS)
    for router in json_api_routers(graph, answers=answers):
        app.include_router(router)
    install_problem_handlers(app)
    install_openapi(
        app,
        lambda: list(load_catalog().values()),
        lambda: sorted({*BY_SLUG, *BY_PREFIX}),
    )
    # Inside BodyLimit, so that a request with an oversized body is refused as before.
    app.add_middleware(KeptAnswers, cache=answers)
    app.add_middleware(
        BodyLimit,
        request_limit=settings.max_request_bytes,
        upload_limit=settings.max_upload_bytes,
    )
    app.include_router(docs_router(graph))
    app.include_router(web_router())
    return app


def create_worker_app() -> FastAPI:
    """The app of one of several uvicorn workers (``serve --workers N``), settings from the env."""
    return create_app(open_built_graph(Settings.from_env()))

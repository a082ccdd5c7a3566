"""The FastAPI application factory."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from aims_graph import __version__
from aims_graph.api.docs import docs_router
from aims_graph.api.exports import exports_router
from aims_graph.api.json_api import json_api_routers
from aims_graph.api.orgs import Authenticator, orgs_router
from aims_graph.api.problems import install_problem_handlers
from aims_graph.api.sparql import sparql_router
from aims_graph.orgdata.service import OrgService
from aims_graph.service import Graph


def create_app(graph: Graph) -> FastAPI:
    """Build the app over an opened graph."""
    app = FastAPI(
        title="aims-graph",
        version=__version__,
        description=(
            "Crosswalks between ISO/IEC 42001, 27001, 27701, the NIST AI RMF and the EU AI Act."
        ),
    )

    @app.get("/health")
    def health() -> dict[str, Any]:
        """Tell whether the service is up and its store answers."""
        return {"status": "ok", "triples": graph.store.triple_count()}

    @app.get("/stats")
    def stats() -> list[dict[str, Any]]:
        """Item counts per framework edition and kind."""
        return [
            {"edition": s.edition, "title": s.title, "total": s.total, "counts": s.counts}
            for s in graph.stats()
        ]

    auth = Authenticator(OrgService(graph))
    app.include_router(sparql_router(graph, graph.settings, auth.org_graph))
    app.include_router(orgs_router(graph.settings, auth))
    app.include_router(exports_router(graph))
    for router in json_api_routers(graph):
        app.include_router(router)
    install_problem_handlers(app)
    app.include_router(docs_router(graph))
    return app

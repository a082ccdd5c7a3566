"""The FastAPI application factory."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from aims_graph import __version__
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

    return app

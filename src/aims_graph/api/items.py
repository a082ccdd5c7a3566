"""Routes for single items and for search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aims_graph.api import schemas
from aims_graph.api.common import PROBLEM_RESPONSES, render
from aims_graph.views import ViewIndex
from aims_graph.views import crosswalk as mapping_views
from aims_graph.views import search as search_views


def items_router(views: ViewIndex) -> APIRouter:
    """/items/{item} and /search."""
    router = APIRouter(tags=["items"], responses=PROBLEM_RESPONSES)
    settings = views.graph.settings

    @router.get(
        "/items/{item:path}",
        summary="One item with its tree neighbours and mappings",
        response_model=schemas.ItemDetail,
    )
    def get_item(
        request: Request,
        item: Annotated[
            str,
            Path(
                description="CURIE (iso42001:A.6.2.4), full IRI, or notation (unique ones).",
                examples=["iso42001:A.6.2.4"],
            ),
        ],
    ) -> Response:
        """Labels, summary, source link, parents, children, mappings in and out, derived ones."""
        return render(
            request, schemas.ItemDetail, mapping_views.item(views, item), settings, jsonld=True
        )

    @router.get("/search", summary="Search items", response_model=schemas.SearchResult)
    def search(
        request: Request,
        q: Annotated[
            str,
            Query(
                min_length=1,
                description="Notation, CURIE, words of a label or of a summary.",
                examples=["impact assessment"],
            ),
        ],
        framework: Annotated[
            str | None, Query(description="Only this framework edition (slug or prefix).")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=500, description="Most hits returned.")] = 20,
    ) -> Response:
        """Ranked: exact notation, then notation prefix, then label words, then summary."""
        body = search_views.search(views, q, framework_id=framework, limit=limit)
        return render(request, schemas.SearchResult, body, settings)

    return router

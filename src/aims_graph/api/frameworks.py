"""Routes for the framework editions, their item trees, and the published JSON-LD context."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aims_graph.api import schemas
from aims_graph.api.common import JSONLD, PROBLEM_RESPONSES, cached, render
from aims_graph.exports.jsonld_context import context
from aims_graph.views import ViewIndex
from aims_graph.views import frameworks as framework_views

FrameworkId = Annotated[
    str,
    Path(
        description="Framework edition slug or CURIE prefix, e.g. iso42001-2023, iso27001, "
        "nist-ai-rmf, eu-ai-act.",
        examples=["iso42001-2023"],
    ),
]


def frameworks_router(views: ViewIndex) -> APIRouter:
    """/frameworks, /frameworks/{id}, /frameworks/{id}/items and /context.jsonld."""
    router = APIRouter(tags=["frameworks"], responses=PROBLEM_RESPONSES)
    settings = views.graph.settings

    @router.get(
        "/frameworks",
        summary="List the framework editions",
        response_model=list[schemas.FrameworkSummary],
    )
    def list_frameworks(request: Request) -> Response:
        """Every framework edition in the graph with its publication facts and item total."""
        media = "application/json"
        models = [
            schemas.FrameworkSummary.model_validate(f) for f in framework_views.frameworks(views)
        ]
        data = json.dumps([m.model_dump(mode="json") for m in models]).encode()
        return cached(request, data, media, settings)

    @router.get(
        "/frameworks/{id}",
        summary="One framework edition with item counts by kind",
        response_model=schemas.FrameworkDetail,
    )
    def get_framework(request: Request, id: FrameworkId) -> Response:
        """Publication facts, counts by kind and top-level items; JSON-LD on request."""
        return render(
            request,
            schemas.FrameworkDetail,
            framework_views.framework(views, id),
            settings,
            jsonld=True,
        )

    @router.get(
        "/frameworks/{id}/items",
        summary="The item tree of a framework edition (paginated)",
        response_model=schemas.ItemPage,
    )
    def framework_items(
        request: Request,
        id: FrameworkId,
        kind: Annotated[
            str | None,
            Query(
                min_length=1,
                description="Only items of this kind (aims: class, e.g. Control, Subcategory).",
            ),
        ] = None,
        parent: Annotated[
            str | None,
            Query(
                min_length=1,
                description="Only the direct children of this item (CURIE, IRI or notation).",
            ),
        ] = None,
        limit: Annotated[
            int | None, Query(ge=1, le=1000, description="Page size (default: setting).")
        ] = None,
        offset: Annotated[int, Query(ge=0, description="Items to skip.")] = 0,
    ) -> Response:
        """Items in document order with notation, label, kind, parent and number of children."""
        size = limit or settings.api_page_size
        page = framework_views.framework_items(
            views, id, kind=kind, parent=parent, limit=size, offset=offset
        )
        nxt = None
        headers: dict[str, str] = {}
        if offset + size < page["total"]:
            nxt = str(request.url.include_query_params(offset=offset + size, limit=size))
            headers["Link"] = f'<{nxt}>; rel="next"'
        page["next"] = nxt
        return render(request, schemas.ItemPage, page, settings, headers=headers)

    @router.get(
        "/context.jsonld",
        summary="The JSON-LD context of the API",
        response_class=Response,
        responses={200: {"content": {JSONLD: {}}}},
    )
    def jsonld_context(request: Request) -> Response:
        """Maps the API's JSON keys to aims:, skos: and dcterms: terms."""
        data = json.dumps(context(), indent=1).encode()
        return cached(request, data, JSONLD, settings)

    return router

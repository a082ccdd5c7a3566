"""JSON routes the web explorer needs: mapping counts of a framework's items, one matrix cell."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aims_graph.api import schemas
from aims_graph.api.common import PROBLEM_RESPONSES, render
from aims_graph.api.frameworks import FrameworkId
from aims_graph.views import ViewIndex
from aims_graph.views.explorer import mapping_counts, pair_mappings

PairEnd = Annotated[
    str,
    Path(
        description="Framework edition slug or CURIE prefix, e.g. iso42001-2023, eu-ai-act.",
        examples=["iso42001-2023"],
    ),
]


def explorer_data_router(views: ViewIndex) -> APIRouter:
    """/frameworks/{id}/mapping-counts and /matrix/{first}/{second}."""
    router = APIRouter(responses=PROBLEM_RESPONSES)
    settings = views.graph.settings

    @router.get(
        "/frameworks/{id}/mapping-counts",
        tags=["frameworks"],
        summary="How many mappings touch each item of a framework edition",
        response_model=schemas.MappingCounts,
    )
    def framework_mapping_counts(request: Request, id: FrameworkId) -> Response:
        """Stated mappings per item (as subject or object) and derived mappings from it."""
        return render(request, schemas.MappingCounts, mapping_counts(views, id), settings)

    @router.get(
        "/matrix/{first}/{second}",
        tags=["crosswalk"],
        summary="The mappings behind one matrix cell",
        response_model=schemas.PairMappings,
    )
    def matrix_cell(
        request: Request,
        first: PairEnd,
        second: PairEnd,
        derived: Annotated[
            bool, Query(description="Add the derived mappings, each with its chain.")
        ] = False,
    ) -> Response:
        """Every stated mapping between two editions read from the first (as in the CSV export)."""
        body = pair_mappings(views, first, second, derived=derived)
        return render(request, schemas.PairMappings, body, settings)

    return router

"""Routes for crosswalks, explanations, the mapping matrix and EU AI Act obligations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from aims_graph.api import schemas
from aims_graph.api.answers import AnswerCache
from aims_graph.api.common import (
    DATE_PATTERN,
    JSON,
    JSONLD_OFFERS,
    PROBLEM_RESPONSES,
    answer_of,
    choose,
    encode,
    render,
)
from aims_graph.views import ViewIndex
from aims_graph.views import crosswalk as mapping_views
from aims_graph.views import obligations as obligation_views
from aims_graph.views.errors import as_date

#: The routes whose JSON answers are kept per build (see aims_graph.api.answers).
KEPT_PATHS = frozenset({"/crosswalk"})


def crosswalk_router(views: ViewIndex, answers: AnswerCache | None = None) -> APIRouter:
    """/crosswalk, /explain, /matrix and /obligations; ``answers`` keeps /crosswalk's JSON."""
    router = APIRouter(tags=["crosswalk"], responses=PROBLEM_RESPONSES)
    settings = views.graph.settings
    kept = answers or AnswerCache(views.graph, KEPT_PATHS)

    @router.get(
        "/crosswalk",
        summary="Mappings from an item into a framework",
        response_model=schemas.Crosswalk,
    )
    def crosswalk(
        request: Request,
        from_: Annotated[
            str,
            Query(
                alias="from",
                description="The item: CURIE, IRI or notation.",
                examples=["iso42001:A.6.2.4"],
            ),
        ],
        to: Annotated[
            str | None,
            Query(description="Target framework edition (slug or prefix); all when absent."),
        ] = None,
        derived: Annotated[
            bool, Query(description="Add mappings derived along chains of stated ones.")
        ] = False,
        min_confidence: Annotated[
            float, Query(ge=0.0, le=1.0, description="Leave out mappings below this confidence.")
        ] = 0.0,
    ) -> Response:
        """Each mapping with titles, relation, confidence, justification, source and set."""
        svc = views.svc
        body = mapping_views.crosswalk(
            views, from_, to, derived=derived, min_confidence=min_confidence
        )
        if choose(request, JSONLD_OFFERS) != JSON:
            return render(request, schemas.Crosswalk, body, settings, jsonld=True)
        # The same query gives the same bytes until the next build: keep them.
        answer = answer_of(encode(schemas.Crosswalk, body, {}), JSON, settings)
        kept.keep(request, svc, answer)
        return answer.response(request)

    @router.get(
        "/explain",
        summary="Why two items are linked: every mapping path",
        response_model=schemas.Explanation,
    )
    def explain(
        request: Request,
        from_: Annotated[
            str, Query(alias="from", description="Start item.", examples=["nist-ai-rmf:MAP-1.1"])
        ],
        to: Annotated[str, Query(description="End item.", examples=["iso27001:4.1"])],
        max_hops: Annotated[
            int | None, Query(ge=1, le=4, description="Longest path (default: setting).")
        ] = None,
    ) -> Response:
        """Each path with its hops (relation, confidence, set, source) and composed relation."""
        return render(
            request,
            schemas.Explanation,
            mapping_views.explain(views, from_, to, max_hops),
            settings,
        )

    @router.get(
        "/matrix",
        summary="Framework × framework mapping counts by relation",
        response_model=schemas.Matrix,
    )
    def matrix(request: Request) -> Response:
        """Per pair of editions: stated mappings by relation, derived count, share mapped."""
        return render(request, schemas.Matrix, mapping_views.matrix(views), settings)

    @router.get(
        "/obligations",
        summary="EU AI Act obligations of an actor and risk tier on a date",
        response_model=schemas.Obligations,
    )
    def obligations(
        request: Request,
        actor: Annotated[
            str | None,
            Query(
                description="provider, deployer, importer, distributor, "
                "authorised-representative, gpai-provider, … (or its CURIE/IRI).",
                examples=["provider"],
            ),
        ] = None,
        tier: Annotated[
            str | None,
            Query(
                description="prohibited, high-risk, transparency, gpai, gpai-systemic, any.",
                examples=["high-risk"],
            ),
        ] = None,
        as_of: Annotated[
            str | None,
            Query(
                description="Date YYYY-MM-DD (default today): picks the applicability record "
                "in force then (2024 text, or as amended by Reg. (EU) 2026/1744).",
                examples=["2026-08-02"],
                pattern=DATE_PATTERN,
                json_schema_extra={"format": "date"},
            ),
        ] = None,
        include_pending: Annotated[
            bool, Query(description="Also list obligations that do not apply yet on that date.")
        ] = False,
        include_any_tier: Annotated[
            bool, Query(description="With tier=, also list duties of every tier (e.g. Art. 4).")
        ] = True,
    ) -> Response:
        """Each obligation with, per scope, the date, record status and legal basis in force."""
        body = obligation_views.obligations(
            views,
            actor=actor,
            tier=tier,
            as_of=as_date(as_of),
            include_pending=include_pending,
            include_any_tier=include_any_tier,
        )
        return render(request, schemas.Obligations, body, settings)

    return router

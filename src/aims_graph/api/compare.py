"""GET /compare: how far two mapping sets linking the same two editions agree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from aims_graph.api.common import PROBLEM_RESPONSES, render
from aims_graph.views import ViewIndex
from aims_graph.views.compare import comparison

#: A set id, or stated:A>C / derived:A>C[@X]; the domain checks that the names exist.
SIDE_PATTERN = (
    r"^\s*(?:(?:stated|derived):[^\s>@:]+>[^\s>@:]+(?:@[^\s>@:]+)?|[A-Za-z0-9][\w.-]*)\s*$"
)
SIDE_HELP = (
    "A mapping set id, stated:A>C (every stated mapping from edition A to C) or derived:A>C "
    "(chains of stated mappings; derived:A>C@X through edition X only)."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompareSide(_Model):
    """One side of the comparison."""

    spec: str
    label: str
    pairs: int = Field(description="Item pairs the side links, read from the first edition.")


class CompareLink(_Model):
    """What one side says of a pair."""

    relation: str
    confidence: float
    comment: str | None
    via: list[str] = Field(description="Stated mappings of a derived pair's chain.")


class Disagreement(_Model):
    """A pair on one side only, or with conflicting relations."""

    subject: str
    object: str
    subject_iri: str
    object_iri: str
    subject_title: str
    object_title: str
    kind: str = Field(description="first-only, second-only or conflicting.")
    first: CompareLink | None
    second: CompareLink | None


class ItemAgreement(_Model):
    """The objects one subject item has on each side, and their Jaccard index."""

    subject: str
    subject_iri: str
    first: list[str]
    second: list[str]
    jaccard: float


class Comparison(_Model):
    """Agreement of two mapping sets over the same two framework editions."""

    first: CompareSide
    second: CompareSide
    editions: list[str]
    both: int
    first_only: int
    second_only: int
    jaccard: float | None = Field(description="Pairs in both over pairs in either.")
    relations: dict[str, int] = Field(
        description="Shared pairs whose relations are the same, compatible or conflicting."
    )
    per_item: list[ItemAgreement]
    disagreements: list[Disagreement]


def compare_router(views: ViewIndex) -> APIRouter:
    """/compare."""
    router = APIRouter(tags=["crosswalk"], responses=PROBLEM_RESPONSES)
    settings = views.graph.settings

    @router.get("/compare", summary="Compare two mapping sets", response_model=Comparison)
    def compare(
        request: Request,
        first: Annotated[
            str,
            Query(
                min_length=1,
                max_length=200,
                pattern=SIDE_PATTERN,
                description=SIDE_HELP,
                examples=["iso42001-2023--iso27001-2022-clauses"],
            ),
        ],
        second: Annotated[
            str,
            Query(
                min_length=1,
                max_length=200,
                pattern=SIDE_PATTERN,
                description=SIDE_HELP,
                examples=["derived:iso42001-2023>iso27001-2022@iso27701-2025"],
            ),
        ],
    ) -> Response:
        """Pairs in both, in one only, relation agreement, Jaccard per item, disagreements."""
        return render(request, Comparison, comparison(views.svc, first, second), settings)

    return router

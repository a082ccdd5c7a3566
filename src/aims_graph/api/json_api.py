"""The JSON API routers, all sharing one ViewIndex over the graph."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from aims_graph.api.answers import AnswerCache
from aims_graph.api.compare import compare_router
from aims_graph.api.crosswalk import crosswalk_router
from aims_graph.api.explorer_data import explorer_data_router
from aims_graph.api.frameworks import frameworks_router
from aims_graph.api.items import items_router
from aims_graph.api.queries import queries_router
from aims_graph.service import Graph
from aims_graph.views import ViewIndex


def _warm(views: ViewIndex) -> None:
    try:
        # What a crosswalk needs first, then what pages need, then the chains (the slowest).
        _ = views.svc
        _ = views.details
        views.svc.graph.derived()
    except Exception:  # the first request reports the same error, with its problem JSON
        return


def json_api_routers(
    graph: Graph, views: ViewIndex | None = None, answers: AnswerCache | None = None
) -> list[APIRouter]:
    """The routers of the JSON API (frameworks, items, crosswalk, named queries).

    ``answers`` keeps the encoded answers of the hot read routes, for :class:`KeptAnswers`.
    """
    views = views or ViewIndex(graph)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Build the in-memory indexes beside the server start, not inside the first request.
        threading.Thread(target=_warm, args=(views,), name="api-warm-up", daemon=True).start()
        yield

    first = frameworks_router(views)
    first.lifespan_context = lifespan
    return [
        first,
        items_router(views),
        crosswalk_router(views, answers),
        compare_router(views),
        queries_router(views),
        explorer_data_router(views),
    ]

"""Organisation routes: register, keys, upload, policy shapes, validation, coverage, gaps, SoA.

Every /orgs/{org_id}/... route needs that organisation's API key (``Authorization: Bearer KEY``
or ``X-API-Key: KEY``); see :mod:`aims_graph.api.orgs.auth`.
"""

from __future__ import annotations

from fastapi import APIRouter

from aims_graph.api.orgs.auth import Authenticator
from aims_graph.api.orgs.catalogs import catalogs_router
from aims_graph.api.orgs.data import data_router
from aims_graph.api.orgs.registry import registry_router
from aims_graph.api.orgs.reports import reports_router
from aims_graph.api.orgs.shapes import shapes_router
from aims_graph.config import Settings

__all__ = ["Authenticator", "orgs_router"]


def orgs_router(settings: Settings, auth: Authenticator) -> APIRouter:
    """Routes of organisations and their data."""
    router = APIRouter()
    parts = (registry_router(settings, auth), data_router(auth), shapes_router(auth))
    for part in (*parts, reports_router(auth), catalogs_router(auth)):
        router.include_router(part)
    return router

"""Public imports over HTTP: editions and mapping sets added beside the shipped ones.

Listing them is open; adding, replacing and deleting need the administrator token of the
service (``AIMS_GRAPH_ORG_ADMIN_TOKEN``), and are refused (403) when no token is set, so an
open deployment never takes writes to the public graph from anyone. ``PUT`` creates or
replaces; a refused file (422, every problem with file, place, reason and fix) changes nothing.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aims_graph.api.orgs.auth import bearer, unauthorised
from aims_graph.api.orgs.responses import PRIVATE, private_json
from aims_graph.api.problems import ProblemError, unknown
from aims_graph.api.uploads import (
    EditionPath,
    FrameworkParams,
    MappingParams,
    framework_params,
    import_file,
    mapping_params,
)
from aims_graph.catalog.frameworks import is_shipped
from aims_graph.importers.public import PublicImports
from aims_graph.importers.reading import read_framework
from aims_graph.importers.reading import read_mappings as read_mapping_file
from aims_graph.service import Graph


def require_admin(request: Request, token: str | None, what: str) -> None:
    """Let the request through only with the service's administrator token."""
    if token is None:
        raise ProblemError(
            403,
            "forbidden",
            "Forbidden",
            f"{what} over HTTP needs the administrator token, and this service has none "
            "(setting AIMS_GRAPH_ORG_ADMIN_TOKEN); or use the CLI, aims-graph import.",
        )
    given = bearer(request) or ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise unauthorised(
            f"{what} needs the administrator token of this service "
            "(setting AIMS_GRAPH_ORG_ADMIN_TOKEN) as 'Authorization: Bearer TOKEN'."
        )


def _not_found(kind: str, ident: str) -> ProblemError:
    return unknown(kind, f"No imported {kind} {ident!r}.")


def imports_router(graph: Graph) -> APIRouter:
    """GET /imports; PUT and DELETE /imports/frameworks/{id} and /imports/mappings/{id}."""
    router = APIRouter(tags=["imports"])
    imports = PublicImports(graph)
    token = graph.settings.org_admin_token
    what = "Changing the public imports"

    @router.get("/imports", summary="The imported editions and mapping sets")
    def listing() -> Response:
        """Every public import: editions with their counts and file, and mapping sets."""
        return private_json(imports.listing())

    @router.put("/imports/frameworks/{edition}", summary="Import (or replace) a framework edition")
    async def put_framework(
        request: Request,
        edition: EditionPath,
        params: Annotated[FrameworkParams, Depends(framework_params)],
    ) -> Response:
        """An OSCAL catalog, a CISO Assistant library or a sheet, as the edition ``edition``."""
        require_admin(request, token, what)
        data, name = await import_file(request, params.filename)

        def run() -> Response:
            draft = read_framework(data, name, edition, params.fmt, params.title)
            result = imports.add_framework(draft, replace=True)
            return private_json(result.as_dict(), 200 if result.replaced else 201)

        return await run_in_threadpool(run)

    @router.delete("/imports/frameworks/{edition}", status_code=204)
    async def delete_framework(request: Request, edition: EditionPath) -> Response:
        """Delete an imported edition (409 while an imported mapping set needs it)."""
        require_admin(request, token, what)
        if is_shipped(edition):
            raise ProblemError(
                409, "import-conflict", "Import conflict", f"{edition!r} is a shipped edition."
            )
        try:
            await run_in_threadpool(imports.remove_framework, edition)
        except KeyError:
            raise _not_found("edition", edition) from None
        return Response(status_code=204, headers=PRIVATE)

    @router.put("/imports/mappings/{set_id}", summary="Import (or replace) a mapping set")
    async def put_mappings(
        request: Request,
        set_id: EditionPath,
        params: Annotated[MappingParams, Depends(mapping_params)],
    ) -> Response:
        """A CISO Assistant mapping library or an SSSOM/TSV set, checked against the catalogs."""
        require_admin(request, token, what)
        data, name = await import_file(request, params.filename)

        def run() -> Response:
            draft = read_mapping_file(data, name, imports.known_items(), params.options, params.fmt)
            result = imports.add_mappings(
                draft, set_id, replace=True, keep_rest=params.skip_failing
            )
            return private_json(result.as_dict(), 200 if result.replaced else 201)

        return await run_in_threadpool(run)

    @router.delete("/imports/mappings/{set_id}", status_code=204)
    async def delete_mappings(request: Request, set_id: EditionPath) -> Response:
        """Delete an imported mapping set."""
        require_admin(request, token, what)
        try:
            await run_in_threadpool(imports.remove_mappings, set_id)
        except KeyError:
            raise _not_found("mapping set", set_id) from None
        return Response(status_code=204, headers=PRIVATE)

    return router

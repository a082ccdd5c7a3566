"""An organisation's own frameworks and mapping sets, and the crosswalk through them.

Every route needs the organisation's key. What is stored here is in the organisation's own
graphs: no public route shows it, and another organisation's key gets the same 404 as a name
that does not exist.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aims_graph.api.compare import SIDE_HELP, SIDE_PATTERN, Comparison
from aims_graph.api.orgs.auth import Authenticator
from aims_graph.api.orgs.params import OrgIdPath
from aims_graph.api.orgs.responses import PRIVATE, download, private_json
from aims_graph.api.problems import ProblemError, unknown
from aims_graph.api.uploads import (
    FrameworkParams,
    MappingParams,
    framework_params,
    import_file,
    mapping_params,
)
from aims_graph.views.compare import comparison

NamePath = Annotated[str, Path(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")]


class OwnFrameworkFormat(StrEnum):
    """The formats an own framework is served in."""

    turtle = "turtle"
    nt = "nt"
    jsonld = "jsonld"
    oscal = "oscal"


def _missing(kind: str, name: str) -> ProblemError:
    return unknown(kind, f"The organisation has no {kind} {name!r}.")


def catalogs_router(auth: Authenticator) -> APIRouter:
    """/orgs/{id}/frameworks…, /orgs/{id}/mappings…, /orgs/{id}/crosswalk, /explain, /compare."""
    router = APIRouter(tags=["organisations"])
    service = auth.service
    catalogs = service.catalogs

    @router.get("/orgs/{org_id}/frameworks", summary="The organisation's own frameworks and sets")
    async def listing(request: Request, org_id: OrgIdPath) -> Response:
        """Its editions (id, title, counts) and its mapping sets (id, mappings)."""
        org = await run_in_threadpool(auth.require, request, org_id)
        return private_json(await run_in_threadpool(catalogs.listing, org.id))

    @router.put("/orgs/{org_id}/frameworks/{name}", summary="Import (or replace) an own framework")
    async def put_framework(
        request: Request,
        org_id: OrgIdPath,
        name: NamePath,
        params: Annotated[FrameworkParams, Depends(framework_params)],
    ) -> Response:
        """An OSCAL catalog, CISO Assistant library or sheet as the edition org.{id}.{name}."""
        org = await run_in_threadpool(auth.require, request, org_id)
        data, filename = await import_file(request, params.filename)
        result = await run_in_threadpool(
            lambda: catalogs.put_framework(
                org.id, name, data, filename, params.fmt, params.title or name
            )
        )
        return private_json(result.as_dict(), 200 if result.replaced else 201)

    @router.get("/orgs/{org_id}/frameworks/{name}", summary="An own framework as a file")
    async def get_framework(
        request: Request,
        org_id: OrgIdPath,
        name: NamePath,
        fmt: Annotated[
            OwnFrameworkFormat,
            Query(alias="format", description="turtle, nt, jsonld or oscal (an OSCAL catalog)."),
        ] = OwnFrameworkFormat.turtle,
    ) -> Response:
        """The stored catalog of the organisation's edition, as the public exports write one."""
        org = await run_in_threadpool(auth.require, request, org_id)
        found = await run_in_threadpool(catalogs.framework_file, org.id, name, fmt.value)
        if found is None:
            raise _missing("framework", name)
        data, media, filename = found
        return download(data, media, filename)

    @router.get("/orgs/{org_id}/frameworks/{name}/items", summary="An own framework's tree")
    async def framework_items(request: Request, org_id: OrgIdPath, name: NamePath) -> Response:
        """Its items as a tree, each with its number of mappings in the organisation's view."""
        org = await run_in_threadpool(auth.require, request, org_id)
        tree = await run_in_threadpool(
            lambda: catalogs.framework_tree(org.id, name, service.mappings_for(org.id))
        )
        if tree is None:
            raise _missing("framework", name)
        return private_json(tree)

    @router.delete("/orgs/{org_id}/frameworks/{name}", status_code=204)
    async def delete_framework(request: Request, org_id: OrgIdPath, name: NamePath) -> Response:
        """Delete an own framework (409 while one of the organisation's sets needs it)."""
        org = await run_in_threadpool(auth.require, request, org_id)
        if not await run_in_threadpool(catalogs.delete_framework, org.id, name):
            raise _missing("framework", name)
        return Response(status_code=204, headers=PRIVATE)

    @router.put("/orgs/{org_id}/mappings/{name}", summary="Import (or replace) an own mapping set")
    async def put_mappings(
        request: Request,
        org_id: OrgIdPath,
        name: NamePath,
        params: Annotated[MappingParams, Depends(mapping_params)],
    ) -> Response:
        """SSSOM/TSV or a CISO Assistant mapping library between own and public items."""
        org = await run_in_threadpool(auth.require, request, org_id)
        data, filename = await import_file(request, params.filename)
        result = await run_in_threadpool(
            lambda: catalogs.put_mappings(
                org.id,
                name,
                data,
                filename,
                params.options,
                params.fmt,
                keep_rest=params.skip_failing,
            )
        )
        return private_json(result.as_dict(), 200 if result.replaced else 201)

    @router.get("/orgs/{org_id}/mappings/{name}", summary="An own mapping set as SSSOM/TSV")
    async def get_mappings(request: Request, org_id: OrgIdPath, name: NamePath) -> Response:
        """The stored set, in the project's SSSOM layout."""
        org = await run_in_threadpool(auth.require, request, org_id)
        text = await run_in_threadpool(catalogs.mappings_tsv, org.id, name)
        if text is None:
            raise _missing("mapping set", name)
        return download(text.encode(), "text/tab-separated-values", f"{name}{'.sssom.tsv'}")

    @router.delete("/orgs/{org_id}/mappings/{name}", status_code=204)
    async def delete_mappings(request: Request, org_id: OrgIdPath, name: NamePath) -> Response:
        """Delete an own mapping set."""
        org = await run_in_threadpool(auth.require, request, org_id)
        if not await run_in_threadpool(catalogs.delete_mappings, org.id, name):
            raise _missing("mapping set", name)
        return Response(status_code=204, headers=PRIVATE)

    @router.get("/orgs/{org_id}/crosswalk", summary="Crosswalk with the organisation's own sets")
    async def crosswalk(
        request: Request,
        org_id: OrgIdPath,
        from_: Annotated[str, Query(alias="from", description="CURIE, IRI or notation.")],
        to: Annotated[str | None, Query(description="Target edition; all when absent.")] = None,
        derived: Annotated[bool, Query()] = False,
        min_confidence: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
    ) -> Response:
        """Mappings from an item, public or the organisation's own, through every set it sees."""
        org = await run_in_threadpool(auth.require, request, org_id)

        def run() -> dict[str, Any]:
            svc = service.mappings_for(org.id)
            item = svc.resolve(from_)
            rows = svc.crosswalk(item.iri, to, derived=derived, min_confidence=min_confidence)
            return {
                "from": item.curie,
                "iri": item.iri,
                "title": item.title,
                "target": svc.edition(to) if to else None,
                "derived_included": derived,
                "count": len(rows),
                "mappings": rows,
            }

        return private_json(await run_in_threadpool(run))

    @router.get("/orgs/{org_id}/explain", summary="Mapping paths, through the org's own sets")
    async def explain(
        request: Request,
        org_id: OrgIdPath,
        from_: Annotated[str, Query(alias="from")],
        to: Annotated[str, Query()],
        max_hops: Annotated[int | None, Query(ge=1, le=4)] = None,
    ) -> Response:
        """Every chain of mappings between two items, hop by hop, with the composed relation."""
        org = await run_in_threadpool(auth.require, request, org_id)

        def run() -> dict[str, Any]:
            svc = service.mappings_for(org.id)
            a, b = svc.resolve(from_), svc.resolve(to)
            return svc.explain(a.iri, b.iri, max_hops)

        return private_json(await run_in_threadpool(run))

    @router.get(
        "/orgs/{org_id}/compare",
        summary="Compare two mapping sets, the organisation's own among them",
        response_model=Comparison,
    )
    async def compare(
        request: Request,
        org_id: OrgIdPath,
        first: Annotated[
            str, Query(min_length=1, max_length=200, pattern=SIDE_PATTERN, description=SIDE_HELP)
        ],
        second: Annotated[
            str, Query(min_length=1, max_length=200, pattern=SIDE_PATTERN, description=SIDE_HELP)
        ],
    ) -> Response:
        """As /compare, where either side may be one of the organisation's own sets
        (``org.{id}.{name}``) or a chain through its own editions."""
        org = await run_in_threadpool(auth.require, request, org_id)
        data = await run_in_threadpool(
            lambda: comparison(service.mappings_for(org.id), first, second)
        )
        return private_json(data)

    return router

"""The organisation's own SHACL policy shapes: replace, read and delete them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aims_graph.api.orgs.auth import Authenticator
from aims_graph.api.orgs.params import SHAPES_TYPES, OrgIdPath
from aims_graph.api.orgs.responses import PRIVATE, private_json, private_rdf, rdf_media
from aims_graph.api.problems import ProblemError
from aims_graph.api.uploads import upload_sources
from aims_graph.orgdata.model import org_shapes_graph_iri
from aims_graph.orgdata.policy_shapes import PolicyShapesError
from aims_graph.orgdata.service import UploadTooLargeError

SHAPES_DOC = (
    "SHACL shapes of the organisation's own rules, checked on the organisation's data with the "
    "project's shapes at GET /orgs/{org_id}/validation. Send files as multipart/form-data (the "
    "suffix says the format: .ttl, .jsonld, .nt) or one body as text/turtle, "
    "application/ld+json or application/n-triples. Every node shape needs an IRI and "
    "aims:enforces naming a catalog item; the shapes must be valid SHACL (W3C shapes for "
    "shapes) and compile. All or nothing: each problem names the shape, the place and the "
    "reason, and nothing is stored. No remote JSON-LD context is fetched, owl:imports is not "
    "followed and SPARQL text may not use SERVICE or FROM."
)


def _refused(exc: PolicyShapesError) -> ProblemError:
    return ProblemError(
        422,
        "shapes-refused",
        "Shapes refused",
        f"Nothing was stored: {len(exc.problems)} problem(s) in the shapes.",
        problems=[p.as_dict() for p in exc.problems],
    )


def shapes_router(auth: Authenticator) -> APIRouter:
    """PUT/GET/DELETE /orgs/{id}/shapes."""
    router = APIRouter(tags=["organisations"])
    service = auth.service

    @router.put(
        "/orgs/{org_id}/shapes",
        summary="Replace the organisation's policy shapes",
        description=SHAPES_DOC,
    )
    async def put_shapes(request: Request, org_id: OrgIdPath) -> Response:
        """Check the shapes and store them in place of any stored before."""
        org = await run_in_threadpool(auth.require, request, org_id)
        body = await request.body()  # BodyLimit has capped it at max_upload_bytes
        sources = await upload_sources(request, body, None, SHAPES_TYPES)
        try:
            result = await run_in_threadpool(service.put_shapes, org.id, sources)
        except PolicyShapesError as exc:
            raise _refused(exc) from exc
        except UploadTooLargeError as exc:
            raise ProblemError(
                413,
                "upload-too-large",
                "Content Too Large",
                f"Nothing was stored: {exc}.",
                limit=exc.setting,
                value=exc.limit,
            ) from exc
        return private_json(
            {
                "files": list(result.files),
                "rules": result.rules,
                "triples_stored": result.triples,
                "graph": org_shapes_graph_iri(org.id),
            }
        )

    @router.get("/orgs/{org_id}/shapes", summary="The organisation's policy shapes as RDF")
    async def get_shapes(request: Request, org_id: OrgIdPath) -> Response:
        """Turtle, N-Triples or JSON-LD by the Accept header (empty when there are none)."""
        org = await run_in_threadpool(auth.require, request, org_id)
        media = rdf_media(request)
        shapes = await run_in_threadpool(service.shapes, org.id)
        return private_rdf(shapes, media)

    @router.delete(
        "/orgs/{org_id}/shapes", summary="Delete the organisation's policy shapes", status_code=204
    )
    async def delete_shapes(request: Request, org_id: OrgIdPath) -> Response:
        """Validation runs the project's shapes only from then on."""
        org = await run_in_threadpool(auth.require, request, org_id)
        await run_in_threadpool(service.delete_shapes, org.id)
        return Response(status_code=204, headers=PRIVATE)

    return router

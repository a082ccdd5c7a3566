"""The organisation's own data: replace, add to, and read its graph."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aims_graph.api.orgs.auth import Authenticator
from aims_graph.api.orgs.params import UPLOAD_TYPES, KindQuery, OrgIdPath
from aims_graph.api.orgs.responses import private_json, private_rdf, rdf_media
from aims_graph.api.problems import ProblemError
from aims_graph.api.uploads import upload_sources
from aims_graph.orgdata.problems import OrgDataError
from aims_graph.orgdata.service import UploadMode, UploadTooLargeError
from aims_graph.orgdata.sheet_specs import SHEETS


def _import_problem(exc: OrgDataError) -> ProblemError:
    return ProblemError(
        422,
        "import-refused",
        "Import refused",
        f"Nothing was stored: {len(exc.problems)} problem(s) in the upload.",
        problems=[
            {
                "file": p.file,
                "sheet": p.sheet or None,
                "row": p.row,
                "column": p.column or None,
                "reason": p.reason,
                "fix": p.fix or None,
                "where": p.location,
            }
            for p in exc.problems
        ],
    )


def data_router(auth: Authenticator) -> APIRouter:
    """PUT/POST/GET /orgs/{id}/data."""
    router = APIRouter(tags=["organisations"])
    service = auth.service

    async def upload(request: Request, org_id: str, mode: UploadMode, kind: str | None) -> Response:
        org = await run_in_threadpool(auth.require, request, org_id)
        if kind is not None and kind not in SHEETS:
            raise ProblemError(
                400,
                "bad-parameter",
                "Bad Request",
                f"kind={kind!r}: use one of {', '.join(SHEETS)}.",
            )
        body = await request.body()  # BodyLimit has capped it at max_upload_bytes
        sources = await upload_sources(request, body, kind, UPLOAD_TYPES)
        try:
            result = await run_in_threadpool(
                lambda: service.upload(org.id, sources, mode, sheet_kind=kind)
            )
        except OrgDataError as exc:
            raise _import_problem(exc) from exc
        except UploadTooLargeError as exc:
            raise ProblemError(
                413,
                "upload-too-large",
                "Content Too Large",
                f"Nothing was stored: {exc}.",
                limit="max_upload_triples",
                value=exc.limit,
            ) from exc
        return private_json(
            {
                "mode": result.mode,
                "files": list(result.files),
                "triples_uploaded": result.triples_uploaded,
                "triples_stored": result.triples_stored,
                "graph": org.graph,
            }
        )

    upload_doc = (
        "Send files as multipart/form-data (any field name; the file name's suffix says the "
        "format: .ttl, .jsonld, .nt, .csv named after its sheet kind, .xlsx with one sheet per "
        "kind), or one body as text/turtle, application/ld+json, application/n-triples, "
        "text/csv (with ?kind=) or XLSX. All or nothing: any problem is reported with its "
        "file, sheet, row and column, and nothing is stored."
    )

    @router.put(
        "/orgs/{org_id}/data", summary="Replace the organisation's data", description=upload_doc
    )
    async def replace_data(request: Request, org_id: OrgIdPath, kind: KindQuery = None) -> Response:
        """Replace the organisation's whole graph with the upload."""
        return await upload(request, org_id, "replace", kind)

    @router.post(
        "/orgs/{org_id}/data", summary="Add to the organisation's data", description=upload_doc
    )
    async def append_data(request: Request, org_id: OrgIdPath, kind: KindQuery = None) -> Response:
        """Add the upload to what is stored (records may refer to stored ones)."""
        return await upload(request, org_id, "append", kind)

    @router.get("/orgs/{org_id}/data", summary="The organisation's stored data as RDF")
    async def get_data(request: Request, org_id: OrgIdPath) -> Response:
        """Turtle, N-Triples or JSON-LD by the Accept header."""
        org = await run_in_threadpool(auth.require, request, org_id)
        media = rdf_media(request)
        data = await run_in_threadpool(service.data, org.id)
        return private_rdf(data, media)

    return router

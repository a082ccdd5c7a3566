"""Organisation routes: register, keys, upload, validation, coverage, gaps, SoA, templates.

Every /orgs/{org_id}/... route needs that organisation's API key (``Authorization: Bearer KEY``
or ``X-API-Key: KEY``). A key for another organisation gets the same 404 as an organisation that
does not exist, so a key holder cannot even learn which other organisations there are.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from rdflib import RDF
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from aims_graph.api.common import DATE_PATTERN
from aims_graph.api.limits import RateLimiter
from aims_graph.api.problems import ProblemError
from aims_graph.api.sparql import negotiate
from aims_graph.api_views import as_date
from aims_graph.config import Settings
from aims_graph.coverage import VERDICTS, CoverageInputError, coverage_rows, coverage_xlsx
from aims_graph.coverage_absence import NO_COUNTERPART
from aims_graph.orgdata.model import SHEETS, org_graph_iri
from aims_graph.orgdata.problems import OrgDataError
from aims_graph.orgdata.registry import Organisation, RegistryError
from aims_graph.orgdata.service import OrgService, UploadMode, UploadTooLargeError
from aims_graph.orgdata.templates import template
from aims_graph.xlsx import XLSX_MEDIA_TYPE

ORG_ID_PATTERN: Final = r"^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$"
#: Raw upload bodies: media type → the file suffix the importer reads it by.
UPLOAD_TYPES: Final = {
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
    "text/csv": ".csv",
    XLSX_MEDIA_TYPE: ".xlsx",
}
REPORT_TYPES: Final = {"json": "application/json", "csv": "text/csv", "xlsx": XLSX_MEDIA_TYPE}
DATA_TYPES: Final = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
}
_PRIVATE: Final = {"Cache-Control": "private, no-store"}
OrgIdPath = Annotated[str, Path(pattern=ORG_ID_PATTERN, max_length=100)]
AsOfQuery = Annotated[
    str | None,
    Query(
        description="Judge on this day (YYYY-MM-DD; default today).",
        pattern=DATE_PATTERN,
        json_schema_extra={"format": "date"},
    ),
]
LawQuery = Annotated[
    Literal["in-force", "original", "amended"],
    Query(description="EU AI Act dates: in-force (as the law stood that day), original, amended."),
]
FormatQuery = Annotated[
    Literal["json", "csv", "xlsx"] | None,
    Query(description="json, csv or xlsx (overrides the Accept header)."),
]
TableFormatQuery = Annotated[
    Literal["json", "csv"] | None,
    Query(description="json or csv (overrides the Accept header)."),
]
KindQuery = Annotated[
    str | None, Query(description=f"Sheet kind of a raw CSV body: {', '.join(SHEETS)}.")
]
TargetQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=100,
        description="Framework (iso27001-2022, nist-ai-rmf, …) or eu-ai-act (the duties "
        "that apply to the organisation's roles and systems on the day).",
    ),
]
ConfidenceQuery = Annotated[
    float,
    Query(
        ge=0.0,
        le=1.0,
        description="Ignore mappings below this confidence (how sure we are a mapping is right).",
    ),
]
StrengthQuery = Annotated[
    float | None,
    Query(
        ge=0.0,
        le=1.0,
        description="Ignore mappings graded below this strength (how much of the duty the "
        "target carries: 0.8, 0.6, 0.4); mappings of sets that do not grade strength count.",
    ),
]


class NewOrganisation(BaseModel):
    """The body of POST /orgs."""

    id: str = Field(pattern=ORG_ID_PATTERN, max_length=100, examples=["northwind"])
    name: str = Field(
        min_length=1,
        max_length=200,
        # Printable text: no control characters, not only spaces.
        pattern=r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
        examples=["Northwind Lending"],
    )


def _org_body(org: Organisation) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "created": org.created, "graph": org.graph}


def _json(body: Any, status: int = 200) -> Response:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(data, status_code=status, media_type="application/json", headers=_PRIVATE)


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.headers.get("x-api-key") or None


def _unauthorised(detail: str) -> ProblemError:
    return ProblemError(
        401,
        "unauthorised",
        "Unauthorised",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="aims-graph"'},
    )


class Authenticator:
    """Maps a request's API key to the organisation holding it, within its rate limit."""

    def __init__(self, service: OrgService, limiter: RateLimiter) -> None:
        self.service = service
        self.limiter = limiter

    def org_id(self, request: Request) -> str | None:
        """The caller's organisation; None without a key; 401 for a key that is not valid."""
        token = _bearer(request)
        if token is None:
            return None
        org_id = self.service.registry.authenticate(token)
        if org_id is None:
            raise _unauthorised("The API key is not valid (unknown, mistyped or revoked).")
        self.limiter.take(org_id)
        return org_id

    def org_graph(self, request: Request) -> str | None:
        """The named graph the caller's key grants, for /sparql."""
        org_id = self.org_id(request)
        return None if org_id is None else org_graph_iri(org_id)

    def require(self, request: Request, org_id: str) -> Organisation:
        """The organisation in the path, when the request's key is one of its keys."""
        caller = self.org_id(request)
        if caller is None:
            raise _unauthorised(
                "This route needs the organisation's API key: send 'Authorization: Bearer KEY'."
            )
        org = self.service.registry.get(org_id) if hmac.compare_digest(caller, org_id) else None
        if org is None:
            raise ProblemError(
                404,
                "unknown-organisation",
                "Unknown organisation",
                f"No organisation {org_id!r} is reachable with this API key.",
            )
        return org


def _report_format(request: Request, fmt: str | None, offers: tuple[str, ...]) -> str:
    if fmt is not None:
        if fmt not in offers:
            raise ProblemError(
                400,
                "bad-parameter",
                "Bad Request",
                f"format={fmt!r} is not offered here; use one of {', '.join(offers)}.",
            )
        return fmt
    by_type = {REPORT_TYPES[f]: f for f in offers}
    chosen = negotiate(request.headers.get("accept"), {t: t for t in by_type})
    if chosen is None:
        raise ProblemError(
            406,
            "not-acceptable",
            "Not Acceptable",
            f"This report is available as {', '.join(by_type)}.",
            supported=list(by_type),
        )
    return by_type[chosen]


def _csv(rows: list[dict[str, Any]], header: list[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _download(data: bytes, media_type: str, filename: str) -> Response:
    text = media_type.startswith("text/")
    return Response(
        data,
        media_type=f"{media_type}; charset=utf-8" if text else media_type,
        headers={**_PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _upload_sources(
    request: Request, body: bytes, kind: str | None
) -> list[tuple[str, bytes]]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":

        async def replay() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        # The body was read under the size limit; the form parser reads it from memory.
        form = await Request(request.scope, replay).form(max_files=50, max_fields=50)
        sources: list[tuple[str, bytes]] = []
        for _, value in form.multi_items():
            if isinstance(value, UploadFile):
                sources.append((value.filename or "upload", await value.read()))
        if not sources:
            raise ProblemError(
                400, "bad-upload", "Bad upload", "The form has no file fields; attach files."
            )
        return sources
    suffix = UPLOAD_TYPES.get(ctype)
    if suffix is None:
        raise ProblemError(
            415,
            "unsupported-media-type",
            "Unsupported Media Type",
            f"Upload multipart/form-data files, or one body as {', '.join(UPLOAD_TYPES)}; "
            f"got {ctype or 'no Content-Type'}.",
        )
    if suffix == ".csv" and kind is None:
        raise ProblemError(
            400,
            "bad-upload",
            "Bad upload",
            f"A CSV body needs ?kind= to say which sheet it is: {', '.join(SHEETS)}.",
        )
    return [(f"{kind or 'upload'}{suffix}", body)]


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


def orgs_router(settings: Settings, auth: Authenticator) -> APIRouter:
    """Routes of organisations and their data."""
    router = APIRouter(tags=["organisations"])
    service = auth.service

    @router.post("/orgs", status_code=201, summary="Register an organisation (key shown once)")
    async def create_org(request: Request, body: NewOrganisation) -> Response:
        """Create an organisation with an empty graph; the answer holds its first API key."""
        if settings.org_admin_token is not None:
            token = _bearer(request) or ""
            if not hmac.compare_digest(token.encode(), settings.org_admin_token.encode()):
                raise _unauthorised(
                    "Registering organisations needs the administrator token of this service "
                    "(setting AIMS_GRAPH_ORG_ADMIN_TOKEN) as 'Authorization: Bearer TOKEN'."
                )
        try:
            org, key = await run_in_threadpool(service.registry.create, body.id, body.name)
        except RegistryError as exc:
            status = 409 if "exists" in str(exc) else 400
            raise ProblemError(status, "bad-organisation", "Cannot register", str(exc)) from exc
        return _json(
            {
                **_org_body(org),
                "api_key": key.token,
                "key_id": key.id,
                "note": "Keep this key: it is shown only now. Send it as 'Authorization: Bearer "
                "KEY'. Issue more with POST /orgs/{id}/keys; revoke with DELETE.",
            },
            201,
        )

    @router.get("/orgs/{org_id}", summary="An organisation and what its graph holds")
    async def get_org(request: Request, org_id: OrgIdPath) -> Response:
        """Name, graph, stored triples and records per kind."""
        org = await run_in_threadpool(auth.require, request, org_id)
        data = await run_in_threadpool(service.data, org.id)
        kinds: dict[str, int] = {}
        for cls in data.objects(None, RDF.type):
            name = str(cls).rsplit("#", 1)[-1]
            kinds[name] = kinds.get(name, 0) + 1
        return _json(
            {**_org_body(org), "triples": len(data), "records": dict(sorted(kinds.items()))}
        )

    @router.delete("/orgs/{org_id}", status_code=204, summary="Delete an organisation and its data")
    async def delete_org(request: Request, org_id: OrgIdPath) -> Response:
        """Remove the organisation, every key and its graph."""
        org = await run_in_threadpool(auth.require, request, org_id)
        await run_in_threadpool(service.delete, org.id)
        return Response(status_code=204, headers=_PRIVATE)

    @router.get("/orgs/{org_id}/keys", summary="The organisation's keys (ids and dates only)")
    async def list_keys(request: Request, org_id: OrgIdPath) -> Response:
        """Key ids with creation and revocation dates; secrets are never shown again."""
        org = await run_in_threadpool(auth.require, request, org_id)
        keys = await run_in_threadpool(service.registry.keys, org.id)
        return _json([{"key_id": k.id, "created": k.created, "revoked": k.revoked} for k in keys])

    @router.post("/orgs/{org_id}/keys", status_code=201, summary="Issue another API key")
    async def issue_key(request: Request, org_id: OrgIdPath) -> Response:
        """A new key for the organisation, shown once."""
        org = await run_in_threadpool(auth.require, request, org_id)
        key = await run_in_threadpool(service.registry.issue_key, org.id)
        return _json({"key_id": key.id, "api_key": key.token}, 201)

    @router.delete("/orgs/{org_id}/keys/{key_id}", status_code=204, summary="Revoke an API key")
    async def revoke_key(
        request: Request,
        org_id: OrgIdPath,
        key_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")],
    ) -> Response:
        """Revoke one key of the organisation at once (the key sending this may be the one)."""
        org = await run_in_threadpool(auth.require, request, org_id)
        if not await run_in_threadpool(service.registry.revoke_key, org.id, key_id):
            raise ProblemError(
                404, "unknown-key", "Unknown key", f"The organisation has no live key {key_id}."
            )
        return Response(status_code=204, headers=_PRIVATE)

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
        sources = await _upload_sources(request, body, kind)
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
        return _json(
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
        media = negotiate(request.headers.get("accept"), DATA_TYPES)
        if media is None:
            raise ProblemError(
                406, "not-acceptable", "Not Acceptable", f"Available as {', '.join(DATA_TYPES)}."
            )
        data = await run_in_threadpool(service.data, org.id)
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt"}.get(media, "json-ld")
        body = data.serialize(format=fmt, encoding="utf-8")
        return Response(body, media_type=media, headers=_PRIVATE)

    @router.get("/orgs/{org_id}/validation", summary="SHACL validation report of the stored data")
    async def validation(
        request: Request,
        org_id: OrgIdPath,
        as_of: AsOfQuery = None,
        law: LawQuery = "in-force",
        format: TableFormatQuery = None,
    ) -> Response:
        """Findings with the clause or article each enforces, a message and a fix."""
        org = await run_in_threadpool(auth.require, request, org_id)
        day, mode = as_date(as_of), law
        fmt = _report_format(request, format, ("json", "csv"))
        report = await run_in_threadpool(
            lambda: service.validation(org.id, as_of=day, law_mode=mode)
        )
        if fmt == "csv":
            rows = report.rows()
            header = list(rows[0]) if rows else ["severity", "rule", "node", "message", "fix"]
            return _download(_csv(rows, header), "text/csv", f"{org.id}-validation.csv")
        return _json(report.as_dict())

    async def coverage_answer(
        request: Request,
        org_id: str,
        target: str,
        as_of: str | None,
        min_confidence: float,
        law: str,
        fmt_param: str | None,
        verdicts: tuple[str, ...],
        name: str,
        min_strength: float | None = None,
    ) -> Response:
        org = await run_in_threadpool(auth.require, request, org_id)
        day, mode = as_date(as_of), law
        fmt = _report_format(request, fmt_param, ("json", "csv", "xlsx"))
        try:
            data = await run_in_threadpool(
                lambda: service.coverage(
                    org.id,
                    target,
                    as_of=day,
                    min_confidence=min_confidence,
                    law_mode=mode,
                    min_strength=min_strength,
                )
            )
        except CoverageInputError as exc:
            raise ProblemError(400, "bad-parameter", "Bad Request", str(exc)) from exc
        if verdicts != VERDICTS:
            data = {**data, "items": [i for i in data["items"] if i["verdict"] in verdicts]}
        filename = f"{org.id}-{name}-{data['target']}"
        if fmt == "csv":
            rows = coverage_rows(data, verdicts)
            header = ["item", "title", "section", "verdict", "applies_from", "by"]
            return _download(_csv(rows, header), "text/csv", f"{filename}.csv")
        if fmt == "xlsx":
            return _download(coverage_xlsx(data, verdicts), XLSX_MEDIA_TYPE, f"{filename}.xlsx")
        return _json(data)

    @router.get("/orgs/{org_id}/coverage", summary="Coverage of a target framework")
    async def coverage(
        request: Request,
        org_id: OrgIdPath,
        target: TargetQuery,
        as_of: AsOfQuery = None,
        min_confidence: ConfidenceQuery = 0.0,
        law: LawQuery = "in-force",
        format: FormatQuery = None,
        min_strength: StrengthQuery = None,
    ) -> Response:
        """Every target item covered, partly covered, a gap, or with no counterpart in the
        frameworks of the organisation's controls (with the reason), each with its chains."""
        return await coverage_answer(
            request,
            org_id,
            target,
            as_of,
            min_confidence,
            law,
            format,
            VERDICTS,
            "coverage",
            min_strength,
        )

    @router.get("/orgs/{org_id}/gaps", summary="What a target framework still needs")
    async def gaps(
        request: Request,
        org_id: OrgIdPath,
        target: TargetQuery,
        as_of: AsOfQuery = None,
        min_confidence: ConfidenceQuery = 0.0,
        law: LawQuery = "in-force",
        format: FormatQuery = None,
        min_strength: StrengthQuery = None,
    ) -> Response:
        """The coverage report's gaps, partly covered items and items with no counterpart in the
        organisation's frameworks (their own status, not gaps); totals stay whole."""
        return await coverage_answer(
            request,
            org_id,
            target,
            as_of,
            min_confidence,
            law,
            format,
            ("partly", "gap", NO_COUNTERPART),
            "gaps",
            min_strength,
        )

    @router.get(
        "/orgs/{org_id}/soa.xlsx",
        summary="Generated statement of applicability (XLSX)",
        response_class=Response,
    )
    async def soa(request: Request, org_id: OrgIdPath) -> Response:
        """Every control to decide on, with the stored decision; edit it and upload it back."""
        org = await run_in_threadpool(auth.require, request, org_id)
        data = await run_in_threadpool(service.soa, org.id)
        return _download(data, XLSX_MEDIA_TYPE, f"{org.id}-soa.xlsx")

    @router.get("/templates/{kind}", summary="Blank import template", tags=["templates"])
    async def get_template(
        kind: Annotated[str, Path(description=f"One of {', '.join(SHEETS)}.")],
        format: Annotated[str, Query(description="xlsx or csv.")] = "xlsx",
    ) -> Response:
        """A blank sheet whose header notes and README say what each column holds."""
        if kind not in SHEETS:
            raise ProblemError(
                404,
                "unknown-template",
                "Unknown template",
                f"No template {kind!r}; use one of {', '.join(SHEETS)}.",
            )
        try:
            data, filename, media = template(kind, format)
        except ValueError as exc:
            raise ProblemError(400, "bad-parameter", "Bad Request", str(exc)) from exc
        return Response(
            data,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    return router

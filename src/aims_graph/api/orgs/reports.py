"""What the organisation's data answers: validation, coverage, gaps, its SoA, blank templates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from aims_graph.api.orgs.auth import Authenticator
from aims_graph.api.orgs.params import (
    REPORT_TYPES,
    AsOfQuery,
    ConfidenceQuery,
    FormatQuery,
    LawQuery,
    OrgIdPath,
    StrengthQuery,
    TargetQuery,
    ValidationFormatQuery,
)
from aims_graph.api.orgs.responses import (
    PRIVATE,
    csv_bytes,
    download,
    private_json,
    report_format,
)
from aims_graph.api.problems import ProblemError
from aims_graph.coverage import VERDICTS, CoverageInputError, coverage_rows, coverage_xlsx
from aims_graph.coverage.absence import NO_COUNTERPART
from aims_graph.orgdata.sheet_specs import SHEETS
from aims_graph.orgdata.templates import template
from aims_graph.validation.findings_graph import findings_graph
from aims_graph.views.errors import as_date
from aims_graph.xlsx import XLSX_MEDIA_TYPE


def reports_router(auth: Authenticator) -> APIRouter:
    """Validation, coverage, gaps and SoA of an organisation; the blank templates."""
    router = APIRouter(tags=["organisations"])
    service = auth.service

    @router.get("/orgs/{org_id}/validation", summary="SHACL validation report of the stored data")
    async def validation(
        request: Request,
        org_id: OrgIdPath,
        as_of: AsOfQuery = None,
        law: LawQuery = "in-force",
        format: ValidationFormatQuery = None,
    ) -> Response:
        """Findings of the project's rules and the organisation's own policy shapes, each with
        the clause or article it enforces, a message and a fix."""
        org = await run_in_threadpool(auth.require, request, org_id)
        day, mode = as_date(as_of), law
        fmt = report_format(request, format, ("json", "csv", "turtle", "jsonld"))
        report = await run_in_threadpool(
            lambda: service.validation(org.id, as_of=day, law_mode=mode)
        )
        if fmt in ("turtle", "jsonld"):
            graph = findings_graph(report)
            body = graph.serialize(format="json-ld" if fmt == "jsonld" else fmt, encoding="utf-8")
            return Response(body, media_type=REPORT_TYPES[fmt], headers=PRIVATE)
        if fmt == "csv":
            rows = report.rows()
            header = list(rows[0]) if rows else ["severity", "rule", "node", "message", "fix"]
            return download(csv_bytes(rows, header), "text/csv", f"{org.id}-validation.csv")
        return private_json(report.as_dict())

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
        fmt = report_format(request, fmt_param, ("json", "csv", "xlsx"))
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
            return download(csv_bytes(rows, header), "text/csv", f"{filename}.csv")
        if fmt == "xlsx":
            return download(coverage_xlsx(data, verdicts), XLSX_MEDIA_TYPE, f"{filename}.xlsx")
        return private_json(data)

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
        return download(data, XLSX_MEDIA_TYPE, f"{org.id}-soa.xlsx")

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

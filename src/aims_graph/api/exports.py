"""Download routes under /export: RDF, SSSOM, CSV/XLSX crosswalks and OSCAL documents."""

from __future__ import annotations

import hashlib
from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aims_graph.api.problems import ProblemError
from aims_graph.exports import ExportInputError, Format, What, run_export
from aims_graph.service import Graph

RDF_EXTENSIONS: Final[dict[str, Format]] = {
    "ttl": Format.turtle,
    "nt": Format.nt,
    "jsonld": Format.jsonld,
    "nq": Format.nquads,
    "trig": Format.trig,
}
SET_EXTENSIONS: Final[dict[str, Format]] = {
    **RDF_EXTENSIONS,
    "sssom.tsv": Format.sssom,
    "tsv": Format.sssom,
    "csv": Format.csv,
    "xlsx": Format.xlsx,
}
TABLE_EXTENSIONS: Final[dict[str, Format]] = {"csv": Format.csv, "xlsx": Format.xlsx}
OSCAL_EXTENSIONS: Final[dict[str, Format]] = {"json": Format.oscal}
_STATUS: Final = {
    "unknown-framework": (404, "Unknown framework"),
    "unknown-mapping-set": (404, "Unknown mapping set"),
    "unknown-format": (404, "Unknown export format"),
    "bad-request": (400, "Bad export request"),
}


def split_name(name: str, extensions: dict[str, Format]) -> tuple[str, Format]:
    """Split 'iso42001-2023.ttl' into id and format (ids may contain dots: nist-ai-rmf-1.0)."""
    for ext in sorted(extensions, key=len, reverse=True):
        if name.endswith("." + ext) and len(name) > len(ext) + 1:
            return name[: -len(ext) - 1], extensions[ext]
    known = ", ".join("." + e for e in extensions)
    raise ProblemError(
        404,
        "unknown-format",
        "Unknown export format",
        f"{name!r} has no supported extension here; use one of {known}",
        supported=sorted(extensions),
    )


def _problem(exc: ExportInputError) -> ProblemError:
    status, title = _STATUS.get(exc.kind, _STATUS["bad-request"])
    return ProblemError(status, exc.kind, title, str(exc))


def exports_router(graph: Graph) -> APIRouter:
    """Routes that serve exports with their media type and a download file name."""
    router = APIRouter(prefix="/export", tags=["exports"])

    def serve(
        request: Request, what: What, fmt: Format, id_: str | None = None, to: str | None = None
    ) -> Response:
        try:
            result = run_export(graph, what, fmt, id=id_, to=to)
        except ExportInputError as exc:
            return _problem(exc).response()
        # The OSCAL time stamp changes per call, so the tag covers the bytes actually sent.
        etag = '"' + hashlib.sha256(result.data).hexdigest()[:32] + '"'
        headers = {
            "Content-Disposition": f'attachment; filename="{result.filename}"',
            "ETag": etag,
            "Cache-Control": "no-cache",
        }
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        media = result.media_type
        if not result.binary and not media.endswith("json"):
            media += "; charset=utf-8"
        return Response(result.data, media_type=media, headers=headers)

    def guarded(
        request: Request, name: str, exts: dict[str, Format], what: What, **kw: str
    ) -> Response:
        try:
            id_, fmt = split_name(name, exts)
        except ProblemError as problem:
            return problem.response()
        if what is What.crosswalk:
            return serve(request, what, fmt, kw["first"], id_)
        return serve(request, what, fmt, None if what is What.graph else id_)

    @router.get("/graph.{ext}", summary="The whole public graph (.ttl, .nt, .jsonld, .nq, .trig)")
    def export_graph(request: Request, ext: str) -> Response:
        """Vocabulary, catalogs, mapping sets and derived mappings in one file."""
        return guarded(request, f"graph.{ext}", RDF_EXTENSIONS, What.graph)

    @router.get("/frameworks/{name}", summary="One catalog as RDF, e.g. iso42001-2023.ttl")
    def export_framework(request: Request, name: str) -> Response:
        """One framework edition's catalog graph (.ttl, .nt, .jsonld, .nq, .trig)."""
        return guarded(request, name, RDF_EXTENSIONS, What.framework)

    @router.get("/mappings/{name}", summary="One mapping set: RDF, SSSOM, CSV or XLSX")
    def export_mapping_set(request: Request, name: str) -> Response:
        """A mapping set as RDF, SSSOM/TSV (.sssom.tsv) or a crosswalk table (.csv, .xlsx)."""
        return guarded(request, name, SET_EXTENSIONS, What.set)

    @router.get("/crosswalk/{first}/{name}", summary="Crosswalk table between two frameworks")
    def export_crosswalk(request: Request, first: str, name: str) -> Response:
        """Every stated mapping from one framework to another, as .csv or .xlsx."""
        return guarded(request, name, TABLE_EXTENSIONS, What.crosswalk, first=first)

    @router.get("/oscal/catalogs/{name}", summary="One catalog as an OSCAL 1.2 catalog (JSON)")
    def export_oscal_catalog(request: Request, name: str) -> Response:
        """An OSCAL catalog: groups for structure, controls for items, our summaries as parts."""
        id_, fmt = _oscal(name)
        if isinstance(id_, Response):
            return id_
        return serve(request, What.framework, fmt, id_)

    @router.get("/oscal/mappings/{name}", summary="One mapping set as an OSCAL mapping-collection")
    def export_oscal_mapping(request: Request, name: str) -> Response:
        """An OSCAL 1.2 mapping-collection: one mapping per pair of catalogs, one map per row."""
        id_, fmt = _oscal(name)
        if isinstance(id_, Response):
            return id_
        return serve(request, What.set, fmt, id_)

    return router


def _oscal(name: str) -> tuple[str | Response, Format]:
    try:
        return split_name(name, OSCAL_EXTENSIONS)
    except ProblemError as problem:
        return problem.response(), Format.oscal

"""``POST /shacl/validate``: any data against any SHACL shapes, the W3C report by Accept.

The body is multipart/form-data with a ``data`` and a ``shapes`` file, under the organisation
upload limits (bytes, checked before the route reads; triples, checked after parsing). Nothing
is fetched: the parsers load no remote context and ``owl:imports`` is not followed.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from aims_graph.api.problems import ProblemError
from aims_graph.config import Settings
from aims_graph.validation.general import (
    REPORT_TYPES,
    ShaclInputError,
    ShaclTooLargeError,
    read_graph,
    render,
)
from aims_graph.validation.general import validate_files as _validate

SHACL_PATH: Final = "/shacl/validate"
_BY_MEDIA: Final = {media: fmt for fmt, media in REPORT_TYPES.items()}
_FIELDS: Final = ("data", "shapes")
_BODY: Final = {
    "required": True,
    "description": "A 'data' and a 'shapes' file (the file name's suffix tells the format: "
    ".ttl, .jsonld, .nt).",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {f: {"type": "string", "format": "binary"} for f in _FIELDS},
                "required": list(_FIELDS),
            }
        }
    },
}
_OK: Final = {
    200: {
        "description": "The W3C validation report (conforming or not)",
        "content": {media: {} for media in REPORT_TYPES.values()},
    }
}


def _report_format(accept: str) -> str:
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in _BY_MEDIA:
            return _BY_MEDIA[media]
        if media in ("*/*", "application/*", ""):
            return "json"
    raise ProblemError(
        406,
        "not-acceptable",
        "Not Acceptable",
        f"Reports come as {', '.join(_BY_MEDIA)}; the Accept header asked for {accept!r}.",
    )


async def _files(request: Request) -> dict[str, tuple[str, bytes]]:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "multipart/form-data":
        raise ProblemError(
            415,
            "unsupported-media-type",
            "Unsupported Media Type",
            "Send multipart/form-data with a 'data' and a 'shapes' file; "
            f"got {ctype or 'no Content-Type'}.",
        )
    form = await request.form(max_files=2, max_fields=2)
    out: dict[str, tuple[str, bytes]] = {}
    for name in _FIELDS:
        value = form.get(name)
        if isinstance(value, UploadFile):
            out[name] = (value.filename or f"{name}.ttl", await value.read())
        elif isinstance(value, str):
            out[name] = (f"{name}.ttl", value.encode("utf-8"))
        else:
            raise ProblemError(
                400,
                "bad-upload",
                "Bad upload",
                f"The form has no '{name}' field; attach the {name} as a file named {name} "
                "(Turtle .ttl, JSON-LD .jsonld or N-Triples .nt).",
            )
    return out


def _run(files: dict[str, tuple[str, bytes]], max_triples: int, fmt: str) -> bytes:
    data = read_graph(*files["data"], max_triples=max_triples)
    shapes = read_graph(*files["shapes"], max_triples=max_triples)
    return render(_validate(data, shapes), fmt)


def shacl_router(settings: Settings) -> APIRouter:
    """The general SHACL validation route."""
    router = APIRouter(tags=["shacl"])

    @router.post(SHACL_PATH, openapi_extra={"requestBody": _BODY}, responses=_OK)  # type: ignore[arg-type]
    async def validate(request: Request) -> Response:
        """Validate the ``data`` file against the ``shapes`` file; answer the report."""
        fmt = _report_format(request.headers.get("accept", "*/*"))
        files = await _files(request)
        try:
            body = await run_in_threadpool(_run, files, settings.max_upload_triples, fmt)
        except ShaclTooLargeError as exc:
            raise ProblemError(
                413, "upload-too-large", "Content Too Large", str(exc), where=exc.where
            ) from exc
        except ShaclInputError as exc:
            raise ProblemError(
                400, "bad-shacl-input", "Bad SHACL input", str(exc), where=exc.where, fix=exc.fix
            ) from exc
        media = REPORT_TYPES[fmt]
        return Response(body, media_type=media)

    return router


__all__ = ["SHACL_PATH", "shacl_router"]

"""Files sent to the API: organisation uploads and import files, and how to read them.

Kept apart from the routes so that the organisation routes and the public import routes share
it without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Path, Query, Request
from starlette.datastructures import UploadFile

from aims_graph.api.problems import ProblemError
from aims_graph.importers.mappings_ciso import Options
from aims_graph.importers.reading import FrameworkFormat, MappingFormat
from aims_graph.mappings.sssom_io import SUFFIX
from aims_graph.orgdata.sheet_specs import SHEETS
from aims_graph.xlsx import XLSX_MEDIA_TYPE


async def upload_sources(
    request: Request, body: bytes, kind: str | None, types: Mapping[str, str]
) -> list[tuple[str, bytes]]:
    """The named files of an upload: multipart fields, or one body of a type in ``types``."""
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
    suffix = types.get(ctype)
    if suffix is None:
        raise ProblemError(
            415,
            "unsupported-media-type",
            "Unsupported Media Type",
            f"Upload multipart/form-data files, or one body as {', '.join(types)}; "
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


#: Raw bodies an import takes, with the file name suffix each stands for.
IMPORT_TYPES: Final = {
    "application/json": ".json",
    "application/yaml": ".yaml",
    "application/x-yaml": ".yaml",
    "text/yaml": ".yaml",
    "text/csv": ".csv",
    XLSX_MEDIA_TYPE: ".xlsx",
    "text/tab-separated-values": SUFFIX,
    "application/gzip": ".gz",
}
EditionPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$", max_length=100)]


@dataclass(frozen=True, slots=True)
class FrameworkParams:
    """How to read a framework file (query parameters)."""

    fmt: FrameworkFormat | None
    title: str | None
    filename: str | None


def framework_params(
    format: Annotated[
        FrameworkFormat | None,
        Query(description="oscal, ciso or sheet; by the file's type or name when absent."),
    ] = None,
    title: Annotated[str | None, Query(max_length=300, description="A sheet's title.")] = None,
    filename: Annotated[
        str | None, Query(max_length=200, description="The file's name (its suffix tells)")
    ] = None,
) -> FrameworkParams:
    """The framework file's reading parameters."""
    return FrameworkParams(format, title, filename)


@dataclass(frozen=True, slots=True)
class MappingParams:
    """How to read a mapping file (query parameters)."""

    fmt: MappingFormat | None
    options: Options
    skip_failing: bool
    filename: str | None


def mapping_params(
    format: Annotated[
        MappingFormat | None, Query(description="sssom, ciso or oscal; by the file when absent.")
    ] = None,
    set: Annotated[
        str, Query(max_length=300, description="Which set of a CISO library with several.")
    ] = "",
    source_edition: Annotated[str, Query(max_length=100)] = "",
    target_edition: Annotated[str, Query(max_length=100)] = "",
    confidence: Annotated[float, Query(ge=0.0, le=1.0)] = 0.8,
    skip_failing: Annotated[
        bool, Query(description="Store the other rows when some fail; the answer lists them.")
    ] = False,
    filename: Annotated[str | None, Query(max_length=200)] = None,
) -> MappingParams:
    """The mapping file's reading parameters."""
    opts = Options(
        set_ref=set,
        subject_edition=source_edition,
        object_edition=target_edition,
        confidence=confidence,
    )
    return MappingParams(format, opts, skip_failing, filename)


async def import_file(request: Request, filename: str | None) -> tuple[bytes, str]:
    """The one file of an import request (a raw body or one multipart file) and its name."""
    body = await request.body()  # BodyLimit has capped it at max_upload_bytes
    sources = await upload_sources(request, body, "import", IMPORT_TYPES)
    if len(sources) != 1:
        raise ProblemError(400, "bad-upload", "Bad upload", f"Send one file, not {len(sources)}.")
    name, data = sources[0]
    return data, filename or name

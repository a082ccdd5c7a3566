"""What the organisation routes take: path and query parameters, the registration body."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from fastapi import Path, Query
from pydantic import BaseModel, Field

from aims_graph.api.common import DATE_PATTERN
from aims_graph.orgdata.sheet_specs import SHEETS
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
#: Raw bodies of a shapes upload: RDF only.
SHAPES_TYPES: Final = {
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
}
REPORT_TYPES: Final = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": XLSX_MEDIA_TYPE,
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
}
DATA_TYPES: Final = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/ld+json": "application/ld+json",
}
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
ValidationFormatQuery = Annotated[
    Literal["json", "csv", "turtle", "jsonld"] | None,
    Query(
        description="json, csv, or the W3C sh:ValidationReport graph as turtle or jsonld "
        "(overrides the Accept header)."
    ),
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

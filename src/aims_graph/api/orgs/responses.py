"""How the organisation routes answer: private JSON, negotiated report formats, downloads."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Final

from fastapi import Request
from fastapi.responses import Response
from rdflib import Graph

from aims_graph.api.orgs.params import DATA_TYPES, REPORT_TYPES
from aims_graph.api.problems import ProblemError
from aims_graph.api.sparql.negotiation import negotiate
from aims_graph.orgdata.registry import Organisation

PRIVATE: Final = {"Cache-Control": "private, no-store"}


def org_body(org: Organisation) -> dict[str, Any]:
    """An organisation as the API shows it."""
    return {"id": org.id, "name": org.name, "created": org.created, "graph": org.graph}


def private_json(body: Any, status: int = 200) -> Response:
    """A JSON answer that no shared cache may keep."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(data, status_code=status, media_type="application/json", headers=PRIVATE)


def report_format(request: Request, fmt: str | None, offers: tuple[str, ...]) -> str:
    """The report format asked for by ?format= or else by Accept (400/406 otherwise)."""
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


def csv_bytes(rows: list[dict[str, Any]], header: list[str]) -> bytes:
    """Rows as UTF-8 CSV with a header line."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def download(data: bytes, media_type: str, filename: str) -> Response:
    """A private file download."""
    text = media_type.startswith("text/")
    return Response(
        data,
        media_type=f"{media_type}; charset=utf-8" if text else media_type,
        headers={**PRIVATE, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


def rdf_media(request: Request) -> str:
    """The RDF media type the Accept header asks for among DATA_TYPES, or a 406 problem."""
    media = negotiate(request.headers.get("accept"), DATA_TYPES)
    if media is None:
        raise ProblemError(
            406, "not-acceptable", "Not Acceptable", f"Available as {', '.join(DATA_TYPES)}."
        )
    return media


def private_rdf(graph: Graph, media: str) -> Response:
    """An organisation's graph in the negotiated media type, kept out of shared caches."""
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt"}.get(media, "json-ld")
    body = graph.serialize(format=fmt, encoding="utf-8")
    return Response(body, media_type=media, headers=PRIVATE)

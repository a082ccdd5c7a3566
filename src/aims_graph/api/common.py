"""Helpers the JSON API routers share: content negotiation, JSON-LD framing, ETag and caching."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel

from aims_graph.api.answers import Answer
from aims_graph.api.problems import ProblemError
from aims_graph.api.sparql.negotiation import negotiate
from aims_graph.config import Settings

JSON: Final = "application/json"
#: An ISO date; with format "date" in the schema, so only real dates are documented as valid.
DATE_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}$"
JSONLD: Final = "application/ld+json"
CSV: Final = "text/csv"
JSON_OFFERS: Final = {JSON: JSON}
JSONLD_OFFERS: Final = {JSON: JSON, JSONLD: JSONLD}
# Problems are documented on every route of the JSON API.
PROBLEM_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    400: {
        "description": "Bad parameter (problem JSON)",
        "content": {"application/problem+json": {}},
    },
    404: {
        "description": "Unknown resource (problem JSON)",
        "content": {"application/problem+json": {}},
    },
    406: {"description": "No acceptable media type (problem JSON)"},
    422: {"description": "Invalid parameter value (problem JSON)"},
}


def choose(request: Request, offers: dict[str, str]) -> str:
    """The media type to answer with, or a 406 problem."""
    chosen = negotiate(request.headers.get("accept"), offers)
    if chosen is None:
        supported = sorted(set(offers.values()))
        raise ProblemError(
            406,
            "not-acceptable",
            "Not Acceptable",
            f"This resource is available as {', '.join(supported)}.",
            supported=supported,
        )
    return chosen


def context_url(request: Request) -> str:
    """Where this server publishes the JSON-LD context."""
    return str(request.base_url).rstrip("/") + "/context.jsonld"


def etag_of(data: bytes) -> str:
    """A strong validator: the hash of the bytes sent."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def validators(etag: str, settings: Settings, headers: dict[str, str] | None) -> dict[str, str]:
    """The caching headers of an answer: ETag, Cache-Control, Vary, and the route's own."""
    return {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.api_cache_max_age}",
        "Vary": "Accept",
        **(headers or {}),
    }


def answer_of(
    data: bytes, media_type: str, settings: Settings, headers: dict[str, str] | None = None
) -> Answer:
    """The bytes as an answer with its validators, ready to send as a 200 or a 304."""
    etag = etag_of(data)
    return Answer.of(data, media_type, etag, validators(etag, settings, headers))


def cached(
    request: Request,
    data: bytes,
    media_type: str,
    settings: Settings,
    headers: dict[str, str] | None = None,
) -> Response:
    """Answer with ETag and Cache-Control, or 304 when the client's copy is current."""
    return answer_of(data, media_type, settings, headers).response(request)


def encode(model: type[BaseModel], body: dict[str, Any], doc_head: dict[str, Any]) -> bytes:
    """A body checked against its model, as the compact UTF-8 JSON the API sends."""
    doc = model.model_validate(body).model_dump(mode="json")
    if doc_head:
        doc = {**doc_head, **doc}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def render(
    request: Request,
    model: type[BaseModel],
    body: dict[str, Any],
    settings: Settings,
    *,
    jsonld: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    """Check a body against its model and send it as JSON (or JSON-LD when asked and offered)."""
    media = choose(request, JSONLD_OFFERS if jsonld else JSON_OFFERS)
    head = {"@context": context_url(request)} if media == JSONLD else {}
    return cached(request, encode(model, body, head), media, settings, headers)

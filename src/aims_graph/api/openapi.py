"""The OpenAPI document, completed: every status and media type a route can answer with.

FastAPI documents what its decorators say; routes here also answer with problem JSON for any
client error, negotiate several media types, and take API keys. Writing that on each decorator
would repeat it forty times, so it is added here, once, from tables that name each route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from aims_graph.api.problems import PROBLEM_MEDIA_TYPE
from aims_graph.api.uploads import IMPORT_TYPES
from aims_graph.exports.service import MEDIA_TYPES
from aims_graph.queries import IRI_PATTERN, NamedQuery
from aims_graph.xlsx import XLSX_MEDIA_TYPE

RDF_TYPES: Final = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
)
SPARQL_TYPES: Final = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
    *RDF_TYPES,
    "text/html",
)
#: Success media types by (method, path), beyond what the decorators say.
SUCCESS_TYPES: Final[dict[tuple[str, str], tuple[str, ...]]] = {
    ("get", "/sparql"): SPARQL_TYPES,
    ("get", "/graph-store"): (*RDF_TYPES, "application/n-quads"),
    ("post", "/sparql"): SPARQL_TYPES,
    ("get", "/ontology"): ("text/html", *RDF_TYPES),
    ("get", "/id/{path}"): ("text/html", *RDF_TYPES),
    ("get", "/orgs/{org_id}/data"): ("text/turtle", "application/n-triples", "application/ld+json"),
    ("get", "/orgs/{org_id}/validation"): (
        "application/json",
        "text/csv",
        "text/turtle",
        "application/ld+json",
    ),
    ("get", "/orgs/{org_id}/shapes"): (
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
    ),
    ("get", "/orgs/{org_id}/coverage"): ("application/json", "text/csv", XLSX_MEDIA_TYPE),
    ("get", "/orgs/{org_id}/gaps"): ("application/json", "text/csv", XLSX_MEDIA_TYPE),
    ("get", "/orgs/{org_id}/soa.xlsx"): (XLSX_MEDIA_TYPE,),
    ("get", "/templates/{kind}"): (XLSX_MEDIA_TYPE, "text/csv"),
    ("get", "/orgs/{org_id}/frameworks/{name}"): (
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/json",
    ),
    ("get", "/orgs/{org_id}/mappings/{name}"): ("text/tab-separated-values",),
}
#: Routes under these prefixes serve downloads in the export's own format.
EXPORT_PREFIX: Final = "/export/"
#: Routes that need an organisation's key, and routes where a key is optional.
KEYED_PREFIX: Final = "/orgs/{org_id}"
OPTIONAL_KEY: Final = frozenset({"/sparql", "/graph-store"})
#: Server-side statuses a route documents because they are part of its contract.
SERVER_STATUSES: Final[dict[str, dict[str, str]]] = {
    "/sparql": {
        "502": "The remote SPARQL server failed (sparql: store)",
        "503": "Query time limit reached, or every query worker busy (Retry-After)",
    },
}
_PARAM_SCHEMAS: Final[dict[str, dict[str, Any]]] = {
    "date": {"type": "string", "format": "date"},
    "iri": {"type": "string", "format": "iri", "pattern": IRI_PATTERN.pattern},
    "item": {"type": "string", "minLength": 1},
    "item_list": {"type": "string", "minLength": 1},
    "string": {"type": "string", "minLength": 1},
}


SPARQL_POST_BODY: Final = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "minLength": 1},
                    "default-graph-uri": {"type": "string", "format": "uri"},
                    "named-graph-uri": {"type": "string", "format": "uri"},
                },
                "required": ["query"],
            }
        },
        "application/sparql-query": {"schema": {"type": "string", "minLength": 1}},
    },
}


UPLOAD_PATH: Final = "/orgs/{org_id}/data"


def _files_body(description: str, media_types: Iterable[str]) -> dict[str, Any]:
    """A request body of files: multipart ``files``, or one body in any of ``media_types``."""
    binary = {"type": "string", "format": "binary"}
    return {
        "required": True,
        "description": description,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"files": {"type": "array", "items": binary}},
                    "required": ["files"],
                }
            },
            **{media: {"schema": binary} for media in media_types},
        },
    }


UPLOAD_BODY: Final = _files_body(
    "Files as multipart/form-data (the file name's suffix tells the format), "
    "or one body in the media type it is.",
    ("text/turtle", "application/ld+json", "application/n-triples", "text/csv", XLSX_MEDIA_TYPE),
)


SHAPES_PATH: Final = "/orgs/{org_id}/shapes"
SHAPES_BODY: Final = _files_body(
    "SHACL shapes as multipart/form-data files (.ttl, .jsonld, .nt), or one body "
    "in the media type it is.",
    ("text/turtle", "application/ld+json", "application/n-triples"),
)


#: The routes that import one framework or mapping file.
IMPORT_PATHS: Final = frozenset(
    {
        "/imports/frameworks/{edition}",
        "/imports/mappings/{set_id}",
        "/orgs/{org_id}/frameworks/{name}",
        "/orgs/{org_id}/mappings/{name}",
    }
)
IMPORT_BODY: Final = _files_body(
    "One file as multipart/form-data (its name's suffix tells the format), or the file as the "
    "body in the media type it is (gzip accepted); ?filename= names a raw body.",
    IMPORT_TYPES,
)


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


PROBLEM_SCHEMA: Final = {
    "type": "object",
    "description": "RFC 9457 problem details; extra members name the limit or the bad values.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}


def _complete(
    doc: dict[str, Any], queries: list[NamedQuery], frameworks: list[str]
) -> dict[str, Any]:
    components = doc.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {
        "apiKey": {
            "type": "http",
            "scheme": "bearer",
            "description": "An organisation's API key (agk_…), from POST /orgs.",
        }
    }
    paths: dict[str, Any] = doc["paths"]
    template = paths.pop("/queries/{name}", None)
    if template is not None:
        for q in queries:
            paths[f"/queries/{q.name}"] = _named_query_path(template, q, frameworks)
    for path, ops in paths.items():
        for method, op in ops.items():
            responses: dict[str, Any] = op.setdefault("responses", {})
            for code in [c for c in responses if c.startswith("4")]:
                responses[code] = _problem_response(responses[code].get("description", ""))
            responses["4XX"] = _problem_response("Client error (problem JSON)")
            if _resolves_items(path, op):
                responses["300"] = _problem_response(
                    "Ambiguous item reference: `choices` lists the candidates"
                )
            for code, text in SERVER_STATUSES.get(path, {}).items():
                responses[code] = _problem_response(text)
            extra = SUCCESS_TYPES.get((method, path))
            if path.startswith(EXPORT_PREFIX):
                extra = tuple(sorted(set(MEDIA_TYPES.values())))
            if extra:
                ok = next((c for c in ("200", "201") if c in responses), "200")
                content = responses.setdefault(ok, {"description": "OK"}).setdefault("content", {})
                for media in extra:
                    content.setdefault(media, {})
            if (method, path) == ("post", "/sparql"):
                op["requestBody"] = SPARQL_POST_BODY
            if path == UPLOAD_PATH and method in ("put", "post"):
                op["requestBody"] = UPLOAD_BODY
            if path in IMPORT_PATHS and method == "put":
                op["requestBody"] = IMPORT_BODY
            if path == SHAPES_PATH and method == "put":
                op["requestBody"] = SHAPES_BODY
            for param in op.get("parameters", []):
                if path.startswith(KEYED_PREFIX) and param.get("name") == "target":
                    param["schema"] = {"type": "string", "enum": sorted({*frameworks, "eu-ai-act"})}
            if path.startswith(KEYED_PREFIX):
                op["security"] = [{"apiKey": []}]
            elif path in OPTIONAL_KEY:
                op["security"] = [{}, {"apiKey": []}]
    return doc


#: Parameters that take an item reference (CURIE, IRI or notation).
ITEM_PARAMS: Final = frozenset({"item", "from", "to", "parent"})


def _resolves_items(path: str, op: dict[str, Any]) -> bool:
    if "{item}" in path or path.startswith("/queries/"):
        return True
    return any(p.get("name") in ITEM_PARAMS for p in op.get("parameters", []))


def _named_query_path(
    template: dict[str, Any], q: NamedQuery, frameworks: list[str]
) -> dict[str, Any]:
    op = dict(template["get"])
    op["summary"] = f"Named query: {q.summary}"
    op["description"] = q.description or q.summary
    op["operationId"] = f"named_query_{q.name.replace('-', '_')}"
    params = []
    for p in q.params:
        schema = dict(_PARAM_SCHEMAS.get(p.type, {"type": "string", "minLength": 1}))
        if p.type == "framework":
            schema = {"type": "string", "enum": frameworks}
        required = p.required and p.default is None
        if not required:
            # An empty value counts as not given (as HTML forms send unused fields).
            schema = {"anyOf": [{"type": "string", "maxLength": 0}, schema]}
        if p.example:
            schema["examples"] = [p.example]
        params.append(
            {
                "name": p.name,
                "in": "query",
                "required": required,
                "description": p.description,
                "schema": schema,
            }
        )
    op["parameters"] = params
    return {"get": op}


def install_openapi(
    app: FastAPI, queries: Callable[[], list[NamedQuery]], frameworks: Callable[[], list[str]]
) -> None:
    """Make ``app.openapi()`` return the completed document (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = _complete(doc, queries(), frameworks())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

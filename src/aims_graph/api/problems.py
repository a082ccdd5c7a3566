"""RFC 9457 problem details: the one error shape of every route, and the exception handlers."""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from aims_graph.catalog.items import ItemResolutionError
from aims_graph.importers.draft import ImportProblemsError
from aims_graph.importers.public import ImportConflictError, ImportsUnavailableError, problem_json
from aims_graph.mappings.crosswalk import CrosswalkInputError
from aims_graph.queries import QueryError
from aims_graph.store import StoreError
from aims_graph.store.base import InvalidTermError, ReadOnlyStoreError
from aims_graph.views.errors import AmbiguousItemError, ApiInputError, CatalogError, NotFoundError

PROBLEM_BASE: Final = "https://w3id.org/aims-graph/problems/"
PROBLEM_MEDIA_TYPE: Final = "application/problem+json"


class ProblemError(Exception):
    """An RFC 9457 problem to answer with."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.headers = headers or {}
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        """The problem document."""
        out: dict[str, Any] = {
            "type": PROBLEM_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            out["instance"] = instance
        out.update(self.extra)
        return out

    def response(self, instance: str | None = None) -> JSONResponse:
        """Render as application/problem+json."""
        return JSONResponse(
            self.body(instance),
            status_code=self.status,
            media_type=PROBLEM_MEDIA_TYPE,
            headers=self.headers,
        )


def unknown(kind: str, detail: str) -> ProblemError:
    """A 404 for a thing of ``kind`` (words, e.g. "mapping set") that does not exist."""
    return ProblemError(404, "unknown-" + kind.replace(" ", "-"), f"Unknown {kind}", detail)


_HTTP_TITLES: Final = {
    404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"),
    406: ("not-acceptable", "Not Acceptable"),
    400: ("bad-parameter", "Bad Request"),
}


def problem_for(exc: Exception) -> ProblemError | None:
    """The problem a domain exception stands for, or None when it is not a client error."""
    if isinstance(exc, ProblemError):
        return exc
    if isinstance(exc, NotFoundError):
        return ProblemError(
            404,
            f"unknown-{exc.kind}",
            f"Unknown {exc.kind}",
            str(exc),
            close_matches=exc.close_matches,
        )
    if isinstance(exc, AmbiguousItemError):
        return ProblemError(300, "ambiguous-item", "Ambiguous item", str(exc), choices=exc.choices)
    if isinstance(exc, ItemResolutionError):
        return ProblemError(404, "unknown-item", "Unknown item", str(exc), close_matches=[])
    if isinstance(exc, ApiInputError | CrosswalkInputError | QueryError):
        return ProblemError(400, "bad-parameter", "Bad Request", str(exc))
    if isinstance(exc, CatalogError):
        return ProblemError(500, "query-catalog-error", "Broken named query", str(exc))
    if isinstance(exc, InvalidTermError):
        return ProblemError(400, "bad-parameter", "Bad Request", str(exc))
    if isinstance(exc, ImportProblemsError):
        return ProblemError(
            422,
            "import-problems",
            "The file cannot be imported",
            f"{len(exc.problems)} problem(s); nothing was stored.",
            problems=[problem_json(p) for p in exc.problems],
        )
    if isinstance(exc, ImportConflictError):
        return ProblemError(409, "import-conflict", "Import conflict", str(exc))
    if isinstance(exc, ImportsUnavailableError):
        return ProblemError(503, "imports-unavailable", "No imports on this store", str(exc))
    if isinstance(exc, ReadOnlyStoreError):
        return ProblemError(503, "read-only-store", "Read-only deployment", str(exc))
    if isinstance(exc, StoreError):
        return ProblemError(500, "store-error", "Store error", str(exc))
    return None


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "header")]
    return ".".join(parts) or "request"


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every client error (domain, validation, routing) as problem JSON."""

    async def domain(request: Request, exc: Exception) -> JSONResponse:
        problem = problem_for(exc)
        if problem is None:  # pragma: no cover - only registered for the classes above
            raise exc
        return problem.response(request.url.path)

    for cls in (
        ProblemError,
        NotFoundError,
        AmbiguousItemError,
        ItemResolutionError,
        ApiInputError,
    ):
        app.add_exception_handler(cls, domain)
    app.add_exception_handler(CrosswalkInputError, domain)
    app.add_exception_handler(QueryError, domain)
    app.add_exception_handler(CatalogError, domain)
    app.add_exception_handler(StoreError, domain)
    for error in (ImportProblemsError, ImportConflictError, ImportsUnavailableError):
        app.add_exception_handler(error, domain)

    async def validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"parameter": _location(e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['parameter']}: {e['message']}" for e in errors)
        return ProblemError(
            422, "validation-error", "Invalid request parameters", detail, errors=errors
        ).response(request.url.path)

    app.add_exception_handler(RequestValidationError, validation)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        slug, title = _HTTP_TITLES.get(exc.status_code, ("http-error", "HTTP error"))
        detail = exc.detail if isinstance(exc.detail, str) else title
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No route matches {request.url.path}; see /docs for the API."
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the first route matching the path; list every one's methods.
            allowed = _allowed_methods(app, request)
            headers["Allow"] = ", ".join(allowed)
            detail = f"{request.method} is not allowed here; use {', '.join(allowed)}."
        return ProblemError(exc.status_code, slug, title, detail, headers=headers).response(
            request.url.path
        )

    app.add_exception_handler(StarletteHTTPException, http_error)


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)

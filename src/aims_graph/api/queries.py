"""Routes for the named SPARQL queries of queries/*.rq."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from aims_graph.api import schemas
from aims_graph.api.common import CSV, JSON, PROBLEM_RESPONSES, cached, choose
from aims_graph.queries import NamedQuery, json_value
from aims_graph.views import ViewIndex
from aims_graph.views import named_queries as query_views


def _info(q: NamedQuery, base: str) -> dict[str, Any]:
    url = f"{base}/queries/{q.name}"
    example = {p.name: p.example for p in q.params if p.example and p.required}
    return {
        "name": q.name,
        "summary": q.summary,
        "description": q.description,
        "params": [p.__dict__ for p in q.params],
        "url": url,
        "example_url": url + ("?" + urlencode(example) if example else ""),
        "sparql": q.sparql,
    }


def queries_router(views: ViewIndex) -> APIRouter:
    """/queries and /queries/{name}."""
    router = APIRouter(tags=["named queries"], responses=PROBLEM_RESPONSES)
    settings = views.graph.settings

    @router.get(
        "/queries", summary="List the named queries", response_model=list[schemas.QueryInfo]
    )
    def list_queries(request: Request) -> Response:
        """Every named query with its summary and parameters (types, examples)."""
        base = str(request.base_url).rstrip("/")
        body = [
            schemas.QueryInfo.model_validate(_info(q, base)).model_dump(mode="json")
            for q in query_views.catalog(views).values()
        ]
        return cached(request, json.dumps(body).encode(), JSON, settings)

    @router.get(
        "/queries/{name}",
        summary="Run a named query",
        response_model=schemas.QueryResult,
        responses={200: {"content": {CSV: {}}}},
    )
    def run_query(
        request: Request,
        name: Annotated[
            str,
            Path(
                description="Name of the query (see /queries); its parameters go in the query "
                "string, e.g. ?item=iso42001:A.6.2.4&target=iso27001. Items are CURIEs, IRIs or "
                "notations; list parameters take commas or repeated keys. The values are bound "
                "as RDF terms, never pasted into the SPARQL text.",
                examples=["crosswalk"],
            ),
        ],
    ) -> Response:
        """Rows as JSON (numbers and booleans native), or CSV with Accept: text/csv."""
        media = choose(request, {JSON: JSON, CSV: CSV})
        args: dict[str, str | list[str]] = {}
        for key, value in request.query_params.multi_items():
            old = args.get(key)
            if old is None:
                args[key] = value
            else:
                args[key] = [*(old if isinstance(old, list) else [old]), value]
        columns, rows = query_views.run_query(views, name, args)
        if media == CSV:
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\r\n")
            writer.writerow(columns)
            for row in rows:
                writer.writerow([row[c].value if c in row else "" for c in columns])
            return cached(request, buf.getvalue().encode(), "text/csv; charset=utf-8", settings)
        body = schemas.QueryResult(
            query=name,
            params=dict(args),
            columns=columns,
            count=len(rows),
            rows=[{c: json_value(row[c]) for c in columns if c in row} for row in rows],
        ).model_dump(mode="json")
        data = json.dumps(body, ensure_ascii=False).encode()
        return cached(request, data, JSON, settings)

    return router

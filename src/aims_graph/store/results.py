"""SPARQL results and graphs as bytes in a negotiated format, with a cap on the rows."""

from __future__ import annotations

import json
from collections.abc import Iterable
from itertools import islice
from typing import Any

import pyoxigraph as ox

from aims_graph.store.base import StoreError

#: Result media types per query form, as pyoxigraph serialises them natively.
RESULTS_MEDIA_TYPES = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
GRAPH_MEDIA_TYPES = (
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
)


class RowCapError(StoreError):
    """A result has more rows (or triples) than the row cap."""


def _term_json(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _term_json(term.subject),
                "predicate": _term_json(term.predicate),
                "object": _term_json(term.object),
            },
        }
    raise StoreError(f"unsupported term in results: {term!r}")


def render_result(result: object, media_type: str, max_rows: int) -> bytes:
    """Serialise a pyoxigraph query result natively, refusing more than max_rows rows/triples."""
    if isinstance(result, ox.QueryBoolean):
        fmt = ox.QueryResultsFormat.from_media_type(media_type)
        if fmt is None:
            raise StoreError(f"cannot write an ASK result as {media_type}")
        return _as_bytes(result.serialize(format=fmt))
    if isinstance(result, ox.QuerySolutions):
        fmt = ox.QueryResultsFormat.from_media_type(media_type)
        if fmt is None:
            raise StoreError(f"cannot write SELECT results as {media_type}")
        names = [v.value for v in result.variables]
        rows = list(islice(result, max_rows + 1))
        if len(rows) > max_rows:
            raise RowCapError(f"more than {max_rows} result rows")
        # pyoxigraph cannot serialise a truncated iterator, so the capped rows go through SPARQL
        # JSON and back; JSON output skips the round trip.
        bindings = [
            {name: _term_json(row[name]) for name in names if row[name] is not None} for row in rows
        ]
        doc = json.dumps(
            {"head": {"vars": names}, "results": {"bindings": bindings}},
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        if fmt == ox.QueryResultsFormat.JSON:
            return doc
        parsed = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
        return _as_bytes(parsed.serialize(format=fmt))
    if isinstance(result, ox.QueryTriples):
        return render_triples(result, media_type, max_rows)
    raise StoreError(f"unexpected query result {type(result).__name__}")


def render_triples(triples: Iterable[ox.Triple], media_type: str, max_rows: int) -> bytes:
    """Serialise triples natively, refusing more than max_rows of them."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise StoreError(f"cannot write a graph as {media_type}")
    capped = list(islice(triples, max_rows + 1))
    if len(capped) > max_rows:
        raise RowCapError(f"more than {max_rows} result triples")
    return _as_bytes(ox.serialize(capped, format=fmt))


def _as_bytes(out: object) -> bytes:
    return out if isinstance(out, bytes) else b""

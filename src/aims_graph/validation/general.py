"""The general validator: any data file against any SHACL shapes file, W3C report out.

Inputs are parsed by Oxigraph's parsers, which fetch nothing (a remote JSON-LD context is a parse
error), and ``owl:imports`` is never followed, neither here nor by the pyshacl fallback. Bad input
raises :class:`ShaclInputError` saying what is wrong, where, and how to fix it.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any, Final

from rdflib import BNode, Graph
from rdflib.term import Node

from aims_graph.store.parsing import parse_rdf
from aims_graph.validation.core import ShaclReport, validate_shacl
from aims_graph.validation.paths import path_text

#: File name suffix → parser format.
SUFFIX_FORMATS: Final = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".nt": "nt",
}
#: Report formats → media type.
REPORT_TYPES: Final = {
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "json": "application/json",
}


class ShaclInputError(ValueError):
    """A data or shapes file that cannot be validated: what, where, how to fix."""

    def __init__(self, where: str, what: str, fix: str) -> None:
        super().__init__(f"{where}: {what}; {fix}")
        self.where, self.what, self.fix = where, what, fix


class ShaclTooLargeError(ShaclInputError):
    """An input with more triples than allowed."""


def read_graph(name: str, data: bytes, *, max_triples: int | None = None) -> Graph:
    """Parse one input file, its format told by the name's suffix (Turtle when unknown)."""
    fmt = SUFFIX_FORMATS.get(PurePath(name).suffix.lower(), "turtle")
    try:
        g = parse_rdf(data, fmt)
    except ValueError as exc:
        raise ShaclInputError(name, str(exc), f"fix the {fmt} syntax at that place") from exc
    if max_triples is not None and len(g) > max_triples:
        raise ShaclTooLargeError(
            name,
            f"{len(g)} triples, more than the {max_triples} allowed",
            "send a smaller file (setting AIMS_GRAPH_MAX_UPLOAD_TRIPLES)",
        )
    return g


def validate_files(data: Graph, shapes: Graph) -> ShaclReport:
    """Validate, turning a shapes graph that is not valid SHACL into a :class:`ShaclInputError`."""
    if len(shapes) == 0:
        raise ShaclInputError("shapes", "the shapes file holds no triples", "send SHACL shapes")
    try:
        return validate_shacl(data, shapes)
    except Exception as exc:
        # Malformed shapes (a non-integer sh:minCount, a broken list) make pyshacl raise all
        # kinds of errors; each is the input's fault and gets the same clear answer.
        raise ShaclInputError(
            "shapes", f"not valid SHACL: {str(exc)[:500]}", "fix the shape named there"
        ) from exc


def _text(node: Node | None) -> str | None:
    if node is None:
        return None
    return f"_:{node}" if isinstance(node, BNode) else str(node)


def report_dict(report: ShaclReport) -> dict[str, Any]:
    """The project's JSON form of a report."""
    results = []
    for r in report.rows:
        path = path_text(r.path_graph, r.path) if r.path_graph is not None else _text(r.path)
        results.append(
            {
                "focus": _text(r.focus),
                "path": path,
                "value": _text(r.value),
                "shape": _text(r.shape),
                "component": str(r.component),
                "severity": str(r.severity).rsplit("#", 1)[-1],
                "messages": [str(m) for m in r.messages],
            }
        )
    return {
        "conforms": report.conforms,
        "results": results,
        "compiled_checks": report.compiled,
        "fallback": [{"shape": _text(s), "reason": why} for s, why in report.fallback.items()],
    }


def render(report: ShaclReport, fmt: str) -> bytes:
    """The report as Turtle, JSON-LD (the W3C report graph) or the project's JSON."""
    if fmt == "json":
        return json.dumps(report_dict(report), indent=2).encode("utf-8")
    if fmt not in REPORT_TYPES:
        raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(REPORT_TYPES)}")
    out = report.graph().serialize(format=fmt, encoding="utf-8")
    return out if isinstance(out, bytes) else out.encode("utf-8")


__all__ = [
    "REPORT_TYPES",
    "SUFFIX_FORMATS",
    "ShaclInputError",
    "ShaclTooLargeError",
    "read_graph",
    "render",
    "report_dict",
    "validate_files",
]

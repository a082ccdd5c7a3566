"""Validate any data graph against any SHACL Core shapes graph, W3C report out.

Every target shape is compiled to SPARQL and run on an in-memory Oxigraph store of the data;
a shape the compiler cannot handle is checked by pyshacl instead, and the report names it
(see :mod:`aims_graph.validation.report_graph`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal
from rdflib.namespace import SH
from rdflib.term import Node

from aims_graph.validation.core_compiler import CoreCompiler, TopCheck, target_shapes
from aims_graph.validation.fallback import run_fallback
from aims_graph.validation.paths import UnsupportedShapeError
from aims_graph.validation.report_graph import ResultRow, dedupe, report_graph
from aims_graph.validation.terms import restore, store_of


@dataclass
class ShaclReport:
    """The outcome of one validation: results, the W3C report graph, and what fell back."""

    rows: list[ResultRow]
    fallback: dict[Node, str] = field(default_factory=dict)
    compiled: int = 0

    @property
    def conforms(self) -> bool:
        """True when there is no result of any severity (as SHACL defines it)."""
        return not self.rows

    def graph(self) -> Graph:
        """The ``sh:ValidationReport`` graph."""
        return report_graph(self.rows, self.fallback)


def compile_checks(shapes: Graph) -> tuple[list[TopCheck], dict[Node, str], list[Node]]:
    """The compiled checks, the shapes left to the fallback (with why), and all target shapes."""
    compiler = CoreCompiler(shapes)
    tops = target_shapes(shapes)
    checks: list[TopCheck] = []
    fallback: dict[Node, str] = {}
    for shape in tops:
        try:
            checks += compiler.compile_top(shape)
        except (UnsupportedShapeError, RecursionError) as exc:
            fallback[shape] = str(exc)
    return checks, fallback, tops


def _rows(
    store: ox.Store, forms: dict[ox.Literal, Literal], shapes: Graph, check: TopCheck
) -> list[ResultRow]:
    v = check.violation
    try:
        solutions = store.query(check.query)
    except (SyntaxError, ValueError, OSError) as exc:
        raise UnsupportedShapeError(f"the query of {v.shape} failed: {exc}") from exc
    assert isinstance(solutions, ox.QuerySolutions)
    names = {x.value for x in solutions.variables}
    path = shapes.value(v.shape, SH.path)
    severity = shapes.value(v.shape, SH.severity) or SH.Violation
    holder = v.constraint if v.constraint is not None else v.shape
    messages = tuple(
        sorted((m for m in shapes.objects(holder, SH.message) if isinstance(m, Literal)), key=str)
    )
    out = []
    for sol in solutions:
        this = sol["this"]
        if this is None:
            continue
        focus = restore(this, forms)
        value = (
            restore(sol["value"], forms) if "value" in names and sol["value"] is not None else None
        )
        if value is None and v.query is not None and path is None:
            value = focus
        row_path: Node | None = path
        if "path" in names and sol["path"] is not None:
            row_path = restore(sol["path"], forms)
        out.append(
            ResultRow(
                focus=focus,
                shape=v.shape,
                component=v.component,
                severity=severity,
                path=row_path,
                value=value,
                messages=messages,
                constraint=v.constraint,
                path_graph=shapes,
            )
        )
    return out


def validate_shacl(data: Graph, shapes: Graph) -> ShaclReport:
    """Validate ``data`` against ``shapes`` (both left unchanged)."""
    store, forms = store_of(data)
    return validate_store(store, forms, shapes, data)


def validate_store(
    store: ox.Store, forms: dict[ox.Literal, Literal], shapes: Graph, data: Graph | None
) -> ShaclReport:
    """Validate the data in a store (see :func:`store_of`); ``data`` is for the fallback.

    Without ``data``, a shape that needs the fallback raises :class:`UnsupportedShapeError`.
    """
    checks, fallback, tops = compile_checks(shapes)
    rows: list[ResultRow] = []
    failed: set[Node] = set()
    by_top: dict[Node, list[ResultRow]] = {}
    for check in checks:
        if check.top in failed:
            continue
        try:
            by_top.setdefault(check.top, []).extend(_rows(store, forms, shapes, check))
        except UnsupportedShapeError as exc:
            failed.add(check.top)
            fallback[check.top] = str(exc)
    for top, found in by_top.items():
        if top not in failed:
            rows += found
    if fallback:
        if data is None:
            raise UnsupportedShapeError(
                f"shapes need the pyshacl fallback: {sorted(map(str, fallback))}"
            )
        rows += run_fallback(data, shapes, set(fallback), tops)
    return ShaclReport(dedupe(rows), fallback, len(checks))


__all__ = ["ShaclReport", "compile_checks", "validate_shacl", "validate_store"]

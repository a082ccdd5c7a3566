"""Per-shape fallback: pyshacl checks the target shapes the compiler could not handle.

pyshacl validates every shape with a target, so it gets a copy of the shapes graph in which the
other (compiled) target shapes have lost their targets; nested shapes they share stay intact.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from aims_graph.validation.report_graph import ResultRow

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def pruned_shapes(shapes: Graph, keep: set[Node], others: Iterable[Node]) -> Graph:
    """A copy of the shapes where only the shapes in ``keep`` have targets."""
    out = Graph()
    out += shapes
    for s in others:
        if s in keep:
            continue
        for pred in _TARGETS:
            out.remove((s, pred, None))
        # An implicit class target comes from the shape being a class.
        out.remove((s, RDF.type, RDFS.Class))
        out.remove((s, RDF.type, OWL.Class))
    return out


def run_fallback(
    data: Graph, shapes: Graph, keep: set[Node], tops: Iterable[Node]
) -> list[ResultRow]:
    """The results pyshacl reports for the shapes in ``keep`` only."""
    from pyshacl import validate as shacl_validate

    _conforms, results, text = shacl_validate(
        data,
        shacl_graph=pruned_shapes(shapes, keep, tops),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
        advanced=False,
        # Never fetch what the shapes point at.
        do_owl_imports=False,
    )
    if not isinstance(results, Graph):
        raise TypeError(f"pyshacl did not validate: {text!s:.300}")
    rows = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        focus, shape = results.value(r, SH.focusNode), results.value(r, SH.sourceShape)
        comp, sev = (
            results.value(r, SH.sourceConstraintComponent),
            results.value(r, SH.resultSeverity),
        )
        if focus is None or shape is None or comp is None or sev is None:
            continue
        rows.append(
            ResultRow(
                focus=focus,
                shape=shape,
                component=comp,
                severity=sev,
                path=results.value(r, SH.resultPath),
                value=results.value(r, SH.value),
                messages=tuple(sorted(results.objects(r, SH.resultMessage), key=str)),  # type: ignore[arg-type]
                constraint=results.value(r, SH.sourceConstraint),
                path_graph=results,
            )
        )
    return rows


__all__ = ["pruned_shapes", "run_fallback"]

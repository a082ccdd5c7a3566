"""W3C ``sh:ValidationReport`` graphs: results as rows, and the graph built from them.

Shapes the compiler could not handle and that pyshacl checked instead are named on the report
node with ``aims:fallback [ aims:shape S ; aims:reason "..." ]``, so a reader always knows which
engine answered for which shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from aims_graph.namespaces import AIMS
from aims_graph.validation.paths import copy_path, path_text


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One ``sh:ValidationResult``; ``path`` lives in ``path_graph`` when it is a blank node."""

    focus: Node
    shape: Node
    component: Node
    severity: Node
    path: Node | None = None
    value: Node | None = None
    messages: tuple[Literal, ...] = ()
    constraint: Node | None = None
    path_graph: Graph | None = field(default=None, compare=False, hash=False)

    def key(self) -> tuple[str, ...]:
        """What makes two rows the same result."""
        path = path_text(self.path_graph, self.path) if self.path_graph is not None else None
        return (
            self.focus.n3(),
            str(self.shape),
            str(self.component),
            str(self.severity),
            path or (str(self.path) if self.path is not None else ""),
            self.value.n3() if self.value is not None else "",
        )


def dedupe(rows: list[ResultRow]) -> list[ResultRow]:
    """Rows without repeats, in a stable order."""
    seen: dict[tuple[str, ...], ResultRow] = {}
    for r in rows:
        seen.setdefault(r.key(), r)
    return [seen[k] for k in sorted(seen)]


def report_graph(rows: list[ResultRow], fallback: dict[Node, str]) -> Graph:
    """The W3C validation report graph of the rows (conforms when there are none)."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("aims", AIMS)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not rows, datatype=XSD.boolean)))
    for row in rows:
        r = BNode()
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, row.focus))
        g.add((r, SH.sourceShape, row.shape))
        g.add((r, SH.sourceConstraintComponent, row.component))
        g.add((r, SH.resultSeverity, row.severity))
        if row.path is not None:
            g.add((r, SH.resultPath, row.path))
            if row.path_graph is not None:
                copy_path(row.path_graph, row.path, g)
        if row.value is not None:
            g.add((r, SH.value, row.value))
        for m in row.messages:
            g.add((r, SH.resultMessage, m))
        if row.constraint is not None:
            g.add((r, SH.sourceConstraint, row.constraint))
    for shape, reason in sorted(fallback.items(), key=lambda kv: str(kv[0])):
        fb = BNode()
        g.add((report, AIMS.fallback, fb))
        g.add((fb, AIMS.shape, shape))
        g.add((fb, AIMS.reason, Literal(reason)))
    return g


__all__ = ["ResultRow", "dedupe", "report_graph"]

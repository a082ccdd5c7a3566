"""An organisation's validation report as a W3C ``sh:ValidationReport`` graph.

Each result names its rule shape (``sh:sourceShape``) and, with ``aims:enforces``, every catalog
item that rule enforces, so a reader of the graph alone learns the clause behind each finding.
Findings of the organisation's own shapes carry ``aims:ruleOrigin "organisation"``.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node
from rdflib.util import from_n3

from aims_graph.namespaces import AIMS
from aims_graph.validation.report import ValidationReport

_SEVERITY = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}


def _term(text: str) -> Node:
    if text.startswith('"'):
        term = from_n3(text)
        return term if isinstance(term, Literal) else Literal(text)
    if text.startswith("_:"):
        return BNode()
    return URIRef(text)


def findings_graph(report: ValidationReport) -> Graph:
    """The report's findings as a W3C validation report, each result with aims:enforces."""
    g = Graph()
    g.bind("sh", SH)
    g.bind("aims", AIMS)
    node = BNode()
    g.add((node, RDF.type, SH.ValidationReport))
    # SHACL's conforms means no result at all; the project's "conforms" ignores warnings.
    g.add((node, SH.conforms, Literal(not report.findings, datatype=XSD.boolean)))
    for f in report.findings:
        r = BNode()
        g.add((node, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.focusNode, _term(f.node)))
        g.add((r, SH.sourceShape, URIRef(f.shape)))
        # An upcoming duty is not yet a violation: SHACL has no such level, so it is a warning.
        g.add((r, SH.resultSeverity, _SEVERITY.get(f.severity, SH.Warning)))
        g.add((r, SH.resultMessage, Literal(f.message, lang="en")))
        if f.path and not f.path.startswith(("(", "^", "<")):
            g.add((r, SH.resultPath, URIRef(f.path)))
        if f.value is not None:
            g.add((r, SH.value, _term(f.value)))
        for item in f.enforces:
            g.add((r, AIMS.enforces, URIRef(item.iri)))
        g.add((r, AIMS.ruleOrigin, Literal(f.origin)))
        if f.applies_from:
            g.add((r, AIMS.appliesFrom, Literal(f.applies_from, datatype=XSD.date)))
    return g


__all__ = ["findings_graph"]

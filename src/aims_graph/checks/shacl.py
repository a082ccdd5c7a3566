"""SHACL validation of catalogs and mapping sets with pyshacl, reported as plain findings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from aims_graph import resources


@dataclass(frozen=True, slots=True)
class Finding:
    """One SHACL validation result: which node broke which rule, and how to read it."""

    focus: str
    path: str | None
    severity: str
    message: str
    shape: str
    value: str | None = None


@dataclass(frozen=True, slots=True)
class ShaclReport:
    """The outcome of validating one data graph against one shapes file."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    triples: int = 0

    def by_focus(self, focus: str) -> list[Finding]:
        """Findings whose focus node is the given IRI."""
        return [f for f in self.findings if f.focus == focus]


def vocabulary_graph() -> Graph:
    """The aims vocabulary, used as pyshacl's ontology graph (for rdfs:subClassOf of targets)."""
    g = Graph()
    g.parse(resources.ontology_dir() / "aims.ttl", format="turtle")
    return g


def _as_graph(data: Graph | Dataset) -> Graph:
    # pyshacl validates each named graph of a Dataset on its own; the catalog shapes need the union
    # (a suggested action in one catalog points at a subcategory in another), so flatten first.
    if isinstance(data, Dataset):
        union = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return data


def _path_text(results: Graph, path: Node | None) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    if isinstance(path, BNode):
        inverse = results.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{_path_text(results, inverse)}"
        if results.value(path, RDF.first) is not None:
            return "/".join(_path_text(results, p) or "?" for p in Collection(results, path))
    return str(path)


def _local(iri: Node | None) -> str:
    text = str(iri or "")
    return text.rsplit("#", 1)[-1]


def _findings(results: Graph) -> list[Finding]:
    out: list[Finding] = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        value = results.value(r, SH.value)
        out.append(
            Finding(
                focus=str(results.value(r, SH.focusNode)),
                path=_path_text(results, results.value(r, SH.resultPath)),
                severity=_local(results.value(r, SH.resultSeverity)),
                message=messages[0] if messages else "",
                shape=str(results.value(r, SH.sourceShape)),
                value=None if value is None else str(value),
            )
        )
    out.sort(key=lambda f: (f.focus, f.path or "", f.message))
    return out


def validate_shapes(
    data: Graph | Dataset, shapes_file: Path, *, ont_graph: Graph | None = None
) -> ShaclReport:
    """Validate data against a SHACL shapes file; the vocabulary supplies the class hierarchy."""
    # pyshacl brings rdflib's SPARQL engine: 0.1-0.15 s a server start need not pay.
    from pyshacl import validate

    started = time.perf_counter()
    graph = _as_graph(data)
    shapes = Graph()
    shapes.parse(shapes_file, format="turtle")
    ontology = vocabulary_graph() if ont_graph is None else ont_graph
    # No RDFS inference: catalogs type every item explicitly, and sh:targetClass already follows
    # rdfs:subClassOf from the vocabulary merged in as ont_graph, so inference only costs time.
    conforms, results, _text = validate(
        graph,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        inplace=False,
    )
    if not isinstance(results, Graph):  # pyshacl returns a graph unless asked for text
        raise TypeError("pyshacl returned no results graph")
    findings = _findings(results)
    return ShaclReport(
        conforms=bool(conforms),
        findings=findings,
        seconds=time.perf_counter() - started,
        triples=len(graph),
    )


__all__ = ["Finding", "ShaclReport", "validate_shapes", "vocabulary_graph"]

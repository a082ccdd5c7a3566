"""The organisation shapes: loading ``ontology/shapes/org-*.ttl``, their metadata, and parameters.

Parameters reach the shapes as placeholders in their SPARQL text, replaced by the validator
before either engine sees the shapes (so pyshacl and the fast path run the very same queries):

- ``$asOf``: the as-of date, as an ``xsd:date`` literal;
- ``$yearBeforeAsOf``: the same day one year earlier (28 February for a 29 February as-of date),
  for the "within 12 months" rules;
- ``$lawMode``: which EU AI Act applicability records count: ``"in-force"`` (the record with the
  latest ``aims:recordValidFrom`` on or before the as-of date), ``"original"`` (the 2024 text) or
  ``"amended"`` (the amended record where one exists, else the original one).

All are values we produce from a ``date`` and a fixed set of words, never user text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, Literal

from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, RDFS, SH

from aims_graph import resources
from aims_graph.namespaces import AIMS

LawMode = Literal["in-force", "original", "amended"]
LAW_MODES: Final[tuple[str, ...]] = ("in-force", "original", "amended")
SHAPES_GLOB: Final = "org-*.ttl"
_AS_OF = re.compile(r"\$asOf\b")
_YEAR_BEFORE = re.compile(r"\$yearBeforeAsOf\b")
_LAW_MODE = re.compile(r"\$lawMode\b")
_SEVERITY: Final = {
    str(SH.Violation): "violation",
    str(SH.Warning): "warning",
    str(SH.Info): "info",
}


@dataclass(frozen=True, slots=True)
class ShapeInfo:
    """What a person reads about one rule: its name, message, fix, severity, enforced items."""

    iri: str
    label: str
    message: str
    fix: str
    severity: str
    enforces: tuple[str, ...]

    @property
    def name(self) -> str:
        """The shape's local name, e.g. ``SystemHasOwnerShape``."""
        return self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def shape_files(folder: Path | None = None) -> list[Path]:
    """The organisation shapes files, sorted."""
    return sorted((folder or resources.shapes_dir()).glob(SHAPES_GLOB))


def load_shapes(files: Iterable[Path] | None = None) -> Graph:
    """Parse the organisation shapes into one graph (placeholders still in place)."""
    g = Graph()
    for f in shape_files() if files is None else files:
        g.parse(f, format="turtle")
    return g


def _text(g: Graph, node: URIRef, prop: URIRef) -> str:
    values = [v for v in g.objects(node, prop) if isinstance(v, RdfLiteral)]
    english = [v for v in values if v.language in (None, "en")]
    return str(sorted(english or values, key=str)[0]) if values else ""


def rule_shapes(shapes: Graph) -> list[URIRef]:
    """The top-level node shapes (the rules), not deactivated, sorted by IRI."""
    out = []
    for s in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if isinstance(s, URIRef) and shapes.value(s, SH.deactivated) != RdfLiteral(True):
            out.append(s)
    return sorted(out, key=str)


def shape_info(shapes: Graph) -> dict[str, ShapeInfo]:
    """Metadata of every rule shape by IRI."""
    out: dict[str, ShapeInfo] = {}
    for s in rule_shapes(shapes):
        sev = shapes.value(s, SH.severity)
        out[str(s)] = ShapeInfo(
            iri=str(s),
            label=_text(shapes, s, RDFS.label) or s.rsplit("#", 1)[-1],
            message=_text(shapes, s, SH.message),
            fix=_text(shapes, s, AIMS.fix),
            severity=_SEVERITY.get(str(sev), "violation") if sev else "violation",
            enforces=tuple(sorted(str(o) for o in shapes.objects(s, AIMS.enforces))),
        )
    return out


def as_of_literal(as_of: date) -> str:
    """The SPARQL form of a date."""
    return f'"{as_of.isoformat()}"^^<http://www.w3.org/2001/XMLSchema#date>'


def year_before(as_of: date) -> date:
    """The same day one year earlier (28 February for 29 February)."""
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:
        return as_of.replace(year=as_of.year - 1, day=28)


def substitute(text: str, as_of: date, law_mode: str) -> str:
    """Replace the ``$asOf`` and ``$lawMode`` placeholders of one SPARQL text."""
    if law_mode not in LAW_MODES:
        raise ValueError(f"unknown law mode {law_mode!r}; use one of {', '.join(LAW_MODES)}")
    text = _AS_OF.sub(as_of_literal(as_of), text)
    text = _YEAR_BEFORE.sub(as_of_literal(year_before(as_of)), text)
    return _LAW_MODE.sub(f'"{law_mode}"', text)


def bind_parameters(shapes: Graph, as_of: date, law_mode: str) -> Graph:
    """A copy of the shapes with the placeholders of every ``sh:select`` replaced."""
    out = Graph()
    for prefix, ns in shapes.namespaces():
        out.bind(prefix, ns)
    for s, p, o in shapes:
        if p == SH.select and isinstance(o, RdfLiteral):
            o = RdfLiteral(substitute(str(o), as_of, law_mode))
        out.add((s, p, o))
    return out


__all__ = [
    "LAW_MODES",
    "LawMode",
    "ShapeInfo",
    "as_of_literal",
    "bind_parameters",
    "load_shapes",
    "rule_shapes",
    "shape_files",
    "shape_info",
    "substitute",
    "year_before",
]

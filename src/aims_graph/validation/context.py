"""The vocabulary and catalogs the organisation shapes look into, loaded once for many runs."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox
from rdflib import Graph

from aims_graph import resources
from aims_graph.catalog.frameworks import edition_facts
from aims_graph.catalog.items import edition_of
from aims_graph.namespaces import AIMS, ID, graph_iri
from aims_graph.validation.compiler import CompiledCheck, compile_shapes
from aims_graph.validation.report import LABELS_QUERY, EnforcedItem
from aims_graph.validation.shapes import (
    ShapeInfo,
    bind_parameters,
    load_shapes,
    shape_info,
)

#: Catalog editions the org shapes look into.
CATALOG_EDITIONS: Final[tuple[str, ...]] = ("iso42001-2023", "iso27001-2022", "eu-ai-act")


_INDEX_QUERY: Final = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX aims: <{AIMS}>
SELECT ?i ?notation ?label ?applies ?obl WHERE {{
  {{ ?i skos:notation ?notation . OPTIONAL {{ ?i skos:prefLabel ?label }} }}
  UNION
  {{ ?obl aims:applicability ?i . ?i aims:appliesFrom ?applies . }}
}}
"""


SUBCLASS: Final = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


class ValidationContext:
    """The vocabulary and the catalogs the shapes look into, loaded once for many validations."""

    def __init__(self, catalog_ntriples: bytes, shapes: Graph | None = None) -> None:
        self.ntriples = catalog_ntriples
        self._enforced: dict[str, EnforcedItem] = {}
        self.shapes = load_shapes() if shapes is None else shapes
        self.info: dict[str, ShapeInfo] = shape_info(self.shapes)
        self._rdf: Graph | None = None
        self.store = ox.Store()
        self.store.load(
            catalog_ntriples, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri("catalogs"))
        )
        self.catalog_triples = len(self.store)
        labels = self.store.query(
            LABELS_QUERY.replace("%ONLY%", ""), use_default_graph_as_union=True
        )
        assert isinstance(labels, ox.QuerySolutions)
        self.catalog_labels = {(s["s"].value, s["p"].value, s["o"].value) for s in labels}
        self.subclasses = _subclass_closure(self.store)
        #: rdfs:subClassOf triples of the vocabulary and catalogs: a run's store holding more has
        #: subclass axioms of the organisation's own, which the closure above does not know.
        self.subclass_axioms = sum(1 for _ in self.store.quads_for_pattern(None, SUBCLASS, None))
        self._compiled: dict[tuple[date, str, bool], tuple[Graph, list[CompiledCheck]]] = {}
        self._lock = threading.Lock()
        self.items: dict[str, tuple[str, str]] = {}
        self.records: dict[str, tuple[date, str]] = {}
        solutions = self.store.query(_INDEX_QUERY, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for sol in solutions:
            i = sol["i"].value
            if sol["applies"] is not None and sol["obl"] is not None:
                self.records[i] = (date.fromisoformat(sol["applies"].value), sol["obl"].value)
            elif sol["notation"] is not None:
                label = sol["label"].value if sol["label"] is not None else ""
                self.items.setdefault(i, (sol["notation"].value, label))

    @classmethod
    def from_files(cls, shapes: Graph | None = None) -> ValidationContext:
        """Load the vocabulary and catalogs from ontology/ (fails when a catalog is not built)."""
        paths = [resources.ontology_dir() / "aims.ttl"] + [
            resources.standards_dir() / f"{e}.ttl" for e in CATALOG_EDITIONS
        ]
        return cls(_to_ntriples(paths), shapes)

    @classmethod
    def from_store(cls, store: Any, shapes: Graph | None = None) -> ValidationContext:
        """Copy the vocabulary and catalog graphs out of a built aims-graph store."""
        names = ["ontology"] + [f"catalog/{e}" for e in CATALOG_EDITIONS]
        data = b"".join(store.dump_graph(graph_iri(n), "application/n-triples") for n in names)
        return cls(data, shapes)

    def compiled(
        self, as_of: date, law_mode: str, *, data_subclasses: bool = False
    ) -> tuple[Graph, list[CompiledCheck]]:
        """The shapes with their parameters bound, and their checks (kept for a few days).

        ``data_subclasses``: the data adds subclass axioms of its own, so class targets follow
        ``rdfs:subClassOf`` in the data as SHACL says, not the vocabulary's closure.
        """
        key = (as_of, law_mode, data_subclasses)
        with self._lock:
            found = self._compiled.get(key)
            if found is None:
                bound = bind_parameters(self.shapes, as_of, law_mode)
                closure = None if data_subclasses else self.subclasses
                found = (bound, compile_shapes(bound, closure))
                # A handful of as-of dates are in use at any time; keep the cache from growing.
                if len(self._compiled) >= 8:
                    self._compiled.pop(next(iter(self._compiled)))
                self._compiled[key] = found
            return found

    @property
    def rdf(self) -> Graph:
        """The catalogs as an rdflib graph (pyshacl's ontology graph), parsed on first use."""
        if self._rdf is None:
            g = Graph()
            g.parse(data=self.ntriples, format="nt")
            self._rdf = g
        return self._rdf

    def enforced(self, iri: str) -> EnforcedItem:
        """A catalog IRI with its CURIE, notation and title."""
        found = self._enforced.get(iri)
        if found is None:
            notation, label = self.items.get(iri, ("", ""))
            ed = edition_of(iri)
            curie = f"{edition_facts(ed).prefixes[0]}:{iri[len(ID) + len(ed) + 1 :]}" if ed else iri
            found = self._enforced[iri] = EnforcedItem(iri, curie, notation, label)
        return found


def _subclass_closure(store: ox.Store) -> dict[str, set[str]]:
    """Every class with all its (transitive) subclasses, from the vocabulary in the store."""
    solutions = store.query(
        "SELECT ?sub ?sup WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?sup . "
        "FILTER(isIRI(?sub) && isIRI(?sup)) }",
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, ox.QuerySolutions)
    out: dict[str, set[str]] = {}
    for sol in solutions:
        out.setdefault(sol["sup"].value, set()).add(sol["sub"].value)
    return out


def _to_ntriples(paths: Sequence[Path]) -> bytes:
    out: list[bytes] = []
    for p in paths:
        if not p.exists():
            raise FileNotFoundError(f"{p} is missing; run `aims-graph build-catalogs` first")
        data = ox.serialize(
            ox.parse(path=str(p), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES
        )
        out.append(data if isinstance(data, bytes) else b"")
    return b"".join(out)


__all__ = ["CATALOG_EDITIONS", "ValidationContext"]

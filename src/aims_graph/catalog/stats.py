"""Counts of items per framework edition and kind, read from the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from aims_graph.catalog.frameworks import editions
from aims_graph.namespaces import AIMS, scheme_iri
from aims_graph.store import Store

COUNTS_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme ?kind (COUNT(DISTINCT ?item) AS ?n) WHERE {
  ?item skos:inScheme ?scheme ; a ?kind .
  FILTER(STRSTARTS(STR(?kind), "https://w3id.org/aims-graph/ontology#"))
} GROUP BY ?scheme ?kind
"""


@dataclass
class FrameworkStats:
    """Item counts of one framework edition, by kind (the aims: class local name)."""

    edition: str
    title: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """All items of the edition."""
        return sum(self.counts.values())


def framework_stats(store: Store) -> list[FrameworkStats]:
    """Count every edition's items by kind."""
    by_scheme = {scheme_iri(f.slug): FrameworkStats(f.slug, f.title) for f in editions()}
    for row in store.select(COUNTS_QUERY):
        stats = by_scheme.get(row["scheme"].value)
        if stats is not None:
            kind = row["kind"].value.removeprefix(str(AIMS))
            stats.counts[kind] = int(row["n"].value)
    for s in by_scheme.values():
        s.counts = dict(sorted(s.counts.items()))
    return list(by_scheme.values())

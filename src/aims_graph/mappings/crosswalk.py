"""Crosswalk use cases shared by the CLI and the API: crosswalk, explain, mapping summary."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from aims_graph.catalog.frameworks import PRIVATE, edition_facts, framework
from aims_graph.catalog.items import Item, ItemIndex, ItemResolutionError
from aims_graph.config import Settings
from aims_graph.mappings.graph import MappingGraph
from aims_graph.mappings.model import Chain, CrosswalkRow, Edge
from aims_graph.namespaces import SEMAPV
from aims_graph.store import Store

__all__ = ["CrosswalkInputError", "ItemResolutionError", "MappingService"]


class CrosswalkInputError(ValueError):
    """A crosswalk request is malformed (unknown framework, confidence outside 0..1, …)."""


def _short(iri: str) -> str:
    if iri.startswith(str(SEMAPV)):
        return "semapv:" + iri[len(str(SEMAPV)) :]
    return iri


def _short_title(slug: str) -> str:
    facts = edition_facts(slug)
    return f"{facts.family}:{facts.edition}"


def _set_id(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class MappingService:
    """In-memory indexes over the store: items by key, and the mapping graph."""

    items: ItemIndex
    graph: MappingGraph
    seconds: float = 0.0

    @classmethod
    def from_store(cls, store: Store, settings: Settings | None = None) -> MappingService:
        """Build the item index and the mapping graph (two queries)."""
        started = time.perf_counter()
        settings = settings or Settings()
        items = ItemIndex.from_store(store)
        graph = MappingGraph.from_store(store, max_hops=settings.max_path_length, items=items)
        return cls(items, graph, time.perf_counter() - started)

    def resolve(self, text: str, framework_hint: str | None = None) -> Item:
        """Resolve user input to an item (raises ItemResolutionError with close matches)."""
        return self.items.resolve(text, framework_hint)

    def edition(self, text: str) -> str:
        """Resolve a framework slug or CURIE prefix to its edition slug."""
        try:
            return framework(text).slug
        except KeyError as exc:
            key = text.strip().lower()
            if key in PRIVATE and key in self.items.keys:  # an organisation's own, in its index
                return key
            raise CrosswalkInputError(str(exc.args[0])) from None

    def curie(self, iri: str) -> str:
        """The CURIE of an item IRI (the IRI itself when unknown)."""
        item = self.items.get(iri)
        return item.curie if item else iri

    def title(self, iri: str) -> str:
        """Notation and short title of an item IRI."""
        item = self.items.get(iri)
        return item.title if item else ""

    def hop(self, e: Edge) -> dict[str, Any]:
        """One mapping of a chain as a JSON-ready dict."""
        return {
            "subject": self.curie(e.subject),
            "subject_title": self.title(e.subject),
            "relation": e.relation.value,
            "object": self.curie(e.object),
            "object_title": self.title(e.object),
            "confidence": e.confidence,
            "strength": e.strength,
            "justification": _short(e.justification),
            "set": _set_id(e.mapping_set),
            "set_title": e.set_title,
            "source": e.source,
            "comment": e.comment,
            "mapping": e.mapping,
            "inverse_of": e.inverse_of,
        }

    def _row(self, r: CrosswalkRow) -> dict[str, Any]:
        return {
            "subject": self.curie(r.subject_iri),
            "subject_title": self.title(r.subject_iri),
            "relation": r.relation.value,
            "object": self.curie(r.object_iri),
            "object_title": self.title(r.object_iri),
            "confidence": r.confidence,
            "strength": r.strength,
            "justification": _short(r.justification),
            "source": r.source,
            "set": _set_id(r.mapping_set),
            "set_title": r.set_title,
            "derived": r.derived,
            "comment": r.comment,
            "mapping": r.mapping,
            "chain": [self.hop(h) for h in r.chain] if r.derived else [],
        }

    def crosswalk(
        self,
        item: str,
        to_framework: str | None = None,
        *,
        derived: bool = False,
        min_confidence: float = 0.0,
    ) -> list[dict[str, Any]]:
        """Mappings from an item into a framework, with titles, relation, confidence, source."""
        if not 0.0 <= min_confidence <= 1.0:
            raise CrosswalkInputError(f"min confidence {min_confidence} is outside 0..1")
        source = self.resolve(item)
        target = self.edition(to_framework) if to_framework else None
        rows = self.graph.crosswalk(
            source.iri, target, derived=derived, min_confidence=min_confidence
        )
        return [self._row(r) for r in rows]

    def _chain(self, c: Chain) -> dict[str, Any]:
        return {
            "relation": c.relation.value if c.relation else None,
            "confidence": round(c.confidence, 6),
            "hops": [self.hop(h) for h in c.hops],
        }

    def explain(self, a: str, b: str, max_hops: int | None = None) -> dict[str, Any]:
        """Every path from a to b (bounded), each hop with relation, confidence, set and source."""
        ia, ib = self.resolve(a), self.resolve(b)
        if max_hops is not None and not 1 <= max_hops <= 4:
            raise CrosswalkInputError(f"max hops {max_hops} is outside 1..4")
        chains = self.graph.explain(ia.iri, ib.iri, max_hops)
        return {
            "subject": ia.curie,
            "subject_title": ia.title,
            "object": ib.curie,
            "object_title": ib.title,
            "max_hops": max_hops or self.graph.max_hops,
            "paths": [self._chain(c) for c in chains],
        }

    def summary(self) -> list[dict[str, Any]]:
        """Per pair of framework editions: mappings by relation and share of items mapped."""
        out = []
        for p in self.graph.summary():
            out.append(
                {
                    "first": p.first,
                    "second": p.second,
                    "first_title": _short_title(p.first),
                    "second_title": _short_title(p.second),
                    "mappings": p.total,
                    "by_relation": dict(sorted(p.by_relation.items())),
                    "derived": p.derived,
                    "first_mapped": p.first_mapped,
                    "first_total": p.first_total,
                    "first_share": round(p.share("first"), 4),
                    "second_mapped": p.second_mapped,
                    "second_total": p.second_total,
                    "second_share": round(p.share("second"), 4),
                }
            )
        return out

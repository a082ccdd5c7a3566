"""The mapping graph's values: an edge (stated or inverse mapping), a chain of edges, a derived
mapping, a crosswalk row and a framework-pair summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from aims_graph.catalog.items import Item
from aims_graph.mappings.relations import Relation


@dataclass(frozen=True, slots=True)
class Edge:
    """One stated or inverse mapping, as an edge of the graph."""

    mapping: str
    subject: str
    object: str
    relation: Relation
    confidence: float
    justification: str
    mapping_set: str
    set_title: str = ""
    source: str = ""
    comment: str = ""
    inverse_of: str | None = None
    #: how much of the subject's duty the object carries (None: the set does not grade it)
    strength: float | None = None

    @property
    def stated(self) -> str:
        """The mapping as written in a file (itself, or the one this inverse comes from)."""
        return self.inverse_of or self.mapping


@dataclass(frozen=True, slots=True)
class Chain:
    """A path of mappings; ``relation`` is their left-to-right composition (None: nothing)."""

    hops: tuple[Edge, ...]
    relation: Relation | None
    confidence: float

    @property
    def subject(self) -> str:
        """Where the chain starts."""
        return self.hops[0].subject

    @property
    def object(self) -> str:
        """Where the chain ends."""
        return self.hops[-1].object

    @property
    def strength(self) -> float | None:
        """The weakest strength grade along the chain (None when no hop is graded)."""
        graded = [h.strength for h in self.hops if h.strength is not None]
        return min(graded) if graded else None


@dataclass(frozen=True, slots=True)
class DerivedMapping:
    """A mapping composed along a chain; the best chain is kept, ``chains`` counts them all."""

    iri: str
    subject: str
    object: str
    relation: Relation
    confidence: float
    chain: Chain
    chains: int


@dataclass(frozen=True, slots=True)
class CrosswalkRow:
    """One answer of a crosswalk: a direct or derived mapping from the item."""

    subject: Item | None
    object: Item | None
    subject_iri: str
    object_iri: str
    relation: Relation
    confidence: float
    justification: str
    source: str
    mapping_set: str
    set_title: str
    derived: bool
    mapping: str
    chain: tuple[Edge, ...]
    comment: str = ""
    strength: float | None = None


@dataclass
class PairSummary:
    """Mappings between two framework editions (first → second orientation)."""

    first: str
    second: str
    by_relation: Counter[str] = field(default_factory=Counter)
    derived: int = 0
    first_mapped: int = 0
    first_total: int = 0
    second_mapped: int = 0
    second_total: int = 0

    @property
    def total(self) -> int:
        """Stated mappings between the two."""
        return sum(self.by_relation.values())

    def share(self, which: str) -> float:
        """Share of ``first`` or ``second`` items (of the kinds mapped) with ≥1 mapping."""
        mapped, total = (
            (self.first_mapped, self.first_total)
            if which == "first"
            else (self.second_mapped, self.second_total)
        )
        return mapped / total if total else 0.0

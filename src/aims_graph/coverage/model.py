"""The coverage report's parts: controls, supports, verdicts per item, totals by section."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from aims_graph.catalog.items import Item
from aims_graph.coverage.absence import (
    NO_COUNTERPART,
)
from aims_graph.mappings.review import NoCounterpart
from aims_graph.namespaces import ID

EU: Final = f"{ID}eu-ai-act/"
VERDICTS: Final = ("covered", "partly", "gap", NO_COUNTERPART)
LEAF_KINDS: Final = frozenset({"Clause", "Subclause", "Control", "Subcategory", "SuggestedAction"})


class CoverageInputError(ValueError):
    """The target or a setting of a coverage request is not usable."""


@dataclass(frozen=True, slots=True)
class OrgControl:
    """A control of the organisation and the strength it counts with."""

    iri: str
    status: str
    strength: str  # "full" or "partial"
    record: str


@dataclass(frozen=True, slots=True)
class Support:
    """One way an organisation control reaches a target item."""

    control: OrgControl
    relation: str
    confidence: float
    derived: bool
    contributes: str  # "covers" or "partly"
    chain: tuple[dict[str, Any], ...]


@dataclass
class ItemVerdict:
    """The verdict on one target item with every supporting chain."""

    item: Item
    section: str
    verdict: str = "gap"
    support: list[Support] = field(default_factory=list)
    applies_from: str | None = None
    #: why a ``no-counterpart`` item has none, one record per framework of the controls
    no_counterpart: list[NoCounterpart] = field(default_factory=list)


@dataclass
class CoverageReport:
    """Coverage of one target for one organisation."""

    target: str
    as_of: date
    min_confidence: float
    law_mode: str
    items: list[ItemVerdict]
    controls: list[OrgControl]
    min_strength: float | None = None

    def totals(self) -> dict[str, int]:
        """Items per verdict."""
        c = Counter(v.verdict for v in self.items)
        return {"items": len(self.items), **{k: c.get(k, 0) for k in VERDICTS}}

    def by_section(self) -> dict[str, dict[str, int]]:
        """Items per verdict in each section."""
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for v in self.items:
            out[v.section][v.verdict] += 1
        return {
            s: {"items": sum(c.values()), **{k: c.get(k, 0) for k in VERDICTS}}
            for s, c in out.items()
        }

    def reverse(self) -> list[dict[str, Any]]:
        """The organisation's controls by how many target items they cover or partly cover."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for v in self.items:
            seen: set[tuple[str, str]] = set()
            for s in v.support:
                key = (s.control.iri, s.contributes)
                if key not in seen:
                    seen.add(key)
                    counts[s.control.iri][s.contributes] += 1
        rows = [
            {"control": c, "covers": n["covers"], "partly": n["partly"], "total": sum(n.values())}
            for c, n in counts.items()
        ]
        return sorted(rows, key=lambda r: (-r["total"], -r["covers"], r["control"]))

"""The in-memory indexes every view reads: item details, tree order, counts; rebuilt per build.

Everything is answered from indexes built once per MappingService (one query each), so a
request does no store round trip for the catalog's facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from aims_graph.catalog.frameworks import BY_SLUG, FrameworkEdition, editions, framework
from aims_graph.catalog.items import Item, ItemResolutionError, natural_key
from aims_graph.catalog.stats import framework_stats
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.namespaces import AIMS
from aims_graph.runtime import collector_paused
from aims_graph.service import Graph
from aims_graph.store import Store
from aims_graph.views.errors import AmbiguousItemError, NotFoundError

T = TypeVar("T")

_DETAILS_QUERY: Final = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX aims: <{AIMS}>
SELECT ?i ?summary ?source ?parent ?alt WHERE {{
  ?i skos:inScheme ?scheme .
  {{ ?i aims:summary ?summary }} UNION {{ ?i dcterms:source ?source }}
  UNION {{ ?i skos:broader ?parent }} UNION {{ ?i skos:altLabel ?alt }}
}}
"""


@dataclass
class ItemDetails:
    """Per-item facts the ItemIndex does not keep: summary, source, parents, children."""

    summary: dict[str, str] = field(default_factory=dict)
    source: dict[str, str] = field(default_factory=dict)
    parents: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    alt_labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    order: dict[str, list[str]] = field(default_factory=dict)  # edition → items in tree order
    depth: dict[str, int] = field(default_factory=dict)


def item_ref(item: Item) -> dict[str, Any]:
    """The short form of an item used wherever one item points to another."""
    return {
        "iri": item.iri,
        "curie": item.curie,
        "notation": item.notation,
        "label": item.label,
        "kind": item.kind,
        "framework": item.edition,
    }


class ViewIndex:
    """The views' shared state over one opened Graph; it follows ``graph.mappings``."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._built_for: MappingService | None = None
        #: Details and counts, with the mapping service they were built for.
        self._facts: tuple[MappingService, ItemDetails, dict[str, dict[str, int]]] | None = None
        self._cache: dict[str, Any] = {}
        self._lasting: dict[str, Any] = {}

    @property
    def svc(self) -> MappingService:
        """The mapping service; a new one (after a build) clears the per-build cache."""
        svc = self.graph.mappings
        if svc is not self._built_for:
            self._cache = {}
            self._built_for = svc
        return svc

    def _built_facts(self) -> tuple[ItemDetails, dict[str, dict[str, int]]]:
        # Apart from the mapping service: a crosswalk needs neither, so a restart's first
        # crosswalk does not wait for them.
        svc = self.svc
        facts = self._facts
        if facts is None or facts[0] is not svc:
            with collector_paused():
                reads = self.graph.index_reads()
                details = _details(reads, svc)
                stats = {s.edition: s.counts for s in framework_stats(reads)}
            self.graph.save_index_reads(release=True)
            facts = self._facts = (svc, details, stats)
        return facts[1], facts[2]

    @property
    def details(self) -> ItemDetails:
        """Summaries, sources, parents, children and tree order of every item."""
        return self._built_facts()[0]

    def counts(self, edition: str) -> dict[str, int]:
        """Items of an edition by kind."""
        return self._built_facts()[1].get(edition, {})

    def cached(self, key: str, build: Callable[[], T], *, per_build: bool = True) -> T:
        """A value built once per build of the graph (or once at all, ``per_build=False``)."""
        if per_build:
            _ = self.svc  # rebuilding clears the per-build cache
        cache = self._cache if per_build else self._lasting
        if key not in cache:
            cache[key] = build()
        value: T = cache[key]
        return value

    def edition(self, text: str) -> FrameworkEdition:
        """The framework edition a slug or prefix names; NotFoundError with close matches."""
        try:
            return framework(text)
        except KeyError:
            close = [f.slug for f in editions() if text.lower() in f.slug or f.slug in text]
            raise NotFoundError(
                f"no framework {text!r}; known: {', '.join(BY_SLUG)}", "framework", close
            ) from None

    def resolve(self, text: str, framework_hint: str | None = None) -> Item:
        """Resolve a CURIE, IRI or notation; unknown → NotFoundError, ambiguous → 300 choices."""
        try:
            return self.svc.resolve(text, framework_hint)
        except ItemResolutionError as exc:
            message = str(exc)
            if " is ambiguous: " in message:
                listed = message.split(" is ambiguous: ", 1)[1].split(";", 1)[0]
                raise AmbiguousItemError(message, listed.split(", ")) from None
            close: list[str] = []
            if "close matches: " in message:
                close = message.split("close matches: ", 1)[1].split(", ")
            raise NotFoundError(message, "item", close) from None


def _details(store: Store, svc: MappingService) -> ItemDetails:
    d = ItemDetails()
    items = svc.items.items
    for row in store.select(_DETAILS_QUERY):
        iri = row["i"].value
        if iri not in items:
            continue
        if "summary" in row:
            d.summary.setdefault(iri, row["summary"].value)
        if "source" in row:
            d.source.setdefault(iri, row["source"].value)
        if "parent" in row and row["parent"].value in items:
            parent = row["parent"].value
            if parent not in d.parents[iri]:
                d.parents[iri].append(parent)
                d.children[parent].append(iri)
        if "alt" in row and row["alt"].value not in d.alt_labels[iri]:
            d.alt_labels[iri].append(row["alt"].value)
    for iri in d.children:
        d.children[iri].sort(key=lambda c: natural_key(items[c].ref))
    for fw in editions():
        _tree_order(d, svc, fw.slug)
    return d


def _tree_order(d: ItemDetails, svc: MappingService, edition: str) -> None:
    """Depth-first document order of one edition's items, with each item's depth."""
    items = svc.items.items
    roots = sorted(
        (i.iri for i in svc.items.in_edition(edition) if not d.parents.get(i.iri)),
        key=lambda c: natural_key(items[c].ref),
    )
    order: list[str] = []
    stack = [(r, 0) for r in reversed(roots)]
    seen: set[str] = set()
    while stack:
        node, depth = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        d.depth[node] = depth
        kids = [c for c in d.children.get(node, []) if items[c].edition == edition]
        stack.extend((c, depth + 1) for c in reversed(kids))
    d.order[edition] = order

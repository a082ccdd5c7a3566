"""The mapping graph (networkx): stated and inverse mappings, derived chains, explanations."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Final

import networkx as nx

from aims_graph.catalog.frameworks import edition_rank
from aims_graph.catalog.items import Item, ItemIndex, edition_of
from aims_graph.mappings.loading import (
    DERIVED_SET,
    mapping_iri,
)
from aims_graph.mappings.model import Chain, CrosswalkRow, DerivedMapping, Edge, PairSummary
from aims_graph.mappings.relations import RELATION_BY_IRI, Relation, compose
from aims_graph.mappings.sssom_io import decimal_text
from aims_graph.namespaces import (
    AIMS,
    DCTERMS,
    GRAPH,
    PROV,
    RDF,
    RDFS,
    SEMAPV,
    XSD,
)
from aims_graph.store import Store
from aims_graph.store.ntriples import NTriplesWriter

_GRAPH_FILTER: Final = f'FILTER(STRSTARTS(STR(?g), "{GRAPH}mappings/"))'
_MAPPINGS_QUERY: Final = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?m ?s ?o ?rel ?conf ?just ?set ?setTitle ?src ?comment ?orig ?strength WHERE {{
  GRAPH ?g {{
    ?m a aims:Mapping ;
       aims:mappingSubject ?s ; aims:mappingObject ?o ; aims:relation ?rel ;
       aims:confidence ?conf ; aims:justification ?just ; aims:inMappingSet ?set .
    OPTIONAL {{ ?m dcterms:source ?src }}
    OPTIONAL {{ ?m rdfs:comment ?comment }}
    OPTIONAL {{ ?m prov:wasDerivedFrom ?orig }}
    OPTIONAL {{ ?m aims:strength ?strength }}
    OPTIONAL {{ ?set dcterms:title ?setTitle }}
  }}
  {_GRAPH_FILTER}
}}
"""
_STRENGTH: Final = {
    Relation.EQUAL: 0,
    Relation.SUBSET_OF: 1,
    Relation.SUPERSET_OF: 1,
    Relation.INTERSECTS_WITH: 2,
    Relation.NOT_RELATED: 3,
}


class MappingGraph:
    """All stated and inverse mappings as a MultiDiGraph over item IRIs."""

    def __init__(self, edges: list[Edge], max_hops: int = 2, items: ItemIndex | None = None):
        self.max_hops = max_hops
        self.items = items
        self.g: nx.MultiDiGraph = nx.MultiDiGraph()
        adj: dict[str, list[Edge]] = defaultdict(list)
        for e in edges:
            self.g.add_edge(e.subject, e.object, key=e.mapping, edge=e)
            adj[e.subject].append(e)
        self._adj = {k: sorted(v, key=lambda e: (e.object, e.mapping)) for k, v in adj.items()}
        self._derived: dict[str, list[DerivedMapping]] | None = None

    @classmethod
    def from_store(
        cls,
        store: Store,
        max_hops: int = 2,
        items: ItemIndex | None = None,
        graphs: Sequence[str] = (),
    ) -> MappingGraph:
        """Build the graph from every mapping-set graph in the store (or those named), one query."""
        query = _MAPPINGS_QUERY
        if graphs:  # e.g. an organisation's own sets, which sit outside the public graphs
            values = " ".join(f"<{g}>" for g in graphs)
            query = query.replace(_GRAPH_FILTER, f"VALUES ?g {{ {values} }}")
        raw: dict[str, dict[str, str]] = {}
        for row in store.select(query):
            rec = raw.setdefault(row["m"].value, {})
            for k, v in row.items():
                rec.setdefault(k, v.value)
        comments = {m: r.get("comment", "") for m, r in raw.items() if "orig" not in r}
        edges = []
        for m, r in sorted(raw.items()):
            rel = RELATION_BY_IRI.get(r["rel"])
            if rel is None:
                continue
            orig = r.get("orig")
            edges.append(
                Edge(
                    mapping=m,
                    subject=r["s"],
                    object=r["o"],
                    relation=rel,
                    confidence=float(r["conf"]),
                    justification=r["just"],
                    mapping_set=r["set"],
                    set_title=r.get("setTitle", ""),
                    source=r.get("src", ""),
                    # An inverse shows the written reason of the mapping it comes from.
                    comment=r.get("comment") or (comments.get(orig, "") if orig else ""),
                    inverse_of=orig,
                    strength=float(r["strength"]) if "strength" in r else None,
                )
            )
        return cls(edges, max_hops, items)

    # ---- traversal -------------------------------------------------------------------------

    def edges(self) -> Iterator[Edge]:
        """Every edge (stated and inverse)."""
        for _, _, data in self.g.edges(data=True):
            yield data["edge"]

    def out(self, node: str) -> list[Edge]:
        """Mappings from one item, sorted for stable output."""
        return self._adj.get(node, [])

    def _walk(
        self, start: str, max_hops: int, *, derivable_only: bool, target: str | None = None
    ) -> Iterator[Chain]:
        dist: dict[str, int] | None = None
        if target is not None:
            if target not in self.g or start not in self.g:
                return
            dist = nx.single_source_shortest_path_length(
                self.g.reverse(copy=False), target, cutoff=max_hops
            )

        def dfs(
            node: str, hops: tuple[Edge, ...], rel: Relation | None, conf: float, seen: set[str]
        ) -> Iterator[Chain]:
            for e in self.out(node):
                nxt = e.object
                if nxt in seen:
                    continue  # a chain never visits an item twice
                left = max_hops - len(hops) - 1
                if dist is not None and dist.get(nxt, max_hops + 1) > left:
                    continue  # cannot reach the target in the hops left
                new = e.relation if not hops else (compose(rel, e.relation) if rel else None)
                if derivable_only and (e.relation is Relation.NOT_RELATED or new is None):
                    continue
                path = (*hops, e)
                chain = Chain(path, new, conf * e.confidence)
                if target is None or nxt == target:
                    yield chain
                if left > 0:
                    yield from dfs(nxt, path, new, chain.confidence, seen | {nxt})

        yield from dfs(start, (), None, 1.0, {start})

    def explain(self, a: str, b: str, max_hops: int | None = None) -> list[Chain]:
        """Every path from a to b up to the hop bound, derivable ones first, best first."""
        bound = max_hops or self.max_hops
        chains = list(self._walk(a, bound, derivable_only=False, target=b))
        return sorted(
            chains,
            key=lambda c: (
                c.relation is None,
                len(c.hops),
                -c.confidence,
                tuple(h.mapping for h in c.hops),
            ),
        )

    def chains_from(self, start: str, max_hops: int | None = None) -> Iterator[Chain]:
        """Every derivable chain from an item (no not-related hop, a composed relation)."""
        yield from self._walk(start, max_hops or self.max_hops, derivable_only=True)

    # ---- derivation ------------------------------------------------------------------------

    def derived(self) -> dict[str, list[DerivedMapping]]:
        """Derived mappings by subject IRI (computed once)."""
        if self._derived is None:
            self._derived = self._derive()
        return self._derived

    def all_derived(self) -> list[DerivedMapping]:
        """Every derived mapping, in a stable order."""
        return [d for s in sorted(self.derived()) for d in self.derived()[s]]

    def _derive(self) -> dict[str, list[DerivedMapping]]:
        out: dict[str, list[DerivedMapping]] = {}
        for start in sorted(self.g.nodes):
            start_ed = edition_of(start)
            best: dict[tuple[str, Relation], Chain] = {}
            count: Counter[tuple[str, Relation]] = Counter()
            for chain in self._walk(start, self.max_hops, derivable_only=True):
                end = chain.object
                if len(chain.hops) < 2 or chain.relation is None:
                    continue
                # Only across frameworks, and never where a mapping is already stated.
                if edition_of(end) == start_ed or self.g.has_edge(start, end):
                    continue
                key = (end, chain.relation)
                count[key] += 1
                old = best.get(key)
                if old is None or chain_rank(chain) < chain_rank(old):
                    best[key] = chain
            if best:
                out[start] = [
                    DerivedMapping(
                        mapping_iri(DERIVED_SET, start, rel, end),
                        start,
                        end,
                        rel,
                        round(chain.confidence, 6),
                        chain,
                        count[(end, rel)],
                    )
                    for (end, rel), chain in sorted(best.items())
                ]
        return out

    # ---- questions -------------------------------------------------------------------------

    def _item(self, iri: str) -> Item | None:
        return self.items.get(iri) if self.items else None

    def crosswalk(
        self,
        item: str,
        to_edition: str | None,
        *,
        derived: bool = False,
        min_confidence: float = 0.0,
        min_strength: float | None = None,
    ) -> list[CrosswalkRow]:
        """Mappings from an item into a framework edition (all editions when None).

        ``min_confidence`` reads confidence (how sure the row is right); ``min_strength`` reads
        strength (how much of the duty the object carries) and drops only graded rows below it:
        rows of sets that do not grade strength pass.
        """
        rows: list[CrosswalkRow] = []
        for e in self.out(item):
            if to_edition and edition_of(e.object) != to_edition:
                continue
            if e.confidence < min_confidence or _weaker(e.strength, min_strength):
                continue
            rows.append(
                CrosswalkRow(
                    self._item(item),
                    self._item(e.object),
                    item,
                    e.object,
                    e.relation,
                    e.confidence,
                    e.justification,
                    e.source,
                    e.mapping_set,
                    e.set_title,
                    False,
                    e.mapping,
                    (e,),
                    e.comment,
                    e.strength,
                )
            )
        if derived:
            for d in self.derived().get(item, []):
                if to_edition and edition_of(d.object) != to_edition:
                    continue
                if d.confidence < min_confidence or _weaker(d.chain.strength, min_strength):
                    continue
                rows.append(
                    CrosswalkRow(
                        self._item(item),
                        self._item(d.object),
                        item,
                        d.object,
                        d.relation,
                        d.confidence,
                        str(SEMAPV.MappingChaining),
                        "",
                        DERIVED_SET,
                        "Derived mappings",
                        True,
                        d.iri,
                        d.chain.hops,
                        f"{len(d.chain.hops)}-hop chain ({d.chains} chain(s) found)",
                        d.chain.strength,
                    )
                )
        return sorted(
            rows,
            key=lambda r: (r.derived, _STRENGTH[r.relation], -r.confidence, r.object_iri),
        )

    def summary(self) -> list[PairSummary]:
        """Per pair of editions: stated mappings by relation, derived count, share mapped."""
        pairs: dict[tuple[str, str], PairSummary] = {}
        mapped: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(
            lambda: (set(), set())
        )
        for e in self.edges():
            if e.inverse_of is not None:
                continue
            sa, sb = edition_of(e.subject), edition_of(e.object)
            if sa is None or sb is None:
                continue
            subj, obj, rel = e.subject, e.object, e.relation
            if edition_rank(sa) > edition_rank(sb):
                sa, sb, subj, obj, rel = sb, sa, obj, subj, rel.inverse
            p = pairs.setdefault((sa, sb), PairSummary(sa, sb))
            p.by_relation[rel.value] += 1
            mapped[(sa, sb)][0].add(subj)
            mapped[(sa, sb)][1].add(obj)
        for d in self.all_derived():
            sa, sb = edition_of(d.subject), edition_of(d.object)
            if sa is None or sb is None or edition_rank(sa) > edition_rank(sb):
                continue  # each derived pair is counted once, from the first edition's side
            pairs.setdefault((sa, sb), PairSummary(sa, sb)).derived += 1
        for key, p in pairs.items():
            first, second = mapped[key]
            p.first_mapped, p.second_mapped = len(first), len(second)
            p.first_total = self._kind_total(p.first, first)
            p.second_total = self._kind_total(p.second, second)
        return sorted(pairs.values(), key=lambda p: (edition_rank(p.first), edition_rank(p.second)))

    def _kind_total(self, edition: str, mapped: set[str]) -> int:
        if self.items is None:
            return len(mapped)
        kinds = {i.kind for m in mapped if (i := self.items.get(m)) is not None}
        return sum(1 for i in self.items.in_edition(edition) if i.kind in kinds)


def _weaker(strength: float | None, minimum: float | None) -> bool:
    return minimum is not None and strength is not None and strength < minimum


def chain_rank(chain: Chain) -> tuple[float, int, tuple[str, ...]]:
    """Order of preference among chains: most confident, then shortest, then by mapping IRIs."""
    return (-chain.confidence, len(chain.hops), tuple(h.mapping for h in chain.hops))


def derived_ntriples(graph: MappingGraph) -> bytes:
    """The derived-mappings graph: each derived mapping with its hops and PROV links."""
    t = NTriplesWriter()
    t.iri(DERIVED_SET, RDF.type, AIMS.MappingSet)
    t.lit(
        DERIVED_SET,
        DCTERMS.title,
        f"Derived mappings (chains of up to {graph.max_hops} hops)",
        lang="en",
    )
    t.lit(
        DERIVED_SET,
        DCTERMS.description,
        "Mappings composed from the stated mapping sets by the set-relation table; confidence "
        "is the product along the chain; a derived intersects-with only claims overlap.",
        lang="en",
    )
    t.iri(DERIVED_SET, DCTERMS.license, "https://creativecommons.org/licenses/by/4.0/")
    derived = graph.all_derived()
    # The set's provenance is the stated sets its chains run through (mapping shapes ask for it).
    for source_set in sorted({hop.mapping_set for d in derived for hop in d.chain.hops}):
        t.iri(DERIVED_SET, PROV.wasDerivedFrom, source_set)
    for d in derived:
        n = d.iri
        t.iri(n, RDF.type, AIMS.Mapping)
        t.iri(n, RDF.type, AIMS.DerivedMapping)
        t.iri(n, AIMS.mappingSubject, d.subject)
        t.iri(n, AIMS.mappingObject, d.object)
        t.iri(n, AIMS.relation, d.relation.iri)
        t.lit(n, AIMS.confidence, decimal_text(d.confidence), XSD.decimal)
        t.iri(n, AIMS.justification, SEMAPV.MappingChaining)
        t.iri(n, AIMS.inMappingSet, DERIVED_SET)
        t.lit(n, RDFS.comment, f"composed along {len(d.chain.hops)} mappings", lang="en")
        for i, hop in enumerate(d.chain.hops, start=1):
            h = f"{n}/hop/{i}"
            t.iri(n, AIMS.hop, h)
            t.lit(h, AIMS.hopIndex, str(i), XSD.integer)
            t.iri(h, PROV.wasDerivedFrom, hop.mapping)
        for stated in sorted({hop.stated for hop in d.chain.hops}):
            t.iri(n, PROV.wasDerivedFrom, stated)
        t.iri(d.subject, d.relation.skos_predicate, d.object)
    return t.data()

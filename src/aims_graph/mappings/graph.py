"""The mapping graph (networkx): stated and inverse mappings, derived chains, explanations."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Final

from aims_graph.catalog.frameworks import edition_rank
from aims_graph.catalog.items import Item, ItemIndex, edition_of
from aims_graph.mappings.loading import (
    DERIVED_SET,
    mapping_iris,
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
from aims_graph.runtime import collector_paused
from aims_graph.store import OxigraphStore, Store, Term

if TYPE_CHECKING:
    import networkx as nx

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
        self._edges = list(edges)  # for the networkx graph, if ever asked for
        adj: dict[str, list[Edge]] = defaultdict(list)
        for e in edges:
            adj[e.subject].append(e)
        order = attrgetter("object", "mapping")
        self._adj = {k: sorted(v, key=order) for k, v in adj.items()}
        self._derived: dict[str, list[DerivedMapping]] | None = None

    @cached_property
    def g(self) -> nx.MultiDiGraph:
        """The edges as a networkx MultiDiGraph (built on first use: the derivation needs none)."""
        import networkx as nx  # not a server start's cost: crosswalks and derivation need none

        g: nx.MultiDiGraph = nx.MultiDiGraph()
        for e in self._edges:
            g.add_edge(e.subject, e.object, key=e.mapping, edge=e)
        return g

    @classmethod
    def from_store(
        cls,
        store: Store,
        max_hops: int = 2,
        items: ItemIndex | None = None,
        graphs: Sequence[str] = (),
    ) -> MappingGraph:
        """Build the graph from every mapping-set graph in the store (or those named).

        One SELECT, or on an embedded Oxigraph store a scan of its indexes, which gives the same.
        """
        with collector_paused():
            if isinstance(store, OxigraphStore):
                raw = _native_records(store, graphs)
            else:
                raw = _sparql_records(store, graphs)
            return cls(_edges_of(raw), max_hops, items)

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
            import networkx as nx

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
            with collector_paused():
                self._derived = self._derive()
        return self._derived

    def all_derived(self) -> list[DerivedMapping]:
        """Every derived mapping, in a stable order."""
        return [d for s in sorted(self.derived()) for d in self.derived()[s]]

    def _derive(self) -> dict[str, list[DerivedMapping]]:
        # The walk of _walk, over plain tuples: one Chain per derived mapping kept, not one per
        # chain walked (323k at 200 frameworks), and no networkx. The guard test holds it to the
        # first implementation's answers.
        adj = self._adj
        max_hops = self.max_hops
        editions: dict[str, str | None] = {}
        for node in adj:
            editions[node] = edition_of(node)
            for e in adj[node]:
                if e.object not in editions:
                    editions[e.object] = edition_of(e.object)
        not_related = Relation.NOT_RELATED
        table = {(a, b): compose(a, b) for a in Relation for b in Relation}
        iri_of = mapping_iris(DERIVED_SET)
        out: dict[str, list[DerivedMapping]] = {}
        for start in sorted(editions):
            first = adj.get(start)
            if not first:
                continue  # no chain starts here
            start_ed = editions[start]
            stated = {e.object for e in first}
            best: dict[tuple[str, Relation], _Best] = {}

            def extend(
                node: str,
                hops: tuple[Edge, ...],
                rel: Relation,
                conf: float,
                seen: tuple[str, ...],
                best: dict[tuple[str, Relation], _Best] = best,
                start_ed: str | None = start_ed,
                stated: set[str] = stated,
            ) -> None:
                deeper = len(hops) + 1 < max_hops
                for e in adj.get(node, ()):
                    nxt = e.object
                    if nxt in seen or e.relation is not_related:
                        continue
                    new = table[rel, e.relation]
                    if new is None:
                        continue
                    path = (*hops, e)
                    c = conf * e.confidence
                    # Only across frameworks, and never where a mapping is already stated.
                    if editions[nxt] != start_ed and nxt not in stated:
                        key = (nxt, new)
                        old = best.get(key)
                        if old is None:
                            best[key] = _Best(c, path)
                        else:
                            old.chains += 1
                            if _better(c, path, old.confidence, old.hops):
                                old.confidence, old.hops = c, path
                    if deeper:
                        extend(nxt, path, new, c, (*seen, nxt))

            if max_hops >= 2:
                for e in first:
                    nxt = e.object
                    if nxt == start or e.relation is not_related:
                        continue
                    # The items visited, as a tuple: a chain holds a few, and tuples are cheap.
                    extend(nxt, (e,), e.relation, 1.0 * e.confidence, (start, nxt))
            if best:
                found = []
                for (end, rel), b in sorted(best.items()):
                    chain = Chain(b.hops, rel, b.confidence)
                    found.append(
                        DerivedMapping(
                            iri_of(start, rel, end),
                            start,
                            end,
                            rel,
                            round(chain.confidence, 6),
                            chain,
                            b.chains,
                        )
                    )
                out[start] = found
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


#: A mapping as read from the store: subject, object, relation, confidence, justification, set,
#: then what may be absent (None): set title, source, comment, the mapping it is the inverse of,
#: strength. Lexical forms; a tuple, not a dict: a 200-framework graph has 118k of them.
_Record = tuple[
    str, str, str, str, str, str, str | None, str | None, str | None, str | None, str | None
]


def _sparql_records(store: Store, graphs: Sequence[str]) -> dict[str, _Record]:
    """Each mapping's values, from one SELECT (any store)."""
    query = _MAPPINGS_QUERY
    if graphs:  # e.g. an organisation's own sets, which sit outside the public graphs
        values = " ".join(f"<{g}>" for g in graphs)
        query = query.replace(_GRAPH_FILTER, f"VALUES ?g {{ {values} }}")
    raw: dict[str, dict[str, str]] = {}
    for row in store.select(query):
        rec = raw.setdefault(row["m"].value, {})
        for k, v in row.items():
            rec.setdefault(k, v.value)
    return {
        m: (
            r["s"],
            r["o"],
            r["rel"],
            r["conf"],
            r["just"],
            r["set"],
            r.get("setTitle"),
            r.get("src"),
            r.get("comment"),
            r.get("orig"),
            r.get("strength"),
        )
        for m, r in raw.items()
    }


def _native_records(store: OxigraphStore, graphs: Sequence[str]) -> dict[str, _Record]:
    """What :func:`_sparql_records` gives, read from the embedded store's indexes.

    The SELECT's five OPTIONALs cost Oxigraph 8 s at 200 frameworks (43 s on disk); one index
    scan per predicate and graph, joined here, a fraction of that.
    """
    prefix = f"{GRAPH}mappings/"
    names = list(graphs) if graphs else [g for g in store.graphs() if g.startswith(prefix)]
    # Items, sets and relations recur across mappings: one copy of each string, not thousands.
    intern = sys.intern
    raw: dict[str, _Record] = {}
    for graph in names:
        sets = store.subject_values(graph, str(AIMS.inMappingSet))
        if not sets:
            continue
        typed = store.subjects_with(graph, str(RDF.type), str(AIMS.Mapping))
        subjects = store.subject_values(graph, str(AIMS.mappingSubject))
        objects = store.subject_values(graph, str(AIMS.mappingObject))
        relations = store.subject_values(graph, str(AIMS.relation))
        confidences = store.subject_values(graph, str(AIMS.confidence))
        justifications = store.subject_values(graph, str(AIMS.justification))
        titles = store.subject_values(graph, str(DCTERMS.title))
        sources = store.subject_values(graph, str(DCTERMS.source))
        comments = store.subject_values(graph, str(RDFS.comment))
        origins = store.subject_values(graph, str(PROV.wasDerivedFrom))
        strengths = store.subject_values(graph, str(AIMS.strength))
        for m, set_iri in sets.items():
            s = subjects.get(m)
            o = objects.get(m)
            rel = relations.get(m)
            conf = confidences.get(m)
            just = justifications.get(m)
            if s is None or o is None or rel is None or conf is None or just is None:
                continue
            if m not in typed:
                continue
            title = titles.get(set_iri)
            src = sources.get(m)
            rec: _Record = (
                intern(s),
                intern(o),
                intern(rel),
                conf,
                intern(just),
                intern(set_iri),
                None if title is None else intern(title),
                None if src is None else intern(src),
                comments.get(m),
                origins.get(m),
                strengths.get(m),
            )
            old = raw.get(m)
            # The same mapping in two graphs: the values seen first win, as with the SELECT.
            raw[m] = rec if old is None else _merged(old, rec)
    return raw


def _merged(first: _Record, second: _Record) -> _Record:
    """One mapping's values from two graphs, those of ``first`` where both have one."""
    return (
        first[0],
        first[1],
        first[2],
        first[3],
        first[4],
        first[5],
        second[6] if first[6] is None else first[6],
        second[7] if first[7] is None else first[7],
        second[8] if first[8] is None else first[8],
        second[9] if first[9] is None else first[9],
        second[10] if first[10] is None else first[10],
    )


def _edges_of(raw: dict[str, _Record]) -> list[Edge]:
    """The edges of the mapping records (those whose relation is known), by mapping IRI."""
    comments = {m: r[8] or "" for m, r in raw.items() if r[9] is None}
    edges = []
    for m, (s, o, rel_iri, conf, just, set_iri, title, src, comment, orig, strength) in sorted(
        raw.items()
    ):
        rel = RELATION_BY_IRI.get(rel_iri)
        if rel is None:
            continue
        edges.append(
            Edge(
                mapping=m,
                subject=s,
                object=o,
                relation=rel,
                confidence=float(conf),
                justification=just,
                mapping_set=set_iri,
                set_title=title or "",
                source=src or "",
                # An inverse shows the written reason of the mapping it comes from.
                comment=comment or (comments.get(orig, "") if orig else ""),
                inverse_of=orig,
                strength=None if strength is None else float(strength),
            )
        )
    return edges


def _weaker(strength: float | None, minimum: float | None) -> bool:
    return minimum is not None and strength is not None and strength < minimum


@dataclass(slots=True)
class _Best:
    """The best chain found so far to one (end, relation), and how many chains lead there."""

    confidence: float
    hops: tuple[Edge, ...]
    chains: int = 1


def _better(conf: float, hops: tuple[Edge, ...], old_conf: float, old: tuple[Edge, ...]) -> bool:
    """Whether a chain ranks before another by :func:`chain_rank`, without building the keys."""
    if conf != old_conf:
        return conf > old_conf
    if len(hops) != len(old):
        return len(hops) < len(old)
    return tuple(h.mapping for h in hops) < tuple(h.mapping for h in old)


def chain_rank(chain: Chain) -> tuple[float, int, tuple[str, ...]]:
    """Order of preference among chains: most confident, then shortest, then by mapping IRIs."""
    return (-chain.confidence, len(chain.hops), tuple(h.mapping for h in chain.hops))


def derived_ntriples(graph: MappingGraph) -> bytes:
    """The derived-mappings graph: each derived mapping with its hops and PROV links."""
    return b"".join(derived_ntriples_chunks(graph))


#: Pieces of text per chunk of :func:`derived_ntriples_chunks` (some 120 kB: below the size at
#: which each chunk would be a fresh mmap of its own, faulted in page by page).
_CHUNK_PARTS: Final = 200


class _Iris:
    """IRIs as N-Triples terms, each checked by ``Term.n3()`` once however often it is written."""

    def __init__(self) -> None:
        #: The IRIs checked so far, as terms.
        self.known: dict[str, str] = {}
        self._heads: set[str] = set()

    def __call__(self, value: str) -> str:
        text = self.known.get(value)
        if text is None:
            text = self.known[value] = Term.iri(value).n3()
        return text

    def unique(self, value: str) -> str:
        """An IRI written once (a derived mapping's): only its head is checked, once."""
        head, _, tail = value.rpartition("/")
        # A tail of letters and digits holds nothing an IRI may not contain, so the whole IRI is
        # valid exactly when its head is.
        if tail.isalnum() and head in self._heads:
            return f"<{value}>"
        text = Term.iri(value).n3()
        if tail.isalnum():
            self._heads.add(head)
        return text


def derived_ntriples_chunks(graph: MappingGraph) -> Iterator[bytes]:
    """:func:`derived_ntriples` in chunks of about a megabyte, to stream into a store.

    Each chunk ends with a whole line. The terms are written with plain string formatting (the
    document of a 200-framework graph is 467 MB, 2.7 M triples); every IRI is still checked as
    ``NTriplesWriter`` checks it, and the bytes are the same.
    """
    iri = _Iris()

    def lit(value: str, datatype: str | None = None, lang: str | None = None) -> str:
        return Term.literal(value, datatype, lang).n3()

    ds = iri(DERIVED_SET)
    a = iri(str(RDF.type))
    derived_from = iri(str(PROV.wasDerivedFrom))
    mapping_class, derived_class = iri(str(AIMS.Mapping)), iri(str(AIMS.DerivedMapping))
    p_subject, p_object = iri(str(AIMS.mappingSubject)), iri(str(AIMS.mappingObject))
    p_relation, p_confidence = iri(str(AIMS.relation)), iri(str(AIMS.confidence))
    p_justification, chaining = iri(str(AIMS.justification)), iri(str(SEMAPV.MappingChaining))
    p_set, p_comment = iri(str(AIMS.inMappingSet)), iri(str(RDFS.comment))
    p_hop, p_index = iri(str(AIMS.hop)), iri(str(AIMS.hopIndex))
    decimal, integer = iri(str(XSD.decimal)), iri(str(XSD.integer))
    title = lit(f"Derived mappings (chains of up to {graph.max_hops} hops)", lang="en")
    description = lit(
        "Mappings composed from the stated mapping sets by the set-relation table; confidence "
        "is the product along the chain; a derived intersects-with only claims overlap.",
        lang="en",
    )
    licence = iri("https://creativecommons.org/licenses/by/4.0/")
    parts = [
        f"{ds} {a} {iri(str(AIMS.MappingSet))} .\n",
        f"{ds} {iri(str(DCTERMS.title))} {title} .\n",
        f"{ds} {iri(str(DCTERMS.description))} {description} .\n",
        f"{ds} {iri(str(DCTERMS.license))} {licence} .\n",
    ]
    derived = graph.all_derived()
    # The set's provenance is the stated sets its chains run through (mapping shapes ask for it).
    for source_set in sorted({hop.mapping_set for d in derived for hop in d.chain.hops}):
        parts.append(f"{ds} {derived_from} {iri(source_set)} .\n")
    known = iri.known  # the lookup inlined: this loop writes 2.7 M triples at 200 frameworks
    relations = {r: iri(r.iri) for r in Relation}
    bridges = {r: iri(r.skos_predicate) for r in Relation}
    comments: dict[int, str] = {}
    for d in derived:
        n = iri.unique(d.iri)
        subject = known.get(d.subject) or iri(d.subject)
        obj = known.get(d.object) or iri(d.object)
        hops = d.chain.hops
        comment = comments.get(len(hops))
        if comment is None:
            comment = comments[len(hops)] = lit(f"composed along {len(hops)} mappings", lang="en")
        parts.append(
            f"{n} {a} {mapping_class} .\n{n} {a} {derived_class} .\n"
            f"{n} {p_subject} {subject} .\n{n} {p_object} {obj} .\n"
            f"{n} {p_relation} {relations[d.relation]} .\n"
            f'{n} {p_confidence} "{decimal_text(d.confidence)}"^^{decimal} .\n'
            f"{n} {p_justification} {chaining} .\n{n} {p_set} {ds} .\n"
            f"{n} {p_comment} {comment} .\n"
        )
        base = n[:-1]
        for i, hop in enumerate(hops, start=1):
            h = f"{base}/hop/{i}>"
            m = known.get(hop.mapping) or iri(hop.mapping)
            parts.append(
                f'{n} {p_hop} {h} .\n{h} {p_index} "{i}"^^{integer} .\n{h} {derived_from} {m} .\n'
            )
        stated = {hop.inverse_of or hop.mapping for hop in hops}
        for st in sorted(stated) if len(stated) > 1 else stated:
            parts.append(f"{n} {derived_from} {known.get(st) or iri(st)} .\n")
        parts.append(f"{subject} {bridges[d.relation]} {obj} .\n")
        if len(parts) >= _CHUNK_PARTS:
            yield "".join(parts).encode()
            parts = []
    yield "".join(parts).encode()

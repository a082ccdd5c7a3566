"""The derived mappings match a reference: the networkx walk they were first computed with.

The reference below is the first implementation (per-start depth-first walk over a networkx
MultiDiGraph, then the N-Triples built line by line), kept here verbatim in behaviour so that
any faster derivation has to give the same derived mappings (chains, counts, confidence), the
same edges and adjacency, and the same N-Triples bytes: on the real graph and on synthetic ones.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator

import networkx as nx
import pytest
from bench.synthetic_frameworks import generate

from aims_graph.catalog.items import edition_of
from aims_graph.mappings.graph import MappingGraph, derived_ntriples
from aims_graph.mappings.loading import DERIVED_SET, mapping_iri
from aims_graph.mappings.model import Chain, DerivedMapping, Edge
from aims_graph.mappings.relations import Relation, compose
from aims_graph.mappings.sssom_io import decimal_text
from aims_graph.namespaces import AIMS, DCTERMS, PROV, RDF, RDFS, SEMAPV, XSD
from aims_graph.store import Store
from aims_graph.store.ntriples import NTriplesWriter

#: sha256 of the 5-framework synthetic graph's derived N-Triples, recorded from the reference.
SYNTHETIC_5_SHA256 = "bab8024d5dcce891488bf9cd634200373379fe3f438239f15c604309258641cf"


def _rank(chain: Chain) -> tuple[float, int, tuple[str, ...]]:
    return (-chain.confidence, len(chain.hops), tuple(h.mapping for h in chain.hops))


def reference_derived(edges: list[Edge], max_hops: int) -> dict[str, list[DerivedMapping]]:
    """Derived mappings by subject, as the networkx walk computed them."""
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    adj: dict[str, list[Edge]] = defaultdict(list)
    for e in edges:
        g.add_edge(e.subject, e.object, key=e.mapping, edge=e)
        adj[e.subject].append(e)
    out_edges = {k: sorted(v, key=lambda e: (e.object, e.mapping)) for k, v in adj.items()}

    def walk(start: str) -> Iterator[Chain]:
        def dfs(
            node: str, hops: tuple[Edge, ...], rel: Relation | None, conf: float, seen: set[str]
        ) -> Iterator[Chain]:
            for e in out_edges.get(node, []):
                nxt = e.object
                if nxt in seen:
                    continue
                left = max_hops - len(hops) - 1
                new = e.relation if not hops else (compose(rel, e.relation) if rel else None)
                if e.relation is Relation.NOT_RELATED or new is None:
                    continue
                path = (*hops, e)
                chain = Chain(path, new, conf * e.confidence)
                yield chain
                if left > 0:
                    yield from dfs(nxt, path, new, chain.confidence, seen | {nxt})

        yield from dfs(start, (), None, 1.0, {start})

    out: dict[str, list[DerivedMapping]] = {}
    for start in sorted(g.nodes):
        start_ed = edition_of(start)
        best: dict[tuple[str, Relation], Chain] = {}
        count: Counter[tuple[str, Relation]] = Counter()
        for chain in walk(start):
            end = chain.object
            if len(chain.hops) < 2 or chain.relation is None:
                continue
            if edition_of(end) == start_ed or g.has_edge(start, end):
                continue
            key = (end, chain.relation)
            count[key] += 1
            old = best.get(key)
            if old is None or _rank(chain) < _rank(old):
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


def reference_ntriples(derived_by_subject: dict[str, list[DerivedMapping]], max_hops: int) -> bytes:
    """The derived-mappings graph as the first implementation wrote it."""
    t = NTriplesWriter()
    t.iri(DERIVED_SET, RDF.type, AIMS.MappingSet)
    t.lit(
        DERIVED_SET,
        DCTERMS.title,
        f"Derived mappings (chains of up to {max_hops} hops)",
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
    derived = [d for s in sorted(derived_by_subject) for d in derived_by_subject[s]]
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


def reference_edge_order(edges: list[Edge]) -> list[Edge]:
    """The order networkx gives the edges in (nodes, then neighbours, as first added)."""
    g: nx.MultiDiGraph = nx.MultiDiGraph()
    for e in edges:
        g.add_edge(e.subject, e.object, key=e.mapping, edge=e)
    return [data["edge"] for _, _, data in g.edges(data=True)]


def check_against_reference(graph: MappingGraph, max_hops_also: tuple[int, ...] = ()) -> bytes:
    """Assert the graph's edges, adjacency, derived mappings and N-Triples match the reference."""
    edges = list(graph.edges())
    assert edges == reference_edge_order(sorted(edges, key=lambda e: e.mapping))
    by_subject: dict[str, list[Edge]] = defaultdict(list)
    for e in edges:
        by_subject[e.subject].append(e)
    for node, out in by_subject.items():
        assert graph.out(node) == sorted(out, key=lambda e: (e.object, e.mapping))
    want = reference_derived(edges, graph.max_hops)
    assert graph.derived() == want
    assert graph.all_derived() == [d for s in sorted(want) for d in want[s]]
    data = derived_ntriples(graph)
    assert data == reference_ntriples(want, graph.max_hops)
    for hops in max_hops_also:
        other = MappingGraph(edges, max_hops=hops)
        other_want = reference_derived(edges, hops)
        assert other.derived() == other_want
        assert derived_ntriples(other) == reference_ntriples(other_want, hops)
    return data


def test_real_graph_derived_match_the_reference(built_store: Store) -> None:
    graph = MappingGraph.from_store(built_store)
    check_against_reference(graph, max_hops_also=(1, 3))
    # Edges given in another order derive the same.
    again = MappingGraph(list(reversed(list(graph.edges()))), max_hops=2)
    assert derived_ntriples(again) == derived_ntriples(graph)


def test_synthetic_5_derived_match_the_reference_and_the_recorded_digest() -> None:
    g = generate(5)
    with g.registered():
        store = g.build()
        graph = MappingGraph.from_store(store, max_hops=g.max_hops)
        data = check_against_reference(graph, max_hops_also=(3,))
        store.close()
    assert hashlib.sha256(data).hexdigest() == SYNTHETIC_5_SHA256


@pytest.mark.slow
def test_synthetic_50_derived_match_the_reference() -> None:
    g = generate(50)
    with g.registered():
        store = g.build()
        check_against_reference(MappingGraph.from_store(store, max_hops=g.max_hops))
        store.close()

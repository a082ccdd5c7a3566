"""The derived mappings' fast paths give what the general ones give.

Reading the stated mappings from an embedded store's indexes gives the edges the SELECT gives
(which every other store still runs); the N-Triples come out in chunks that join to the
document, with invalid IRIs refused as ``NTriplesWriter`` refuses them; and the loader takes a
chunked builder output into the store and the standards view, its digest the document's, leaving
the store untouched when the builder fails halfway. Byte identity with the first implementation
is in test_mapping_derivation_guard.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from aims_graph.build import loader
from aims_graph.build.sources import BuildOutput, GraphSource, file_builder
from aims_graph.mappings.graph import MappingGraph, derived_ntriples, derived_ntriples_chunks
from aims_graph.mappings.model import Edge
from aims_graph.mappings.relations import Relation
from aims_graph.namespaces import AIMS, GRAPH, graph_iri
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.base import InvalidTermError
from aims_graph.store.graphs import view_sources
from test_mapping_derivation_guard import reference_derived, reference_ntriples

EX = "https://example.org/"
ITEM = "https://w3id.org/aims-graph/id/"


class SparqlOnly:
    """A store that is not an OxigraphStore, so every caller takes the generic SPARQL paths."""

    def __init__(self, inner: OxigraphStore) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _mapping_graphs(store: Store) -> list[str]:
    return [g for g in store.graphs() if g.startswith(f"{GRAPH}mappings/")]


def test_index_read_gives_the_select_s_edges(built_store: Store) -> None:
    assert isinstance(built_store, OxigraphStore)
    generic: Any = SparqlOnly(built_store)
    fast = MappingGraph.from_store(built_store)
    slow = MappingGraph.from_store(generic)
    assert fast._edges == slow._edges
    assert len(fast._edges) > 1000
    # Graphs named (an organisation's own sets) are read alone, by both.
    named = _mapping_graphs(built_store)[:2]
    fast_named = MappingGraph.from_store(built_store, graphs=named)
    assert fast_named._edges == MappingGraph.from_store(generic, graphs=named)._edges
    assert 0 < len(fast_named._edges) < len(fast._edges)
    assert {e.mapping_set for e in fast_named._edges} <= {
        e.mapping_set for e in fast._edges if e.mapping_set
    }


def test_index_read_keeps_only_whole_mappings() -> None:
    # A mapping lacking a required value, or not typed aims:Mapping, is no edge (as in the SELECT).
    g = f"{GRAPH}mappings/test"
    rows = []
    for i, (typed, with_conf) in enumerate([(True, True), (False, True), (True, False)]):
        m = f"{EX}m{i}"
        rows += [
            f"<{m}> <{AIMS.mappingSubject}> <{ITEM}iso42001-2023/a{i}> .",
            f"<{m}> <{AIMS.mappingObject}> <{ITEM}iso27001-2022/b{i}> .",
            f"<{m}> <{AIMS.relation}> <{AIMS.equal}> .",
            f"<{m}> <{AIMS.justification}> <{EX}just> .",
            f"<{m}> <{AIMS.inMappingSet}> <{EX}set> .",
            f'<{m}> <http://www.w3.org/2000/01/rdf-schema#comment> "why \\"so\\"\\n{i}" .',
        ]
        if typed:
            rows.append(
                f"<{m}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{AIMS.Mapping}> ."
            )
        if with_conf:
            rows.append(
                f'<{m}> <{AIMS.confidence}> "0.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .'
            )
    rows.append(f'<{EX}set> <http://purl.org/dc/terms/title> "A set"@en .')
    store = OxigraphStore()
    store.put_graph(g, "\n".join(rows).encode(), "application/n-triples")
    fast = MappingGraph.from_store(store)._edges
    assert fast == MappingGraph.from_store(SparqlOnly(store))._edges  # type: ignore[arg-type]
    assert [(e.mapping, e.set_title, e.comment) for e in fast] == [
        (f"{EX}m0", "A set", 'why "so"\n0')
    ]


def _edge(n: int, s: str, o: str, rel: Relation = Relation.EQUAL) -> Edge:
    return Edge(f"{EX}m{n}", s, o, rel, 0.9, "j", f"{EX}set")


def test_chunks_join_to_the_document_line_by_line(built_store: Store) -> None:
    graph = MappingGraph.from_store(built_store)
    chunks = list(derived_ntriples_chunks(graph))
    assert len(chunks) > 1
    assert all(c.endswith(b"\n") for c in chunks)
    assert b"".join(chunks) == derived_ntriples(graph)


def test_an_invalid_iri_is_refused_as_before() -> None:
    a, b, c = f"{ITEM}iso42001-2023/a", f"{ITEM}iso27001-2022/b", f"{ITEM}nist-ai-rmf-1.0/c d"
    edges = [_edge(1, a, b), _edge(2, b, c)]
    graph = MappingGraph(edges)
    assert graph.all_derived()  # a chain a → b → c, whose end is no valid IRI
    with pytest.raises(InvalidTermError, match="not a valid IRI") as new:
        derived_ntriples(graph)
    with pytest.raises(InvalidTermError) as old:
        reference_ntriples(reference_derived(edges, 2), 2)
    assert str(new.value) == str(old.value)


def _chunked(lines: list[str], fail_after: int | None = None) -> Iterator[bytes]:
    for i, line in enumerate(lines):
        if fail_after is not None and i == fail_after:
            raise RuntimeError("the builder failed halfway")
        yield f"{line}\n".encode()


def _triples(store: OxigraphStore, graph: str | None) -> set[tuple[str, str, str]]:
    g = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in store.native.quads_for_pattern(None, None, None, g)
    }


def _sources(folder: Path, lines: list[str], fail_after: int | None = None) -> list[GraphSource]:
    cat = folder / "a.ttl"

    def build(_store: Store) -> BuildOutput:
        return _chunked(lines, fail_after), "application/n-triples"

    return [
        GraphSource(graph_iri("catalog/a"), (cat,), file_builder(cat)),
        GraphSource(graph_iri("derived"), (cat,), build, depends_on_store=True),
    ]


@pytest.mark.parametrize("generic", [False, True])
@pytest.mark.parametrize("spool", [16 * 2**20, 10])
def test_a_chunked_output_is_loaded_with_its_digest_and_into_the_view(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generic: bool, spool: int
) -> None:
    monkeypatch.setattr(loader, "SPOOL_IN_MEMORY", spool)  # 10: through a file on disk
    (tmp_path / "a.ttl").write_text(f"<{EX}a> <{EX}p> 1 .\n")
    lines = [f'<{EX}s{i}> <{EX}q> "line {i}" .' for i in range(50)]
    inner = OxigraphStore()
    store: Any = SparqlOnly(inner) if generic else inner
    derived = graph_iri("derived")
    report = loader.build(store, _sources(tmp_path, lines))
    assert derived in report.loaded
    assert len(_triples(inner, derived)) == 50
    union = {t for g in view_sources(inner.graphs()) for t in _triples(inner, g)}
    if not generic:  # a remote store's view is a named copy, checked by its own tests
        assert _triples(inner, None) == union
    want = hashlib.sha256("".join(f"{x}\n" for x in lines).encode()).hexdigest()
    assert loader.stored_digests(store, str(AIMS.builtDigest))[derived] == want
    # The catalog changes, the derived output does not: recomputed, and kept as stored.
    (tmp_path / "a.ttl").write_text(f"<{EX}a> <{EX}p> 2 .\n")
    again = loader.build(store, _sources(tmp_path, lines))
    assert derived in again.cached
    # A changed output replaces the graph.
    third = loader.build(store, _sources(tmp_path, lines[:10]), force=True)
    assert derived in third.loaded
    assert len(_triples(inner, derived)) == 10
    if not generic:
        assert _triples(inner, None) == {
            t for g in view_sources(inner.graphs()) for t in _triples(inner, g)
        }


def test_a_builder_failing_halfway_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text(f"<{EX}a> <{EX}p> 1 .\n")
    lines = [f"<{EX}s{i}> <{EX}q> <{EX}o> ." for i in range(20)]
    store = OxigraphStore()
    loader.build(store, _sources(tmp_path, lines))
    derived = graph_iri("derived")
    before = _triples(store, derived), _triples(store, None)
    with pytest.raises(RuntimeError, match="halfway"):
        loader.build(store, _sources(tmp_path, lines[:5], fail_after=3), force=True)
    assert (_triples(store, derived), _triples(store, None)) == before


def test_a_stream_that_does_not_parse_leaves_no_graph() -> None:
    import io

    from aims_graph.store import StoreError

    store = OxigraphStore()
    g = graph_iri("derived")
    with pytest.raises(StoreError, match="cannot parse"):
        store.load_graph_stream(g, io.BytesIO(b"<a> <b> .\n"), "application/n-triples")
    assert g not in store.graphs()
    assert _triples(store, None) == set()

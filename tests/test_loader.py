"""The build keeps the standards view (the default graph) equal to the union of the public graphs.

Cold builds load new graphs and their view copy together; a changed, a computed or a dropped
graph must leave the view exactly the union again, on disk and in memory.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from aims_graph.build import loader
from aims_graph.build.sources import GraphSource, file_builder
from aims_graph.namespaces import graph_iri
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.graphs import view_sources

EX = "https://example.org/"


def view(store: OxigraphStore) -> set[tuple[str, str, str]]:
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for q in store.native.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }


def union(store: OxigraphStore) -> set[tuple[str, str, str]]:
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for g in view_sources(store.graphs())
        for q in store.native.quads_for_pattern(None, None, None, ox.NamedNode(g))
    }


def counted(store: Store) -> tuple[bytes, str]:
    """A computed graph: one triple holding how many triples the view had when it was built."""
    n = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value
    return f"<{EX}view> <{EX}count> {n} .".encode(), "text/turtle"


def sources(folder: Path, names: list[str]) -> list[GraphSource]:
    files = [folder / f"{n}.ttl" for n in names]
    return [
        *(GraphSource(graph_iri(f"catalog/{f.stem}"), (f,), file_builder(f)) for f in files),
        GraphSource(graph_iri("derived"), tuple(files), counted, depends_on_store=True),
    ]


@pytest.mark.parametrize("on_disk", [True, False])
def test_view_stays_the_union_through_cold_warm_changed_and_dropped(
    tmp_path: Path, on_disk: bool
) -> None:
    for name, objects in (("a", "1, 2"), ("b", "2, 3"), ("c", "4")):
        (tmp_path / f"{name}.ttl").write_text(f"<{EX}{name}> <{EX}p> {objects} .\n")
    store = OxigraphStore(tmp_path / "db" if on_disk else None)
    try:
        cold = loader.build(store, sources(tmp_path, ["a", "b", "c"]))
        assert len(cold.loaded) == 4
        assert view(store) == union(store)
        # The computed graph saw everything before it: 5 triples of a, b, c.
        five = '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
        assert (f"<{EX}view>", f"<{EX}count>", five) in view(store)

        warm = loader.build(store, sources(tmp_path, ["a", "b", "c"]))
        assert warm.loaded == [] and view(store) == union(store)

        (tmp_path / "b.ttl").write_text(f"<{EX}b> <{EX}p> 3 .\n")  # "2" stays only through a
        changed = loader.build(store, sources(tmp_path, ["a", "b", "c"]))
        assert graph_iri("catalog/b") in changed.loaded
        assert view(store) == union(store)

        dropped = loader.build(store, sources(tmp_path, ["a", "c"]))
        assert dropped.dropped == [graph_iri("catalog/b")]
        assert view(store) == union(store)
        assert not any(s == f"<{EX}b>" for s, _, _ in view(store))

        (tmp_path / "d.ttl").write_text(f"<{EX}d> <{EX}p> 1 .\n")  # already in the view via a
        added = loader.build(store, sources(tmp_path, ["a", "c", "d"]))
        assert graph_iri("catalog/d") in added.loaded
        assert view(store) == union(store)
    finally:
        store.close()


def counted_q(store: Store) -> tuple[bytes, str]:
    """A computed graph reading only catalogs: one triple per ``q`` triple the view holds."""
    rows = store.select(f"SELECT ?o WHERE {{ ?s <{EX}q> ?o }} ORDER BY ?o")
    body = "".join(f"<{EX}m> <{EX}saw> {r['o'].value} .\n" for r in rows)
    return body.encode(), "text/turtle"


def test_a_recomputed_graph_that_comes_out_the_same_is_not_rewritten(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text(f"<{EX}a> <{EX}p> 1 ; <{EX}q> 7 .\n")
    files = [tmp_path / "a.ttl"]

    def srcs() -> list[GraphSource]:
        cats = [GraphSource(graph_iri(f"catalog/{f.stem}"), (f,), file_builder(f)) for f in files]
        m = GraphSource(
            graph_iri("mappings/m"),
            (),
            counted_q,
            depends_on_store=True,
            reads=(graph_iri("catalog/"),),
        )
        d = GraphSource(graph_iri("derived"), tuple(files), counted, depends_on_store=True)
        return [*cats, m, d]

    store = OxigraphStore(tmp_path / "db")
    try:
        loader.build(store, srcs())
        # A new catalog with no q triple: m is recomputed, comes out the same, is not written.
        (tmp_path / "b.ttl").write_text(f"<{EX}b> <{EX}p> 2 .\n")
        files.append(tmp_path / "b.ttl")
        added = loader.build(store, srcs())
        assert graph_iri("mappings/m") in added.cached
        assert graph_iri("derived") in added.loaded
        assert view(store) == union(store)
        # A q triple more: m changes, and derived, which reads it through the view, sees it.
        (tmp_path / "b.ttl").write_text(f"<{EX}b> <{EX}p> 2 ; <{EX}q> 8 .\n")
        changed = loader.build(store, srcs())
        assert graph_iri("mappings/m") in changed.loaded
        assert view(store) == union(store)
        others = {t for t in union(store) if t[0] != f"<{EX}view>"}
        count = next(int(o.split('"')[1]) for s, _, o in view(store) if s == f"<{EX}view>")
        assert count == len(others) + 1  # and the derived triple it is replacing
    finally:
        store.close()

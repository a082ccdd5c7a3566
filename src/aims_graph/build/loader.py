"""Build the graph in a store: vocabulary, catalogs and mapping sets, each in its own named graph.

Each managed named graph records a digest of the files it was built from, so a rebuild only reloads
the graphs whose sources changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aims_graph.build.sources import GraphSource, all_sources
from aims_graph.config import Settings
from aims_graph.namespaces import AIMS, GRAPH
from aims_graph.store import Store, Term
from aims_graph.store.graphs import (
    META_GRAPH,
    add_to_standards_view,
    put_new_graphs,
    refresh_standards_view,
    standards_view_present,
    view_sources,
)

MANAGED_PREFIXES = ("ontology", "alignments", "catalog/", "mappings/", "derived")


@dataclass
class BuildReport:
    """What a build did: graphs loaded, graphs kept from the cache, graphs dropped, time."""

    loaded: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def stored_digests(store: Store) -> dict[str, str]:
    """Read the per-graph digests recorded by the last build."""
    rows = store.select(
        "SELECT ?g ?d WHERE { GRAPH ?meta { ?g ?p ?d } }",
        {"meta": Term.iri(META_GRAPH), "p": Term.iri(str(AIMS.sourceDigest))},
    )
    return {r["g"].value: r["d"].value for r in rows if "g" in r and "d" in r}


def _write_digests(store: Store, digests: dict[str, str]) -> None:
    lines = [
        f"<{g}> <{AIMS.sourceDigest}> {Term.literal(d).n3()} ." for g, d in sorted(digests.items())
    ]
    store.put_graph(META_GRAPH, "\n".join(lines).encode(), "application/n-triples")


def build(
    store: Store,
    sources: Sequence[GraphSource] | None = None,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    settings: Settings | None = None,
) -> BuildReport:
    """Load every source whose files changed since the last build; drop managed graphs gone."""
    started = time.perf_counter()
    sources = list(all_sources(settings) if sources is None else sources)
    report = BuildReport()
    old = {} if force else stored_digests(store)
    new: dict[str, str] = {}
    changed_any = False
    present = set(store.graphs())
    # The view (the default graph) is kept in step cheaply: graphs new to the store are copied
    # in as they come; a replaced or dropped graph makes it rewritten whole. A graph computed
    # from the store reads the graphs before it through the view, so pending copies are made
    # first.
    # With no view yet, an empty store needs none rewritten: its graphs all come in new.
    rewrite = not standards_view_present(store) and bool(view_sources(present))
    pending: list[str] = []
    # New graphs wait here and go in together, until a source reads them: on disk each bulk
    # load has a cost of its own beyond its data.
    batch: list[tuple[str, bytes, str]] = []
    for src in sources:
        digest = src.digest()
        new[src.graph] = digest
        # A graph computed from the store must be rebuilt whenever anything before it changed.
        stale = force or old.get(src.graph) != digest or (src.depends_on_store and changed_any)
        if not stale and src.graph in present:
            report.cached.append(src.graph)
            continue
        if progress:
            progress(src.graph.removeprefix(GRAPH))
        if src.needs(g for g, _, _ in batch):
            pending += put_new_graphs(store, batch)
            batch = []
        if src.depends_on_store:
            rewrite, pending = _sync_view(store, rewrite, pending)
        data, media_type = src.build(store)
        if src.graph in present:
            store.put_graph(src.graph, data, media_type)
            rewrite = True
        else:
            batch.append((src.graph, data, media_type))
        report.loaded.append(src.graph)
        changed_any = True
    pending += put_new_graphs(store, batch)
    wanted = {s.graph for s in sources}
    for g in store.graphs():
        name = g.removeprefix(GRAPH)
        if g.startswith(GRAPH) and name.startswith(MANAGED_PREFIXES) and g not in wanted:
            store.drop_graph(g)
            report.dropped.append(g)
            rewrite = True
    if new != old:
        _write_digests(store, new)
    _sync_view(store, rewrite, pending)
    report.seconds = time.perf_counter() - started
    return report


def _sync_view(store: Store, rewrite: bool, pending: list[str]) -> tuple[bool, list[str]]:
    """Bring the standards view up to date; returns the cleared (rewrite, pending) state."""
    if rewrite:
        refresh_standards_view(store)
    elif pending:
        add_to_standards_view(store, view_sources(pending))
    return False, []

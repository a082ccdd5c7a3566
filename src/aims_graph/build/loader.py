"""Build the graph in a store: vocabulary, catalogs and mapping sets, each in its own named graph.

Each managed named graph records a digest of the files it was built from, so a rebuild only reloads
the graphs whose sources changed.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from aims_graph.build.sources import GraphSource, all_sources
from aims_graph.config import Settings
from aims_graph.namespaces import AIMS, GRAPH
from aims_graph.store import OxigraphStore, Store, Term
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


def stored_digests(store: Store, predicate: str = str(AIMS.sourceDigest)) -> dict[str, str]:
    """Read the per-graph digests recorded by the last build (of sources, or of what was built)."""
    rows = store.select(
        "SELECT ?g ?d WHERE { GRAPH ?meta { ?g ?p ?d } }",
        {"meta": Term.iri(META_GRAPH), "p": Term.iri(predicate)},
    )
    return {r["g"].value: r["d"].value for r in rows if "g" in r and "d" in r}


def _write_digests(store: Store, digests: dict[str, str], built: dict[str, str]) -> None:
    lines = [
        f"<{g}> <{p}> {Term.literal(d).n3()} ."
        for p, table in ((AIMS.sourceDigest, digests), (AIMS.builtDigest, built))
        for g, d in sorted(table.items())
    ]
    store.put_graph(META_GRAPH, "\n".join(lines).encode(), "application/n-triples")


#: A chunked builder output larger than this waits in a temporary file rather than in memory.
SPOOL_IN_MEMORY = 16 * 2**20


@contextmanager
def _spooled(chunks: Iterable[bytes]) -> Iterator[tuple[IO[bytes], str]]:
    """The chunks in a temporary file, read back from the start, and the sha256 of them all.

    Every chunk is in before the store is touched, so a builder that fails halfway changes
    nothing, as one returning ``bytes`` would; the digest decides whether to load at all.
    """
    h = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as f:
        for chunk in chunks:
            h.update(chunk)
            f.write(chunk)
        f.seek(0)
        yield f, h.hexdigest()


def _put_stream(store: Store, graph: str, stream: IO[bytes], media_type: str, *, new: bool) -> bool:
    """Replace a graph from a spooled output; True when the standards view got it too."""
    if isinstance(store, OxigraphStore):
        store.load_graph_stream(graph, stream, media_type, also_default=new)
        return new
    store.put_graph(graph, stream.read(), media_type)  # a remote store takes a request body
    return False


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
    old_built = {} if force else stored_digests(store, str(AIMS.builtDigest))
    new: dict[str, str] = {}
    built: dict[str, str] = {}
    changed_any = False
    present = set(store.graphs())
    # The view (the default graph) is kept in step cheaply: graphs new to the store are copied
    # in as they come; a replaced or dropped graph makes it rewritten whole, but only once a
    # source that reads such a graph through the view is about to run, or at the end: a
    # rewrite costs seconds on the real graph, and most computed graphs read only catalogs.
    # With no view yet, an empty store needs none rewritten: its graphs all come in new.
    whole = not standards_view_present(store) and bool(view_sources(present))
    stale: list[str] = []  # replaced or dropped since the view was last rewritten
    pending: list[str] = []
    # New graphs wait here and go in together, until a source reads them: on disk each bulk
    # load has a cost of its own beyond its data.
    batch: list[tuple[str, bytes, str]] = []
    for src in sources:
        digest = src.digest()
        new[src.graph] = digest
        # A graph computed from the store must be recomputed whenever anything before it changed.
        stale_src = force or old.get(src.graph) != digest or (src.depends_on_store and changed_any)
        if not stale_src and src.graph in present:
            report.cached.append(src.graph)
            if src.graph in old_built:
                built[src.graph] = old_built[src.graph]
            continue
        if progress:
            progress(src.graph.removeprefix(GRAPH))
        if src.needs(g for g, _, _ in batch):
            pending += put_new_graphs(store, batch)
            batch = []
        if src.depends_on_store and (whole or src.needs(stale)):
            refresh_standards_view(store)
            whole, stale, pending = False, [], []
        elif src.needs(pending):
            add_to_standards_view(store, view_sources(pending))
            pending = []
        data, media_type = src.build(store)
        if not isinstance(data, bytes):
            with _spooled(data) as (stream, data_digest):
                if src.depends_on_store:
                    built[src.graph] = data_digest
                    if src.graph in present and old_built.get(src.graph) == data_digest:
                        report.cached.append(src.graph)  # recomputed, and the same as stored
                        continue
                if src.graph in present:
                    _put_stream(store, src.graph, stream, media_type, new=False)
                    stale.append(src.graph)
                elif not _put_stream(store, src.graph, stream, media_type, new=True):
                    pending.append(src.graph)
            report.loaded.append(src.graph)
            changed_any = True
            continue
        if src.depends_on_store:
            built[src.graph] = hashlib.sha256(data).hexdigest()
            if src.graph in present and old_built.get(src.graph) == built[src.graph]:
                report.cached.append(src.graph)  # recomputed, and the same as stored
                continue
        if src.graph in present:
            store.put_graph(src.graph, data, media_type)
            stale.append(src.graph)
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
            stale.append(g)
    if new != old or built != old_built:
        _write_digests(store, new, built)
    if whole or view_sources(stale):
        refresh_standards_view(store)
    elif pending:
        add_to_standards_view(store, view_sources(pending))
    report.seconds = time.perf_counter() - started
    return report

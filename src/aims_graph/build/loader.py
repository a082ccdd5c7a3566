"""Build the graph in a store: vocabulary, catalogs and mapping sets, each in its own named graph.

Each managed named graph records a digest of the files it was built from, so a rebuild only reloads
the graphs whose sources changed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from aims_graph import resources
from aims_graph.config import Settings
from aims_graph.catalog.frameworks import FRAMEWORKS
from aims_graph.store.graphs import (
    META_GRAPH,
    add_to_standards_view,
    put_new_graphs,
    refresh_standards_view,
    standards_view_present,
    view_sources,
)
from aims_graph.namespaces import AIMS, GRAPH, graph_iri
from aims_graph.store import Store, Term

#: Bump when the way files become triples changes, so every cached store is rebuilt.
LOADER_VERSION = "1"
MANAGED_PREFIXES = ("ontology", "alignments", "catalog/", "mappings/", "derived")

Builder = Callable[[Store], tuple[bytes, str]]


@dataclass(frozen=True)
class GraphSource:
    """A managed named graph and the files it is built from."""

    graph: str
    files: tuple[Path, ...]
    build: Builder
    depends_on_store: bool = False
    #: With ``depends_on_store``: the graph IRI prefixes it reads, when not every graph.
    reads: tuple[str, ...] | None = None

    def needs(self, graphs: Iterable[str]) -> bool:
        """Whether this source reads any of ``graphs`` (so they must be in the store first)."""
        return self.depends_on_store and any(
            self.reads is None or g.startswith(self.reads) for g in graphs
        )

    def digest(self) -> str:
        """Digest of the loader version and every source file's name and bytes."""
        h = hashlib.sha256(LOADER_VERSION.encode())
        for f in sorted(self.files):
            h.update(f.name.encode())
            h.update(f.read_bytes())
        return h.hexdigest()


@dataclass
class BuildReport:
    """What a build did: graphs loaded, graphs kept from the cache, graphs dropped, time."""

    loaded: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _file_builder(path: Path, media_type: str = "text/turtle") -> Builder:
    def build(_store: Store) -> tuple[bytes, str]:
        return path.read_bytes(), media_type

    return build


def base_sources() -> list[GraphSource]:
    """Graph sources for the vocabulary, alignments and catalogs."""
    onto = resources.ontology_dir()
    out = [
        GraphSource(graph_iri("ontology"), (onto / "aims.ttl",), _file_builder(onto / "aims.ttl")),
        GraphSource(
            graph_iri("alignments"),
            (onto / "alignments.ttl",),
            _file_builder(onto / "alignments.ttl"),
        ),
    ]
    std = resources.standards_dir()
    for fw in FRAMEWORKS:
        path = std / f"{fw.slug}.ttl"
        out.append(GraphSource(graph_iri(f"catalog/{fw.slug}"), (path,), _file_builder(path)))
    return out


def all_sources(settings: Settings | None = None) -> list[GraphSource]:
    """Every managed graph source: base ones plus the mapping sets and derived mappings."""
    sources = base_sources()
    try:
        from aims_graph.mappings.loading import mapping_sources
    except ImportError:  # the mapping layer is optional while it is being built
        return sources
    return sources + mapping_sources(settings)


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

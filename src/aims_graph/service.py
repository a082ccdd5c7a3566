"""Use cases shared by the HTTP API and the CLI."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from aims_graph import __version__
from aims_graph.build import loader
from aims_graph.build.imports import register_imports
from aims_graph.catalog.stats import FrameworkStats, framework_stats
from aims_graph.config import Settings
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.namespaces import AIMS
from aims_graph.runtime import collector_paused
from aims_graph.store import Store, StoreError, open_store
from aims_graph.store.graphs import standards_view_present
from aims_graph.store.select_snapshot import SelectSnapshot, snapshot_path


@dataclass
class Graph:
    """An opened, built knowledge graph: the store plus what the build did."""

    store: Store
    settings: Settings
    build_report: loader.BuildReport
    _mappings: MappingService | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _reads: tuple[int, Store] | None = field(default=None, repr=False)
    #: Bumped by every rebuild in this process, so holders of derived state know to renew it.
    generation: int = 0

    @property
    def mappings(self) -> MappingService:
        """The in-memory item index and mapping graph, built on first use (by one thread)."""
        with self._lock:
            if self._mappings is None:
                with collector_paused():
                    reads = self.index_reads()
                    self._mappings = MappingService.from_store(reads, self.settings)
                self.save_index_reads()
            return self._mappings

    def index_reads(self) -> Store:
        """What the in-memory indexes of the built graph read: its SELECT snapshot, or the store.

        Only for the public indexes (built graph only): organisation data changes without a build.
        """
        if self._reads is None or self._reads[0] != self.generation:
            path = snapshot_path(self.store)
            reads = (
                self.store if path is None else SelectSnapshot(self.store, path, _key(self.store))
            )
            self._reads = (self.generation, reads)
        return self._reads[1]

    def save_index_reads(self, *, release: bool = False) -> None:
        """Keep the index SELECTs' answers beside the store for the next start.

        ``release``: the indexes are built; let go of the answers (memory a server should not
        keep), to be read again only by the next build's indexes.
        """
        if self._reads is not None and isinstance(self._reads[1], SelectSnapshot):
            self._reads[1].save()
        if release:
            self._reads = None

    def built_mappings(self) -> MappingService | None:
        """The mapping service if it is built, without building it (None otherwise)."""
        return self._mappings

    def invalidate(self) -> None:
        """Forget the in-memory indexes (call after any graph in the store changed)."""
        self._mappings = None
        self.generation += 1

    def rebuild(self) -> loader.BuildReport:
        """Bring the store up to date with the shipped and imported files; renew the indexes."""
        register_imports(self.settings)
        report = loader.build(self.store, settings=self.settings)
        with self._lock:
            self.invalidate()
        self.build_report = report
        return report

    def stats(self) -> list[FrameworkStats]:
        """Item counts per framework edition and kind."""
        return framework_stats(self.store)

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def _key(store: Store) -> str:
    """The key of the store's current build: every graph's source and built digests."""
    h = hashlib.sha256(__version__.encode())
    for predicate in (AIMS.sourceDigest, AIMS.builtDigest):
        for graph, digest in sorted(loader.stored_digests(store, str(predicate)).items()):
            h.update(f"{graph} {digest}\n".encode())
    return h.hexdigest()


def open_graph(
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Graph:
    """Open the configured store and bring it up to date with the source files."""
    register_imports(settings)
    store = open_store(settings.store)
    try:
        report = loader.build(store, force=rebuild, progress=progress, settings=settings)
    except Exception:
        store.close()
        raise
    return Graph(store, settings, report)


def check_shareable(settings: Settings) -> None:
    """Raise StoreError when the configured store cannot be shared by several processes."""
    if settings.store == "memory:":
        raise StoreError(
            "several workers cannot share a memory: store (each would hold its own graph): "
            "use AIMS_GRAPH_STORE=oxigraph:PATH or sparql:URL, or one worker"
        )


def open_built_graph(settings: Settings) -> Graph:
    """Open a store another process built, without building: one of several server workers.

    An embedded store is opened read-only (RocksDB lets one process write; any number read);
    a ``sparql:`` store is shared as it is.
    """
    check_shareable(settings)
    register_imports(settings)
    store = open_store(settings.store, read_only=True)
    if not standards_view_present(store):
        store.close()
        raise StoreError(
            f"the store {settings.store} holds no built graph: run `aims-graph build` first"
        )
    return Graph(store, settings, loader.BuildReport())

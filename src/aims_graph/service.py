"""Use cases shared by the HTTP API and the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aims_graph import loader
from aims_graph.config import Settings
from aims_graph.stats import FrameworkStats, framework_stats
from aims_graph.store import Store, open_store


@dataclass
class Graph:
    """An opened, built knowledge graph: the store plus what the build did."""

    store: Store
    settings: Settings
    build_report: loader.BuildReport

    def stats(self) -> list[FrameworkStats]:
        """Item counts per framework edition and kind."""
        return framework_stats(self.store)

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def open_graph(
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Graph:
    """Open the configured store and bring it up to date with the source files."""
    store = open_store(settings.store)
    try:
        report = loader.build(store, force=rebuild, progress=progress)
    except Exception:
        store.close()
        raise
    return Graph(store, settings, report)

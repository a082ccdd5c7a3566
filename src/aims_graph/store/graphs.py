"""The store's layout: public graphs, private graphs, and the standards view in the default graph.

Every named graph is public (the vocabulary, catalogs and mapping sets) except two families kept
private: one graph per organisation (``…/graph/org/ID``) and the service's own records
(``…/graph/system/…``: the organisation registry with its hashed API keys). The store's default
graph holds a copy of the union of the public graphs, the *standards view*: queries that read the
default graph see the standards and nothing private, and they run faster than Oxigraph's union of
all named graphs (one index scan per pattern instead of one per graph, measured 3-10x on the named
queries). The loader rewrites the view whenever a public graph changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from aims_graph.namespaces import GRAPH
from aims_graph.store.base import Store

ORG_GRAPHS: Final = GRAPH + "org/"
SYSTEM_GRAPHS: Final = GRAPH + "system/"
ORG_REGISTRY_GRAPH: Final = SYSTEM_GRAPHS + "organisations"
#: The build's bookkeeping (a digest per graph); public, but no part of any export.
META_GRAPH: Final = GRAPH + "meta"
#: Stands for the store's default graph (the standards view) in lists of graph names.
DEFAULT_GRAPH: Final = ""
#: A named copy of the view on a remote SPARQL server, whose default graph the SPARQL protocol
#: cannot name: listing the public graphs instead would repeat a triple stated in two of them.
VIEW_GRAPH: Final = SYSTEM_GRAPHS + "standards-view"


def is_private(graph: str) -> bool:
    """True for an organisation's graph or a system graph, which no public query may read."""
    return graph.startswith((ORG_GRAPHS, SYSTEM_GRAPHS))


def public_graphs(graphs: Iterable[str]) -> list[str]:
    """The public graphs among ``graphs``, sorted."""
    return sorted(g for g in graphs if not is_private(g))


def view_sources(graphs: Iterable[str]) -> list[str]:
    """The graphs the standards view copies: the public ones but the build's bookkeeping."""
    return [g for g in public_graphs(graphs) if g != META_GRAPH]


def refresh_standards_view(store: Store) -> None:
    """Rewrite the default graph as the union of the public named graphs."""
    store.update(f"CLEAR SILENT DEFAULT ; DROP SILENT GRAPH <{VIEW_GRAPH}>")
    add_to_standards_view(store, view_sources(store.graphs()))


def add_to_standards_view(store: Store, graphs: Iterable[str]) -> None:
    """Copy named graphs into the view (exact when they are new, or the view is being rebuilt)."""
    from aims_graph.store.oxigraph import OxigraphStore

    names = list(graphs)
    if isinstance(store, OxigraphStore):
        # The bulk loader rather than an update transaction: several times faster on disk. The
        # view is written by the build, before the service answers anything.
        store.copy_to_default_graph(names)
        return
    # Where the named copy is the default graph (Virtuoso), writing it once is writing both.
    template = "" if getattr(store, "view_is_default_graph", False) else "?s ?p ?o . "
    for name in names:
        store.update(
            f"INSERT {{ {template}GRAPH <{VIEW_GRAPH}> {{ ?s ?p ?o }} }} "
            f"WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        )


def put_new_graphs(store: Store, graphs: list[tuple[str, bytes, str]]) -> list[str]:
    """Load public graphs new to the store, into the view too where one write can do both.

    Returns the graphs the view did not get, for the caller to copy in later.
    """
    from aims_graph.store.oxigraph import OxigraphStore

    if isinstance(store, OxigraphStore):
        store.load_graphs(graphs, also_default=True)
        return []
    for graph, data, media_type in graphs:
        store.put_graph(graph, data, media_type)
    return [graph for graph, _, _ in graphs]


def standards_view_present(store: Store) -> bool:
    """True when the view is there (a store built before the view, or its named copy, has none)."""
    from aims_graph.store.oxigraph import OxigraphStore

    if isinstance(store, OxigraphStore):
        return store.ask("ASK { ?s ?p ?o }")
    return store.ask(f"ASK {{ ?s ?p ?o . GRAPH <{VIEW_GRAPH}> {{ ?s ?p ?o }} }}")

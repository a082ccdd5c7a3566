"""The RDF dataset of a /sparql request: which graphs it reads, and which it reads as empty.

A graph named by FROM, FROM NAMED, ``default-graph-uri`` or ``named-graph-uri`` that the caller
may not read, because it does not exist or because it is another organisation's, is read as an
empty graph. Both cases take the same path through this module, so the answer (status, body and
the header listing the graphs read as empty) cannot tell an outsider which of the two it was.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from aims_graph.api.sparql.text import from_clauses, query_shape
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore
from aims_graph.store.graphs import SYSTEM_GRAPHS, public_graphs

#: The response header listing the dataset IRIs read as empty, as ``<iri>, <iri>``.
EMPTY_GRAPHS_HEADER: Final = "AIMS-Graph-Empty-Graphs"
#: Stands for an empty default graph in a dataset: a system graph, so nothing is ever stored
#: there and no request can name it into the dataset with content.
EMPTY_GRAPH: Final = SYSTEM_GRAPHS + "empty"
#: How long a remote server's list of public graphs is kept, in seconds.
VISIBLE_TTL_S = 10.0


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset one request may read, always explicit (``""`` is the standards view)."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


@dataclass(frozen=True)
class ScopedDataset:
    """The dataset the engine is given, and the requested graphs it reads as empty."""

    dataset: Dataset
    empty: tuple[str, ...] = ()

    def headers(self) -> dict[str, str]:
        """The response header naming the graphs read as empty (none when there are none)."""
        if not self.empty:
            return {}
        return {EMPTY_GRAPHS_HEADER: ", ".join(f"<{_ascii(g)}>" for g in self.empty)}


def _ascii(iri: str) -> str:
    """An IRI as a URI (RFC 3987 §3.1): header values are ASCII."""
    return "".join(
        c if 0x20 < ord(c) < 0x7F else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in iri
    )


def scoped_dataset(
    query: str,
    defaults: Sequence[str],
    nameds: Sequence[str],
    visible: Sequence[str],
    own: Sequence[str] = (),
) -> ScopedDataset:
    """The dataset a request asked for, where each graph it may not read is empty.

    Protocol parameters win over FROM clauses (SPARQL 1.1 Protocol 2.1.4); without either the
    default graph is the standards view plus the caller's own data graph (``own[0]``), and GRAPH
    reaches the public graphs and all the caller's own (its data and its policy shapes). The
    engine is always given this explicit dataset, so no query form can reach a graph outside it.
    A graph the caller may not read never reaches the engine: it is left out of the named graphs
    (so ``GRAPH ?g`` does not list it), and a default graph left with no readable graph is
    EMPTY_GRAPH.
    """
    allowed = set(visible) | set(own)
    if not defaults and not nameds and query_shape(query).has_from:
        defaults, nameds = from_clauses(query)
    if not defaults and not nameds:
        # The shapes stay out of the default graph: queries of the data should not match them.
        return ScopedDataset(Dataset(("", *own[:1]), (*visible, *own)))
    empty = tuple(dict.fromkeys(g for g in (*defaults, *nameds) if g not in allowed))
    kept_defaults = tuple(g for g in defaults if g in allowed) or (EMPTY_GRAPH,)
    kept_nameds = tuple(g for g in nameds if g in allowed)
    return ScopedDataset(Dataset(kept_defaults, kept_nameds), empty)


class PublicGraphs:
    """The store's public named graphs, listed again only when they may have changed."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._lock = threading.Lock()
        self._kept: tuple[object, list[str]] | None = None

    def __call__(self) -> list[str]:
        """The public named graphs, which every request may read."""
        store = self.graph.store
        # Only a build changes them. The embedded store counts its writes; listing a remote
        # server's graphs scans every quad (about 0.1 s here), so it is asked again at most
        # every VISIBLE_TTL_S for a build another process may have run.
        stamp: object = (
            store.writes
            if isinstance(store, OxigraphStore)
            else int(time.monotonic() // VISIBLE_TTL_S)
        )
        with self._lock:
            if self._kept is not None and self._kept[0] == stamp:
                return self._kept[1]
        graphs = public_graphs(store.graphs())
        with self._lock:
            self._kept = (stamp, graphs)
        return graphs

"""Stores: one protocol, an embedded Oxigraph backend and a remote SPARQL backend."""

from __future__ import annotations

from pathlib import Path

from aims_graph.store.base import QuerySyntaxError, Row, Store, StoreError, Term
from aims_graph.store.oxigraph import OxigraphStore

__all__ = ["OxigraphStore", "QuerySyntaxError", "Row", "Store", "StoreError", "Term", "open_store"]


def open_store(selector: str, *, read_only: bool = False) -> Store:
    """Open a store from a selector: ``memory:``, ``oxigraph:PATH`` or ``sparql:URL``."""
    if selector == "memory:":
        return OxigraphStore()
    if selector.startswith("oxigraph:"):
        path = selector.removeprefix("oxigraph:")
        if not path:
            raise StoreError("oxigraph: needs a path, e.g. oxigraph:.aims-graph/store")
        return OxigraphStore(Path(path), read_only=read_only)
    if selector.startswith("sparql:"):
        from aims_graph.store.remote import RemoteSparqlStore

        return RemoteSparqlStore(selector.removeprefix("sparql:"))
    raise StoreError(
        f"unknown store selector {selector!r}; use memory:, oxigraph:PATH or sparql:URL"
    )

"""sparql: stores on the real SPARQL servers the remote backend is tested on, by engine name."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from tests.servers import oxigraph_server
from tests.virtuoso_server import virtuoso_server

from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.store.remote import RemoteSparqlStore

#: Apache Jena Fuseki is not among them: Debian (bookworm) has no package of it.
ENGINES = ["oxigraph", "virtuoso"]
#: The same, for a parametrised fixture whose remote cases load the whole graph (slow).
SLOW_ENGINES = [pytest.param(engine, marks=pytest.mark.slow) for engine in ENGINES]


@contextmanager
def remote_store(engine: str, settings: Settings | None = None) -> Iterator[RemoteSparqlStore]:
    """An empty sparql: store on a new `oxigraph serve` or a throw-away Virtuoso 7."""
    cfg = settings or Settings()
    if engine == "oxigraph":
        with oxigraph_server() as server:
            store = RemoteSparqlStore(server, cfg)
            yield store
            store.close()
        return
    with virtuoso_server() as virtuoso:
        store = RemoteSparqlStore(virtuoso.base, virtuoso.settings(**cfg.model_dump()))
        yield store
        store.close()


@contextmanager
def built_remote_store(engine: str) -> Iterator[RemoteSparqlStore]:
    """A sparql: store holding the whole graph, built by the loader as `aims-graph build` does."""
    with remote_store(engine) as store:
        loader.build(store)
        yield store

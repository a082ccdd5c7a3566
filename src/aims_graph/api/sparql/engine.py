"""Running /sparql queries: the killable worker pool (embedded store) or the server (remote)."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

import pyoxigraph as ox

from aims_graph.api.problems import ProblemError
from aims_graph.api.sparql.dataset import Dataset, PublicGraphs
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, QuerySyntaxError, StoreError
from aims_graph.store.base import QueryTimeLimitError
from aims_graph.store.graphs import VIEW_GRAPH
from aims_graph.store.query_pool import (
    GRAPH_MEDIA_TYPES,
    PoolBusyError,
    QueryPool,
    QueryRequest,
    QueryValueError,
    RowCapError,
    render_result,
    render_triples,
)
from aims_graph.store.result_cache import ResultCache

if TYPE_CHECKING:
    from aims_graph.store.remote import RemoteSparqlStore


class SparqlEndpoint:
    """Runs public queries on the graph's store with the configured limits."""

    def __init__(self, graph: Graph, settings: Settings) -> None:
        self.graph = graph
        self.settings = settings
        self._pool: QueryPool | None = None
        self._pool_lock = threading.Lock()
        #: As many queries in flight as there are workers to run them.
        self.slots = asyncio.Semaphore(settings.sparql_workers)
        self.cache = ResultCache(settings.sparql_cache_entries)
        self.visible_graphs = PublicGraphs(graph)

    @property
    def pool(self) -> QueryPool | None:
        """The worker pool, once the first embedded query started it."""
        return self._pool

    def _get_pool(self, store: OxigraphStore) -> QueryPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = QueryPool(
                    store,
                    workers=self.settings.sparql_workers,
                    timeout_s=self.settings.query_timeout_s,
                    min_interval_s=self.settings.sparql_snapshot_interval_s,
                )
            return self._pool

    def close(self) -> None:
        """Stop the worker pool."""
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    def cached(
        self, query: str, media_type: str, dataset: Dataset, base_iri: str | None = None
    ) -> bytes | None:
        """A kept answer to the same query on the same dataset, if no write happened since."""
        store = self.graph.store
        if not isinstance(store, OxigraphStore):
            return None
        return self.cache.get((query, media_type, dataset, base_iri), store.writes)

    def execute(
        self, query: str, media_type: str, dataset: Dataset, base_iri: str | None = None
    ) -> bytes:
        """Run a query in a killable worker (embedded) or on the server (remote).

        ``base_iri`` is the service-defined base of the query's relative IRIs (Protocol 2.1.1).
        """
        store = self.graph.store
        max_rows = self.settings.max_rows
        if isinstance(store, OxigraphStore):
            request = QueryRequest(
                query,
                media_type,
                max_rows,
                default_graphs=dataset.default_graphs,
                named_graphs=dataset.named_graphs,
                base_iri=base_iri,
            )
            body, version = self._get_pool(store).run_versioned(request)
            self.cache.put((query, media_type, dataset, base_iri), version, body)
            return body
        # Only a remote store brings its HTTP client in (the embedded case never pays for it).
        from aims_graph.store.remote import RemoteSparqlStore

        if isinstance(store, RemoteSparqlStore):
            if base_iri is not None:
                # The protocol has no base parameter: a leading BASE (which a BASE of the
                # query's own, read after it, still overrides) gives the server ours.
                query = f"BASE <{base_iri}>\n{query}"
            return self._execute_remote(store, query, media_type, dataset)
        raise StoreError(f"/sparql cannot run on a {type(store).__name__}")

    def _execute_remote(
        self, store: RemoteSparqlStore, query: str, media_type: str, dataset: Dataset
    ) -> bytes:
        # The server answers in one canonical format that we re-serialise, so that the row cap
        # and every format hold whatever the server supports; its own time limit is its own.
        graph_form = media_type in GRAPH_MEDIA_TYPES
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        # The protocol cannot name a server's default graph: the build keeps a named copy.
        defaults = [g or VIEW_GRAPH for g in dataset.default_graphs]
        response = store.raw_query(
            query,
            accept,
            default_graphs=defaults,
            named_graphs=dataset.named_graphs,
            timeout_s=self.settings.query_timeout_s,
        )
        max_rows = self.settings.max_rows

        # pyoxigraph result objects must die on the thread that made them, so no exception
        # (whose traceback would keep them alive) leaves this function with them attached.
        def render() -> bytes:
            if graph_form:
                triples = [
                    ox.Triple(q.subject, q.predicate, q.object)
                    for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
                ]
                return render_triples(triples, media_type, max_rows)
            parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
            return render_result(parsed, media_type, max_rows)

        error: StoreError
        try:
            return render()
        except SyntaxError as exc:
            error = StoreError(f"the SPARQL server at {store.query_url} sent bad results: {exc}")
        except StoreError as exc:
            error = type(exc)(str(exc))
        raise error


def store_problem(exc: StoreError, settings: Settings) -> ProblemError:
    """The problem a store error becomes on /sparql."""
    if isinstance(exc, QuerySyntaxError):
        return ProblemError(400, "malformed-query", "Malformed query", str(exc))
    if isinstance(exc, QueryValueError):
        return ProblemError(400, "bad-query", "Bad Request", str(exc))
    if isinstance(exc, RowCapError):
        return ProblemError(
            400,
            "row-cap",
            "Result too large",
            f"The result has {exc}, the row cap of this endpoint (setting AIMS_GRAPH_MAX_ROWS="
            f"{settings.max_rows}). Page through it with LIMIT and OFFSET, aggregate it, or "
            "raise the setting.",
            limit="max_rows",
            value=settings.max_rows,
        )
    if isinstance(exc, QueryTimeLimitError):
        return ProblemError(
            503,
            "query-timeout",
            "Query time limit reached",
            f"The query ran longer than {settings.query_timeout_s:g} s, the time limit of this "
            "endpoint (setting AIMS_GRAPH_QUERY_TIMEOUT_S), and was stopped. Narrow it (more "
            "specific patterns, LIMIT) or raise the setting.",
            limit="query_timeout_s",
            value=settings.query_timeout_s,
        )
    if isinstance(exc, PoolBusyError):
        return ProblemError(
            503,
            "busy",
            "Service busy",
            f"{exc}; try again (setting AIMS_GRAPH_SPARQL_WORKERS sets how many queries run "
            "at once).",
            headers={"Retry-After": "1"},
        )
    return ProblemError(
        502 if "SPARQL server" in str(exc) else 500, "store-error", "Store error", str(exc)
    )

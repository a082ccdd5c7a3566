"""The public SPARQL 1.1 Protocol endpoint at /sparql: read-only, limited, content-negotiated."""

from __future__ import annotations

import asyncio
import html
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

# The problem helper lives in api/problems.py; these names stay importable from here.
from aims_graph.api.problems import PROBLEM_BASE as PROBLEM_BASE
from aims_graph.api.problems import ProblemError as ProblemError
from aims_graph.config import Settings
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore, QuerySyntaxError, StoreError
from aims_graph.store.graphs import VIEW_GRAPH, public_graphs
from aims_graph.store.query_pool import (
    GRAPH_MEDIA_TYPES,
    PoolBusyError,
    QueryPool,
    QueryRequest,
    QueryTimeoutError,
    QueryValueError,
    RowCapError,
    render_result,
    render_triples,
)
from aims_graph.store.remote import RemoteSparqlStore, RemoteTimeoutError
from aims_graph.store.result_cache import ResultCache

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"

#: Accepted media types (aliases included) → the canonical type we write, per result kind.
RESULTS_ACCEPT: dict[str, str] = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
}
GRAPH_ACCEPT: dict[str, str] = {
    "text/turtle": "text/turtle",
    "application/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "text/plain": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
    "application/xml": "application/rdf+xml",
    "text/xml": "application/rdf+xml",
    "application/ld+json": "application/ld+json",
    "application/json": "application/ld+json",
}
SD_ACCEPT: dict[str, str] = {**GRAPH_ACCEPT, "text/html": "text/html"}
_RESULT_FORMAT_IRIS = {
    "application/sparql-results+json": "SPARQL_Results_JSON",
    "application/sparql-results+xml": "SPARQL_Results_XML",
    "text/csv": "SPARQL_Results_CSV",
    "text/tab-separated-values": "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/rdf+xml": "RDF_XML",
    "application/ld+json": "JSON-LD",
}

# -- reading the query text ----------------------------------------------------------------

# Strings, IRIs and comments are skipped whole so that a keyword inside them never counts;
# the string and IRI patterns follow the SPARQL grammar, so anything the engine would read as
# code is read as code here too (a looser match only ever makes the engine fail to parse).
_TOKEN = re.compile(
    r'''
    (?P<lstr>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\''(?:[^'\\]|\\.|'(?!''))*'\'\'')
  | (?P<str>"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n\r]*)
  | (?P<var>[?$]\w+)
  | (?P<pname>[\w.\-]*:(?:[\w.\-:%]|\\.)*)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<other>\S)
    ''',
    re.VERBOSE | re.DOTALL,
)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING"}
)


def keywords(text: str) -> list[str]:
    """The bare keywords of a SPARQL text, upper-cased, outside strings, IRIs and comments."""
    return [m.group("word").upper() for m in _TOKEN.finditer(text) if m.lastgroup == "word"]


@dataclass(frozen=True)
class QueryShape:
    """What the text says about a query before it runs."""

    form: str | None
    has_from: bool
    service: bool
    update_words: tuple[str, ...]


def query_shape(text: str) -> QueryShape:
    """Scan a query: its form, FROM clauses, SERVICE and update keywords."""
    words = keywords(text)
    decoded = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    if decoded != text:
        # SPARQL allows \\u escapes anywhere; an engine that decodes them early must not
        # smuggle a keyword past this scan, so both readings count.
        words += keywords(decoded)
    form = next((w for w in words if w in QUERY_FORMS), None)
    return QueryShape(
        form=form,
        has_from="FROM" in words,
        service="SERVICE" in words,
        update_words=tuple(sorted({w for w in words if w in UPDATE_WORDS})),
    )


# -- content negotiation -------------------------------------------------------------------


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header with their q-values (``*/*`` when absent)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: Sequence[tuple[str, float]]) -> float:
    """The q of the most specific range matching a media type (RFC 9110 §12.5.1)."""
    best: tuple[int, float] | None = None
    main = media.split("/")[0]
    for rng, q in ranges:
        if rng == media:
            spec = 2
        elif rng == f"{main}/*":
            spec = 1
        elif rng == "*/*":
            spec = 0
        else:
            continue
        if best is None or spec > best[0]:
            best = (spec, q)
    return best[1] if best else 0.0


def negotiate(header: str | None, offers: dict[str, str]) -> str | None:
    """Pick the canonical media type to write, or None when nothing acceptable is offered."""
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for order, (media, canonical) in enumerate(offers.items()):
        q = _quality(media, ranges)
        if q <= 0:
            continue
        # Among equal q, the more specific match wins, then our own order of preference.
        spec = 1 if any(r == media for r, _ in ranges) else 0
        key = (q + spec * 1e-6, -order)
        if best is None or key > best:
            best, chosen = key, canonical
    return chosen


# -- problems -------------------------------------------------------------------------------


def _not_acceptable(offers: Iterable[str]) -> ProblemError:
    supported = sorted(set(offers))
    return ProblemError(
        406,
        "not-acceptable",
        "Not Acceptable",
        "None of the media types in the Accept header is available for this result; "
        f"supported: {', '.join(supported)}.",
        supported=supported,
    )


# -- the endpoint ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset one request may read, always explicit (``""`` is the standards view)."""

    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]


def from_clauses(text: str) -> tuple[list[str], list[str]]:
    """The IRIs of a query's FROM and FROM NAMED clauses (prefixed names resolved)."""
    prefixes: dict[str, str] = {}
    froms: list[str] = []
    nameds: list[str] = []
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(text)]
    tokens = [(k, v) for k, v in tokens if k != "comment"]
    for i, (kind, value) in enumerate(tokens):
        upper = value.upper() if kind == "word" else ""
        if upper == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
        if upper != "FROM":
            continue
        j = i + 1
        named = j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "NAMED"
        j += int(named)
        if j >= len(tokens) or tokens[j][0] not in ("iri", "pname"):
            raise ProblemError(
                400, "malformed-query", "Malformed query", "FROM must be followed by an IRI."
            )
        ref = tokens[j][1]
        if tokens[j][0] == "iri":
            iri = ref[1:-1]
        else:
            prefix, _, local = ref.partition(":")
            if prefix not in prefixes:
                raise ProblemError(
                    400, "malformed-query", "Malformed query", f"FROM {ref}: unknown prefix."
                )
            iri = prefixes[prefix] + local
        (nameds if named else froms).append(iri)
    return froms, nameds


def scoped_dataset(
    query: str,
    defaults: Sequence[str],
    nameds: Sequence[str],
    visible: Sequence[str],
    own: str | None,
) -> Dataset:
    """The dataset a request asked for, refused where it names a graph it may not read.

    Protocol parameters win over FROM clauses (SPARQL 1.1 Protocol 2.1.4); without either the
    default graph is the standards view plus the caller's own graph, and GRAPH reaches the
    public graphs and the caller's own. The engine is always given this explicit dataset, so
    no query form can reach a graph outside it.
    """
    allowed = set(visible) | ({own} if own else set())
    if not defaults and not nameds and query_shape(query).has_from:
        defaults, nameds = from_clauses(query)
    if defaults or nameds:
        for g in (*defaults, *nameds):
            if g not in allowed:
                raise ProblemError(
                    404,
                    "unknown-graph",
                    "Unknown graph",
                    f"No graph <{g}> is visible to this request. The graphs you can query are "
                    "listed by the service description (GET /sparql with Accept: text/turtle).",
                )
        return Dataset(tuple(defaults), tuple(nameds))
    own_graphs = (own,) if own else ()
    return Dataset(("", *own_graphs), (*visible, *own_graphs))


#: How long a remote server's list of public graphs is kept, in seconds.
VISIBLE_TTL_S = 10.0


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
        self._visible: tuple[object, list[str]] | None = None

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

    def visible_graphs(self) -> list[str]:
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
        with self._pool_lock:
            if self._visible is not None and self._visible[0] == stamp:
                return self._visible[1]
        graphs = public_graphs(store.graphs())
        with self._pool_lock:
            self._visible = (stamp, graphs)
        return graphs

    def cached(self, query: str, media_type: str, dataset: Dataset) -> bytes | None:
        """A kept answer to the same query on the same dataset, if no write happened since."""
        store = self.graph.store
        if not isinstance(store, OxigraphStore):
            return None
        return self.cache.get((query, media_type, dataset), store.writes)

    def execute(self, query: str, media_type: str, dataset: Dataset) -> bytes:
        """Run a query in a killable worker (embedded) or on the server (remote)."""
        store = self.graph.store
        max_rows = self.settings.max_rows
        if isinstance(store, OxigraphStore):
            request = QueryRequest(
                query,
                media_type,
                max_rows,
                default_graphs=dataset.default_graphs,
                named_graphs=dataset.named_graphs,
            )
            body, version = self._get_pool(store).run_versioned(request)
            self.cache.put((query, media_type, dataset), version, body)
            return body
        if isinstance(store, RemoteSparqlStore):
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

    def service_description(self, endpoint: str, media_type: str, own: str | None) -> bytes:
        """A SPARQL 1.1 Service Description of this endpoint, in an RDF media type."""
        nn = ox.NamedNode
        service, dataset, default = ox.BlankNode(), ox.BlankNode(), ox.BlankNode()
        triples = [
            ox.Triple(service, nn(RDF_TYPE), nn(SD + "Service")),
            ox.Triple(service, nn(SD + "endpoint"), nn(endpoint)),
            ox.Triple(service, nn(SD + "supportedLanguage"), nn(SD + "SPARQL11Query")),
            ox.Triple(service, nn(SD + "feature"), nn(SD + "UnionDefaultGraph")),
            ox.Triple(
                service,
                nn(RDFS_COMMENT),
                ox.Literal(
                    "Read-only SPARQL 1.1 Query endpoint of aims-graph: no updates, no SERVICE, "
                    f"a time limit of {self.settings.query_timeout_s:g} s and a cap of "
                    f"{self.settings.max_rows} result rows per query. Without a dataset the "
                    "default graph is the union of the public graphs (plus, with an API key, "
                    "the organisation's own graph); the named graphs are those listed here.",
                    language="en",
                ),
            ),
            ox.Triple(service, nn(SD + "defaultDataset"), dataset),
            ox.Triple(dataset, nn(RDF_TYPE), nn(SD + "Dataset")),
            ox.Triple(dataset, nn(SD + "defaultGraph"), default),
            ox.Triple(default, nn(RDF_TYPE), nn(SD + "Graph")),
        ]
        for media in _RESULT_FORMAT_IRIS.values():
            triples.append(ox.Triple(service, nn(SD + "resultFormat"), nn(FORMATS + media)))
        for name in self.visible_graphs() + ([own] if own else []):
            entry = ox.BlankNode()
            triples += [
                ox.Triple(dataset, nn(SD + "namedGraph"), entry),
                ox.Triple(entry, nn(RDF_TYPE), nn(SD + "NamedGraph")),
                ox.Triple(entry, nn(SD + "name"), nn(name)),
            ]
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:  # pragma: no cover - the offers are all RDF formats pyoxigraph writes
            raise StoreError(f"cannot write {media_type}")
        out = ox.serialize(triples, format=fmt, prefixes={"sd": SD, "formats": FORMATS})
        return out if isinstance(out, bytes) else b""


def _html_page(endpoint: str, settings: Settings) -> str:
    e = html.escape(endpoint)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>aims-graph SPARQL endpoint</title></head>
<body>
<h1>aims-graph SPARQL 1.1 endpoint</h1>
<p>This is a read-only <a href="https://www.w3.org/TR/sparql11-protocol/">SPARQL 1.1 Protocol</a>
endpoint over the aims-graph knowledge graph. Send a query with <code>GET {e}?query=…</code>, or
POST it form-encoded or as <code>application/sparql-query</code>. Without a dataset the default
graph is the union of the public graphs (with an API key, plus your organisation's graph).
Limits: {settings.query_timeout_s:g} s per query,
{settings.max_rows} result rows. Updates, SERVICE and LOAD are refused.</p>
<p>Ask for <code>text/turtle</code> to get the service description. The HTTP API is documented at
<a href="/docs">/docs</a>.</p>
</body></html>
"""


def _text_media(media_type: str) -> str:
    if media_type.startswith("text/"):
        return f"{media_type}; charset=utf-8"
    return media_type


def _check_iri(name: str, value: str) -> str:
    try:
        ox.NamedNode(value)
    except ValueError as exc:
        raise ProblemError(
            400, "bad-parameter", "Bad Request", f"{name}={value!r} is not an absolute IRI: {exc}"
        ) from exc
    return value


async def _read_body(request: Request, limit: int) -> bytes:
    """Read a POST body, refusing it as soon as it passes the size limit."""
    too_large = ProblemError(
        413,
        "request-too-large",
        "Content Too Large",
        f"The request body is larger than {limit} bytes, the limit of this endpoint "
        "(setting AIMS_GRAPH_MAX_REQUEST_BYTES).",
        limit="max_request_bytes",
        value=limit,
    )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProblemError(
            400, "bad-parameter", "Bad Request", f"{what} is not UTF-8: {exc}"
        ) from exc


def anonymous(_request: Request) -> str | None:
    """The caller resolver of a service without organisations: nobody owns a graph."""
    return None


def sparql_router(
    graph: Graph, settings: Settings, caller: Callable[[Request], str | None] = anonymous
) -> APIRouter:
    """The /sparql router: SPARQL 1.1 Protocol queries, service description, limits.

    ``caller`` names the graph the request's API key owns (None without a key); it raises a
    ProblemError for a key that is not valid.
    """
    endpoint = SparqlEndpoint(graph, settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(endpoint.close)

    router = SparqlRouter(endpoint, lifespan=lifespan, tags=["sparql"])

    async def handle(request: Request, params: list[tuple[str, str]]) -> Response:
        queries = [v for k, v in params if k == "query"]
        updates = [v for k, v in params if k == "update"]
        if queries and updates:
            raise ProblemError(
                400, "bad-parameter", "Bad Request", "Send either query= or update=, not both."
            )
        if updates:
            raise _read_only()
        if not queries:
            if request.method == "GET":
                return await _describe(request)
            raise ProblemError(
                400, "bad-parameter", "Bad Request", "The request has no query= parameter."
            )
        if len(queries) > 1:
            raise ProblemError(
                400, "bad-parameter", "Bad Request", "The request has more than one query=."
            )
        query = queries[0]
        defaults = tuple(_check_iri(k, v) for k, v in params if k == "default-graph-uri")
        nameds = tuple(_check_iri(k, v) for k, v in params if k == "named-graph-uri")

        shape = query_shape(query)
        if shape.update_words:
            raise _read_only(shape.update_words)
        if shape.service:
            raise ProblemError(
                403,
                "service-refused",
                "Forbidden",
                "SERVICE (federated query) is refused: this endpoint makes no outbound requests.",
            )
        own = caller(request)
        visible = await run_in_threadpool(endpoint.visible_graphs)
        dataset = scoped_dataset(query, defaults, nameds, visible, own)

        graph_form = shape.form in ("CONSTRUCT", "DESCRIBE")
        offers = GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT
        media_type = negotiate(request.headers.get("accept"), offers)
        if media_type is None:
            raise _not_acceptable(offers)
        headers = {"Vary": "Accept"}
        # A client asking past caches (Cache-Control: no-cache) gets a fresh run.
        if "no-cache" not in request.headers.get("cache-control", "").lower():
            kept = endpoint.cached(query, media_type, dataset)
            if kept is not None:
                headers["X-Cache"] = "hit"
                return Response(kept, media_type=_text_media(media_type), headers=headers)
        headers["X-Cache"] = "miss"
        # Wait for a query worker here, on the event loop, not in a pool thread: a queue of
        # /sparql requests must not take every thread the other routes need.
        try:
            await asyncio.wait_for(endpoint.slots.acquire(), settings.query_timeout_s)
        except TimeoutError:
            raise _store_problem(
                PoolBusyError(f"every query worker stayed busy for {settings.query_timeout_s:g} s"),
                settings,
            ) from None
        try:
            body = await run_in_threadpool(endpoint.execute, query, media_type, dataset)
        finally:
            endpoint.slots.release()
        return Response(body, media_type=_text_media(media_type), headers=headers)

    async def _describe(request: Request) -> Response:
        media_type = negotiate(request.headers.get("accept"), SD_ACCEPT)
        if media_type is None:
            raise _not_acceptable(SD_ACCEPT)
        url = str(request.url.replace(query=None, fragment=None))
        if media_type == "text/html":
            return Response(
                _html_page(url, settings),
                media_type="text/html; charset=utf-8",
                headers={"Vary": "Accept"},
            )
        body = await run_in_threadpool(
            endpoint.service_description, url, media_type, caller(request)
        )
        return Response(body, media_type=_text_media(media_type), headers={"Vary": "Accept"})

    async def guarded(request: Request, params: list[tuple[str, str]]) -> Response:
        try:
            return await handle(request, params)
        except ProblemError as problem:
            return problem.response()
        except StoreError as exc:
            return _store_problem(exc, settings).response()

    sparql_doc = (
        "SPARQL 1.1 Protocol query endpoint (read-only). Results by content negotiation: "
        "SPARQL JSON/XML/CSV/TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML, JSON-LD for "
        "CONSTRUCT and DESCRIBE. Without query=, the service description."
    )

    @router.get(
        "/sparql", summary="SPARQL query (GET) or service description", description=sparql_doc
    )
    async def sparql_get(request: Request) -> Response:
        params = parse_qsl(request.url.query, keep_blank_values=True)
        return await guarded(request, params)

    @router.post("/sparql", summary="SPARQL query (POST)", description=sparql_doc)
    async def sparql_post(request: Request) -> Response:
        try:
            params = parse_qsl(request.url.query, keep_blank_values=True)
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/sparql-update":
                raise _read_only()
            if ctype not in ("application/x-www-form-urlencoded", "application/sparql-query"):
                raise ProblemError(
                    415,
                    "unsupported-media-type",
                    "Unsupported Media Type",
                    f"POST a query as application/x-www-form-urlencoded (query=…) or as "
                    f"application/sparql-query; got {ctype or 'no Content-Type'}.",
                )
            body = await _read_body(request, settings.max_request_bytes)
            text = _decode(body, "The request body")
            if ctype == "application/sparql-query":
                params = [(k, v) for k, v in params if k != "query"] + [("query", text)]
            else:
                params += parse_qsl(text, keep_blank_values=True)
        except ProblemError as problem:
            return problem.response()
        return await guarded(request, params)

    return router


class SparqlRouter(APIRouter):
    """An APIRouter that keeps its endpoint (tests and monitoring reach the worker pool)."""

    def __init__(self, endpoint: SparqlEndpoint, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.endpoint = endpoint


def _read_only(words: Sequence[str] = ()) -> ProblemError:
    found = f" (found {', '.join(words)})" if words else ""
    return ProblemError(
        403,
        "read-only",
        "Forbidden",
        f"This public SPARQL endpoint is read-only: SPARQL Update and LOAD are refused{found}.",
    )


def _store_problem(exc: StoreError, settings: Settings) -> ProblemError:
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
    if isinstance(exc, QueryTimeoutError | RemoteTimeoutError):
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

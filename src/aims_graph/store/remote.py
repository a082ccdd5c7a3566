"""A Store over any SPARQL 1.1 server: Query, Update and the Graph Store Protocol, over HTTP."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import httpx

from aims_graph.config import Settings
from aims_graph.store.base import QuerySyntaxError, QueryTimeLimitError, Row, StoreError, Term
from aims_graph.store.binding import bind_values
from aims_graph.store.dialects import (
    STANDARD,
    XSD_BOOLEAN,
    Dialect,
    canonical_boolean,
    from_server_header,
    named_graphs_in,
    virtuoso,
    without_dataset_clauses,
)

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_JSON_RESULTS = "application/sparql-results+json"
_FORM = "application/x-www-form-urlencoded"
_NTRIPLES = "application/n-triples"
#: Longest server message quoted in an error, so an HTML error page cannot flood a log line.
_MAX_DETAIL = 500


def term_from_json(value: Mapping[str, Any], *, numeric_booleans: bool = False) -> Term:
    """Convert one SPARQL JSON results term to a neutral term (plain literals typed xsd:string)."""
    kind = value.get("type")
    text = str(value.get("value", ""))
    if kind == "uri":
        return Term("uri", text)
    if kind == "bnode":
        return Term("bnode", text)
    if kind in ("literal", "typed-literal"):
        lang = value.get("xml:lang") or value.get("lang")
        if lang:
            return Term("literal", text, None, str(lang))
        datatype = value.get("datatype")
        # Match the embedded backend: a plain literal is an xsd:string literal in RDF 1.1.
        dt = str(datatype) if datatype and datatype != _RDF_LANG_STRING else _XSD_STRING
        if numeric_booleans and dt == XSD_BOOLEAN:
            text = canonical_boolean(text)
        return Term("literal", text, dt, None)
    raise StoreError(f"unsupported term in SPARQL results: {dict(value)!r}")


class RemoteSparqlStore:
    """A Store backed by a SPARQL 1.1 server; ``sparql:BASE`` uses BASE/query, /update, /store.

    Virtuoso's paths and habits are bridged by its dialect (see :mod:`aims_graph.store.dialects`),
    found from the server's ``Server`` header on first use unless AIMS_GRAPH_REMOTE_DIALECT says.
    """

    def __init__(
        self,
        base_url: str,
        settings: Settings | None = None,
        *,
        client: httpx.Client | None = None,
    ) -> None:
        # open_store() passes only the URL, so the overrides come from the environment then.
        cfg = settings if settings is not None else Settings.from_env()
        base = base_url.rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise StoreError(
                f"sparql: needs an http(s) URL, e.g. sparql:http://127.0.0.1:7878; got {base_url!r}"
            )
        self.base_url = base
        self._settings = cfg
        self._auth = (
            httpx.DigestAuth(cfg.remote_user, cfg.remote_password or "")
            if cfg.remote_user
            else None
        )
        self._dialect: Dialect | None = None
        if cfg.remote_dialect == "standard":
            self._dialect = STANDARD
        elif cfg.remote_dialect == "virtuoso":
            self._dialect = virtuoso(authenticated=self._auth is not None)
        self.query_timeout_s = cfg.query_timeout_s
        self.timeout_s = cfg.remote_timeout_s
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(self.timeout_s, connect=min(10.0, self.timeout_s))
        )

    # -- which server, at which URLs ---------------------------------------------------------

    @property
    def dialect(self) -> Dialect:
        """The server's dialect, asked once from its ``Server`` header when not configured."""
        if self._dialect is not None:
            return self._dialect
        try:
            response = self._client.get(self.base_url + "/", timeout=min(5.0, self.timeout_s))
        except httpx.HTTPError:
            # Unreachable for now: the request that follows reports it, and the next one asks again.
            return STANDARD
        self._dialect = from_server_header(
            response.headers.get("server"), authenticated=self._auth is not None
        )
        return self._dialect

    @property
    def query_url(self) -> str:
        """Where queries go (AIMS_GRAPH_REMOTE_QUERY_URL, or the dialect's path on the base)."""
        return self._settings.remote_query_url or self.base_url + self.dialect.query_path

    @property
    def update_url(self) -> str:
        """Where updates go (AIMS_GRAPH_REMOTE_UPDATE_URL, or the dialect's path on the base)."""
        return self._settings.remote_update_url or self.base_url + self.dialect.update_path

    @property
    def store_url(self) -> str:
        """The Graph Store Protocol endpoint (AIMS_GRAPH_REMOTE_STORE_URL, or the dialect's)."""
        return self._settings.remote_store_url or self.base_url + self.dialect.store_path

    # -- HTTP plumbing ---------------------------------------------------------------------

    def _send(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Sequence[tuple[str, str]] = (),
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout_s: float | None = None,
        ok_statuses: tuple[int, ...] = (),
    ) -> httpx.Response:
        """Send one request; map transport failures and error statuses to StoreError."""
        timeout = httpx.Timeout(
            timeout_s or self.timeout_s, connect=min(10.0, timeout_s or self.timeout_s)
        )
        # Virtuoso's query endpoint is public: a digest challenge there would cost a round trip.
        public = url == self.query_url and self.dialect.name == "virtuoso"
        auth = None if public else self._auth
        try:
            response = self._client.request(
                method,
                url,
                params=list(params),
                content=content,
                headers=headers,
                timeout=timeout,
                auth=auth or httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException as exc:
            raise RemoteTimeoutError(
                f"{what}: the SPARQL server at {url} did not answer within "
                f"{timeout.read or self.timeout_s:g} s ({type(exc).__name__})"
            ) from exc
        except httpx.HTTPError as exc:
            raise StoreError(
                f"{what}: cannot reach the SPARQL server at {url}: {exc}. Is it running, and is "
                "AIMS_GRAPH_STORE=sparql:BASE right (queries go to BASE/query, updates to "
                "BASE/update, graph uploads to BASE/store unless AIMS_GRAPH_REMOTE_*_URL say "
                "otherwise)?"
            ) from exc
        if response.is_success or response.status_code in ok_statuses:
            return response
        detail = response.text.strip()[:_MAX_DETAIL] or response.reason_phrase
        message = f"{what}: the SPARQL server at {url} answered {response.status_code}: {detail}"
        if response.status_code == 400 and what in ("query", "update"):
            raise QuerySyntaxError(message)
        raise StoreError(message)

    def raw_query(
        self,
        query: str,
        accept: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        timeout_s: float | None = None,
    ) -> httpx.Response:
        """Send a query as is (SPARQL 1.1 Protocol, POST) and return the server's response."""
        # Without dataset parameters the server's own default graph is read: the standards view,
        # unless that is the union of all graphs (Virtuoso), where the view's named copy is named.
        defaults = list(default_graphs or ())
        implicit = self.dialect.implicit_default_graph
        if not defaults and not named_graphs and implicit is not None:
            defaults = [implicit]
        elif implicit is not None:
            query = without_dataset_clauses(query)
        fields = [("query", self.dialect.query_text(query))]
        fields += [("default-graph-uri", g) for g in defaults]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        # A URL-encoded form rather than a bare query body: Virtuoso 7 never answers the latter.
        return self._send(
            "POST",
            self.query_url,
            what="query",
            content=urlencode(fields).encode("ascii"),
            headers={"Content-Type": _FORM, "Accept": accept},
            timeout_s=timeout_s or self.query_timeout_s,
        )

    def _dataset_of(self, query: str) -> list[str] | None:
        """The default graphs a query of ours needs sent with it (None: the server's own)."""
        view = self.dialect.implicit_default_graph
        if view is None:
            return None
        # Virtuoso reads GRAPH <g> as empty unless g is in the dataset, once one is given
        # (GRAPH ?g still ranges over every graph): so the graphs a query names join the view.
        named = [g for g in dict.fromkeys(named_graphs_in(query)) if g != view]
        return [view, *named]

    @property
    def view_is_default_graph(self) -> bool:
        """True when the standards view's named copy stands for the default graph (Virtuoso)."""
        return self.dialect.implicit_default_graph is not None

    def _query_json(self, query: str, bindings: Mapping[str, Term] | None) -> dict[str, Any]:
        # The graphs are read from the query before binding: a bound value adds none.
        defaults = self._dataset_of(query)
        text = bind_values(query, bindings or {})
        response = self.raw_query(text, _JSON_RESULTS, default_graphs=defaults)
        try:
            data = json.loads(response.content)
        except ValueError as exc:
            raise StoreError(
                f"query: the SPARQL server at {self.query_url} sent results that are not "
                f"SPARQL JSON: {exc}"
            ) from exc
        if not isinstance(data, dict):
            raise StoreError(f"query: unexpected SPARQL JSON from {self.query_url}")
        return data

    # -- the Store protocol ----------------------------------------------------------------

    def select(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> list[Row]:
        """Run a SELECT query with variables bound by a VALUES clause (terms, never text)."""
        data = self._query_json(query, bindings)
        results = data.get("results")
        if not isinstance(results, dict):
            raise StoreError("select() needs a SELECT query")
        numeric = self.dialect.numeric_booleans
        return [
            {
                name: term_from_json(value, numeric_booleans=numeric)
                for name, value in binding.items()
            }
            for binding in results.get("bindings", [])
        ]

    def ask(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> bool:
        """Run an ASK query."""
        data = self._query_json(query, bindings)
        if "boolean" not in data:
            raise StoreError("ask() needs an ASK query")
        return bool(data["boolean"])

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> bytes:
        """Run a CONSTRUCT/DESCRIBE query and return N-Triples."""
        defaults = self._dataset_of(query)
        text = bind_values(query, bindings or {})
        return self.raw_query(text, _NTRIPLES, default_graphs=defaults).content

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""
        fields = [("update", sparql)]
        view = self.dialect.implicit_default_graph
        # Virtuoso has no default graph of its own to write: the view's copy stands for it, but
        # only in an update naming no other graph, whose GRAPH <g> would then match nothing.
        if view is not None and not [g for g in named_graphs_in(sparql) if g != view]:
            fields.append(("default-graph-uri", view))
        self._send(
            "POST",
            self.update_url,
            what="update",
            content=urlencode(fields).encode("ascii"),
            headers={"Content-Type": _FORM},
        )

    def put_graph(self, graph: str, data: bytes, media_type: str, *, atomic: bool = False) -> None:
        """Replace a named graph's content (Graph Store Protocol PUT); bad data changes nothing.

        A PUT is one request the server applies whole, so ``atomic`` needs nothing more here.
        """
        Term.iri(graph).n3()  # reject a malformed IRI before it reaches the server
        try:
            self._send(
                "PUT",
                self.store_url,
                what="put_graph",
                params=[("graph", graph)],
                content=data,
                headers={"Content-Type": media_type},
            )
        except RemoteTimeoutError:
            raise
        except StoreError as exc:
            if _rejected_data(str(exc)):
                raise StoreError(f"cannot parse data for graph <{graph}>: {exc}") from exc
            raise

    def add_triples(self, graph: str, data: bytes, media_type: str) -> None:
        """Add triples to a named graph (Graph Store Protocol POST, one request)."""
        self._send(
            "POST",
            self.store_url,
            what="add_triples",
            params=[("graph", graph)],
            content=data,
            headers={"Content-Type": media_type},
        )

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (Graph Store Protocol DELETE; an absent graph is no error)."""
        self._send(
            "DELETE",
            self.store_url,
            what="drop_graph",
            params=[("graph", graph)],
            ok_statuses=(404,),
        )

    def graphs(self) -> list[str]:
        """List the named graphs' IRIs (those holding at least one triple)."""
        data = self._query_json("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", None)
        rows = data.get("results", {}).get("bindings", [])
        names = (str(row["g"]["value"]) for row in rows if row.get("g", {}).get("type") == "uri")
        return sorted(name for name in names if not self.dialect.hides(name))

    def triple_count(self, graph: str | None = None) -> int:
        """Count triples in one named graph, or in the default graph (the standards view)."""
        if graph is None:
            query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        else:
            query = (
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {Term.iri(graph).n3()} {{ ?s ?p ?o }} }}"
            )
        rows = self.select(query)
        return int(rows[0]["n"].value) if rows and "n" in rows[0] else 0

    def dump_graph(self, graph: str, media_type: str) -> bytes:
        """Serialise one named graph (Graph Store Protocol GET; an absent graph is empty)."""
        response = self._send(
            "GET",
            self.store_url,
            what="dump_graph",
            params=[("graph", graph)],
            headers={"Accept": media_type},
            ok_statuses=(404,),
        )
        return b"" if response.status_code == 404 else response.content

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()


def _rejected_data(message: str) -> bool:
    """True when a server refused uploaded data as unparsable (Virtuoso says so with a 500)."""
    return (
        " answered 400" in message
        or " answered 415" in message
        or (" answered 500" in message and "is rejected" in message)
    )


class RemoteTimeoutError(QueryTimeLimitError):
    """The SPARQL server did not answer within the time limit."""

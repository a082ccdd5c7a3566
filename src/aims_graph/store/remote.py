"""A Store over any SPARQL 1.1 server: Query, Update and the Graph Store Protocol, over HTTP."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from aims_graph.config import Settings
from aims_graph.store.base import QuerySyntaxError, Row, StoreError, Term
from aims_graph.store.binding import bind_values

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_JSON_RESULTS = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"
#: Longest server message quoted in an error, so an HTML error page cannot flood a log line.
_MAX_DETAIL = 500


def term_from_json(value: Mapping[str, Any]) -> Term:
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
        return Term("literal", text, dt, None)
    raise StoreError(f"unsupported term in SPARQL results: {dict(value)!r}")


class RemoteSparqlStore:
    """A Store backed by a SPARQL 1.1 server; ``sparql:BASE`` uses BASE/query, /update, /store."""

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
        self.query_url = cfg.remote_query_url or f"{base}/query"
        self.update_url = cfg.remote_update_url or f"{base}/update"
        self.store_url = cfg.remote_store_url or f"{base}/store"
        self.query_timeout_s = cfg.query_timeout_s
        self.timeout_s = cfg.remote_timeout_s
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(self.timeout_s, connect=min(10.0, self.timeout_s))
        )

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
        try:
            response = self._client.request(
                method, url, params=list(params), content=content, headers=headers, timeout=timeout
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
        # Without dataset parameters the server's own default graph is read: the standards view.
        params = [("default-graph-uri", g) for g in default_graphs or ()]
        params += [("named-graph-uri", g) for g in named_graphs or ()]
        return self._send(
            "POST",
            self.query_url,
            what="query",
            params=params,
            content=query.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": accept},
            timeout_s=timeout_s or self.query_timeout_s,
        )

    def _query_json(self, query: str, bindings: Mapping[str, Term] | None) -> dict[str, Any]:
        text = bind_values(query, bindings or {})
        response = self.raw_query(text, _JSON_RESULTS)
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
        return [
            {name: term_from_json(value) for name, value in binding.items()}
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
        text = bind_values(query, bindings or {})
        return self.raw_query(text, _NTRIPLES).content

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""
        self._send(
            "POST",
            self.update_url,
            what="update",
            content=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
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
            if " answered 400" in str(exc) or " answered 415" in str(exc):
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
        return sorted(
            str(row["g"]["value"]) for row in rows if row.get("g", {}).get("type") == "uri"
        )

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


class RemoteTimeoutError(StoreError):
    """The SPARQL server did not answer within the time limit."""

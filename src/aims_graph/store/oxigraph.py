"""The embedded Oxigraph store, in memory or on disk."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from aims_graph.store.base import (
    InvalidTermError,
    QuerySyntaxError,
    ReadOnlyStoreError,
    Row,
    StoreError,
    Term,
)
from aims_graph.store.binding import bind_values


def to_ox(term: Term) -> ox.NamedNode | ox.Literal:
    """Convert a neutral term to a pyoxigraph term."""
    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "literal":
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        if term.datatype:
            return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term.value)
    raise StoreError("blank nodes cannot be bound as query parameters")


def from_ox(term: object) -> Term:
    """Convert a pyoxigraph term to a neutral term."""
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        lang = term.language
        dt = None if lang else term.datatype.value
        return Term("literal", term.value, dt, lang)
    raise StoreError(f"unsupported term in results: {term!r}")


class OxigraphStore:
    """A Store backed by pyoxigraph; ``path=None`` keeps everything in memory."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only and path is not None
        #: Counts this object's writes, so readers of snapshots notice them without polling files.
        self.writes = 0
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(
                f"cannot open the Oxigraph store at {path}: {exc}. "
                "Is another aims-graph process using it? Stop it or choose another "
                "AIMS_GRAPH_STORE path."
            ) from exc

    @property
    def native(self) -> ox.Store:
        """The underlying pyoxigraph store (for the SPARQL endpoint's native serialisers)."""
        return self._store

    def _run(self, query: str, bindings: Mapping[str, Term] | None) -> object:
        try:
            subs: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
                ox.Variable(k): to_ox(v) for k, v in (bindings or {}).items()
            }
        except ValueError as exc:
            raise InvalidTermError(f"not a valid RDF term: {exc}") from exc
        try:
            try:
                return self._store.query(query, substitutions=subs or None)
            except (ValueError, RuntimeError) as exc:
                # Oxigraph substitutes only projected variables; others are bound by a VALUES
                # block at the head of the WHERE clause, as the remote backend binds them all.
                if not subs or "projection" not in str(exc):
                    raise
                return self._store.query(bind_values(query, bindings or {}))
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise StoreError(str(exc)) from exc

    def select(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> list[Row]:
        """Run a SELECT query with variables bound as RDF terms, never pasted into the text."""
        result = self._run(query, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise StoreError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        rows: list[Row] = []
        for sol in result:
            row: Row = {}
            for name in names:
                value = sol[name]
                if value is not None:
                    row[name] = from_ox(value)
            rows.append(row)
        return rows

    def ask(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> bool:
        """Run an ASK query."""
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise StoreError("ask() needs an ASK query")
        return bool(result)

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> bytes:
        """Run a CONSTRUCT/DESCRIBE query and return N-Triples."""
        result = self._run(query, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise StoreError("construct() needs a CONSTRUCT or DESCRIBE query")
        out = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return out if isinstance(out, bytes) else b""

    def _writable(self) -> None:
        if self.read_only:
            raise ReadOnlyStoreError(
                f"the store at {self.path} is open read-only in this process: the server runs "
                "several workers over one embedded store, which only read. Writes need one "
                "worker (AIMS_GRAPH_WORKERS=1) or a shared SPARQL server (AIMS_GRAPH_STORE="
                "sparql:URL); see the README's deployment section."
            )

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""
        self._writable()
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QuerySyntaxError(str(exc)) from exc
        except (OSError, ValueError, RuntimeError) as exc:
            raise StoreError(str(exc)) from exc
        finally:
            self.writes += 1

    def put_graph(self, graph: str, data: bytes, media_type: str, *, atomic: bool = False) -> None:
        """Replace a named graph's content; a parse error leaves the old content in place.

        ``atomic`` swaps old for new in one transaction, so neither a reader nor a crash ever
        sees the graph half written; it costs a SPARQL update (about 20 µs a triple) instead of
        the bulk loader, so the build does without it.
        """
        if atomic:
            self._writable()
            g = ox.NamedNode(graph)
            parsed = _parse(graph, data, media_type)
            quads = [ox.Quad(q.subject, q.predicate, q.object, g) for q in parsed]
            self.update(f"DROP SILENT GRAPH {g} ; {_insert_data(g, quads)}")
            return
        self.load_graphs([(graph, data, media_type)])

    def load_graphs(
        self, graphs: list[tuple[str, bytes, str]], *, also_default: bool = False
    ) -> None:
        """Replace several named graphs in one bulk load; a parse error changes nothing.

        On disk each bulk load costs some 20 ms beyond its data (0.2 s of a cold build here
        before the build handed its graphs over together). ``also_default`` adds the same
        triples to the default graph (the standards view of graphs new to the store: one write,
        not a second pass reading them back).
        """
        self._writable()
        quads: list[ox.Quad] = []
        for graph, data, media_type in graphs:
            g = ox.NamedNode(graph)
            parsed = _parse(graph, data, media_type)
            quads += [ox.Quad(q.subject, q.predicate, q.object, g) for q in parsed]
            if also_default:
                quads += parsed  # parsed into the default graph already
        for graph, _, _ in graphs:
            g = ox.NamedNode(graph)
            if self._store.contains_named_graph(g):
                self._store.remove_graph(g)
            self._store.add_graph(g)
        self._store.bulk_extend(quads)
        self.writes += 1

    def load_graph_stream(
        self, graph: str, stream: IO[bytes], media_type: str, *, also_default: bool = False
    ) -> None:
        """Replace a named graph from a seekable binary stream, parsed as it is read.

        For outputs too large to hold as one ``bytes`` (the derived mappings of a large graph:
        half a gigabyte): the native bulk loader reads the stream without Python quads. Unlike
        :meth:`load_graphs`, a parse error drops the graph rather than keeping its old content.
        ``also_default``: the triples go to the default graph too (a second read of the stream).
        """
        self._writable()
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise StoreError(f"unsupported RDF media type {media_type!r}")
        g = ox.NamedNode(graph)
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)
        self._store.add_graph(g)
        self.writes += 1
        try:
            self._store.bulk_load(stream, fmt, base_iri=graph, to_graph=g)
        except SyntaxError as exc:
            self._store.remove_graph(g)
            raise StoreError(f"cannot parse data for graph <{graph}>: {exc}") from exc
        if also_default:
            # The named graph parsed, so the same bytes parse again: the view is never half done.
            stream.seek(0)
            self._store.bulk_load(stream, fmt, base_iri=graph, to_graph=ox.DefaultGraph())

    def subject_values(self, graph: str, predicate: str) -> dict[str, str]:
        """One object value per subject of ``predicate`` in a named graph (lexical forms).

        Reads the index directly: for the mapping graphs, several times faster than a SELECT
        joining the same patterns. Of a subject's several values, which one is kept is not
        specified (as with a SELECT's first row).
        """
        p, g = ox.NamedNode(predicate), ox.NamedNode(graph)
        try:
            # No per-quad check for RDF-star terms: a million quads at 200 frameworks.
            return {
                q.subject.value: q.object.value  # type: ignore[union-attr]
                for q in self._store.quads_for_pattern(None, p, None, g)
            }
        except AttributeError:  # a triple term, which has no lexical form: skip those
            return {
                q.subject.value: q.object.value
                for q in self._store.quads_for_pattern(None, p, None, g)
                if not isinstance(q.subject, ox.Triple) and not isinstance(q.object, ox.Triple)
            }

    def subjects_with(self, graph: str, predicate: str, obj: str) -> set[str]:
        """The subjects of triples ``?s predicate <obj>`` in a named graph (read from the index)."""
        pattern = self._store.quads_for_pattern(
            None, ox.NamedNode(predicate), ox.NamedNode(obj), ox.NamedNode(graph)
        )
        return {q.subject.value for q in pattern if not isinstance(q.subject, ox.Triple)}

    def add_triples(self, graph: str, data: bytes, media_type: str) -> None:
        """Add triples to a named graph in one transaction (a parse error adds nothing)."""
        self._writable()
        self.update(_insert_data(ox.NamedNode(graph), _parse(graph, data, media_type)))

    def copy_to_default_graph(self, sources: list[str]) -> None:
        """Add the triples of the named graphs ``sources`` to the default graph (bulk load)."""
        self._writable()
        default = ox.DefaultGraph()
        self._store.bulk_extend(
            ox.Quad(q.subject, q.predicate, q.object, default)
            for name in sources
            for q in self._store.quads_for_pattern(None, None, None, ox.NamedNode(name))
        )
        self.writes += 1

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""
        self._writable()
        g = ox.NamedNode(graph)
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)
            self.writes += 1

    def graphs(self) -> list[str]:
        """List the named graphs' IRIs."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self, graph: str | None = None) -> int:
        """Count triples in one named graph, or in the default graph (the standards view)."""
        # Counted by the engine: iterating the quads in Python took 0.33 s for the view on disk,
        # on every /health.
        pattern = "?s ?p ?o" if graph is None else f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}"
        solutions = self._store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        assert isinstance(solutions, ox.QuerySolutions)
        count = next(iter(solutions))[0]
        assert isinstance(count, ox.Literal)
        return int(count.value)

    def dump_graph(self, graph: str, media_type: str) -> bytes:
        """Serialise one named graph."""
        fmt = ox.RdfFormat.from_media_type(media_type)
        if fmt is None:
            raise StoreError(f"unsupported RDF media type {media_type!r}")
        out = self._store.dump(format=fmt, from_graph=ox.NamedNode(graph))
        return out if isinstance(out, bytes) else b""

    def close(self) -> None:
        """Flush to disk; pyoxigraph closes the store when the object is dropped."""
        if self.path is not None and not self.read_only:
            self._store.flush()


def _parse(graph: str, data: bytes, media_type: str) -> list[ox.Quad]:
    """One graph's data as quads in the default graph (relative IRIs against the graph's name)."""
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None:
        raise StoreError(f"unsupported RDF media type {media_type!r}")
    try:
        return list(ox.parse(data, format=fmt, base_iri=graph))
    except SyntaxError as exc:
        raise StoreError(f"cannot parse data for graph <{graph}>: {exc}") from exc


def _insert_data(graph: ox.NamedNode, quads: list[ox.Quad]) -> str:
    """An INSERT DATA update putting the quads' triples into ``graph``."""
    triples = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)
    body = triples.decode("utf-8") if isinstance(triples, bytes) else ""
    return f"INSERT DATA {{ GRAPH {graph} {{ {body} }} }}"

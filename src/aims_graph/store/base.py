"""The Store protocol every backend implements, and the backend-neutral term and error types."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

TermKind = Literal["uri", "literal", "bnode"]
#: What an IRI may not contain (N-Triples IRIREF): one regex search, not a loop over characters
#: (which made writing the derived mappings of a 200-framework graph take minutes).
_NOT_IN_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')

#: RDF serialisations the stores read and write, by media type.
RDF_MEDIA_TYPES: dict[str, str] = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "nquads": "application/n-quads",
    "trig": "application/trig",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json",
}


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term as SPARQL results carry it (the shape of the SPARQL JSON results format)."""

    kind: TermKind
    value: str
    datatype: str | None = None
    lang: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        """Make an IRI term."""
        return cls("uri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        """Make a literal term."""
        return cls("literal", value, datatype, lang)

    def n3(self) -> str:
        """Return the term in N-Triples/SPARQL syntax, escaped so it can never break a query."""
        if self.kind == "uri":
            if _NOT_IN_IRI.search(self.value):
                raise InvalidTermError(f"not a valid IRI: {self.value!r}")
            return f"<{self.value}>"
        if self.kind == "bnode":
            raise StoreError("blank nodes cannot be bound as query parameters")
        escaped = (
            self.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
        if self.lang:
            return f'"{escaped}"@{self.lang}'
        if self.datatype and self.datatype != "http://www.w3.org/2001/XMLSchema#string":
            return f'"{escaped}"^^<{self.datatype}>'
        return f'"{escaped}"'


Row = dict[str, Term]


class StoreError(Exception):
    """A store operation failed; the message says what and how to fix it."""


class ReadOnlyStoreError(StoreError):
    """A write to a store this process opened read-only (one of several server workers)."""


class QueryTimeLimitError(StoreError):
    """A query ran past the time limit (in a killed worker or on a remote server)."""


class QuerySyntaxError(StoreError):
    """The SPARQL text does not parse."""


class InvalidTermError(StoreError):
    """A value bound into a query is not a valid RDF term (bad input, not a broken store)."""


@runtime_checkable
class Store(Protocol):
    """A quad store the service runs on: embedded Oxigraph or any SPARQL 1.1 server.

    Queries read the default graph, which holds the standards view (see aims_graph.store.graphs);
    named graphs are reached with GRAPH.
    """

    def select(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> list[Row]:
        """Run a SELECT query with variables bound as RDF terms, never pasted into the text."""
        ...

    def ask(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> bool:
        """Run an ASK query."""
        ...

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Term] | None = None,
    ) -> bytes:
        """Run a CONSTRUCT/DESCRIBE query and return N-Triples."""
        ...

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update."""
        ...

    def put_graph(self, graph: str, data: bytes, media_type: str, *, atomic: bool = False) -> None:
        """Replace a named graph's content; ``atomic``: no reader or crash sees it half done."""
        ...

    def add_triples(self, graph: str, data: bytes, media_type: str) -> None:
        """Add triples to a named graph in one transaction: all of them or, on error, none."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove a named graph (no error when absent)."""
        ...

    def graphs(self) -> list[str]:
        """List the named graphs' IRIs."""
        ...

    def triple_count(self, graph: str | None = None) -> int:
        """Count triples in one named graph, or in the default graph (the standards view)."""
        ...

    def dump_graph(self, graph: str, media_type: str) -> bytes:
        """Serialise one named graph."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


def graph_list(graphs: Sequence[str]) -> str:
    """Render graph IRIs for a message."""
    return ", ".join(graphs) if graphs else "(none)"

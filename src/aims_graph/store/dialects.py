"""What differs between the SPARQL servers a ``sparql:URL`` store can sit on.

Oxigraph server and Fuseki follow the SPARQL 1.1 protocols to the letter; OpenLink Virtuoso 7 has
one endpoint for queries and updates, its own Graph Store path, a default graph that is the union of
every graph it holds (including its own system graphs) and booleans stored as integers. A dialect
records those differences so that :class:`~aims_graph.store.remote.RemoteSparqlStore` can keep one
code path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from aims_graph.store.graphs import VIEW_GRAPH

DialectName = Literal["auto", "standard", "virtuoso"]
XSD_BOOLEAN: Final = "http://www.w3.org/2001/XMLSchema#boolean"


@dataclass(frozen=True, slots=True)
class Dialect:
    """Endpoint paths and the behaviour a server needs bridged."""

    name: str
    query_path: str
    update_path: str
    store_path: str
    #: The graph sent as default-graph-uri when a query names none: a server whose default graph is
    #: the union of all graphs would otherwise show organisations' graphs to every query.
    implicit_default_graph: str | None = None
    #: Graphs the server keeps for itself, which no listing or GRAPH ?g of ours should show.
    own_graphs: tuple[str, ...] = ()
    #: The server answers xsd:boolean values as 1/0 (Virtuoso stores them as integers).
    numeric_booleans: bool = False

    def hides(self, graph: str) -> bool:
        """True for one of the server's own graphs."""
        return graph in self.own_graphs

    def query_text(self, query: str) -> str:
        """The query as sent: on Virtuoso, told to leave the server's own graphs out of GRAPH ?g."""
        if self.name != "virtuoso" or not self.own_graphs:
            return query
        pragmas = "".join(f"DEFINE input:named-graph-exclude <{g}>\n" for g in self.own_graphs)
        return pragmas + query


STANDARD: Final = Dialect("standard", "/query", "/update", "/store")


def virtuoso(*, authenticated: bool) -> Dialect:
    """Virtuoso 7: /sparql for both protocols, /sparql-graph-crud; ``-auth`` paths with digest."""
    suffix = "-auth" if authenticated else ""
    return Dialect(
        "virtuoso",
        query_path="/sparql",
        update_path=f"/sparql{suffix}",
        store_path=f"/sparql-graph-crud{suffix}",
        implicit_default_graph=VIEW_GRAPH,
        own_graphs=(
            "http://www.openlinksw.com/schemas/virtrdf#",
            "http://www.w3.org/ns/ldp#",
            # Its service description, named after [URIQA] DefaultHost (this name when unset).
            "http://localuriqaserver/sparql",
        ),
        numeric_booleans=True,
    )


def from_server_header(server: str | None, *, authenticated: bool) -> Dialect:
    """The dialect of a server that sent this ``Server`` response header."""
    if server and server.lower().startswith("virtuoso"):
        return virtuoso(authenticated=authenticated)
    return STANDARD


def canonical_boolean(value: str) -> str:
    """The canonical lexical form of an xsd:boolean a server wrote as 1 or 0."""
    return {"1": "true", "0": "false"}.get(value, value)


# After one of these keywords an IRI names a graph; strings and comments are skipped first so that
# a bound literal that spells out "GRAPH <…>" can never add a graph to a query's dataset.
_NAMING = re.compile(r"(?i)\b(GRAPH|WITH|INTO|FROM|USING)(\s+NAMED)?\s*<([^<>\"{}|^`\\\s]*)>")
_SKIP = re.compile(
    r'"""(?:[^\\]|\\.)*?"""'
    r"|'''(?:[^\\]|\\.)*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|#[^\n]*"
    r"|<[^<>\"{}|^`\\\s]*>",
    re.DOTALL,
)


def named_graphs_in(text: str) -> list[str]:
    """The graph IRIs a query or update names after GRAPH, WITH, INTO, FROM or USING."""
    found: list[str] = []
    pos = 0
    while pos < len(text):
        keyword = _NAMING.search(text, pos)
        skip = _SKIP.search(text, pos)
        if keyword is None:
            break
        if skip is not None and skip.start() < keyword.start():
            pos = skip.end()
            continue
        found.append(keyword.group(3))
        pos = keyword.end()
    return found


def without_dataset_clauses(query: str) -> str:
    """The query with its FROM and FROM NAMED clauses removed (strings and comments kept).

    Virtuoso adds the protocol's default-graph-uri/named-graph-uri to a query's own FROM clauses,
    where the SPARQL 1.1 Protocol says they replace them.
    """
    parts: list[str] = []
    pos = 0
    while pos < len(query):
        keyword = _NAMING.search(query, pos)
        skip = _SKIP.search(query, pos)
        if keyword is None:
            break
        if skip is not None and skip.start() < keyword.start():
            parts.append(query[pos : skip.end()])
            pos = skip.end()
            continue
        parts.append(query[pos : keyword.start()])
        if keyword.group(1).upper() != "FROM":
            parts.append(keyword.group())
        pos = keyword.end()
    parts.append(query[pos:])
    return "".join(parts)

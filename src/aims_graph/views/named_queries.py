"""The named SPARQL queries of ``queries/``: the list, one query, a run with bound arguments."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from aims_graph import queries
from aims_graph.store import Row
from aims_graph.views.errors import ApiInputError, CatalogError, NotFoundError
from aims_graph.views.index import ViewIndex


def _load() -> dict[str, queries.NamedQuery]:
    try:
        return queries.load_catalog()
    except queries.QueryError as exc:
        raise CatalogError(str(exc)) from exc


def catalog(index: ViewIndex) -> dict[str, queries.NamedQuery]:
    """The named queries, read once."""
    return index.cached("named-queries", _load, per_build=False)


def named_query(index: ViewIndex, name: str) -> queries.NamedQuery:
    """One named query by name."""
    known = catalog(index)
    found = known.get(name)
    if found is None:
        close = difflib.get_close_matches(name, list(known), n=4)
        raise NotFoundError(f"no named query {name!r}; see /queries for the list", "query", close)
    return found


def run_query(
    index: ViewIndex, name: str, args: Mapping[str, str | list[str]]
) -> tuple[list[str], list[Row]]:
    """Run a named query with bound arguments; return its columns and rows."""
    query = named_query(index, name)

    def resolve(text: str) -> str:
        return index.resolve(text).iri

    try:
        rows = queries.run(index.graph.store, query, args, resolve)
    except queries.QueryError as exc:
        raise ApiInputError(str(exc)) from None
    return queries.projection(query.sparql, rows), rows

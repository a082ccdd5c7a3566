"""Named SPARQL queries: the catalog in ``queries/``, binding and running them, their results."""

from aims_graph.queries.catalog import (
    IRI_PATTERN,
    NAME_RE,
    PARAM_TYPES,
    NamedQuery,
    Param,
    QueryError,
    Resolver,
    bind,
    load_catalog,
    parse_query_file,
    run,
)
from aims_graph.queries.results import json_value, projection

__all__ = [
    "IRI_PATTERN",
    "NAME_RE",
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "QueryError",
    "Resolver",
    "bind",
    "json_value",
    "load_catalog",
    "parse_query_file",
    "projection",
    "run",
]

"""The SPARQL 1.1 Protocol endpoint at /sparql: the router and the names other modules use."""

from aims_graph.api.problems import PROBLEM_BASE, ProblemError
from aims_graph.api.sparql.dataset import EMPTY_GRAPHS_HEADER, Dataset, scoped_dataset
from aims_graph.api.sparql.engine import SparqlEndpoint
from aims_graph.api.sparql.negotiation import GRAPH_ACCEPT, RESULTS_ACCEPT, negotiate, parse_accept
from aims_graph.api.sparql.routes import SparqlRouter, sparql_router
from aims_graph.api.sparql.text import from_clauses, keywords, query_shape

__all__ = [
    "EMPTY_GRAPHS_HEADER",
    "GRAPH_ACCEPT",
    "PROBLEM_BASE",
    "RESULTS_ACCEPT",
    "Dataset",
    "ProblemError",
    "SparqlEndpoint",
    "SparqlRouter",
    "from_clauses",
    "keywords",
    "negotiate",
    "parse_accept",
    "query_shape",
    "scoped_dataset",
    "sparql_router",
]

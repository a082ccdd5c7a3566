"""Two mapping sets side by side: the comparison of :mod:`aims_graph.mappings.compare`."""

from __future__ import annotations

from typing import Any

from aims_graph.mappings.compare import CompareInputError, compare_sets
from aims_graph.views.errors import ApiInputError
from aims_graph.views.index import ViewIndex


def comparison(index: ViewIndex, first: str, second: str) -> dict[str, Any]:
    """Agreement of two sides (set ids, stated:A>C or derived:A>C[@X]); 400 on a bad side."""
    try:
        return compare_sets(index.svc, first, second)
    except CompareInputError as exc:
        raise ApiInputError(str(exc)) from None

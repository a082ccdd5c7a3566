"""Two mapping sets side by side: the comparison of :mod:`aims_graph.mappings.compare`."""

from __future__ import annotations

from typing import Any

from aims_graph.mappings.compare import CompareInputError, UnknownSideError, compare_sets
from aims_graph.views.errors import ApiInputError, NotFoundError
from aims_graph.views.index import ViewIndex


def comparison(index: ViewIndex, first: str, second: str) -> dict[str, Any]:
    """Agreement of two sides (set ids, stated:A>C or derived:A>C[@X]); 404 or 400 on a bad side."""
    try:
        return compare_sets(index.svc, first, second)
    except UnknownSideError as exc:
        raise NotFoundError(str(exc), "mapping-set") from None
    except CompareInputError as exc:
        raise ApiInputError(str(exc)) from None

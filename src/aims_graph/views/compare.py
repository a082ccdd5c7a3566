"""Two mapping sets side by side: the comparison of :mod:`aims_graph.mappings.compare`."""

from __future__ import annotations

from typing import Any

from aims_graph.mappings.compare import CompareInputError, UnknownSideError, compare_sets
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.views.errors import ApiInputError, NotFoundError


def comparison(svc: MappingService, first: str, second: str) -> dict[str, Any]:
    """Agreement of two sides (set ids, stated:A>C or derived:A>C[@X]); 404 or 400 on a bad side.

    ``svc``: the public mappings, or an organisation's (its own sets and editions added)."""
    try:
        return compare_sets(svc, first, second)
    except UnknownSideError as exc:
        raise NotFoundError(str(exc), "mapping-set") from None
    except CompareInputError as exc:
        raise ApiInputError(str(exc)) from None

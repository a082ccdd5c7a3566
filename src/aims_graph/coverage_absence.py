"""The "no counterpart in this framework" status of coverage and gap reports.

A target item that no control of the organisation reaches is a gap, unless the mapping sets
record (``sssom:NoTermFound`` rows, stored as ``aims:NoCounterpart``) that the item has no honest
counterpart in EVERY framework edition the organisation's counted controls come from. Then no
control of those frameworks could ever close it: it must be met directly, outside them, and the
report says ``no-counterpart`` with the recorded reasons instead of ``gap``.

Only gaps change status: an item some control reaches keeps its verdict, whatever is recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Final

from aims_graph.catalog.items import edition_of
from aims_graph.mappings.review import NoCounterpart, no_counterparts
from aims_graph.namespaces import ID
from aims_graph.store import Store

NO_COUNTERPART: Final = "no-counterpart"


class Absences:
    """No-counterpart records by item, held in memory for coverage questions."""

    def __init__(self, records: Iterable[NoCounterpart]) -> None:
        self.by_item: dict[str, dict[str, NoCounterpart]] = defaultdict(dict)
        for r in records:
            slug = r.edition.removeprefix(ID)
            # One record per (item, edition) is enough to decide; keep the first set's.
            self.by_item[r.item].setdefault(slug, r)

    @classmethod
    def from_store(cls, store: Store) -> Absences:
        """Every no-counterpart record of the loaded mapping sets."""
        return cls(no_counterparts(store))

    def explaining(self, item: str, editions: set[str]) -> list[NoCounterpart]:
        """The records that leave ``item`` without a counterpart in all of ``editions``.

        Empty when some edition has no record (the item may still be reachable there) or when
        ``editions`` is empty (the organisation counts no control).
        """
        known = self.by_item.get(item, {})
        if not editions or not editions <= known.keys():
            return []
        return [known[e] for e in sorted(editions)]


def control_editions(control_iris: Iterable[str], target: str) -> set[str]:
    """The framework editions the organisation's counted controls come from (not the target)."""
    return {e for c in control_iris if (e := edition_of(c)) is not None and e != target}


def absence_json(records: Iterable[NoCounterpart]) -> list[dict[str, Any]]:
    """JSON-ready form of the records behind a no-counterpart verdict."""
    return [
        {
            "framework": r.edition.removeprefix(ID),
            "reason": r.reason,
            "confidence": r.confidence,
            "set": r.mapping_set.rstrip("/").rsplit("/", 1)[-1],
        }
        for r in records
    ]

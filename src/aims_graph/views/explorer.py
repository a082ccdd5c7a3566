"""The two questions the web explorer asks that the rest of the JSON API did not answer.

How many mappings touch each item of a framework (for its tree), and which mappings lie behind
one cell of the framework × framework matrix (for the crosswalk table the cell opens).
"""

from __future__ import annotations

from typing import Any

from aims_graph.catalog.items import edition_of
from aims_graph.exports.data import crosswalk_mappings, edition_title
from aims_graph.views.crosswalk import crosswalk, hop
from aims_graph.views.index import ViewIndex


def mapping_counts(index: ViewIndex, framework_id: str) -> dict[str, Any]:
    """Per item of a framework edition: stated mappings touching it and derived ones from it."""
    slug = index.edition(framework_id).slug
    svc = index.svc
    derived = svc.graph.derived()
    counts: dict[str, dict[str, int]] = {}
    for item in svc.items.in_edition(slug):
        # Each stated mapping touching the item is one edge out of it: itself or its inverse.
        stated = len(svc.graph.out(item.iri))
        chained = len(derived.get(item.iri, []))
        if stated or chained:
            counts[item.curie] = {"stated": stated, "derived": chained}
    return {"framework": slug, "counts": counts}


def pair_mappings(index: ViewIndex, first: str, second: str, *, derived: bool) -> dict[str, Any]:
    """Every mapping from one framework edition into another, read from the first one's side."""
    a = index.edition(first).slug
    b = index.edition(second).slug
    svc = index.svc
    # The same rows, in the same order, as the /export/crosswalk/{a}/{b}.csv table.
    rows = [
        {**hop(index, e), "derived": False, "chain": []}
        for e in crosswalk_mappings(index.graph, a, b)
    ]
    stated = len(rows)
    chained = [
        d
        for i in svc.items.in_edition(a)
        for d in svc.graph.derived().get(i.iri, [])
        if edition_of(d.object) == b
    ]
    if derived:
        for subject in dict.fromkeys(d.subject for d in chained):
            found = crosswalk(index, subject, b, derived=True, min_confidence=0.0)["mappings"]
            rows.extend(r for r in found if r["derived"])
    return {
        "first": a,
        "second": b,
        "first_title": edition_title(a),
        "second_title": edition_title(b),
        "derived_included": derived,
        "stated": stated,
        "derived": len(chained),
        "count": len(rows),
        "mappings": rows,
    }

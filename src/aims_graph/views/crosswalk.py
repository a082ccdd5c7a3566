"""Mappings as the API shows them: an item with its mappings, crosswalks, explanations, matrix."""

from __future__ import annotations

from typing import Any

from aims_graph.catalog.frameworks import editions
from aims_graph.mappings.crosswalk import CrosswalkInputError
from aims_graph.mappings.loading import MAPPING_SET_BASE
from aims_graph.mappings.model import Edge
from aims_graph.namespaces import scheme_iri
from aims_graph.views.errors import ApiInputError
from aims_graph.views.index import ViewIndex, item_ref


def api_mapping(row: dict[str, Any]) -> dict[str, Any]:
    """A MappingService mapping dict with the API's keys: ``iri`` and ``set_iri``."""
    out = dict(row)
    out["iri"] = out.pop("mapping")
    out["set_iri"] = MAPPING_SET_BASE + out["set"]
    # Empty strings would read as the document's own IRI in JSON-LD; absent is absent.
    for key in ("source", "comment"):
        out[key] = out.get(key) or None
    return out


def hop(index: ViewIndex, e: Edge) -> dict[str, Any]:
    """One mapping (stated or inverse) as the API shows it."""
    return api_mapping(index.svc.hop(e))


def _crosswalk_row(row: dict[str, Any]) -> dict[str, Any]:
    out = api_mapping(row)
    out["chain"] = [api_mapping(h) for h in row["chain"]]
    return out


def item(index: ViewIndex, text: str) -> dict[str, Any]:
    """An item with labels, summary, source, parents, children and its mappings."""
    svc = index.svc
    found = index.resolve(text)
    d = index.details
    items = svc.items.items
    out = item_ref(found)
    out.update(
        {
            "scheme": scheme_iri(found.edition),
            "alt_labels": list(d.alt_labels.get(found.iri, [])),
            "summary": d.summary.get(found.iri),
            "source": d.source.get(found.iri),
            "parents": [item_ref(items[p]) for p in d.parents.get(found.iri, [])],
            "children": [item_ref(items[c]) for c in d.children.get(found.iri, [])],
        }
    )
    g = svc.graph
    out["mappings_out"] = [
        {**hop(index, e), "derived": False, "chain": []}
        for e in g.out(found.iri)
        if e.inverse_of is None
    ]
    incoming: list[Edge] = []
    if found.iri in g.g:
        for _, _, data in g.g.in_edges(found.iri, data=True):
            e: Edge = data["edge"]
            if e.inverse_of is None:
                incoming.append(e)
    incoming.sort(key=lambda e: (e.subject, e.mapping))
    out["mappings_in"] = [{**hop(index, e), "derived": False, "chain": []} for e in incoming]
    out["derived_mappings"] = [
        _crosswalk_row(r) for r in svc.crosswalk(found.iri, None, derived=True) if r["derived"]
    ]
    return out


def crosswalk(
    index: ViewIndex, text: str, to: str | None, *, derived: bool, min_confidence: float
) -> dict[str, Any]:
    """Mappings from an item into one framework (or all), optionally with derived ones."""
    svc = index.svc
    found = index.resolve(text)
    target = index.edition(to).slug if to else None
    try:
        rows = svc.crosswalk(found.iri, target, derived=derived, min_confidence=min_confidence)
    except CrosswalkInputError as exc:
        raise ApiInputError(str(exc)) from None
    out = item_ref(found)
    out.update(
        {
            "target": target,
            "derived_included": derived,
            "min_confidence": min_confidence,
            "count": len(rows),
            "mappings": [_crosswalk_row(r) for r in rows],
        }
    )
    return out


def explain(index: ViewIndex, a: str, b: str, max_hops: int | None = None) -> dict[str, Any]:
    """Every mapping path between two items with the composed relation."""
    svc = index.svc
    ia, ib = index.resolve(a), index.resolve(b)
    try:
        out = svc.explain(ia.iri, ib.iri, max_hops)
    except CrosswalkInputError as exc:
        raise ApiInputError(str(exc)) from None
    for path in out["paths"]:
        path["hops"] = [api_mapping(h) for h in path["hops"]]
    out["subject_iri"], out["object_iri"] = ia.iri, ib.iri
    return out


def matrix(index: ViewIndex) -> dict[str, Any]:
    """Framework × framework: stated mappings by relation, derived count, share mapped."""
    svc = index.svc
    return index.cached(
        "matrix", lambda: {"frameworks": [f.slug for f in editions()], "pairs": svc.summary()}
    )

"""Framework editions: the list, one edition with its counts, and pages of its item tree."""

from __future__ import annotations

from typing import Any

from aims_graph.catalog.frameworks import FrameworkEdition, editions
from aims_graph.catalog.items import normalise
from aims_graph.namespaces import scheme_iri
from aims_graph.views.errors import NotFoundError
from aims_graph.views.index import ViewIndex, item_ref


def _summary(index: ViewIndex, fw: FrameworkEdition) -> dict[str, Any]:
    out: dict[str, Any] = {
        "iri": scheme_iri(fw.slug),
        "id": fw.slug,
        "kind": "Framework",
        "title": fw.title,
        "family": fw.family,
        "edition": fw.edition,
        "framework_kind": fw.kind,
        "publisher": fw.publisher,
        "issued": fw.issued,
        "source": fw.source,
        "licence": fw.text_licence,
        "prefixes": list(fw.prefixes),
        "total": sum(index.counts(fw.slug).values()),
    }
    return out


def frameworks(index: ViewIndex) -> list[dict[str, Any]]:
    """Every framework edition with its item total."""
    return [_summary(index, fw) for fw in editions()]


def framework(index: ViewIndex, text: str) -> dict[str, Any]:
    """One framework edition with its counts by kind and its top-level items."""
    items = index.svc.items.items
    fw = index.edition(text)
    d = index.details
    out = _summary(index, fw)
    out["counts"] = dict(index.counts(fw.slug))
    out["top_concepts"] = [
        item_ref(items[i])
        for i in d.order.get(fw.slug, [])
        if d.depth.get(i) == 0 and items[i].kind != "Framework"
    ]
    return out


def framework_items(
    index: ViewIndex,
    text: str,
    *,
    kind: str | None = None,
    parent: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of a framework's tree, in document order, optionally one kind or one parent."""
    items = index.svc.items.items
    fw = index.edition(text)
    d = index.details
    iris = d.order.get(fw.slug, [])
    if parent is not None:
        p = index.resolve(parent, fw.slug)
        iris = [c for c in d.children.get(p.iri, []) if items[c].edition == fw.slug]
    if kind is not None:
        wanted = normalise(kind)
        known = sorted({items[i].kind for i in d.order.get(fw.slug, [])})
        match = [k for k in known if normalise(k) == wanted.replace("-", "")]
        match = match or [k for k in known if normalise(k) == wanted]
        if not match:
            # No such part of this framework: a 404 with the kinds it has.
            raise NotFoundError(
                f"kind={kind!r} does not occur in {fw.slug}; its kinds: {', '.join(known)}",
                "kind",
                known,
            )
        iris = [i for i in iris if items[i].kind in match]
    rows = []
    for iri in iris[offset : offset + limit]:
        parents = d.parents.get(iri, [])
        row = item_ref(items[iri])
        row["parent"] = items[parents[0]].curie if parents else None
        row["children_count"] = len(d.children.get(iri, []))
        row["depth"] = d.depth.get(iri, 0)
        rows.append(row)
    return {
        "framework": fw.slug,
        "total": len(iris),
        "limit": limit,
        "offset": offset,
        "items": rows,
    }

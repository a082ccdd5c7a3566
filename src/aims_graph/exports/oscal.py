"""OSCAL 1.2 exports: each catalog as an OSCAL catalog, each mapping set as a mapping-collection.

Content rules: identifiers, short titles, links and our own summaries only, never the text of a
standard. Documents are deterministic for the same graph (UUIDs are name-based, and a document's
UUID is derived from its content so that it changes when the content does); only
``metadata.last-modified`` reflects the time of export.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from aims_graph import __version__
from aims_graph.catalog.frameworks import BY_SLUG, FrameworkEdition
from aims_graph.catalog.items import edition_of
from aims_graph.exports.data import CatalogItem, SetInfo, catalog_items, stated_mappings, walk
from aims_graph.mappings.relations import Relation
from aims_graph.namespaces import AIMS, GRAPH, ID, SEMAPV
from aims_graph.service import Graph
from aims_graph.store import Store

OSCAL_VERSION: Final = "1.2.1"
#: Namespace of our own props (OSCAL: a URI naming the organisation that defines the names).
NS: Final = "https://w3id.org/aims-graph/ns/oscal"
DATA_LICENCE: Final = "https://creativecommons.org/licenses/by/4.0/"
_UUID_NS: Final = uuid.UUID("6f1c7f0e-3c1b-5d7a-9d55-0a1b2c3d4e5f")

#: Item kinds rendered as OSCAL groups; every other kind is a control.
GROUP_KINDS: Final = frozenset(
    {
        "Clause",
        "Annex",
        "ControlTheme",
        "ControlCategory",
        "ControlObjective",
        "Function",
        "Category",
        "Chapter",
        "Section",
        "AnnexIIIArea",
    }
)
#: NIST IR 8477 relations → OSCAL 1.2 ``map.relationship`` values. Our ``equal`` is a judgement
#: about meaning, which OSCAL calls ``equivalent-to`` (``equal-to`` claims the same wording).
RELATIONSHIP: Final[dict[Relation, str]] = {
    Relation.EQUAL: "equivalent-to",
    Relation.SUBSET_OF: "subset-of",
    Relation.SUPERSET_OF: "superset-of",
    Relation.INTERSECTS_WITH: "intersects-with",
    Relation.NOT_RELATED: "no-relationship",
}
_HUMAN: Final = frozenset({str(SEMAPV.ManualMappingCuration), str(SEMAPV.MappingReview)})
_MAPPED_QUERY: Final = f"""
SELECT DISTINCT ?i WHERE {{
  GRAPH ?g {{ ?m <{AIMS.mappingSubject}> ?i }}
  FILTER(STRSTARTS(STR(?g), "{GRAPH}mappings/"))
}}
"""
_TOKEN_START: Final = re.compile(r"^[_A-Za-z]")
_TOKEN_BAD: Final = re.compile(r"[^\w.\-]")


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(_UUID_NS, "\n".join(parts)))


def control_id(ref: str) -> str:
    """The OSCAL id (a token) of an item: its ref, prefixed when it starts with a digit."""
    token = _TOKEN_BAD.sub("_", ref)
    return token if _TOKEN_START.match(token) else f"clause-{token}"


def _class(kind: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", kind).lower() or "item"


def _line(text: str) -> str:
    return " ".join(text.split())


def _prop(name: str, value: str, *, ns: str | None = NS) -> dict[str, str]:
    out = {"name": name, "value": _line(value)}
    if ns:
        out["ns"] = ns
    return out


def _now(now: datetime | None) -> str:
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return moment.isoformat().replace("+00:00", "Z")


def _finish(doc: dict[str, Any], root: str, *seed: str) -> dict[str, Any]:
    """Give the document a UUID derived from its content (without time stamp and UUID)."""
    body = json.dumps(
        {k: v for k, v in doc.items() if k != "metadata"}
        | {"metadata": {k: v for k, v in doc["metadata"].items() if k != "last-modified"}},
        sort_keys=True,
    )
    digest = hashlib.sha256(body.encode()).hexdigest()
    return {root: {"uuid": _uuid(*seed, digest), **doc}}


class _Resources:
    """Back-matter resources, one per distinct link, referenced as '#uuid'."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}

    def ref(self, href: str, title: str, media_type: str | None = None) -> str:
        if href not in self.items:
            rlink: dict[str, str] = {"href": href}
            if media_type:
                rlink["media-type"] = media_type
            self.items[href] = {
                "uuid": _uuid("resource", href),
                "title": _line(title),
                "rlinks": [rlink],
            }
        return "#" + str(self.items[href]["uuid"])

    def back_matter(self) -> dict[str, Any]:
        return {"resources": list(self.items.values())} if self.items else {}


def _metadata(title: str, version: str, now: datetime | None, **extra: Any) -> dict[str, Any]:
    aims_party = _uuid("party", "aims-graph")
    meta: dict[str, Any] = {
        "title": _line(title),
        "last-modified": _now(now),
        "version": version,
        "oscal-version": OSCAL_VERSION,
    }
    meta.update({k.replace("_", "-"): v for k, v in extra.items() if v})
    meta.setdefault("roles", []).insert(0, {"id": "creator", "title": "Creator of this document"})
    meta.setdefault("parties", []).insert(
        0,
        {
            "uuid": aims_party,
            "type": "organization",
            "name": "aims-graph",
            "links": [{"href": "https://w3id.org/aims-graph/", "rel": "homepage"}],
        },
    )
    meta.setdefault("responsible-parties", []).insert(
        0, {"role-id": "creator", "party-uuids": [aims_party]}
    )
    return meta


# -- catalogs --------------------------------------------------------------------------------


def _control(
    it: CatalogItem, fw: FrameworkEdition, res: _Resources, seq: Iterator[int]
) -> dict[str, Any]:
    cid = control_id(it.ref)
    props = [
        _prop("label", it.notation or it.ref, ns=None),
        _prop("sort-id", f"{next(seq):05d}", ns=None),
        _prop("kind", it.kind or "Item"),
        _prop("iri", it.iri),
    ]
    if it.actor:
        props.append(_prop("actor", it.actor))
    props.extend(_prop("risk-tier", t) for t in sorted(it.tiers))
    if it.provision_reference:
        props.append(_prop("provision-reference", it.provision_reference))
    source = it.source or fw.source
    title = fw.title if source == fw.source else f"{fw.family} {it.notation or it.ref}"
    out: dict[str, Any] = {
        "id": cid,
        "class": _class(it.kind),
        "title": _line(it.title),
        "props": props,
        "links": [
            {"href": res.ref(source, title), "rel": "reference", "text": "Official source"},
            {"href": it.iri, "rel": "alternate", "text": "aims-graph IRI"},
        ],
    }
    if it.summary:
        out["parts"] = [
            {
                "id": f"{cid}_ovw",
                "name": "overview",
                "title": "Summary in aims-graph's own words (not the official text)",
                "prose": it.summary,
            }
        ]
    return out


@dataclass
class _Ctx:
    fw: FrameworkEdition
    res: _Resources
    mapped: set[str]
    seq: Iterator[int]

    def is_group(self, it: CatalogItem) -> bool:
        # OSCAL maps reference controls only, so a mapped item is a control whatever its kind.
        return it.kind in GROUP_KINDS and it.iri not in self.mapped


def _render(it: CatalogItem, ctx: _Ctx, *, as_control: bool) -> tuple[str, dict[str, Any]]:
    """Render an item as ('groups', group) or ('controls', control).

    OSCAL lets a group hold either groups or controls, and a control only controls. A group
    whose children would mix both renders its group-kind children as controls, so nothing is
    lost and the output stays valid.
    """
    node = _control(it, ctx.fw, ctx.res, ctx.seq)
    group = not as_control and ctx.is_group(it)
    if not it.children:
        return ("groups" if group else "controls"), node
    if not group:
        node["controls"] = [_render(c, ctx, as_control=True)[1] for c in it.children]
        return "controls", node
    force = len({ctx.is_group(c) for c in it.children}) > 1
    rendered = [_render(c, ctx, as_control=force) for c in it.children]
    key = rendered[0][0]
    node[key] = [r[1] for r in rendered]
    return "groups", node


def oscal_catalog(
    store: Store, fw: FrameworkEdition, *, now: datetime | None = None
) -> dict[str, Any]:
    """One framework edition as an OSCAL catalog: groups for structure, controls for items."""
    res = _Resources()
    ctx = _Ctx(fw, res, mapped_items(store, fw), iter(range(1, 1_000_000)))
    groups: list[dict[str, Any]] = []
    controls: list[dict[str, Any]] = []
    for top in catalog_items(store, fw):
        key, node = _render(top, ctx, as_control=False)
        (groups if key == "groups" else controls).append(node)
    doc: dict[str, Any] = {
        "metadata": _metadata(
            f"{fw.title} (aims-graph catalog)",
            f"{fw.edition} (aims-graph {__version__})".strip(),
            now,
            props=[_prop("edition", fw.slug), _prop("framework-iri", f"{ID}{fw.slug}")],
            links=[
                {"href": f"{ID}{fw.slug}", "rel": "alternate", "text": "aims-graph IRI"},
                {
                    "href": res.ref(fw.source, fw.title),
                    "rel": "reference",
                    "text": "Official source",
                },
            ],
            roles=[{"id": "source-publisher", "title": "Publisher of the framework"}],
            parties=[
                {"uuid": _uuid("party", fw.publisher), "type": "organization", "name": fw.publisher}
            ],
            responsible_parties=[
                {"role-id": "source-publisher", "party-uuids": [_uuid("party", fw.publisher)]}
            ],
            remarks=(
                f"Catalog of {fw.title}. Text licence of the source: {fw.text_licence}. "
                "This document carries identifiers, short titles, links and one-line "
                "summaries written by aims-graph; no text of the source is reproduced. "
                f"Data licence: CC-BY-4.0 ({DATA_LICENCE})."
            ),
        ),
    }
    if groups:
        doc["groups"] = groups
    if controls:
        doc["controls"] = controls
    if res.items:
        doc["back-matter"] = res.back_matter()
    return _finish(doc, "catalog", "catalog", fw.slug)


def mapped_items(store: Store, fw: FrameworkEdition) -> set[str]:
    """IRIs of an edition's items that some mapping set maps (inverses make subjects enough)."""
    rows = store.select(_MAPPED_QUERY)
    return {r["i"].value for r in rows if r["i"].value.startswith(fw.namespace)}


def catalog_ids(store: Store, fw: FrameworkEdition) -> dict[str, str]:
    """Item IRI → the id it has in the OSCAL catalog export."""
    return {it.iri: control_id(it.ref) for it in walk(catalog_items(store, fw))}


# -- mapping collections ---------------------------------------------------------------------


def oscal_mapping_collection(
    graph: Graph, info: SetInfo, *, now: datetime | None = None
) -> dict[str, Any]:
    """One mapping set as an OSCAL 1.2 mapping-collection: one mapping per pair of editions."""
    res = _Resources()
    edges = stated_mappings(graph, info)
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = {}
    human = any(e.justification in _HUMAN for e in edges)
    for e in edges:
        first, second = edition_of(e.subject) or "", edition_of(e.object) or ""
        s_ref = e.subject[len(ID) + len(first) + 1 :]
        o_ref = e.object[len(ID) + len(second) + 1 :]
        props = [
            _prop("justification", "semapv:" + e.justification.removeprefix(str(SEMAPV))),
            _prop("mapping-iri", e.mapping),
            _prop("set-relation", e.relation.value),
        ]
        entry: dict[str, Any] = {
            "uuid": _uuid("map", e.mapping),
            "relationship": RELATIONSHIP[e.relation],
            "sources": [{"type": "control", "id-ref": control_id(s_ref)}],
            "targets": [{"type": "control", "id-ref": control_id(o_ref)}],
            "confidence-score": {"percentage": round(e.confidence, 6)},
            "props": props,
        }
        if e.source:
            entry["links"] = [
                {"href": res.ref(e.source, "Source document"), "rel": "reference", "text": "Source"}
            ]
        if e.comment:
            entry["remarks"] = e.comment
        by_pair.setdefault((first, second), []).append(entry)
    mappings: list[dict[str, Any]] = []
    for (first, second), maps in by_pair.items():
        mappings.append(
            {
                "uuid": _uuid("mapping", info.iri, first, second),
                "source-resource": _catalog_ref(first, res),
                "target-resource": _catalog_ref(second, res),
                "maps": maps,
            }
        )
    if not mappings:
        raise ValueError(f"mapping set {info.set_id!r} states no mappings")
    links = [{"href": info.iri, "rel": "alternate", "text": "aims-graph IRI"}]
    links.extend({"href": res.ref(s, "Source document"), "rel": "reference"} for s in info.sources)
    doc: dict[str, Any] = {
        "metadata": _metadata(
            info.title or info.set_id,
            info.version or info.date or __version__,
            now,
            props=[
                _prop("mapping-set", info.set_id),
                _prop("licence", info.license or DATA_LICENCE),
            ],
            links=links,
            remarks=(
                f"Mapping set {info.set_id} of aims-graph, licensed "
                f"{info.license or DATA_LICENCE}. Relations follow NIST IR 8477 (equal is written "
                "equivalent-to); each map keeps our SEMAPV justification and written reason. "
                "No text of any standard is reproduced."
            ),
        ),
        "provenance": {
            "method": "human" if human else "automation",
            "matching-rationale": "semantic",
            "status": "complete",
            "mapping-description": info.description or info.title or info.set_id,
        },
        "mappings": mappings,
    }
    if res.items:
        doc["back-matter"] = res.back_matter()
    return _finish(doc, "mapping-collection", "mapping-collection", info.set_id)


def _catalog_ref(slug: str, res: _Resources) -> dict[str, Any]:
    fw = BY_SLUG[slug]
    # Relative to /export/oscal/mappings/<set>.json, this is where the API serves the catalog.
    href = res.ref(
        f"../catalogs/{slug}.json", f"{fw.title} (aims-graph OSCAL catalog)", "application/json"
    )
    return {
        "type": "catalog",
        "href": href,
        "props": [_prop("edition", slug), _prop("framework-iri", f"{ID}{slug}")],
    }

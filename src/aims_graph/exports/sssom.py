"""A mapping set, as loaded in the store, written back as SSSOM/TSV (the format of mappings/)."""

from __future__ import annotations

from typing import Any, Final

from aims_graph.catalog.frameworks import BY_SLUG
from aims_graph.catalog.items import edition_of
from aims_graph.exports.data import SetInfo, stated_mappings
from aims_graph.mappings.relations import SKOS_BRIDGE
from aims_graph.mappings.review import (
    SSSOM_NS,
    STRENGTH_EXTENSION,
    NoCounterpartRow,
    ReviewFields,
    no_counterparts,
    review_of,
)
from aims_graph.mappings.sssom_io import MappingRow
from aims_graph.mappings.sssom_write import dumps_sssom
from aims_graph.namespaces import AIMS, BASE, SEMAPV
from aims_graph.service import Graph

#: Our two columns beyond the SSSOM standard, declared so that SSSOM tools accept them.
EXTENSION_DEFINITIONS: Final = [
    {
        "slot_name": "set_relation",
        "property": str(AIMS.relation),
        "type_hint": "http://www.w3.org/2001/XMLSchema#string",
    },
    {
        "slot_name": "source_document",
        "property": "http://purl.org/dc/terms/source",
        "type_hint": "http://www.w3.org/2001/XMLSchema#anyURI",
    },
]
_VOCAB_PREFIXES: Final = {
    "aims": str(AIMS),
    "semapv": str(SEMAPV),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "aimsgraph": BASE,
    "sssom": SSSOM_NS,
}


def _compact(iri: str, cmap: dict[str, str]) -> str:
    best = max(
        (p for p, ns in cmap.items() if iri.startswith(ns)), key=lambda p: len(cmap[p]), default=""
    )
    return f"{best}:{iri[len(cmap[best]) :]}" if best else iri


def sssom_metadata(info: SetInfo, editions: list[str], graded: bool = False) -> dict[str, Any]:
    """The SSSOM metadata block of a set, rebuilt from what the store holds about it.

    ``graded``: some row carries a strength, so the extension slot is declared.
    """
    cmap = {BY_SLUG[e].prefixes[0]: BY_SLUG[e].namespace for e in editions}
    cmap.update(_VOCAB_PREFIXES)
    meta: dict[str, Any] = {
        "curie_map": cmap,
        "mapping_set_id": info.iri,
        "mapping_set_title": info.title or info.set_id,
    }
    if info.description:
        meta["mapping_set_description"] = info.description
    if info.comment:
        meta["comment"] = info.comment
    if info.version:
        meta["mapping_set_version"] = info.version
    meta["license"] = info.license or "https://creativecommons.org/licenses/by/4.0/"
    if info.creators:
        meta["creator_id"] = [_compact(c, cmap) for c in info.creators]
    if info.date:
        meta["mapping_date"] = info.date
    if info.sources:
        meta["see_also"] = list(info.sources)
    if info.subject_source:
        meta["subject_source"] = info.subject_source
    if info.object_source:
        meta["object_source"] = info.object_source
    meta["extension_definitions"] = EXTENSION_DEFINITIONS + ([STRENGTH_EXTENSION] if graded else [])
    return meta


def sssom_rows(graph: Graph, info: SetInfo) -> tuple[list[str], list[MappingRow]]:
    """The stated mappings of a set as SSSOM rows, plus the editions they touch (in order)."""
    items = graph.mappings.items
    rows: list[MappingRow] = []
    editions: list[str] = []
    reviews = review_of(graph.store, info.iri)
    for e in stated_mappings(graph, info):
        for iri in (e.subject, e.object):
            slug = edition_of(iri)
            if slug and slug not in editions:
                editions.append(slug)
        s, o = items.get(e.subject), items.get(e.object)
        rows.append(
            MappingRow(
                line=0,
                subject=e.subject,
                object=e.object,
                relation=e.relation,
                justification=e.justification,
                confidence=e.confidence,
                subject_id=s.curie if s else "",
                subject_label=(s.label or s.notation) if s else "",
                object_id=o.curie if o else "",
                object_label=(o.label or o.notation) if o else "",
                predicate=SKOS_BRIDGE[e.relation],
                source_document=e.source,
                comment=e.comment,
                review=reviews.get(e.mapping, ReviewFields()),
            )
        )
    return editions, rows


def no_counterpart_rows(graph: Graph, info: SetInfo) -> list[NoCounterpartRow]:
    """The set's no-counterpart records as ``sssom:NoTermFound`` rows (subject side first)."""
    items = graph.mappings.items
    out: list[NoCounterpartRow] = []
    for rec in no_counterparts(graph.store, info.iri):
        item = items.get(rec.item)
        out.append(
            NoCounterpartRow(
                line=0,
                item=rec.item,
                item_id=item.curie if item else "",
                item_label=(item.label or item.notation) if item else "",
                edition=rec.edition,
                missing_side=(
                    "subject"
                    if rec.edition == info.subject_source != info.object_source
                    else "object"
                ),
                justification=rec.justification,
                confidence=rec.confidence,
                comment=rec.reason,
                source_document=rec.source,
                review=rec.review,
            )
        )
    return out


def export_sssom(graph: Graph, info: SetInfo) -> bytes:
    """One mapping set as SSSOM/TSV: its metadata block, then one row per stated mapping."""
    editions, rows = sssom_rows(graph, info)
    absent = no_counterpart_rows(graph, info)
    for r in absent:
        slug = edition_of(r.item)
        if slug and slug not in editions:
            editions.append(slug)
    graded = any(r.strength is not None for r in rows)
    return dumps_sssom(sssom_metadata(info, editions, graded), rows, absent).encode()

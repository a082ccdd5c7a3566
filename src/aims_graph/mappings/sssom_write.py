"""Write mapping sets as SSSOM/TSV, the review columns and NoTermFound rows included."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any, TextIO

from aims_graph.mappings.relations import MODIFIER, SKOS_BRIDGE
from aims_graph.mappings.review import (
    NO_RELATIONSHIP,
    NO_TERM_FOUND_CURIE,
    NO_TERM_PREDICATE,
    REVIEW_COLUMNS,
    NoCounterpartRow,
    ReviewFields,
    strength_text,
)
from aims_graph.mappings.sssom_io import COLUMNS, MappingRow, compact_iri, decimal_text


def _review_cells(review: ReviewFields, cmap: dict[str, str]) -> list[str]:
    return [
        "|".join(compact_iri(r, cmap) for r in review.reviewer_ids),
        _clean(review.reviewer_label),
        review.mapping_date,
        "" if review.strength is None else strength_text(review.strength),
    ]


def _mapping_cells(r: MappingRow, cmap: dict[str, str]) -> list[str]:
    return [
        r.subject_id or compact_iri(r.subject, cmap),
        _clean(r.subject_label),
        compact_iri(SKOS_BRIDGE[r.relation], cmap),
        MODIFIER[r.relation],
        r.object_id or compact_iri(r.object, cmap),
        _clean(r.object_label),
        compact_iri(r.justification, cmap),
        decimal_text(r.confidence),
        r.relation.value,
        r.source_document,
        _clean(r.comment),
    ]


def _absent_cells(r: NoCounterpartRow, cmap: dict[str, str]) -> list[str]:
    item = [r.item_id or compact_iri(r.item, cmap), _clean(r.item_label)]
    none = [NO_TERM_FOUND_CURIE, ""]
    subject, obj = (item, none) if r.missing_side == "object" else (none, item)
    return [
        *subject,
        compact_iri(NO_TERM_PREDICATE, cmap),
        "",
        *obj,
        compact_iri(r.justification, cmap),
        decimal_text(r.confidence),
        NO_RELATIONSHIP,
        r.source_document,
        _clean(r.comment),
    ]


def write_sssom(
    out: TextIO,
    metadata: dict[str, Any],
    rows: Iterable[MappingRow],
    no_counterparts: Iterable[NoCounterpartRow] = (),
) -> None:
    """Write a mapping set as SSSOM/TSV: the YAML metadata block behind '#', then the rows.

    The review columns are written only when some row fills them; NoTermFound rows keep their
    place by line number (after the mappings when they have none).
    """
    cmap: dict[str, str] = dict(metadata.get("curie_map") or {})
    import yaml  # only writing a mapping file needs it, not a server start

    block = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=10_000)
    for line in block.splitlines():
        out.write(f"#{line}\n")
    records: list[tuple[int, list[str], ReviewFields]] = [
        (r.line, _mapping_cells(r, cmap), r.review) for r in rows
    ]
    records += [(r.line, _absent_cells(r, cmap), r.review) for r in no_counterparts]
    records.sort(key=lambda rec: rec[0] or 10**9)
    with_review = any(_review_cells(rev, cmap) != ["", "", "", ""] for _, _, rev in records)
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
    writer.writerow(COLUMNS + (REVIEW_COLUMNS if with_review else ()))
    for _, cells, review in records:
        writer.writerow(cells + (_review_cells(review, cmap) if with_review else []))


def dumps_sssom(
    metadata: dict[str, Any],
    rows: Iterable[MappingRow],
    no_counterparts: Iterable[NoCounterpartRow] = (),
) -> str:
    """Return a mapping set as SSSOM/TSV text."""
    buf = io.StringIO()
    write_sssom(buf, metadata, rows, no_counterparts)
    return buf.getvalue()


def _clean(text: str) -> str:
    # Tabs and newlines would break the row; quoting is off as SSSOM/TSV readers expect.
    return " ".join(text.split())

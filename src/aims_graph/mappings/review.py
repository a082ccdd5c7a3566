"""Review fields of SSSOM rows and "no counterpart" records (``sssom:NoTermFound`` rows).

A curated row may say who reviewed it and when (SSSOM ``reviewer_id``, ``reviewer_label``,
``mapping_date``) and how much of the subject's duty the object carries (our extension slot
``strength``, separate from ``confidence``, which is how sure we are that the row is right).

A row whose object (or subject) is ``sssom:NoTermFound`` is not a mapping: it records that the
item on the other side has no honest counterpart in the set's object (or subject) edition, with the
reason in its comment. It becomes an ``aims:NoCounterpart`` node, never an ``aims:Mapping``, so the
mapping graph, crosswalks and derived chains never see it.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Final, Protocol

from aims_graph.namespaces import AIMS, BASE, DCTERMS, RDF, RDFS, XSD
from aims_graph.store import Store, Term

SSSOM_NS: Final = "https://w3id.org/sssom/"
NO_TERM_FOUND: Final = SSSOM_NS + "NoTermFound"
NO_TERM_FOUND_CURIE: Final = "sssom:NoTermFound"
#: The set_relation and predicate a NoTermFound row must carry (the agreed row format).
NO_RELATIONSHIP: Final = "no-relationship"
NO_TERM_PREDICATE: Final = "http://www.w3.org/2004/02/skos/core#relatedMatch"
#: SSSOM's own properties for the review slots (their slot URIs in the SSSOM schema).
REVIEWER_ID: Final = SSSOM_NS + "reviewer_id"
REVIEWER_LABEL: Final = SSSOM_NS + "reviewer_label"
MAPPING_DATE: Final = SSSOM_NS + "mapping_date"
#: Optional columns beyond the base set, in the order the writer appends them.
REVIEW_COLUMNS: Final = ("reviewer_id", "reviewer_label", "mapping_date", "strength")
STRENGTH_EXTENSION: Final = {
    "slot_name": "strength",
    "property": str(AIMS.strength),
    "type_hint": "http://www.w3.org/2001/XMLSchema#double",
}
NO_COUNTERPART_BASE: Final = BASE + "id/no-counterpart/"
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class ReviewFields:
    """Who reviewed a row and when, and the strength grade (None: not graded)."""

    reviewer_ids: tuple[str, ...] = ()
    reviewer_label: str = ""
    mapping_date: str = ""
    strength: float | None = None


@dataclass(frozen=True, slots=True)
class NoCounterpartRow:
    """A ``sssom:NoTermFound`` row: ``item`` has no counterpart in ``edition`` (a scheme IRI)."""

    line: int
    item: str
    item_id: str
    item_label: str
    edition: str
    missing_side: str  # "object" (the usual form) or "subject"
    justification: str
    confidence: float
    comment: str
    source_document: str = ""
    review: ReviewFields = field(default_factory=ReviewFields)


def is_no_term(raw: str, curie_map: dict[str, str]) -> bool:
    """True when a subject_id/object_id cell names ``sssom:NoTermFound``."""
    raw = raw.strip()
    if raw == NO_TERM_FOUND:
        return True
    prefix, _, local = raw.partition(":")
    return local == "NoTermFound" and curie_map.get(prefix, SSSOM_NS) == SSSOM_NS


def read_review_fields(
    cells: dict[str, str],
    expand: Callable[[str], str | None],
    bad: Callable[[str], None],
) -> ReviewFields:
    """The review columns of one row; each malformed value is reported through ``bad``."""
    ids: list[str] = []
    for raw in filter(None, (p.strip() for p in cells.get("reviewer_id", "").split("|"))):
        iri = expand(raw)
        if iri is None:
            bad(f"reviewer_id {raw!r} is not a CURIE with a prefix declared in curie_map or an IRI")
        else:
            ids.append(iri)
    day = cells.get("mapping_date", "").strip()
    if day and not _is_date(day):
        bad(f"mapping_date {day!r} is not a date (write YYYY-MM-DD)")
    text = cells.get("strength", "").strip()
    strength: float | None = None
    if text:
        try:
            strength = float(text)
        except ValueError:
            bad(f"strength {text!r} is not a number (0.8, 0.6 or 0.4; empty when not graded)")
        else:
            if not 0.0 <= strength <= 1.0:  # also rejects NaN
                bad(f"strength {text!r} is outside 0..1")
    return ReviewFields(tuple(ids), cells.get("reviewer_label", "").strip(), day, strength)


def _is_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_no_term_row(
    line: int,
    cells: dict[str, str],
    curie_map: dict[str, str],
    metadata: dict[str, object],
    common: tuple[str, float, ReviewFields],
    item_of: Callable[[str], str],
    bad: Callable[[str], None],
) -> NoCounterpartRow | None:
    """Check a ``sssom:NoTermFound`` row; ``common`` is its (justification, confidence, review).

    ``item_of(column)`` checks and expands the real item's cell. Returns None after reporting.
    """
    justification, confidence, review = common
    subj_none = is_no_term(cells.get("subject_id", ""), curie_map)
    obj_none = is_no_term(cells.get("object_id", ""), curie_map)
    if subj_none and obj_none:
        bad("subject_id and object_id are both sssom:NoTermFound; one side must be an item")
        return None
    side, item_col = ("object", "subject") if obj_none else ("subject", "object")
    item = item_of(f"{item_col}_id")
    if cells.get(f"{side}_label", "").strip():
        bad(f"{side}_label must be empty on a sssom:NoTermFound row")
    relation = cells.get("set_relation", "").strip()
    if relation != NO_RELATIONSHIP:
        bad(f"set_relation {relation!r} on a sssom:NoTermFound row: write {NO_RELATIONSHIP!r}")
    pred_raw = cells.get("predicate_id", "").strip()
    prefix, _, local = pred_raw.partition(":")
    predicate = pred_raw if pred_raw.startswith("http") else curie_map.get(prefix, "") + local
    if predicate != NO_TERM_PREDICATE or cells.get("predicate_modifier", "").strip():
        bad(
            f"predicate {pred_raw!r} on a sssom:NoTermFound row: "
            "write skos:relatedMatch, no modifier"
        )
    if review.strength is not None:
        bad("strength must be empty on a sssom:NoTermFound row (nothing carries the duty)")
    comment = cells.get("comment", "").strip()
    if not comment:
        bad("comment is required on a sssom:NoTermFound row: say why there is no counterpart")
    source = metadata.get(f"{side}_source")
    edition = str(source or "")
    if edition and not edition.startswith(("http://", "https://")):
        prefix, _, local = edition.partition(":")
        edition = curie_map.get(prefix, "") + local if prefix in curie_map else ""
    if not edition:
        bad(f"a sssom:NoTermFound {side} needs {side}_source in the metadata (the edition meant)")
    if not item or not edition or not comment or math.isnan(confidence):
        return None
    return NoCounterpartRow(
        line=line,
        item=item,
        item_id=cells.get(f"{item_col}_id", "").strip(),
        item_label=cells.get(f"{item_col}_label", "").strip(),
        edition=edition,
        missing_side=side,
        justification=justification,
        confidence=confidence,
        comment=comment,
        source_document=cells.get("source_document", "").strip(),
        review=review,
    )


def conflicts(
    mapped: Iterable[tuple[int, str, str]], absent: Collection[NoCounterpartRow]
) -> list[tuple[int, str]]:
    """Lines where an item is both mapped and recorded as having no counterpart in one set.

    ``mapped`` gives (line, subject, object) of the set's mappings.
    """
    where: dict[tuple[str, str], int] = {}
    for line, subject, obj in mapped:
        where.setdefault((subject, "object"), line)
        where.setdefault((obj, "subject"), line)
    out: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for r in absent:
        key = (r.item, r.missing_side)
        if key in seen:
            out.append((r.line, f"{r.item_id} already has a NoTermFound row on line {seen[key]}"))
            continue
        seen[key] = r.line
        if key in where:
            out.append(
                (
                    r.line,
                    f"{r.item_id} is mapped on line {where[key]} and recorded here as having no "
                    "counterpart; keep one of the two",
                )
            )
    return out


# ---- RDF ---------------------------------------------------------------------------------


class TripleSink(Protocol):
    """Where triples go (the loader's N-Triples collector)."""

    def iri(self, s: str, p: object, o: object) -> None: ...  # noqa: D102

    def lit(  # noqa: D102
        self, s: str, p: object, value: str, datatype: object | None = None, lang: str | None = None
    ) -> None: ...


def strength_text(value: float) -> str:
    """A strength as a plain lexical form (valid for xsd:double, no exponent)."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text if text else "0"


def review_triples(t: TripleSink, node: str, review: ReviewFields, *, stated: bool) -> None:
    """Strength on every mapping node; reviewer and date only on the stated one."""
    if review.strength is not None:
        t.lit(node, AIMS.strength, strength_text(review.strength), XSD.double)
    if not stated:
        return
    for reviewer in review.reviewer_ids:
        t.iri(node, REVIEWER_ID, reviewer)
    if review.reviewer_label:
        t.lit(node, REVIEWER_LABEL, review.reviewer_label)
    if review.mapping_date:
        t.lit(node, MAPPING_DATE, review.mapping_date, XSD.date)


def no_counterpart_iri(set_iri: str, item: str, edition: str) -> str:
    """A stable IRI for the record that ``item`` has no counterpart in ``edition``."""
    digest = hashlib.sha256(f"{set_iri}\n{item}\n{edition}".encode()).hexdigest()
    set_id = set_iri.rstrip("/").rsplit("/", 1)[-1]
    return f"{NO_COUNTERPART_BASE}{set_id}/{digest[:16]}"


def no_counterpart_triples(
    t: TripleSink, set_iri: str, row: NoCounterpartRow, confidence_text: str
) -> None:
    """The ``aims:NoCounterpart`` node of one NoTermFound row (no SKOS link, no inverse)."""
    node = no_counterpart_iri(set_iri, row.item, row.edition)
    t.iri(node, RDF.type, AIMS.NoCounterpart)
    t.iri(node, AIMS.noCounterpartFor, row.item)
    t.iri(node, AIMS.noCounterpartIn, row.edition)
    t.lit(node, AIMS.confidence, confidence_text, XSD.decimal)
    t.iri(node, AIMS.justification, row.justification)
    t.iri(node, AIMS.inMappingSet, set_iri)
    t.lit(node, RDFS.comment, row.comment, lang="en")
    if row.source_document.startswith(("http://", "https://")) and " " not in row.source_document:
        t.iri(node, DCTERMS.source, row.source_document)
    review_triples(t, node, row.review, stated=True)


# ---- reading back ----------------------------------------------------------------------------

_RECORDS_QUERY: Final = f"""
PREFIX aims: <{AIMS}>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?n ?item ?ed ?conf ?just ?set ?reason ?src ?rid ?rlabel ?day WHERE {{
  ?n a aims:NoCounterpart ; aims:noCounterpartFor ?item ; aims:noCounterpartIn ?ed ;
     aims:confidence ?conf ; aims:justification ?just ; aims:inMappingSet ?set ;
     rdfs:comment ?reason .
  OPTIONAL {{ ?n dcterms:source ?src }}
  OPTIONAL {{ ?n <{REVIEWER_ID}> ?rid }}
  OPTIONAL {{ ?n <{REVIEWER_LABEL}> ?rlabel }}
  OPTIONAL {{ ?n <{MAPPING_DATE}> ?day }}
}}
"""


@dataclass(frozen=True, slots=True)
class NoCounterpart:
    """A stored record: ``item`` has no counterpart in ``edition`` (scheme IRI), and why."""

    node: str
    item: str
    edition: str
    reason: str
    confidence: float
    justification: str
    mapping_set: str
    source: str = ""
    review: ReviewFields = field(default_factory=ReviewFields)


def no_counterparts(store: Store, mapping_set: str | None = None) -> list[NoCounterpart]:
    """Every no-counterpart record in the store (or in one set), sorted by item and edition."""
    merged: dict[str, dict[str, set[str]]] = {}
    for row in store.select(_RECORDS_QUERY):
        rec = merged.setdefault(row["n"].value, {})
        for k, v in row.items():
            rec.setdefault(k, set()).add(v.value)
    out: list[NoCounterpart] = []
    for node, rec in merged.items():

        def one(key: str, rec: dict[str, set[str]] = rec) -> str:
            return min(rec.get(key, {""}))

        if mapping_set is not None and one("set") != mapping_set:
            continue
        out.append(
            NoCounterpart(
                node=node,
                item=one("item"),
                edition=one("ed"),
                reason=one("reason"),
                confidence=float(one("conf")),
                justification=one("just"),
                mapping_set=one("set"),
                source=one("src"),
                review=ReviewFields(
                    tuple(sorted(rec.get("rid", set()))), one("rlabel"), one("day")
                ),
            )
        )
    return sorted(out, key=lambda r: (r.item, r.edition, r.mapping_set))


def review_of(store: Store, mapping_set: str) -> dict[str, ReviewFields]:
    """Reviewer, date and strength of the stated mappings of one set, by mapping IRI."""
    query = f"""
    PREFIX aims: <{AIMS}>
    SELECT ?m ?rid ?rlabel ?day ?strength WHERE {{
      ?m aims:inMappingSet ?set .
      FILTER NOT EXISTS {{ ?m <http://www.w3.org/ns/prov#wasDerivedFrom> ?x }}
      {{ ?m <{REVIEWER_ID}> ?rid }} UNION {{ ?m <{REVIEWER_LABEL}> ?rlabel }}
      UNION {{ ?m <{MAPPING_DATE}> ?day }} UNION {{ ?m aims:strength ?strength }}
    }}
    """
    merged: dict[str, dict[str, set[str]]] = {}
    for row in store.select(query, {"set": Term.iri(mapping_set)}):
        rec = merged.setdefault(row["m"].value, {})
        for k, v in row.items():
            rec.setdefault(k, set()).add(v.value)
    out: dict[str, ReviewFields] = {}
    for m, rec in merged.items():
        strength = rec.get("strength")
        out[m] = ReviewFields(
            tuple(sorted(rec.get("rid", set()))),
            min(rec.get("rlabel", {""})),
            min(rec.get("day", {""})),
            float(min(strength)) if strength else None,
        )
    return out

"""Turn mapping files into named graphs: reified stated and inverse mappings, and derived ones."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Final

from aims_graph import resources
from aims_graph.mappings.relations import Relation
from aims_graph.mappings.review import no_counterpart_triples, review_triples
from aims_graph.mappings.sssom_io import (
    SUFFIX,
    MappingRow,
    MappingSetFile,
    decimal_text,
)
from aims_graph.namespaces import (
    AIMS,
    BASE,
    DCTERMS,
    OWL,
    PROV,
    RDF,
    RDFS,
    SEMAPV,
    XSD,
    graph_iri,
)
from aims_graph.store import Store
from aims_graph.store.ntriples import NTriplesWriter

MAPPING_IRI_BASE: Final = BASE + "id/mapping/"
MAPPING_SET_BASE: Final = BASE + "mappings/"
DERIVED_GRAPH: Final = graph_iri("derived")
DERIVED_SET: Final = MAPPING_SET_BASE + "derived"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def mapping_iri(set_iri: str, subject: str, relation: Relation, obj: str) -> str:
    """A stable mapping IRI: a hash of set, subject, relation and object (rebuilds keep it)."""
    return mapping_iris(set_iri)(subject, relation, obj)


def mapping_iris(set_iri: str) -> Callable[[str, Relation, str], str]:
    """:func:`mapping_iri` for one set, its parts worked out once (for 100,000s of IRIs)."""
    head = f"{MAPPING_IRI_BASE}{set_iri.rstrip('/').rsplit('/', 1)[-1]}/"
    hashed = f"{set_iri}\n"
    sha256 = hashlib.sha256

    def iri(subject: str, relation: Relation, obj: str) -> str:
        digest = sha256(f"{hashed}{subject}\n{relation.value}\n{obj}".encode()).hexdigest()
        return head + digest[:16]

    return iri


def mapping_files(directory: Path | None = None) -> list[Path]:
    """The mapping set files, sorted by name."""
    folder = resources.mappings_dir() if directory is None else directory
    return sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []


def known_item_iris(store: Store) -> set[str]:
    """IRIs of every item of every catalog in the store (one query)."""
    rows = store.select(
        "SELECT DISTINCT ?i WHERE { ?i <http://www.w3.org/2004/02/skos/core#inScheme> ?s }"
    )
    return {r["i"].value for r in rows if "i" in r}


def _is_iri(value: str) -> bool:
    return value.startswith(("http://", "https://")) and not any(c in value for c in '<>"{}|^`\\ ')


def _mapping_node(
    t: NTriplesWriter,
    node: str,
    subject: str,
    obj: str,
    relation: Relation,
    confidence: float,
    justification: str,
    set_iri: str,
    source: str,
    comment: str,
) -> None:
    t.iri(node, RDF.type, AIMS.Mapping)
    t.iri(node, AIMS.mappingSubject, subject)
    t.iri(node, AIMS.mappingObject, obj)
    t.iri(node, AIMS.relation, relation.iri)
    t.lit(node, AIMS.confidence, decimal_text(confidence), XSD.decimal)
    t.iri(node, AIMS.justification, justification)
    t.iri(node, AIMS.inMappingSet, set_iri)
    if _is_iri(source):
        t.iri(node, DCTERMS.source, source)
    if comment:
        t.lit(node, RDFS.comment, comment, lang="en")
    # A negated relatedMatch has no plain SKOS form; the reified node alone states it.
    if relation is not Relation.NOT_RELATED:
        t.iri(subject, relation.skos_predicate, obj)


def _set_node(t: NTriplesWriter, msf: MappingSetFile) -> None:
    s = msf.iri
    t.iri(s, RDF.type, AIMS.MappingSet)
    t.lit(s, DCTERMS.title, msf.meta("mapping_set_title"), lang="en")
    if msf.meta("mapping_set_description"):
        t.lit(s, DCTERMS.description, msf.meta("mapping_set_description"), lang="en")
    if msf.meta("comment"):  # e.g. the set's confidence and strength scales
        t.lit(s, RDFS.comment, msf.meta("comment"), lang="en")
    lic = msf.expand(msf.meta("license"))
    if _is_iri(lic):
        t.iri(s, DCTERMS.license, lic)
    else:
        t.lit(s, DCTERMS.license, lic)
    for see in msf.meta_list("see_also"):
        if _is_iri(see):
            t.iri(s, DCTERMS.source, see)
    date = msf.meta("mapping_date")
    if date:
        t.lit(s, DCTERMS.date, date, XSD.date if _DATE.match(date) else None)
    if msf.meta("mapping_set_version"):
        t.lit(s, OWL.versionInfo, msf.meta("mapping_set_version"))
    for creator in msf.meta_list("creator_id"):
        iri = msf.expand(creator)
        if _is_iri(iri):
            t.iri(s, DCTERMS.creator, iri)
    for key, prop in (("subject_source", AIMS.subjectSource), ("object_source", AIMS.objectSource)):
        value = msf.expand(msf.meta(key))
        if _is_iri(value):
            t.iri(s, prop, value)


def mapping_set_ntriples(msf: MappingSetFile) -> bytes:
    """The named-graph content of one mapping set: set node, stated and inverse mappings."""
    t = NTriplesWriter()
    _set_node(t, msf)
    for row in msf.rows:
        _row_triples(t, msf.iri, row)
    for absent in msf.no_counterparts:
        no_counterpart_triples(t, msf.iri, absent, decimal_text(absent.confidence))
    return t.data()


def _row_triples(t: NTriplesWriter, set_iri: str, row: MappingRow) -> None:
    stated = mapping_iri(set_iri, row.subject, row.relation, row.object)
    _mapping_node(
        t,
        stated,
        row.subject,
        row.object,
        row.relation,
        row.confidence,
        row.justification,
        set_iri,
        row.source_document,
        row.comment,
    )
    review_triples(t, stated, row.review, stated=True)
    inv = row.relation.inverse
    inverse = mapping_iri(set_iri, row.object, inv, row.subject)
    _mapping_node(
        t,
        inverse,
        row.object,
        row.subject,
        inv,
        row.confidence,
        str(SEMAPV.MappingInversion),
        set_iri,
        row.source_document,
        "",
    )
    t.iri(inverse, PROV.wasDerivedFrom, stated)
    # The strength grade belongs to the pair, so coverage read through the inverse sees it too.
    review_triples(t, inverse, row.review, stated=False)

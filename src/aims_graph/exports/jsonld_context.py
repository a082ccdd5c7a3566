"""The published JSON-LD context of the JSON API: the API's own keys mapped to RDF terms.

Plain JSON and JSON-LD share one shape: a JSON-LD answer is the JSON answer plus ``@context``
pointing here. Keys with no RDF counterpart (counts, titles, pagination) are left out of the
context, so JSON-LD processors drop them.
"""

from __future__ import annotations

from typing import Any, Final

from aims_graph.catalog.frameworks import editions
from aims_graph.mappings.relations import RELATION_IRI
from aims_graph.namespaces import AIMS, SEMAPV

SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
XSD_NS: Final = "http://www.w3.org/2001/XMLSchema#"

#: API keys with no RDF meaning; mapped to null so that ``@vocab`` does not turn them into
#: made-up aims: properties.
UNMAPPED: Final = (
    "id",
    "curie",
    "framework",
    "framework_kind",
    "prefixes",
    "total",
    "counts",
    "depth",
    "parent",
    "children_count",
    "subject_title",
    "object_title",
    "set",
    "set_title",
    "chain",
    "derived",
    "target",
    "derived_included",
    "min_confidence",
    "count",
    "match",
    "subject_iri",
    "object_iri",
)


def context() -> dict[str, Any]:
    """The context document served at /context.jsonld."""
    terms: dict[str, Any] = {
        "@version": 1.1,
        "@vocab": str(AIMS),
        "aims": str(AIMS),
        "skos": SKOS,
        "dcterms": DCTERMS,
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        "xsd": XSD_NS,
        "prov": "http://www.w3.org/ns/prov#",
        "semapv": str(SEMAPV),
        "iri": "@id",
        "kind": "@type",
        # items
        "notation": {"@id": "skos:notation"},
        "label": {"@id": "skos:prefLabel", "@language": "en"},
        "alt_labels": {"@id": "skos:altLabel", "@language": "en", "@container": "@set"},
        "summary": {"@id": "aims:summary", "@language": "en"},
        "source": {"@id": "dcterms:source", "@type": "@id"},
        "scheme": {"@id": "skos:inScheme", "@type": "@id"},
        "parents": {"@id": "skos:broader", "@container": "@set"},
        "children": {"@id": "skos:narrower", "@container": "@set"},
        "top_concepts": {"@id": "skos:hasTopConcept", "@container": "@set"},
        # frameworks
        "title": {"@id": "dcterms:title", "@language": "en"},
        "family": {"@id": "aims:family"},
        "edition": {"@id": "aims:edition"},
        "publisher": {"@id": "dcterms:publisher"},
        "issued": {"@id": "dcterms:issued", "@type": "xsd:date"},
        "licence": {"@id": "aims:textLicence"},
        # mappings: an item's mappings point back at it through mappingSubject/mappingObject
        "mappings": {"@reverse": "aims:mappingSubject"},
        "mappings_out": {"@reverse": "aims:mappingSubject"},
        "mappings_in": {"@reverse": "aims:mappingObject"},
        "derived_mappings": {"@reverse": "aims:mappingSubject"},
        "subject": {"@id": "aims:mappingSubject", "@type": "@id"},
        "object": {"@id": "aims:mappingObject", "@type": "@id"},
        "relation": {"@id": "aims:relation", "@type": "@vocab"},
        "confidence": {"@id": "aims:confidence", "@type": "xsd:decimal"},
        "strength": {"@id": "aims:strength", "@type": "xsd:double"},
        "justification": {"@id": "aims:justification", "@type": "@id"},
        "set_iri": {"@id": "aims:inMappingSet", "@type": "@id"},
        "comment": {"@id": "rdfs:comment", "@language": "en"},
        "inverse_of": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    }
    for key in UNMAPPED:
        terms[key] = None
    for relation, iri in RELATION_IRI.items():
        terms[relation.value] = iri
    for fw in editions():
        for prefix in fw.prefixes:
            terms[prefix] = {"@id": fw.namespace, "@prefix": True}
    return {"@context": terms}

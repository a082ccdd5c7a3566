"""RDF namespaces and IRI builders shared by every module."""

from __future__ import annotations

from typing import Final

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

BASE: Final = "https://w3id.org/aims-graph/"
AIMS: Final = Namespace(BASE + "ontology#")
ID: Final = BASE + "id/"
GRAPH: Final = BASE + "graph/"
SEMAPV: Final = Namespace("https://w3id.org/semapv/vocab/")
DPV: Final = Namespace("https://w3id.org/dpv#")
AIACT: Final = Namespace("https://w3id.org/dpv/legal/eu/aiact#")
AIRO: Final = Namespace("https://w3id.org/airo#")

__all__ = [
    "AIACT",
    "AIMS",
    "AIRO",
    "BASE",
    "DCTERMS",
    "DPV",
    "GRAPH",
    "ID",
    "OWL",
    "PROV",
    "RDF",
    "RDFS",
    "SEMAPV",
    "SKOS",
    "XSD",
    "graph_iri",
    "item_iri",
    "scheme_iri",
]


def scheme_iri(edition: str) -> str:
    """Return the IRI of a framework edition's concept scheme."""
    return f"{ID}{edition}"


def item_iri(edition: str, ref: str) -> str:
    """Return the IRI of one item of a framework edition."""
    return f"{ID}{edition}/{ref}"


def graph_iri(name: str) -> str:
    """Return the IRI of a named graph, e.g. ``catalog/iso42001-2023``."""
    return f"{GRAPH}{name}"

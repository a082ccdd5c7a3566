"""What an IRI of the graph dereferences to: its description as RDF, and as a small HTML page.

A description is CBD-style: every triple with the IRI as subject, the mapping nodes that have it as
subject or object (each with all its triples), the hops of a derived mapping, and the
``skos:broader`` links of its children, so that a client sees the item, its place in the tree and
its mappings in one document.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from aims_graph.catalog.frameworks import editions
from aims_graph.mappings.relations import RELATION_BY_IRI
from aims_graph.namespaces import AIMS, BASE, DCTERMS, DPV, OWL, PROV, SEMAPV, SKOS, XSD
from aims_graph.store import Store, StoreError, Term

#: Media types an IRI is served in: canonical type → rdflib serialiser name.
RDF_SERIALISERS: Final[dict[str, str]] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}

_FIXED_PREFIXES: Final[dict[str, str]] = {
    "aims": str(AIMS),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "prov": str(PROV),
    "xsd": str(XSD),
    "semapv": str(SEMAPV),
    "dpv": str(DPV),
}


def prefixes() -> dict[str, str]:
    """Prefixes of the output: the vocabularies, then each public edition's first one."""
    return {**_FIXED_PREFIXES, **{f.prefixes[0]: f.namespace for f in editions()}}


_DESCRIBE = """
PREFIX aims: <https://w3id.org/aims-graph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?iri ?s ?p ?o WHERE {
  { ?iri ?p ?o . BIND(?iri AS ?s) }
  UNION { ?s aims:mappingSubject ?iri . ?s ?p ?o }
  UNION { ?s aims:mappingObject ?iri . ?s ?p ?o }
  UNION { ?iri aims:hop ?s . ?s ?p ?o }
  UNION { ?s skos:broader ?iri . BIND(skos:broader AS ?p) BIND(?iri AS ?o) }
}
"""

_LABELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?notation ?label ?title ?scheme WHERE {
  VALUES ?x { %s }
  OPTIONAL { ?x skos:notation ?notation }
  OPTIONAL { ?x skos:prefLabel ?label }
  OPTIONAL { ?x rdfs:label ?label }
  OPTIONAL { ?x dcterms:title ?title }
  OPTIONAL { ?x skos:inScheme ?scheme }
}
"""


@dataclass
class Label:
    """How a linked resource is shown: its notation and label, when it has them."""

    notation: str = ""
    label: str = ""
    scheme: str = ""


@dataclass
class Description:
    """The triples describing one IRI, plus labels of every resource they link to."""

    iri: str
    graph: Graph
    labels: dict[str, Label] = field(default_factory=dict)

    def serialize(self, media_type: str) -> bytes:
        """Serialise the triples in one of :data:`RDF_SERIALISERS`."""
        fmt = RDF_SERIALISERS[media_type]
        if fmt == "json-ld":
            return self.graph.serialize(format="json-ld", context=prefixes(), encoding="utf-8")
        return self.graph.serialize(format=fmt, encoding="utf-8")


def is_servable_iri(iri: str) -> bool:
    """True when the IRI is one of ours and safe to use as a query term."""
    if not iri.startswith(BASE):
        return False
    try:
        Term.iri(iri).n3()
    except StoreError:
        return False
    return True


def _rdflib(term: Term) -> Node:
    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    # RDF 1.1 simple literals are xsd:string; rdflib tells the two apart, so write the simple form.
    if not term.datatype or term.datatype == str(XSD.string):
        return Literal(term.value, lang=term.lang)
    return Literal(term.value, datatype=URIRef(term.datatype))


def _new_graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in prefixes().items():
        g.bind(prefix, ns)
    return g


def describe(store: Store, iri: str) -> Description | None:
    """Describe an IRI from the store, or None when the graph says nothing about it."""
    if not is_servable_iri(iri):
        return None
    # A SELECT that projects ?iri lets the engine substitute it before planning (2 ms, where the
    # same CONSTRUCT with a trailing VALUES scans every mapping: 300 ms).
    g = _new_graph()
    for row in store.select(_DESCRIBE, {"iri": Term.iri(iri)}):
        if {"s", "p", "o"} <= row.keys():
            g.add((_rdflib(row["s"]), _rdflib(row["p"]), _rdflib(row["o"])))
    if len(g) == 0:
        return None
    return Description(iri, g, _labels(store, g))


def _labels(store: Store, g: Graph) -> dict[str, Label]:
    linked = {str(t) for t in g.all_nodes() if isinstance(t, URIRef) and str(t).startswith(BASE)}
    linked |= {str(t) for t in g.subjects() if isinstance(t, URIRef)}
    if not linked:
        return {}
    values = " ".join(Term.iri(i).n3() for i in sorted(linked))
    # Escaped terms in a leading VALUES block (as queries.bind does for lists): a trailing one is
    # joined after the OPTIONALs have run over every resource.
    rows = store.select(_LABELS % values)
    out: dict[str, Label] = {}
    for r in rows:
        lab = out.setdefault(r["x"].value, Label())
        if "notation" in r and not lab.notation:
            lab.notation = r["notation"].value
        for key in ("label", "title"):
            if key in r and not lab.label:
                lab.label = r[key].value
        if "scheme" in r and not lab.scheme:
            lab.scheme = r["scheme"].value
    return out


# -- the HTML page ---------------------------------------------------------------------------------


def local_href(iri: str) -> str:
    """Where a link to an IRI points: our IRIs on this server, others as they are."""
    if iri.startswith(BASE + "id/"):
        return "/" + iri[len(BASE) :]
    if iri.startswith(str(AIMS)):
        return "/ontology#" + iri[len(str(AIMS)) :]
    if iri == BASE + "ontology":
        return "/ontology"
    return iri


def curie(iri: str) -> str:
    """Shorten an IRI with the known prefixes (the IRI itself when none fits)."""
    known = prefixes()
    best = ""
    for prefix, ns in known.items():
        if iri.startswith(ns) and len(ns) > len(known.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(known[best]) :]}" if best else iri


@dataclass
class Link:
    """A link on the page: where to, and the text shown."""

    href: str
    text: str
    note: str = ""


@dataclass
class MappingRow:
    """One mapping as the page lists it."""

    node: Link
    other: Link
    relation: str
    confidence: str
    justification: str
    mapping_set: Link | None
    source: Link | None
    derived: bool


@dataclass
class ItemPage:
    """Everything the HTML page shows, already resolved to text and links."""

    iri: str
    heading: str
    notation: str
    label: str
    summary: str
    kinds: list[Link]
    framework: Link | None
    parents: list[Link]
    children: list[Link]
    top_concepts: list[Link]
    sources: list[Link]
    mappings_out: list[MappingRow]
    mappings_in: list[MappingRow]
    properties: list[tuple[str, list[Link]]]
    formats: list[Link]


def _one(g: Graph, s: Node, p: URIRef) -> str:
    for o in g.objects(s, p):
        return str(o)
    return ""


_SHOWN: Final = {
    RDF.type,
    SKOS.notation,
    SKOS.prefLabel,
    AIMS.summary,
    SKOS.inScheme,
    SKOS.broader,
    SKOS.hasTopConcept,
    DCTERMS.source,
}


def build_page(desc: Description) -> ItemPage:
    """Resolve a description into what the HTML page shows."""
    g, me = desc.graph, URIRef(desc.iri)
    labels = desc.labels

    def link(node: Any) -> Link:
        if isinstance(node, Literal):
            text = str(node)
            if node.language:
                return Link("", text)
            return Link("", text, curie(str(node.datatype)) if node.datatype else "")
        iri = str(node)
        lab = labels.get(iri, Label())
        if iri in RELATION_BY_IRI:
            return Link(local_href(iri), RELATION_BY_IRI[iri].value)
        text = _joined(lab.notation, lab.label) or curie(iri)
        return Link(local_href(iri), text)

    def by_text(links: list[Link]) -> list[Link]:
        return sorted(links, key=lambda x: _natural(x.text))

    notation = _one(g, me, SKOS.notation)
    label = _one(g, me, SKOS.prefLabel) or _one(g, me, DCTERMS.title) or _one(g, me, RDFS.label)
    scheme = _one(g, me, SKOS.inScheme)
    mappings_out: list[MappingRow] = []
    mappings_in: list[MappingRow] = []
    for node in set(g.subjects(RDF.type, AIMS.Mapping)):
        subj, obj = _one(g, node, AIMS.mappingSubject), _one(g, node, AIMS.mappingObject)
        if desc.iri not in (subj, obj) or str(node) == desc.iri:
            continue
        rel = _one(g, node, AIMS.relation)
        mset = _one(g, node, AIMS.inMappingSet)
        src = _one(g, node, DCTERMS.source)
        row = MappingRow(
            node=Link(local_href(str(node)), "details"),
            other=link(URIRef(obj if subj == desc.iri else subj)),
            relation=RELATION_BY_IRI[rel].value if rel in RELATION_BY_IRI else curie(rel),
            confidence=_one(g, node, AIMS.confidence),
            justification=curie(_one(g, node, AIMS.justification)),
            mapping_set=link(URIRef(mset)) if mset else None,
            source=Link(src, src) if src else None,
            derived=(node, RDF.type, AIMS.DerivedMapping) in g,
        )
        (mappings_out if subj == desc.iri else mappings_in).append(row)
    mapping_nodes = set(g.subjects(RDF.type, AIMS.Mapping)) - {me}
    properties: dict[str, list[Link]] = defaultdict(list)
    for p, o in g.predicate_objects(me):
        shown_type = p == RDF.type and str(o).startswith(str(AIMS))
        if shown_type or (p in _SHOWN and p != RDF.type):
            continue
        properties[curie(str(p))].append(link(o))

    def row_key(m: MappingRow) -> tuple[bool, tuple[tuple[int, int | str], ...], str]:
        return (m.derived, _natural(m.other.text), m.relation)

    formats = [
        Link("?format=ttl", "Turtle"),
        Link("?format=nt", "N-Triples"),
        Link("?format=jsonld", "JSON-LD"),
        Link("?format=rdfxml", "RDF/XML"),
    ]
    return ItemPage(
        iri=desc.iri,
        heading=_joined(notation, label) or curie(desc.iri),
        notation=notation,
        label=label,
        summary=_one(g, me, AIMS.summary) or _one(g, me, DCTERMS.description),
        kinds=by_text(
            [
                Link(local_href(str(t)), str(t)[len(str(AIMS)) :])
                for t in g.objects(me, RDF.type)
                if str(t).startswith(str(AIMS))
            ]
        ),
        framework=link(URIRef(scheme)) if scheme else None,
        parents=by_text([link(o) for o in g.objects(me, SKOS.broader)]),
        children=by_text([link(s) for s in g.subjects(SKOS.broader, me) if s not in mapping_nodes]),
        top_concepts=by_text([link(o) for o in g.objects(me, SKOS.hasTopConcept)]),
        sources=[Link(str(o), str(o)) for o in g.objects(me, DCTERMS.source)],
        mappings_out=sorted(mappings_out, key=row_key),
        mappings_in=sorted(mappings_in, key=row_key),
        properties=sorted((k, by_text(v)) for k, v in properties.items()),
        formats=formats,
    )


def _joined(notation: str, label: str) -> str:
    """ "A.6.2.4 — AI system verification", or just one of them when the other is empty or equal."""
    if not label or label == notation:
        return notation
    return f"{notation} — {label}" if notation else label


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts A.2 before A.10."""
    parts: list[tuple[int, int | str]] = []
    for chunk in _CHUNKS.findall(text):
        parts.append((0, int(chunk)) if chunk.isdigit() else (1, chunk.lower()))
    return tuple(parts)


_CHUNKS: Final = re.compile(r"\d+|\D+")


@functools.cache
def _templates() -> Any:
    """The page templates, loaded when a page is first rendered (jinja2 is not a start cost)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(Path(__file__).with_name("templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def render_html(desc: Description) -> str:
    """The description as a small, escaped HTML page."""
    return str(_templates().get_template("item.html").render(p=build_page(desc)))

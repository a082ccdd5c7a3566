"""RDF exports: the whole graph, one catalog or one mapping set in any common RDF syntax."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

import pyoxigraph as ox

from aims_graph.catalog.frameworks import editions
from aims_graph.namespaces import AIMS, BASE, DPV, GRAPH, ID, SEMAPV
from aims_graph.store import Store
from aims_graph.store.graphs import META_GRAPH, public_graphs

#: (done, total, what) after each step of a long export.
ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class RdfSyntax:
    """One RDF serialisation we export."""

    name: str
    format: ox.RdfFormat
    media_type: str
    extension: str
    dataset: bool  # keeps named graphs (N-Quads, TriG)


RDF_SYNTAXES: Final[dict[str, RdfSyntax]] = {
    s.name: s
    for s in (
        RdfSyntax("turtle", ox.RdfFormat.TURTLE, "text/turtle", "ttl", False),
        RdfSyntax("nt", ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt", False),
        RdfSyntax("jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", "jsonld", False),
        RdfSyntax("nquads", ox.RdfFormat.N_QUADS, "application/n-quads", "nq", True),
        RdfSyntax("trig", ox.RdfFormat.TRIG, "application/trig", "trig", True),
    )
}

#: RDF/XML: not an export format of its own (the CLI's list), but served by the Graph Store.
RDF_XML_SYNTAX: Final = RdfSyntax(
    "rdfxml", ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf", False
)

#: Prefixes written into Turtle, TriG and JSON-LD: vocabularies, then each edition's own.
_FIXED_PREFIXES: Final[dict[str, str]] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "aims": str(AIMS),
    "semapv": str(SEMAPV),
    "dpv": str(DPV),
    "aimsid": ID,
    "aimsgraph": BASE,
}


def prefixes() -> dict[str, str]:
    """Prefixes of the output: the vocabularies, then each public edition's first one."""
    return {**_FIXED_PREFIXES, **{f.prefixes[0]: f.namespace for f in editions()}}


def exported_graphs(store: Store) -> list[str]:
    """The graphs a whole-graph export holds: the public ones but the build's bookkeeping."""
    return [g for g in public_graphs(store.graphs()) if g.startswith(GRAPH) and g != META_GRAPH]


def _quads(store: Store, graph: str) -> Iterable[ox.Quad]:
    name = ox.NamedNode(graph)
    data = store.dump_graph(graph, "application/n-triples")
    for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES):
        yield ox.Quad(t.subject, t.predicate, t.object, name)


def _term_key(term: object) -> str:
    return str(term)


def serialise_graphs(
    store: Store, graphs: list[str], syntax: RdfSyntax, progress: ProgressFn | None = None
) -> bytes:
    """Serialise named graphs: as a dataset (N-Quads, TriG) or as the union of their triples.

    Statements are sorted so that the output is stable and Turtle groups each subject's triples.
    """
    quads: list[ox.Quad] = []
    triples: dict[ox.Triple, None] = {}  # ordered set: the same triple in two graphs once
    for n, graph in enumerate(graphs, start=1):
        for q in _quads(store, graph):
            if syntax.dataset:
                quads.append(q)
            else:
                triples[q.triple] = None
        if progress:
            progress(n, len(graphs) + 1, graph.removeprefix(GRAPH))
    if syntax.dataset:
        quads.sort(
            key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))
        )
        out = ox.serialize(quads, format=syntax.format, prefixes=prefixes())
    else:
        ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        if syntax.name == "jsonld":
            out = compact_jsonld(ordered)
        else:
            out = ox.serialize(ordered, format=syntax.format, prefixes=prefixes())
    if progress:
        progress(len(graphs) + 1, len(graphs) + 1, "serialised")
    return out if isinstance(out, bytes) else b""


def _curie(iri: str) -> str:
    known = prefixes()
    best = ""
    for prefix, ns in known.items():
        if iri.startswith(ns) and len(ns) > len(known.get(best, "")):
            best = prefix
    if not best:
        return iri
    local = iri[len(known[best]) :]
    # A local part starting with '//' would read as an absolute IRI; keep those whole.
    return iri if local.startswith("//") else f"{best}:{local}"


def _node_id(term: object) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return _curie(term.value)
    raise TypeError(f"unexpected RDF term {term!r}")


def _value(term: object) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        out = {"@value": term.value}
        if term.language:
            out["@language"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["@type"] = _curie(term.datatype.value)
        return out
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return {"@id": _node_id(term)}
    raise TypeError(f"unexpected RDF term {term!r}")


def compact_jsonld(triples: Iterable[ox.Triple]) -> bytes:
    """JSON-LD with our prefixes as its context: one node object per subject, CURIEs throughout.

    pyoxigraph writes expanded JSON-LD only (full IRIs everywhere, about 3x larger).
    """
    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        sid = _node_id(t.subject)
        node = nodes.setdefault(sid, {"@id": sid})
        if t.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" and isinstance(
            t.object, ox.NamedNode
        ):
            node.setdefault("@type", []).append(_curie(t.object.value))
        else:
            node.setdefault(_curie(t.predicate.value), []).append(_value(t.object))
    doc = {"@context": prefixes(), "@graph": list(nodes.values())}
    return json.dumps(doc, ensure_ascii=False).encode()

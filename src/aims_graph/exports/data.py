"""What the exporters read from the store: catalog items, mapping sets and their mappings.

Everything here goes through the ``Store`` protocol, so exports work on every backend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from aims_graph.catalog.frameworks import BY_SLUG, FrameworkEdition, edition_rank, framework
from aims_graph.catalog.items import edition_of
from aims_graph.mappings.model import Edge
from aims_graph.namespaces import AIMS, GRAPH, ID, graph_iri
from aims_graph.service import Graph
from aims_graph.store import Store, Term

MAPPINGS_GRAPH_PREFIX: Final = GRAPH + "mappings/"


class ExportInputError(ValueError):
    """An export request names an unknown framework, mapping set or format."""

    def __init__(self, message: str, *, kind: str = "bad-request") -> None:
        super().__init__(message)
        #: what was wrong: unknown-framework, unknown-mapping-set, unknown-format, bad-request
        self.kind = kind


# -- ordering --------------------------------------------------------------------------------

_TOKEN: Final = re.compile(r"\d+|[^\W\d_]+")
_ROMAN: Final = {"I": 1, "V": 5, "X": 10}
#: NIST AI RMF functions (and the AI 600-1 action prefixes) in the framework's own order.
_FUNCTION_ORDER: Final = {
    "GOVERN": 0,
    "MAP": 1,
    "MEASURE": 2,
    "MANAGE": 3,
    "GV": 0,
    "MP": 1,
    "MS": 2,
    "MG": 3,
}
#: Annexes after the body text, obligations after the paragraphs they hang from.
_KIND_RANK: Final = {"Annex": 1, "Obligation": 2}


def _roman(token: str) -> int | None:
    if not token or any(c not in _ROMAN for c in token) or len(token) > 6:
        return None
    total = 0
    for i, c in enumerate(token):
        value = _ROMAN[c]
        nxt = _ROMAN[token[i + 1]] if i + 1 < len(token) else 0
        total += -value if value < nxt else value
    return total


def sort_key(notation: str, kind: str = "") -> tuple[object, ...]:
    """A key that orders items as the publisher does (numbers, roman numerals, NIST functions)."""
    parts: list[tuple[int, int, str]] = []
    for tok in _TOKEN.findall(notation):
        if tok.isdigit():
            parts.append((1, int(tok), ""))
        elif tok in _FUNCTION_ORDER:
            parts.append((0, _FUNCTION_ORDER[tok], ""))
        elif (r := _roman(tok)) is not None:
            parts.append((1, r, ""))
        else:
            parts.append((2, 0, tok.lower()))
    return (_KIND_RANK.get(kind, 0), tuple(parts), notation)


# -- catalogs --------------------------------------------------------------------------------

_CATALOG_QUERY: Final = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX aims: <{AIMS}>
SELECT ?i ?type ?notation ?label ?summary ?source ?parent ?actor ?tier ?provref WHERE {{
  GRAPH ?g {{
    ?i skos:inScheme ?scheme .
    OPTIONAL {{ ?i a ?type FILTER(STRSTARTS(STR(?type), STR(aims:))) }}
    OPTIONAL {{ ?i skos:notation ?notation }}
    OPTIONAL {{ ?i skos:prefLabel ?label }}
    OPTIONAL {{ ?i aims:summary ?summary }}
    OPTIONAL {{ ?i dcterms:source ?source }}
    OPTIONAL {{ ?i skos:broader ?parent }}
    OPTIONAL {{ ?i aims:actor ?actor }}
    OPTIONAL {{ ?i aims:riskTier ?tier }}
    OPTIONAL {{ ?i aims:provisionReference ?provref }}
  }}
}}
"""


@dataclass
class CatalogItem:
    """One item of a framework edition, as exports show it."""

    iri: str
    ref: str
    kind: str = ""
    notation: str = ""
    label: str = ""
    summary: str = ""
    source: str = ""
    parent: str | None = None
    actor: str = ""
    tiers: set[str] = field(default_factory=set)
    provision_reference: str = ""
    children: list[CatalogItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The short title (the notation when there is none)."""
        return self.label or self.notation or self.ref

    def key(self) -> tuple[object, ...]:
        """Publication order among siblings."""
        return sort_key(self.notation or self.ref, self.kind)


def edition(text: str) -> FrameworkEdition:
    """Resolve a framework slug or CURIE prefix; raise ExportInputError naming the known ones."""
    try:
        return framework(text)
    except KeyError as exc:
        raise ExportInputError(str(exc.args[0]), kind="unknown-framework") from None


def _local(iri: str, prefix: str) -> str:
    return iri.rsplit("/", 1)[-1].removeprefix(prefix)


def catalog_items(store: Store, fw: FrameworkEdition) -> list[CatalogItem]:
    """The items of one edition as a tree: the top-level items, children sorted, in order."""
    rows = store.select(
        _CATALOG_QUERY,
        {"g": Term.iri(graph_iri(f"catalog/{fw.slug}")), "scheme": Term.iri(f"{ID}{fw.slug}")},
    )
    items: dict[str, CatalogItem] = {}
    for row in rows:
        iri = row["i"].value
        if edition_of(iri) != fw.slug:
            continue
        it = items.get(iri)
        if it is None:
            it = items[iri] = CatalogItem(iri, iri[len(fw.namespace) :])

        def val(name: str, row: dict[str, Term] = row) -> str:
            term = row.get(name)
            return term.value if term is not None else ""

        kind = val("type").removeprefix(str(AIMS))
        # Keep one kind deterministically when an item carries several aims classes.
        if kind and (not it.kind or kind < it.kind):
            it.kind = kind
        it.notation = it.notation or val("notation")
        it.label = it.label or val("label")
        it.summary = it.summary or val("summary")
        it.source = it.source or val("source")
        it.parent = it.parent or (val("parent") or None)
        it.actor = it.actor or _local(val("actor"), "actor-")
        if val("tier"):
            it.tiers.add(_local(val("tier"), "tier-"))
        it.provision_reference = it.provision_reference or val("provref")
    roots: list[CatalogItem] = []
    for it in items.values():
        parent = items.get(it.parent) if it.parent else None
        (parent.children if parent is not None else roots).append(it)
    for it in items.values():
        it.children.sort(key=CatalogItem.key)
    roots.sort(key=CatalogItem.key)
    return roots


def walk(items: list[CatalogItem]) -> list[CatalogItem]:
    """Every item of a tree in document order (depth first)."""
    out: list[CatalogItem] = []
    stack = list(reversed(items))
    while stack:
        it = stack.pop()
        out.append(it)
        stack.extend(reversed(it.children))
    return out


# -- mapping sets ----------------------------------------------------------------------------

_SETS_QUERY: Final = f"""
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX aims: <{AIMS}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?g ?set ?title ?description ?comment ?license ?date ?version ?source ?creator ?ssrc ?osrc
WHERE {{
  GRAPH ?g {{
    ?set a aims:MappingSet .
    OPTIONAL {{ ?set dcterms:title ?title }}
    OPTIONAL {{ ?set rdfs:comment ?comment }}
    OPTIONAL {{ ?set dcterms:description ?description }}
    OPTIONAL {{ ?set dcterms:license ?license }}
    OPTIONAL {{ ?set dcterms:date ?date }}
    OPTIONAL {{ ?set owl:versionInfo ?version }}
    OPTIONAL {{ ?set dcterms:source ?source }}
    OPTIONAL {{ ?set dcterms:creator ?creator }}
    OPTIONAL {{ ?set aims:subjectSource ?ssrc }}
    OPTIONAL {{ ?set aims:objectSource ?osrc }}
  }}
  FILTER(STRSTARTS(STR(?g), "{MAPPINGS_GRAPH_PREFIX}"))
}}
"""


@dataclass
class SetInfo:
    """A mapping set's metadata as the store holds it."""

    set_id: str
    iri: str
    graph: str
    title: str = ""
    description: str = ""
    license: str = ""
    date: str = ""
    version: str = ""
    sources: list[str] = field(default_factory=list)
    creators: list[str] = field(default_factory=list)
    subject_source: str = ""
    object_source: str = ""
    comment: str = ""


def mapping_sets(store: Store) -> dict[str, SetInfo]:
    """Every mapping set in the store, by set id (the file name without .sssom.tsv)."""
    out: dict[str, SetInfo] = {}
    for row in store.select(_SETS_QUERY):
        g = row["g"].value
        set_id = g.removeprefix(MAPPINGS_GRAPH_PREFIX)
        info = out.get(set_id)
        if info is None:
            info = out[set_id] = SetInfo(set_id, row["set"].value, g)

        def val(name: str, row: dict[str, Term] = row) -> str:
            term = row.get(name)
            return term.value if term is not None else ""

        info.title = info.title or val("title")
        info.description = info.description or val("description")
        info.comment = info.comment or val("comment")
        info.license = info.license or val("license")
        info.date = info.date or val("date")
        info.version = info.version or val("version")
        info.subject_source = info.subject_source or val("ssrc")
        info.object_source = info.object_source or val("osrc")
        for name, bucket in (("source", info.sources), ("creator", info.creators)):
            if val(name) and val(name) not in bucket:
                bucket.append(val(name))
    for info in out.values():
        info.sources.sort()
        info.creators.sort()
    return dict(sorted(out.items()))


def mapping_set(store: Store, set_id: str) -> SetInfo:
    """One mapping set's metadata; raise ExportInputError listing the known set ids."""
    sets = mapping_sets(store)
    if set_id not in sets:
        known = ", ".join(sets) or "(none)"
        raise ExportInputError(
            f"unknown mapping set {set_id!r}; known: {known}", kind="unknown-mapping-set"
        )
    return sets[set_id]


def _edge_key(graph: Graph, e: Edge) -> tuple[object, ...]:
    def one(iri: str) -> tuple[object, ...]:
        item = graph.mappings.items.get(iri)
        slug = edition_of(iri) or ""
        order = edition_rank(slug)
        return (order, sort_key(item.notation if item else iri, item.kind if item else ""))

    return (one(e.subject), one(e.object), e.relation.value, e.mapping)


def stated_mappings(graph: Graph, info: SetInfo) -> list[Edge]:
    """The mappings a set states (its file's rows, no inverses), in catalog order."""
    edges = [
        e for e in graph.mappings.graph.edges() if e.mapping_set == info.iri and not e.inverse_of
    ]
    return sorted(edges, key=lambda e: _edge_key(graph, e))


def crosswalk_mappings(graph: Graph, first: str, second: str) -> list[Edge]:
    """Every stated mapping between two editions, read from ``first`` to ``second``.

    A mapping stated the other way round appears as its inverse (kept by the loader), so each
    stated mapping shows up exactly once.
    """
    edges = [
        e
        for e in graph.mappings.graph.edges()
        if edition_of(e.subject) == first and edition_of(e.object) == second
    ]
    return sorted(edges, key=lambda e: _edge_key(graph, e))


def stated_edges_by_iri(graph: Graph) -> dict[str, Edge]:
    """Stated mappings by IRI (to show an inverse with the reason of the mapping it mirrors)."""
    return {e.mapping: e for e in graph.mappings.graph.edges() if not e.inverse_of}


def edition_title(slug: str) -> str:
    """Family and edition of a slug, e.g. 'ISO/IEC 42001:2023'."""
    fw = BY_SLUG.get(slug)
    if fw is None:
        return slug
    sep = ":" if fw.family.startswith("ISO") else " "
    return f"{fw.family}{sep}{fw.edition}"

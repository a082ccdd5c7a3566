"""An organisation's own framework editions and mapping sets, in named graphs of its own.

Each edition is one graph (``…/graph/org/{id}/framework/{name}``) holding its SKOS catalog and,
on the scheme node, a JSON record of its publication facts; each mapping set is one graph
(``…/graph/org/{id}/mappings/{name}``) holding the set as the build writes a shipped one, with
the SSSOM/TSV text it came from on the set node. Neither is in the standards view, so no public
route or query sees them; the organisation's own routes (and ``/sparql`` with its key) do.

An organisation's edition id is ``org.{id}.{name}``: no public edition may start with ``org.``,
so the two can never clash. Its crosswalk, explanations and coverage run over an overlay of the
public item index and mapping graph with its own items and mappings added.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any, Final

from rdflib import Graph as RdfGraph
from rdflib import Literal, URIRef

from aims_graph.catalog.frameworks import (
    FrameworkEdition,
    edition_facts,
    register_private,
)
from aims_graph.catalog.frameworks import unregister_private as forget_private
from aims_graph.catalog.items import ItemIndex
from aims_graph.coverage import CoverageEngine
from aims_graph.exports.data import CatalogItem, catalog_items
from aims_graph.exports.oscal import oscal_catalog
from aims_graph.exports.rdf import RDF_SYNTAXES, serialise_graphs
from aims_graph.importers.draft import Problem, catalog_graph
from aims_graph.importers.mapping_draft import CatalogItems, MappingImportError, finish
from aims_graph.importers.mappings_ciso import Options
from aims_graph.importers.public import ImportConflictError, ImportResult, named_set
from aims_graph.importers.reading import FrameworkFormat, MappingFormat, read_framework
from aims_graph.importers.reading import read_mappings as read_mapping_file
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.mappings.graph import MappingGraph
from aims_graph.mappings.loading import mapping_set_ntriples
from aims_graph.mappings.sssom_io import SUFFIX, MappingFileError, read_sssom
from aims_graph.namespaces import AIMS, BASE, ID, graph_iri
from aims_graph.orgdata.model import (
    org_catalog_graphs_prefix,
    org_framework_graph_iri,
    org_mappings_graph_iri,
)
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore
from aims_graph.validation.context import ValidationContext

SYS: Final = BASE + "system#"
#: On an organisation edition's scheme node: the JSON of its publication facts.
EDITION_RECORD: Final = URIRef(SYS + "editionRecord")
#: On an organisation mapping set's node: the SSSOM/TSV text it was stored from.
SSSOM_TEXT: Final = URIRef(SYS + "sssomText")
#: Names of an organisation's editions and sets: no dots, so an edition id parses back.
NAME: Final = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
NT: Final = "application/n-triples"
PRIVATE_PREFIX: Final = "org."


def private_slug(org_id: str, name: str) -> str:
    """The edition (or mapping set) id of an organisation's own framework or set."""
    return f"{PRIVATE_PREFIX}{org_id.lower().replace('_', '-')}.{name}"


def checked_name(name: str, file: str) -> str:
    """A usable name of an organisation's edition or set; MappingImportError when not."""
    if not NAME.match(name):
        raise MappingImportError(
            [
                Problem(
                    file,
                    "name",
                    f"{name!r} cannot name an organisation's framework or mapping set",
                    "use lowercase letters, digits and '-', e.g. internal-controls",
                )
            ]
        )
    return name


def _edition_of(record: str) -> FrameworkEdition:
    # The record also holds what the import counted and the file's name: not edition facts.
    data = json.loads(record)
    facts = {f.name: data[f.name] for f in fields(FrameworkEdition) if f.name in data}
    facts["prefixes"] = tuple(facts["prefixes"])
    return FrameworkEdition(**facts)


class OrgCatalogs:
    """Store, list and delete organisations' own editions and sets; their overlay indexes."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.store = graph.store
        self._lock = threading.Lock()
        self._version: dict[str, int] = {}
        self._overlays: dict[
            str, tuple[tuple[int, int, int], tuple[MappingService, CoverageEngine] | None]
        ] = {}
        self._contexts: dict[str, tuple[tuple[int, int, int], ValidationContext]] = {}
        self.register_all()

    # ---- what is stored --------------------------------------------------------------------

    def register_all(self) -> None:
        """Make every organisation's own editions known to item-IRI lookups (at start)."""
        base = org_framework_graph_iri("", "").split("/framework/")[0].rstrip("/")
        rows = self.store.select(
            f"SELECT ?g ?r WHERE {{ GRAPH ?g {{ ?s <{EDITION_RECORD}> ?r }} }}"
        )
        for row in rows:
            if row["g"].value.startswith(base):
                register_private(_edition_of(row["r"].value))

    def framework_graphs(self, org_id: str) -> list[str]:
        """The organisation's edition graphs, by name."""
        prefix = org_catalog_graphs_prefix(org_id)[0]
        return sorted(g for g in self.store.graphs() if g.startswith(prefix))

    def mapping_graphs(self, org_id: str) -> list[str]:
        """The organisation's mapping-set graphs, by name."""
        prefix = org_catalog_graphs_prefix(org_id)[1]
        return sorted(g for g in self.store.graphs() if g.startswith(prefix))

    def graphs(self, org_id: str) -> list[str]:
        """Every graph of the organisation's own editions and sets."""
        return self.framework_graphs(org_id) + self.mapping_graphs(org_id)

    def _records(self, org_id: str) -> dict[str, dict[str, Any]]:
        """The stored record of each of the organisation's editions, by name."""
        out: dict[str, dict[str, Any]] = {}
        for g in self.framework_graphs(org_id):
            rows = self.store.select(f"SELECT ?r FROM <{g}> WHERE {{ ?s <{EDITION_RECORD}> ?r }}")
            for row in rows:
                out[g.rsplit("/", 1)[-1]] = json.loads(row["r"].value)
        return out

    def listing(self, org_id: str) -> dict[str, Any]:
        """The organisation's editions (id, title, counts) and mapping sets (id, mappings)."""
        sets = []
        for g in self.mapping_graphs(org_id):
            name = g.rsplit("/", 1)[-1]
            count = self.store.select(
                f"PREFIX aims: <{AIMS}>\nPREFIX prov: <http://www.w3.org/ns/prov#>\n"
                f"SELECT (COUNT(?m) AS ?n) FROM <{g}> WHERE {{ ?m a aims:Mapping "
                "FILTER NOT EXISTS { ?m prov:wasDerivedFrom ?orig } }"
            )
            n = int(count[0]["n"].value) if count else 0
            sets.append({"name": name, "id": private_slug(org_id, name), "mappings": n})
        frameworks = [
            {
                "name": name,
                "id": rec["slug"],
                "title": rec["title"],
                "counts": rec.get("counts", {}),
                "file": rec.get("file", ""),
            }
            for name, rec in sorted(self._records(org_id).items())
        ]
        return {"frameworks": frameworks, "mapping_sets": sets}

    def _bump(self, org_id: str) -> None:
        self._version[org_id] = self._version.get(org_id, 0) + 1
        self._overlays.pop(org_id, None)
        self._contexts.pop(org_id, None)

    # ---- editions --------------------------------------------------------------------------

    def put_framework(
        self,
        org_id: str,
        name: str,
        data: bytes,
        filename: str,
        fmt: FrameworkFormat | None = None,
        title: str | None = None,
    ) -> ImportResult:
        """Check a framework file and store it as the organisation's edition ``name``."""
        checked_name(name, filename)
        slug = private_slug(org_id, name)
        draft = read_framework(data, filename, slug, fmt, title)
        catalog = catalog_graph(draft)  # FrameworkImportError listing every problem
        target = org_framework_graph_iri(org_id, name)
        with self._lock:
            # The id holds the organisation's, unique in the store: no one else's can be taken.
            existing = target in self.store.graphs()
            new_iris = {str(s) for s in catalog.subjects() if str(s).startswith(f"{ID}{slug}/")}
            if existing:
                self._check_sets_keep_working(org_id, slug, new_iris)
            counts = {k: n for k, n in sorted(draft.counts().items()) if n}
            counts["items"] = len(draft.rows)
            facts = asdict(draft.edition)
            facts["prefixes"] = list(draft.edition.prefixes)
            record = {**facts, "counts": counts, "file": Path(filename).name}
            catalog.add((URIRef(f"{ID}{slug}"), EDITION_RECORD, Literal(json.dumps(record))))
            self.store.put_graph(
                target, catalog.serialize(format="nt", encoding="utf-8"), NT, atomic=True
            )
            forget_private(slug)
            register_private(draft.edition)
            self._bump(org_id)
        return ImportResult("framework", slug, existing, counts)

    def has_framework(self, org_id: str, name: str) -> bool:
        """Whether the organisation has an edition of that name."""
        return org_framework_graph_iri(org_id, name) in self.store.graphs()

    def _scratch(self, org_id: str, name: str) -> tuple[OxigraphStore, str, str]:
        """The edition alone in a store of its own, in the graph the exporters read a catalog
        from, with the store's bookkeeping left out; and that graph and the edition's id."""
        slug = private_slug(org_id, name)
        scratch = OxigraphStore()
        catalog = graph_iri(f"catalog/{slug}")
        data = self.store.dump_graph(org_framework_graph_iri(org_id, name), NT)
        scratch.put_graph(catalog, data, NT)
        scratch.update(f"DELETE WHERE {{ GRAPH <{catalog}> {{ ?s <{EDITION_RECORD}> ?o }} }}")
        return scratch, catalog, slug

    def framework_file(
        self, org_id: str, name: str, fmt: str = "turtle"
    ) -> tuple[bytes, str, str] | None:
        """The organisation's edition as a file (bytes, media type, name) in ``fmt``: turtle, nt,
        jsonld or oscal (an OSCAL catalog); None when it has none of that name."""
        if not self.has_framework(org_id, name):
            return None
        scratch, catalog, slug = self._scratch(org_id, name)
        if fmt == "oscal":
            doc = oscal_catalog(scratch, edition_facts(slug))
            data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode()
            return data, "application/json", f"{slug}.oscal.json"
        syntax = RDF_SYNTAXES[fmt]
        data = serialise_graphs(scratch, [catalog], syntax)
        return data, syntax.media_type, f"{slug}.{syntax.extension}"

    def framework_tree(self, org_id: str, name: str, svc: MappingService) -> dict[str, Any] | None:
        """The organisation's edition as a tree: each item with its kind, notation, title,
        summary, children, and how many mappings it has in ``svc`` (the organisation's view)."""
        if not self.has_framework(org_id, name):
            return None
        scratch, _catalog, slug = self._scratch(org_id, name)
        facts = edition_facts(slug)

        def node(it: CatalogItem) -> dict[str, Any]:
            return {
                "curie": f"{facts.prefixes[0]}:{it.ref}",
                "iri": it.iri,
                "notation": it.notation,
                "label": it.label,
                "kind": it.kind,
                "summary": it.summary,
                "mappings": len(svc.graph.crosswalk(it.iri, None)),
                "children": [node(c) for c in it.children],
            }

        return {
            "id": slug,
            "title": facts.title,
            "items": [node(t) for t in catalog_items(scratch, facts)],
        }

    def delete_framework(self, org_id: str, name: str) -> bool:
        """Delete the organisation's edition; False when none; conflict while a set needs it."""
        target = org_framework_graph_iri(org_id, name)
        slug = private_slug(org_id, name)
        with self._lock:
            if target not in self.store.graphs():
                return False
            self._check_sets_keep_working(org_id, slug, set())
            self.store.drop_graph(target)
            forget_private(slug)
            self._bump(org_id)
        return True

    def _check_sets_keep_working(self, org_id: str, slug: str, new_iris: set[str]) -> None:
        """Refuse a change to an edition that leaves one of the org's sets naming lost items."""
        prefix = f"{ID}{slug}/"
        known = {i for i in self.known_items(org_id).iris() if not i.startswith(prefix)}
        known |= new_iris
        for g in self.mapping_graphs(org_id):
            text = self._sssom_text(g)
            try:
                _parsed(text, g.rsplit("/", 1)[-1], known)
            except MappingFileError as exc:
                raise ImportConflictError(
                    f"the organisation's mapping set {g.rsplit('/', 1)[-1]!r} names items of "
                    f"{slug!r} that would be gone ({exc}); replace or delete that set first"
                ) from None

    # ---- mapping sets ----------------------------------------------------------------------

    def known_items(self, org_id: str) -> CatalogItems:
        """Items the organisation's sets may name: the public catalogs and its own."""
        items = CatalogItems.from_store(self.store)
        graphs = self.framework_graphs(org_id)
        if graphs:
            items.add_store(self.store, graphs)
        return items

    def put_mappings(
        self,
        org_id: str,
        name: str,
        data: bytes,
        filename: str,
        options: Options | None = None,
        fmt: MappingFormat | None = None,
        *,
        keep_rest: bool = False,
    ) -> ImportResult:
        """Check a mapping file against the known items and store it as the set ``name``."""
        checked_name(name, filename)
        set_id = private_slug(org_id, name)
        target = org_mappings_graph_iri(org_id, name)
        with self._lock:
            items = self.known_items(org_id)
            draft = read_mapping_file(data, filename, items, options, fmt)
            text = finish(named_set(draft, set_id), items, keep_rest=keep_rest)
            parsed = _parsed(text, set_id, items.iris())
            nt = mapping_set_ntriples(parsed)
            extra = RdfGraph()
            extra.add((URIRef(parsed.iri), SSSOM_TEXT, Literal(text)))
            existing = target in self.store.graphs()
            body = nt + extra.serialize(format="nt", encoding="utf-8")
            self.store.put_graph(target, body, NT, atomic=True)
            self._bump(org_id)
        counts = {"mappings": len(draft.rows), "no_counterparts": len(draft.no_counterparts)}
        return ImportResult("mappings", set_id, existing, counts, list(draft.failed))

    def _sssom_text(self, graph_iri: str) -> str:
        rows = self.store.select(f"SELECT ?t FROM <{graph_iri}> WHERE {{ ?s <{SSSOM_TEXT}> ?t }}")
        return rows[0]["t"].value if rows else ""

    def mappings_tsv(self, org_id: str, name: str) -> str | None:
        """The organisation's set as SSSOM/TSV; None when it has none of that name."""
        target = org_mappings_graph_iri(org_id, name)
        return self._sssom_text(target) if target in self.store.graphs() else None

    def delete_mappings(self, org_id: str, name: str) -> bool:
        """Delete the organisation's set; False when it has none of that name."""
        target = org_mappings_graph_iri(org_id, name)
        with self._lock:
            if target not in self.store.graphs():
                return False
            self.store.drop_graph(target)
            self._bump(org_id)
        return True

    def forget(self, org_id: str, frameworks: Sequence[str]) -> None:
        """Forget what is held of the organisation's editions, once the graphs ``frameworks``
        (:meth:`framework_graphs`, read before they were dropped) are gone."""
        with self._lock:
            for g in frameworks:
                forget_private(private_slug(org_id, g.rsplit("/", 1)[-1]))
            self._bump(org_id)

    # ---- what the organisation's answers are computed over ----------------------------------

    def overlay(self, org_id: str) -> tuple[MappingService, CoverageEngine] | None:
        """The mapping service and coverage engine with the org's own items and sets added;
        None when it has neither (its answers are the public ones)."""
        public = self.graph.mappings
        with self._lock:
            key = (self.graph.generation, id(public), self._version.get(org_id, 0))
            kept = self._overlays.get(org_id)
            if kept is not None and kept[0] == key:
                return kept[1]
            frameworks, sets = self.framework_graphs(org_id), self.mapping_graphs(org_id)
            if not frameworks and not sets:
                # Kept too: most organisations have none, and every answer asks.
                self._overlays[org_id] = (key, None)
                return None
            items = public.items
            if frameworks:
                items = items.merged(ItemIndex.from_store(self.store, frameworks))
            edges = list(public.graph.edges())
            if sets:
                own = MappingGraph.from_store(self.store, public.graph.max_hops, items, sets)
                edges += own.edges()
            svc = MappingService(items, MappingGraph(edges, public.graph.max_hops, items))
            engine = CoverageEngine(svc, self.store)
            self._overlays[org_id] = (key, (svc, engine))
            return svc, engine

    def validation_context(self, org_id: str, public: ValidationContext) -> ValidationContext:
        """The catalogs the shapes look into for this organisation: the public ones, with its
        own editions added (so a statement of applicability may name its own controls)."""
        with self._lock:
            key = (self.graph.generation, id(public), self._version.get(org_id, 0))
            kept = self._contexts.get(org_id)
            if kept is not None and kept[0] == key:
                return kept[1]
            frameworks = self.framework_graphs(org_id)
            ctx = public
            if frameworks:
                own = b"".join(self.store.dump_graph(g, NT) for g in frameworks)
                ctx = ValidationContext(public.ntriples + own, public.shapes)
            self._contexts[org_id] = (key, ctx)
            return ctx


def _parsed(text: str, set_id: str, known: set[str]) -> Any:
    """The set of an SSSOM/TSV text as the build reads it (MappingFileError when it fails)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{set_id}{SUFFIX}"
        path.write_text(text, encoding="utf-8")
        return read_sssom(path, known)

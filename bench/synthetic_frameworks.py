"""Deterministic, seeded synthetic graphs of N frameworks with mappings and an organisation.

For issue 7, benchmarks 1 and 6: crosswalk, coverage and gap questions, and derived-mapping
materialisation, on graphs far larger than the real one. Each framework is shaped like a real
management-system standard (clauses with subclauses, an annex of control objectives with
controls, about 210 items); framework ``i`` maps to frameworks ``i+1, i+2, i+3, i+5, i+8``
(mod N), with the real mapping sets' mix of relations. At 200 frameworks that is 1,000 mapping
sets, about 60,000 stated mappings (120,000 with their inverses) and 95,000 derived ones. Denser
mappings would mostly add derived ones (they grow with the square of the mappings per item), and
the build, which writes and loads them, already takes about a minute.

The graph is loaded by the real loader (:func:`aims_graph.build.loader.build`) from generated
sources: the real vocabulary, one catalog graph per framework, one graph per mapping set written
by the real mapping-set writer, and the derived-mappings graph computed from the store as the
build computes it. So the domain engine and the named queries run on it unchanged, once the
synthetic editions are registered (:func:`aims_graph.catalog.frameworks.registered`).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import XSD

from aims_graph.build import loader
from aims_graph.build.sources import Builder, BuildOutput, GraphSource, base_sources
from aims_graph.catalog.frameworks import FrameworkEdition, registered
from aims_graph.mappings.graph import MappingGraph, derived_ntriples_chunks
from aims_graph.mappings.loading import (
    DERIVED_GRAPH,
    MAPPING_SET_BASE,
    mapping_set_ntriples,
)
from aims_graph.mappings.relations import Relation
from aims_graph.mappings.sssom_io import MappingRow, MappingSetFile
from aims_graph.namespaces import AIMS, DCTERMS, SEMAPV, SKOS, graph_iri, item_iri, scheme_iri
from aims_graph.orgdata.model import ORG_BASE, STATUSES, org_graph_iri
from aims_graph.store import OxigraphStore, Store
from aims_graph.store.ntriples import NTriplesWriter

SEED: Final = 7
#: Framework i maps to i + each offset (mod N); at 5 frameworks every pair is mapped.
OFFSETS: Final = (1, 2, 3, 5, 8)
#: Share of a framework's leaf items mapped in each of its mapping sets, and how many targets.
MAPPED_SHARE: Final = 0.25
TARGETS_PER_ITEM: Final = (1, 1, 1, 2)
#: The relations of the real mapping files (1,091 intersects-with, 278 subset-of, 212 equal,
#: 207 superset-of), so that as many chains compose into derived mappings as on the real graph.
RELATIONS: Final = (
    (Relation.INTERSECTS_WITH, 61),
    (Relation.SUBSET_OF, 16),
    (Relation.EQUAL, 12),
    (Relation.SUPERSET_OF, 11),
)
CONFIDENCES: Final = (0.6, 0.7, 0.8, 0.9, 0.9, 1.0)
JUSTIFICATIONS: Final = (
    str(SEMAPV.ManualMappingCuration),
    str(SEMAPV.ManualMappingCuration),
    str(SEMAPV.LexicalMatching),
)
ORG_ID: Final = "synthetic"


@dataclass(frozen=True, slots=True)
class SyntheticItem:
    """One catalog item of a synthetic framework."""

    ref: str
    kind: str  # an aims class: Clause, Subclause, Annex, ControlObjective, Control
    label: str
    parent: str | None  # ref of the parent item


@dataclass(frozen=True)
class Materialisation:
    """What computing the derived-mappings graph cost during the build."""

    seconds: float
    rss_growth_bytes: int
    derived: int
    max_hops: int


@dataclass
class SyntheticGraph:
    """A generated graph: its editions, sources, organisation and the questions to ask it."""

    editions: tuple[FrameworkEdition, ...]
    items: dict[str, tuple[SyntheticItem, ...]]  # by edition slug
    sets: list[MappingSetFile]
    org: Graph
    seed: int
    max_hops: int = 2
    materialisation: Materialisation | None = field(default=None)

    @property
    def stated(self) -> int:
        """Stated mappings (each also has an inverse in the graph)."""
        return sum(len(s.rows) for s in self.sets)

    def leaves(self, slug: str) -> list[str]:
        """IRIs of the leaf items (subclauses and controls) of one edition."""
        return [item_iri(slug, i.ref) for i in self.items[slug] if i.kind in LEAVES]

    def sources(self) -> list[GraphSource]:
        """Graph sources for :func:`aims_graph.build.loader.build`, in the real build's order."""
        # The real vocabulary and alignments; the catalogs are the synthetic ones.
        catalogs = graph_iri("catalog/")
        out = [s for s in base_sources() if not s.graph.startswith(catalogs)]
        for ed in self.editions:
            data = catalog_ntriples(ed, self.items[ed.slug])
            out.append(GraphSource(graph_iri(f"catalog/{ed.slug}"), (), _constant(data)))
        for msf in self.sets:
            data = mapping_set_ntriples(msf)
            out.append(GraphSource(graph_iri(f"mappings/{msf.set_id}"), (), _constant(data)))
        out.append(GraphSource(DERIVED_GRAPH, (), self._derived, depends_on_store=True))
        return out

    def _derived(self, store: Store) -> BuildOutput:
        """Build the derived-mappings graph as the real build does, measuring it."""
        return self._measured(store), "application/n-triples"

    def _measured(self, store: Store) -> Iterator[bytes]:
        # The step streams its output: memory is measured until the loader has taken the last
        # chunk, time only while the step runs (not while the loader hashes and spools a chunk),
        # as it was when the step handed over one bytes object.
        with _peak_rss() as peak:
            started = time.perf_counter()
            graph = MappingGraph.from_store(store, max_hops=self.max_hops)
            seconds = 0.0
            for chunk in derived_ntriples_chunks(graph):
                seconds += time.perf_counter() - started
                yield chunk
                started = time.perf_counter()
            seconds += time.perf_counter() - started
        count = sum(len(v) for v in graph.derived().values())
        self.materialisation = Materialisation(seconds, peak(), count, self.max_hops)

    @contextmanager
    def registered(self) -> Iterator[None]:
        """The synthetic editions known to every lookup, for the ``with`` block."""
        with registered(self.editions):
            yield

    def build(self) -> OxigraphStore:
        """An in-memory store built from the sources, with the organisation's private graph."""
        store = OxigraphStore()
        with self.registered():
            loader.build(store, self.sources())
        store.put_graph(
            org_graph_iri(ORG_ID), self.org.serialize(format="nt").encode(), "application/n-triples"
        )
        return store


LEAVES: Final = frozenset({"Subclause", "Control"})


def _constant(data: bytes) -> Builder:
    def build(_store: Store) -> tuple[bytes, str]:
        return data, "application/n-triples"

    return build


def edition(i: int) -> FrameworkEdition:
    """The ``i``-th synthetic edition (the same in every graph size)."""
    slug = f"synth-{i:03d}"
    return FrameworkEdition(
        slug,
        f"Synthetic framework {i} - Management system requirements and controls",
        f"Synthetic {i}",
        "2026",
        "standard",
        "aims-graph benchmarks",
        "2026-01-01",
        f"https://example.org/synthetic/{slug}",
        "Synthetic benchmark data",
        (slug,),
    )


def framework_items(i: int, seed: int = SEED) -> tuple[SyntheticItem, ...]:
    """Clauses 4.. with subclauses, Annex A of objectives with controls (seeded per framework)."""
    rng = random.Random(f"{seed}/items/{i}")
    out: list[SyntheticItem] = []
    for c in range(4, 4 + rng.randint(6, 9)):
        out.append(SyntheticItem(str(c), "Clause", f"Clause {c} of framework {i}", None))
        for s in range(1, rng.randint(3, 9) + 1):
            out.append(SyntheticItem(f"{c}.{s}", "Subclause", f"Requirement {c}.{s}", str(c)))
    out.append(SyntheticItem("annex-A", "Annex", "Reference controls", None))
    for o in range(1, rng.randint(10, 18) + 1):
        out.append(SyntheticItem(f"A.{o}", "ControlObjective", f"Objective A.{o}", "annex-A"))
        for k in range(1, rng.randint(6, 14) + 1):
            out.append(SyntheticItem(f"A.{o}.{k}", "Control", f"Control A.{o}.{k}", f"A.{o}"))
    return tuple(out)


def catalog_ntriples(ed: FrameworkEdition, items: tuple[SyntheticItem, ...]) -> bytes:
    """A catalog graph in the shape of the real ones (scheme, concepts, notations, tree)."""
    t = NTriplesWriter()
    scheme = scheme_iri(ed.slug)
    t.iri(scheme, RDF.type, SKOS.ConceptScheme)
    t.iri(scheme, RDF.type, AIMS.Framework)
    t.lit(scheme, DCTERMS.title, ed.title, lang="en")
    t.lit(scheme, SKOS.prefLabel, ed.family, lang="en")
    t.lit(scheme, SKOS.notation, ed.family)
    t.lit(scheme, DCTERMS.publisher, ed.publisher)
    t.lit(scheme, DCTERMS.issued, ed.issued, XSD.date)
    t.iri(scheme, DCTERMS.source, ed.source)
    t.lit(scheme, AIMS.edition, ed.edition)
    t.lit(scheme, AIMS.family, ed.family)
    for it in items:
        node = item_iri(ed.slug, it.ref)
        t.iri(node, RDF.type, SKOS.Concept)
        t.iri(node, RDF.type, AIMS[it.kind])
        t.iri(node, SKOS.inScheme, scheme)
        t.iri(node, DCTERMS.source, ed.source)
        t.lit(node, SKOS.notation, "Annex A" if it.ref == "annex-A" else it.ref)
        t.lit(node, SKOS.prefLabel, it.label, lang="en")
        t.lit(node, AIMS.summary, f"What {it.label.lower()} asks, in a sentence.", lang="en")
        if it.parent is None:
            t.iri(node, SKOS.topConceptOf, scheme)
            t.iri(scheme, SKOS.hasTopConcept, node)
        else:
            t.iri(node, SKOS.broader, item_iri(ed.slug, it.parent))
    return t.data()


def framework_pairs(n: int) -> list[tuple[int, int]]:
    """The mapped pairs (first, second) of an n-framework graph, each once, sorted."""
    pairs = {(i, (i + d) % n) for i in range(n) for d in OFFSETS if (i + d) % n != i}
    return sorted({(min(a, b), max(a, b)) for a, b in pairs})


def mapping_set(
    first: FrameworkEdition,
    first_leaves: list[str],
    second: FrameworkEdition,
    second_leaves: list[str],
    seed: int = SEED,
) -> MappingSetFile:
    """A mapping set from one framework's leaf items to another's (seeded per pair)."""
    rng = random.Random(f"{seed}/set/{first.slug}/{second.slug}")
    set_id = f"{first.slug}--{second.slug}"
    relations = [r for r, _ in RELATIONS]
    weights = [w for _, w in RELATIONS]
    rows: list[MappingRow] = []
    for subject in first_leaves:
        if rng.random() >= MAPPED_SHARE:
            continue
        for obj in rng.sample(second_leaves, rng.choice(TARGETS_PER_ITEM)):
            relation = rng.choices(relations, weights)[0]
            rows.append(
                MappingRow(
                    line=len(rows) + 1,
                    subject=subject,
                    object=obj,
                    relation=relation,
                    justification=rng.choice(JUSTIFICATIONS),
                    confidence=rng.choice(CONFIDENCES),
                    source_document=first.source,
                    comment=f"Both ask for {relation.value} duties (synthetic).",
                )
            )
    metadata = {
        "mapping_set_id": MAPPING_SET_BASE + set_id,
        "mapping_set_title": f"{first.family} to {second.family} (synthetic)",
        "mapping_set_description": "Generated for the benchmarks; not a real crosswalk.",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "mapping_date": "2026-01-01",
        "subject_source": scheme_iri(first.slug),
        "object_source": scheme_iri(second.slug),
        "see_also": [first.source, second.source],
    }
    return MappingSetFile(Path(f"{set_id}.sssom.tsv"), set_id, metadata, {}, tuple(rows))


def organisation(g: SyntheticGraph, seed: int = SEED) -> Graph:
    """An organisation implementing the controls of frameworks 0 and 2 (not 1, the target).

    Like the example organisation: SoA entries with statuses and evidence, some of it expired,
    so that controls count at full and at partial strength.
    """
    rng = random.Random(f"{seed}/org")
    base = f"{ORG_BASE}{ORG_ID}/"
    org = URIRef(f"{base}organisation/{ORG_ID}")
    out = Graph()
    out.add((org, RDF.type, AIMS.Organisation))
    out.add((org, RDFS.label, Literal("Synthetic Org")))
    evidence = []
    for n in range(20):
        ev = URIRef(f"{base}evidence/EV-{n:02d}")
        evidence.append(ev)
        out.add((ev, RDF.type, AIMS.Evidence))
        out.add((ev, AIMS.organisation, org))
        out.add((ev, AIMS.evidenceDate, Literal("2026-01-15", datatype=XSD.date)))
        until = "2026-06-30" if n % 5 == 0 else "2027-06-30"  # every fifth has expired
        out.add((ev, AIMS.validUntil, Literal(until, datatype=XSD.date)))
    statuses = ["implemented"] * 6 + ["partial"] * 2 + ["planned", "not-implemented"]
    slugs = [g.editions[0].slug] + ([g.editions[2].slug] if len(g.editions) > 2 else [])
    for slug in slugs:
        for control in g.leaves(slug):
            if not control.split("/")[-1].startswith("A."):
                continue  # the statement of applicability lists Annex A controls
            rec = URIRef(f"{base}soa/{slug}-{control.rsplit('/', 1)[-1]}")
            out.add((rec, RDF.type, AIMS.SoAEntry))
            out.add((rec, AIMS.organisation, org))
            out.add((rec, AIMS.control, URIRef(control)))
            out.add((rec, AIMS.applicable, Literal(True)))
            out.add((rec, AIMS.implementationStatus, STATUSES[rng.choice(statuses)]))
            out.add((rec, AIMS.evidence, rng.choice(evidence)))
    return out


def generate(n: int, seed: int = SEED, max_hops: int = 2) -> SyntheticGraph:
    """The n-framework graph (framework i, and the set between i and j, are the same at any n)."""
    editions = tuple(edition(i) for i in range(n))
    items = {ed.slug: framework_items(i, seed) for i, ed in enumerate(editions)}
    g = SyntheticGraph(editions, items, [], Graph(), seed, max_hops)
    leaves = {ed.slug: g.leaves(ed.slug) for ed in editions}
    for a, b in framework_pairs(n):
        first, second = editions[a], editions[b]
        g.sets.append(mapping_set(first, leaves[first.slug], second, leaves[second.slug], seed))
    g.org = organisation(g, seed)
    return g


@contextmanager
def _peak_rss() -> Iterator[Callable[[], int]]:
    """Growth of the resident set over the block, sampled every 5 ms by a thread."""
    page = 4096
    statm = Path("/proc/self/statm")

    def rss() -> int:
        return int(statm.read_text().split()[1]) * page

    start = rss()
    peak = [start]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], rss())

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield lambda: peak[0] - start
    finally:
        done.set()
        thread.join()
        peak[0] = max(peak[0], rss())

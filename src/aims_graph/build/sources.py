"""What the build loads: each managed named graph and the files and function it is built from.

The vocabulary, the alignments and each catalog come from one Turtle file; each mapping set is
read from its SSSOM file and checked against the catalogs already in the store; the derived
mappings are computed from the store once every stated set is in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from aims_graph import resources
from aims_graph.build.imports import imported_editions, imported_mapping_files
from aims_graph.catalog.frameworks import FRAMEWORKS, is_shipped
from aims_graph.config import Settings
from aims_graph.mappings.graph import MappingGraph, derived_ntriples_chunks
from aims_graph.mappings.loading import (
    DERIVED_GRAPH,
    known_item_iris,
    mapping_files,
    mapping_set_ntriples,
)
from aims_graph.mappings.sssom_io import read_sssom, set_id_of
from aims_graph.namespaces import graph_iri
from aims_graph.store import Store

#: Bump when the way files become triples changes, so every cached store is rebuilt.
LOADER_VERSION = "1"

#: A graph's data, whole or as chunks to stream (too large to hold at once), and its media type.
BuildOutput = tuple[bytes | Iterable[bytes], str]
Builder = Callable[[Store], BuildOutput]


@dataclass(frozen=True)
class GraphSource:
    """A managed named graph and the files it is built from."""

    graph: str
    files: tuple[Path, ...]
    build: Builder
    depends_on_store: bool = False
    #: With ``depends_on_store``: the graph IRI prefixes it reads, when not every graph.
    reads: tuple[str, ...] | None = None

    def needs(self, graphs: Iterable[str]) -> bool:
        """Whether this source reads any of ``graphs`` (so they must be in the store first)."""
        return self.depends_on_store and any(
            self.reads is None or g.startswith(self.reads) for g in graphs
        )

    def digest(self) -> str:
        """Digest of the loader version and every source file's name and bytes."""
        h = hashlib.sha256(LOADER_VERSION.encode())
        for f in sorted(self.files):
            h.update(f.name.encode())
            h.update(f.read_bytes())
        return h.hexdigest()


def file_builder(path: Path, media_type: str = "text/turtle") -> Builder:
    """A builder that reads one file as it is."""

    def build(_store: Store) -> tuple[bytes, str]:
        return path.read_bytes(), media_type

    return build


def base_sources(settings: Settings | None = None) -> list[GraphSource]:
    """Graph sources for the vocabulary, alignments and catalogs (with settings: the imported)."""
    onto = resources.ontology_dir()
    out = [
        GraphSource(graph_iri("ontology"), (onto / "aims.ttl",), file_builder(onto / "aims.ttl")),
        GraphSource(
            graph_iri("alignments"),
            (onto / "alignments.ttl",),
            file_builder(onto / "alignments.ttl"),
        ),
    ]
    std = resources.standards_dir()
    for fw in FRAMEWORKS:
        path = std / f"{fw.slug}.ttl"
        out.append(GraphSource(graph_iri(f"catalog/{fw.slug}"), (path,), file_builder(path)))
    if settings is not None:
        for imp in imported_editions(settings.imports_path()):
            if not is_shipped(imp.edition.slug):
                graph = graph_iri(f"catalog/{imp.edition.slug}")
                out.append(GraphSource(graph, (imp.catalog,), file_builder(imp.catalog)))
    return out


def all_sources(settings: Settings | None = None) -> list[GraphSource]:
    """Every managed graph source: base ones plus the mapping sets and derived mappings."""
    return base_sources(settings) + mapping_sources(settings)


def _set_builder(path: Path) -> Builder:
    def build(store: Store) -> tuple[bytes, str]:
        msf = read_sssom(path, known_item_iris(store))
        return mapping_set_ntriples(msf), "application/n-triples"

    return build


@dataclass(frozen=True)
class DerivedSource(GraphSource):
    """The derived-mappings graph: its digest also covers the settings that shape it."""

    settings_key: str = ""

    def digest(self) -> str:
        """Digest of the mapping files plus the derivation settings."""
        h = hashlib.sha256(super().digest().encode())
        h.update(self.settings_key.encode())
        return h.hexdigest()


def _derived_builder(max_hops: int) -> Builder:
    def build(store: Store) -> BuildOutput:
        # In chunks: at 200 frameworks the document is 467 MB.
        graph = MappingGraph.from_store(store, max_hops=max_hops)
        return derived_ntriples_chunks(graph), "application/n-triples"

    return build


def mapping_sources(
    settings: Settings | None = None, directory: Path | None = None
) -> list[GraphSource]:
    """One graph source per mapping file, then the derived-mappings graph computed from them."""
    imported = imported_mapping_files(settings.imports_path()) if settings is not None else []
    settings = settings or Settings()
    shipped = mapping_files(directory)
    taken = {set_id_of(p) for p in shipped}
    # An imported set never replaces a shipped one of the same id (the importer refuses those).
    files = shipped + [p for p in imported if set_id_of(p) not in taken]
    out: list[GraphSource] = [
        # Rebuilt when a catalog changes too: the file is re-checked against the items.
        GraphSource(
            graph_iri(f"mappings/{set_id_of(p)}"),
            (p,),
            _set_builder(p),
            depends_on_store=True,
            reads=(graph_iri("catalog/"),),  # the items a mapping may name
        )
        for p in files
    ]
    out.append(
        DerivedSource(
            DERIVED_GRAPH,
            tuple(files),
            _derived_builder(settings.max_path_length),
            depends_on_store=True,
            settings_key=f"max_path_length={settings.max_path_length}",
        )
    )
    return out

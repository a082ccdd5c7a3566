"""Public imports: editions and mapping sets added beside the shipped ones, for every caller.

They live as files in the imports folder (:mod:`aims_graph.build.imports`) and enter the store by
the same build as the shipped files, so an imported edition is first class on every route, in the
explorer, the exports and SPARQL. Every file is checked in full before anything is written; a
refused import changes no file and no graph.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from aims_graph.build.imports import (
    FRAMEWORKS_DIR,
    MAPPINGS_DIR,
    edition_record,
    imported_editions,
    imported_mapping_files,
)
from aims_graph.catalog.build import render_turtle
from aims_graph.catalog.frameworks import PRIVATE, is_shipped, unregister
from aims_graph.importers.draft import Draft, FrameworkImportError, Problem, catalog_graph
from aims_graph.importers.mapping_draft import (
    SET_BASE,
    CatalogItems,
    MappingDraft,
    MappingImportError,
    finish,
)
from aims_graph.mappings.loading import mapping_files
from aims_graph.mappings.sssom_io import SUFFIX, read_sssom, set_id_of
from aims_graph.namespaces import ID
from aims_graph.service import Graph

SET_ID: Final = re.compile(r"^[a-z0-9][a-z0-9._-]*[a-z0-9]$")


class ImportConflictError(ValueError):
    """The import clashes with what exists: a shipped id, an id taken, a set that needs it."""


class ImportsUnavailableError(RuntimeError):
    """This store keeps no imports folder (memory: or sparql: without AIMS_GRAPH_IMPORTS_DIR)."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an accepted import did."""

    kind: str  # "framework" or "mappings"
    id: str
    replaced: bool
    counts: dict[str, int]
    skipped: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "id": self.id,
            "replaced": self.replaced,
            "counts": self.counts,
            "skipped": [problem_json(p) for p in self.skipped],
        }


def problem_json(p: Problem) -> dict[str, str]:
    """A problem as JSON: file, where, reason, fix."""
    return {"file": p.file, "where": p.where, "reason": p.reason, "fix": p.fix}


def _write(path: Path, text: str) -> None:
    """Write through a temporary file and a rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def checked_set_id(set_id: str, file: str) -> str:
    """A mapping set id usable in a file name and an IRI; MappingImportError when not."""
    if not SET_ID.match(set_id):
        raise MappingImportError(
            [
                Problem(
                    file,
                    "set id",
                    f"{set_id!r} cannot name a mapping set",
                    "use lowercase letters, digits, '.', '-', '_', e.g. acme--iso42001-2023",
                )
            ]
        )
    return set_id


def named_set(draft: MappingDraft, set_id: str) -> MappingDraft:
    """The draft under the id it is stored as (the file's own id otherwise)."""
    draft.set_id = set_id
    draft.metadata["mapping_set_id"] = SET_BASE + set_id
    return draft


class PublicImports:
    """Add, replace and delete public imports, rebuilding the graph after each change."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._lock = threading.Lock()

    @property
    def folder(self) -> Path:
        """The imports folder; ImportsUnavailableError when this store keeps none."""
        path = self.graph.settings.imports_path()
        if path is None:
            raise ImportsUnavailableError(
                "this store keeps no imports: use an oxigraph:PATH store, or set "
                "AIMS_GRAPH_IMPORTS_DIR"
            )
        return path

    def listing(self) -> dict[str, Any]:
        """The imported editions and mapping sets."""
        folder = self.graph.settings.imports_path()
        return {
            "frameworks": [
                {
                    "id": i.edition.slug,
                    "title": i.edition.title,
                    **{k: v for k, v in i.record.items() if k != "edition"},
                }
                for i in imported_editions(folder)
            ],
            "mapping_sets": [set_id_of(p) for p in imported_mapping_files(folder)],
        }

    # ---- frameworks ------------------------------------------------------------------------

    def add_framework(self, draft: Draft, *, replace: bool = False) -> ImportResult:
        """Check a draft edition and add it (or replace the imported one of the same id)."""
        with self._lock:
            folder = self.folder
            slug = draft.edition.slug
            if slug in PRIVATE or slug.startswith("org."):
                raise ImportConflictError(
                    f"{slug!r}: ids starting with 'org.' name organisations' own editions"
                )
            existing = (folder / FRAMEWORKS_DIR / f"{slug}.ttl").is_file()
            if existing and not replace:
                raise ImportConflictError(
                    f"an edition {slug!r} is imported already: replace it (PUT, or --replace)"
                )
            graph = catalog_graph(draft)  # FrameworkImportError with every problem
            new_iris = {
                str(s) for s in graph.subjects() if str(s).startswith(draft.edition.namespace)
            }
            if existing:
                self._check_sets_keep_working(slug, new_iris, draft.file)
            graph.bind(slug.replace(".", "_"), draft.edition.namespace)
            record = edition_record(
                draft.edition,
                file=Path(draft.file).name,
                imported=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                counts={k: n for k, n in sorted(draft.counts().items()) if n},
            )
            catalog = folder / FRAMEWORKS_DIR / f"{slug}.ttl"
            with self._restoring(catalog, catalog.with_suffix(".json")):
                _write(catalog, render_turtle(graph))
                _write(catalog.with_suffix(".json"), record)
                if existing:
                    unregister(slug)  # its facts may have changed
                self.graph.rebuild()
            counts = {k: n for k, n in sorted(draft.counts().items()) if n}
            counts["items"] = len(draft.rows)
            return ImportResult("framework", slug, existing, counts)

    def remove_framework(self, slug: str) -> None:
        """Delete an imported edition; KeyError when none is, conflict while a set needs it."""
        with self._lock:
            folder = self.folder
            catalog = folder / FRAMEWORKS_DIR / f"{slug}.ttl"
            if is_shipped(slug) or not catalog.is_file():
                raise KeyError(f"no imported edition {slug!r}")
            self._check_sets_keep_working(slug, set(), slug)
            with self._restoring(catalog, catalog.with_suffix(".json")):
                catalog.with_suffix(".json").unlink()
                catalog.unlink()
                unregister(slug)
                self.graph.rebuild()

    def _check_sets_keep_working(self, slug: str, new_iris: set[str], file: str) -> None:
        """Refuse a change to an edition that would leave an imported set naming lost items."""
        items = CatalogItems.from_store(self.graph.store)
        prefix = f"{ID}{slug}/"
        known = {i for i in items.iris() if not i.startswith(prefix)} | new_iris
        for path in imported_mapping_files(self.folder):
            try:
                read_sssom(path, known)
            except Exception as exc:
                raise ImportConflictError(
                    f"the imported mapping set {set_id_of(path)!r} names items of {slug!r} that "
                    f"would be gone ({exc}); replace or delete that set first"
                ) from None

    # ---- mapping sets ----------------------------------------------------------------------

    def known_items(self) -> CatalogItems:
        """Every item a public mapping set may name: the catalogs in the store."""
        return CatalogItems.from_store(self.graph.store)

    def add_mappings(
        self, draft: MappingDraft, set_id: str, *, replace: bool = False, keep_rest: bool = False
    ) -> ImportResult:
        """Check a draft set against the catalogs and add it under ``set_id``."""
        with self._lock:
            folder = self.folder
            checked_set_id(set_id, draft.file)
            if set_id in {set_id_of(p) for p in mapping_files()}:
                raise ImportConflictError(f"{set_id!r} is a shipped mapping set")
            path = folder / MAPPINGS_DIR / f"{set_id}{SUFFIX}"
            existing = path.is_file()
            if existing and not replace:
                raise ImportConflictError(
                    f"a mapping set {set_id!r} is imported already: replace it (PUT, or --replace)"
                )
            text = finish(named_set(draft, set_id), self.known_items(), keep_rest=keep_rest)
            with self._restoring(path):
                _write(path, text)
                self.graph.rebuild()
            counts = {"mappings": len(draft.rows), "no_counterparts": len(draft.no_counterparts)}
            return ImportResult("mappings", set_id, existing, counts, list(draft.failed))

    def remove_mappings(self, set_id: str) -> None:
        """Delete an imported mapping set; KeyError when none is."""
        with self._lock:
            path = self.folder / MAPPINGS_DIR / f"{set_id}{SUFFIX}"
            if not SET_ID.match(set_id) or not path.is_file():
                raise KeyError(f"no imported mapping set {set_id!r}")
            with self._restoring(path):
                path.unlink()
                self.graph.rebuild()

    @contextmanager
    def _restoring(self, *paths: Path) -> Iterator[None]:
        """Put the files back as they were, and the store with them, when the block fails."""
        saved = {p: p.read_bytes() if p.is_file() else None for p in paths}
        try:
            yield
        except BaseException:
            for p, data in saved.items():
                if data is None:
                    p.unlink(missing_ok=True)
                else:
                    p.write_bytes(data)
            self.graph.rebuild()
            raise


__all__ = [
    "FrameworkImportError",
    "ImportConflictError",
    "ImportResult",
    "ImportsUnavailableError",
    "MappingImportError",
    "PublicImports",
]

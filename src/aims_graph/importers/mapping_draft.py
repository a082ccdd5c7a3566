"""An imported mapping set before it is written: its metadata, its rows and every row that failed.

Readers (CISO Assistant mapping libraries, SSSOM/TSV) resolve each side of each mapping to an
item of a known catalog through :class:`CatalogItems`. A mapping whose subject or object names no
known item is never dropped silently: it becomes a problem with the file, its place there, the
identifier and how to fix it. :func:`finish` writes nothing while any row failed unless the caller
asks to keep the rest, and reads what it wrote back as the build will.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from rdflib import Graph
from rdflib.namespace import SKOS

from aims_graph import resources
from aims_graph.catalog.frameworks import BY_SLUG, curie_prefix_map
from aims_graph.importers.draft import ImportProblemsError, Problem
from aims_graph.mappings.relations import SKOS_BRIDGE, Relation
from aims_graph.mappings.review import NoCounterpartRow
from aims_graph.mappings.sssom_io import MappingFileError, MappingRow, read_sssom
from aims_graph.mappings.sssom_write import dumps_sssom
from aims_graph.namespaces import ID
from aims_graph.store import Store

SET_BASE: Final = "https://w3id.org/aims-graph/mappings/"
CREATOR_PREFIX: Final = ("aimsgraph", "https://w3id.org/aims-graph/")
_ITEMS: Final = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?i ?s (SAMPLE(?notation) AS ?n) (SAMPLE(?label) AS ?l) WHERE {
  ?i skos:inScheme ?s .
  OPTIONAL { ?i skos:notation ?notation }
  OPTIONAL { ?i skos:prefLabel ?label }
} GROUP BY ?i ?s
"""
CC_BY: Final = "https://creativecommons.org/licenses/by/4.0/"


@dataclass(frozen=True, slots=True)
class KnownItem:
    """One catalog item a mapping may name."""

    iri: str
    edition: str
    ref: str
    notation: str
    label: str


class CatalogItems:
    """The items of some catalogs, found by edition and ref or notation (case-insensitive)."""

    def __init__(self) -> None:
        self.by_iri: dict[str, KnownItem] = {}
        self._keys: dict[str, dict[str, KnownItem]] = {}

    @classmethod
    def shipped(cls, slugs: Iterable[str] | None = None) -> CatalogItems:
        """The items of the shipped catalogs (all, or the editions named)."""
        out = cls()
        for slug in slugs if slugs is not None else BY_SLUG:
            path = resources.standards_dir() / f"{slug}.ttl"
            if path.exists():
                out.add_graph(Graph().parse(path, format="turtle"))
        return out

    @classmethod
    def from_store(cls, store: Store, graphs: Sequence[str] = ()) -> CatalogItems:
        """The items of the catalogs in a store's standards view (or of the graphs named)."""
        out = cls()
        out.add_store(store, graphs)
        return out

    def add_store(self, store: Store, graphs: Sequence[str] = ()) -> None:
        """Add the items of a store's standards view (or of the graphs named)."""
        source = "".join(f"FROM <{g}>\n" for g in graphs)
        query = _ITEMS.replace("WHERE", source + "WHERE", 1)
        for row in store.select(query):
            self._add(
                row["i"].value,
                row["s"].value,
                row["n"].value if "n" in row else "",
                row["l"].value if "l" in row else "",
            )

    def add_graph(self, g: Graph) -> None:
        """Add every item of a catalog graph (e.g. one written by ``import framework``)."""
        for item, scheme in g.subject_objects(SKOS.inScheme):
            self._add(
                str(item),
                str(scheme),
                str(g.value(item, SKOS.notation) or ""),
                str(g.value(item, SKOS.prefLabel) or ""),
            )

    def _add(self, iri: str, sch: str, notation: str, label: str) -> None:
        if sch.startswith(ID) and iri.startswith(sch + "/"):
            edition, ref = sch[len(ID) :], iri[len(sch) + 1 :]
            notation = notation or ref
            known = KnownItem(iri, edition, ref, notation, label or notation)
            self.by_iri[iri] = known
            keys = self._keys.setdefault(edition, {})
            # A ref wins over another item's notation that happens to read the same.
            keys.setdefault(notation.lower(), known)
            keys[ref.lower()] = known

    @property
    def editions(self) -> set[str]:
        """The editions that have items here."""
        return set(self._keys)

    def find(self, edition: str, key: str) -> KnownItem | None:
        """The item of ``edition`` whose ref or notation is ``key``; None when none is."""
        return self._keys.get(edition, {}).get(key.strip().lower())

    def iris(self) -> set[str]:
        """Every known item IRI."""
        return set(self.by_iri)


class MappingImportError(ImportProblemsError):
    """A mapping file cannot be imported as asked; ``problems`` lists every reason found."""

    outcome = "nothing written"


@dataclass
class MappingDraft:
    """A mapping set read from a file: metadata, rows, rows that failed, what was skipped."""

    file: str
    set_id: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    rows: list[MappingRow] = field(default_factory=list)
    no_counterparts: list[NoCounterpartRow] = field(default_factory=list)
    #: Mappings that cannot be written (an unknown item, an unknown relation).
    failed: list[Problem] = field(default_factory=list)
    #: Problems of the file as a whole: nothing can be written.
    problems: list[Problem] = field(default_factory=list)
    #: What was left out on purpose (an inverse set, a repeated pair), said so.
    notes: list[str] = field(default_factory=list)

    def problem(self, where: str, reason: str, fix: str) -> None:
        """Record a problem of the file as a whole."""
        self.problems.append(Problem(self.file, where, reason, fix))

    def fail(self, where: str, reason: str, fix: str) -> None:
        """Record a mapping that cannot be written."""
        self.failed.append(Problem(self.file, where, reason, fix))

    def first_of_pair(
        self,
        seen: dict[tuple[str, str], tuple[Relation, str]],
        pair: tuple[str, str],
        relation: Relation,
        where: str,
    ) -> bool:
        """Whether ``pair`` is new; a repeat is noted, a contradicting one fails its row."""
        if pair not in seen:
            seen[pair] = (relation, where)
            return True
        if seen[pair][0] is relation:
            self.notes.append(f"{where}: repeats {seen[pair][1]}; written once")
        else:
            self.fail(where, f"contradicts {seen[pair][1]}", "keep one relationship")
        return False


def mapping_row(
    draft: MappingDraft,
    subject: KnownItem,
    obj: KnownItem,
    relation: Relation,
    **fields: Any,
) -> MappingRow:
    """The draft's next row from ``subject`` to ``obj``, ids and labels from the catalogs;
    ``fields``: justification, confidence, source_document, comment, review."""
    return MappingRow(
        line=len(draft.rows) + 1,
        subject=subject.iri,
        object=obj.iri,
        relation=relation,
        subject_id=f"{prefix_of(subject.edition)}:{subject.ref}",
        subject_label=subject.label,
        object_id=f"{prefix_of(obj.edition)}:{obj.ref}",
        object_label=obj.label,
        predicate=SKOS_BRIDGE[relation],
        **fields,
    )


def prefix_of(edition: str) -> str:
    """The CURIE prefix rows use for an edition: its first registered one, else its slug."""
    fw = BY_SLUG.get(edition)
    return fw.prefixes[0] if fw is not None else edition


def set_metadata(
    set_id: str,
    subject_edition: str,
    object_edition: str,
    title: str,
    description: str,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """The SSSOM metadata block of an imported set in the project's layout."""
    fixed = curie_prefix_map()
    cmap = {
        prefix_of(subject_edition): f"{ID}{subject_edition}/",
        prefix_of(object_edition): f"{ID}{object_edition}/",
        **{p: fixed[p] for p in ("aims", "semapv", "skos")},
        CREATOR_PREFIX[0]: CREATOR_PREFIX[1],
    }
    meta: dict[str, Any] = {
        "curie_map": cmap,
        "mapping_set_id": SET_BASE + set_id,
        "mapping_set_title": title,
        "mapping_set_description": description,
        "license": CC_BY,
        "creator_id": [f"{CREATOR_PREFIX[0]}:team"],
        "subject_source": f"{ID}{subject_edition}",
        "object_source": f"{ID}{object_edition}",
    }
    meta.update(extra)
    return meta


def finish(draft: MappingDraft, items: CatalogItems, keep_rest: bool = False) -> str:
    """The set as SSSOM/TSV; MappingImportError when anything failed and ``keep_rest`` is off."""
    if draft.problems:
        raise MappingImportError(draft.problems)
    if draft.failed and not keep_rest:
        raise MappingImportError(draft.failed)
    if not draft.rows:
        raise MappingImportError(
            [Problem(draft.file, "file", "no mapping left to write", "check the file's mappings")]
        )
    text = dumps_sssom(draft.metadata, draft.rows, draft.no_counterparts)
    with tempfile.TemporaryDirectory() as tmp:
        # Read back as the build reads it, so a written set always loads.
        path = Path(tmp) / f"{draft.set_id}.sssom.tsv"
        path.write_text(text, encoding="utf-8")
        try:
            read_sssom(path, items.iris())
        except MappingFileError as exc:
            raise MappingImportError(
                [
                    Problem(draft.file, f"output line {i.line}", i.reason, "fix the input row")
                    for i in exc.issues
                ]
            ) from exc
    return text

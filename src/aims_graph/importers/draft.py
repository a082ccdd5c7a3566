"""An imported edition before it is a catalog: its publication facts and its rows, checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL

from aims_graph import resources
from aims_graph.catalog.build import KIND_CLASS, CatalogSourceError, SourceRow, items_graph
from aims_graph.catalog.frameworks import FrameworkEdition, is_shipped
from aims_graph.checks.shacl import validate_shapes
from aims_graph.namespaces import item_iri

SLUG: Final = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
REF: Final = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$")


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong, where (file and line or path), and how to fix it."""

    file: str
    where: str
    reason: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.reason} ({self.fix})"


class ImportProblemsError(ValueError):
    """A file cannot be imported; ``problems`` lists every reason found, the first five shown."""

    #: What the message says became of the file.
    outcome = "nothing imported"

    def __init__(self, problems: list[Problem]) -> None:
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{len(problems)} problem(s), {self.outcome}: {shown}{more}")
        self.problems = problems


class FrameworkImportError(ImportProblemsError):
    """A framework file cannot be imported; ``problems`` lists every reason found."""


@dataclass
class Row:
    """One item as read from the file, with where it stood there."""

    ref: str
    kind: str
    parent: str  # "" for a top-level item
    notation: str
    title: str
    summary: str = ""
    source: str = ""
    withdrawn: bool = False
    where: str = ""


@dataclass
class Draft:
    """An edition read from a file: its facts, its rows in file order, the problems seen."""

    file: str
    edition: FrameworkEdition
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, where: str, reason: str, fix: str) -> None:
        """Record a problem of the file."""
        self.problems.append(Problem(self.file, where, reason, fix))

    def counts(self) -> dict[str, int]:
        """Items by kind, and how many are withdrawn."""
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.kind] = out.get(r.kind, 0) + 1
        out["withdrawn"] = sum(1 for r in self.rows if r.withdrawn)
        return out


def _check(draft: Draft) -> None:
    slug = draft.edition.slug
    if not SLUG.match(slug):
        draft.problem(
            "edition", f"{slug!r} is not a usable edition id", "use e.g. nist-sp800-53-r5"
        )
    elif is_shipped(slug):
        draft.problem("edition", f"{slug!r} is a shipped edition", "choose another --id")
    refs: dict[str, str] = {}
    for r in draft.rows:
        if not REF.match(r.ref):
            draft.problem(
                r.where,
                f"id {r.ref!r} cannot be part of an IRI",
                "use letters, digits, '.', '-', '_'",
            )
        elif r.ref in refs:
            draft.problem(
                r.where, f"id {r.ref!r} also at {refs[r.ref]}", "give each item its own id"
            )
        refs.setdefault(r.ref, r.where)
        if r.kind not in KIND_CLASS:
            draft.problem(
                r.where,
                f"kind {r.kind!r} is unknown",
                "use one of " + ", ".join(sorted(KIND_CLASS)),
            )
        if not r.title.strip():
            draft.problem(r.where, f"item {r.ref!r} has no title", "give it a short title")
    for r in draft.rows:
        if r.parent and r.parent not in refs:
            draft.problem(
                r.where,
                f"parent {r.parent!r} of {r.ref!r} is not in the file",
                "name an item of the file, or leave it empty",
            )
    if not draft.rows and not draft.problems:
        draft.problem("file", "no items found", "check that the file is of the format named")


def catalog_graph(draft: Draft) -> Graph:
    """The SKOS catalog of a draft; FrameworkImportError listing every problem when it has any."""
    _check(draft)
    if draft.problems:
        raise FrameworkImportError(draft.problems)
    fw = draft.edition
    root = "_root"
    rows = [SourceRow(0, {"ref": root, "kind": "standard", "notation": fw.title})]
    rows += [
        SourceRow(
            i + 1,
            {
                "ref": r.ref,
                "kind": r.kind,
                "parent": r.parent or root,
                "notation": r.notation or r.ref,
                "title": r.title.strip(),
                "summary": r.summary.strip(),
                "source": r.source or fw.source,
            },
        )
        for i, r in enumerate(draft.rows)
    ]
    try:
        g = items_graph(fw, rows, draft.file)
    except CatalogSourceError as exc:  # the checks above should have caught it; never crash
        raise FrameworkImportError(
            [Problem(draft.file, "file", str(exc), "fix the item named")]
        ) from exc
    where = {item_iri(fw.slug, r.ref): r.where for r in draft.rows}
    for r in draft.rows:
        if r.withdrawn:
            g.add((URIRef(item_iri(fw.slug, r.ref)), OWL.deprecated, Literal(True)))
    report = validate_shapes(g, resources.shapes_dir() / "catalog.ttl")
    for f in report.findings:
        if f.severity == "Violation":
            draft.problem(
                where.get(f.focus, f.focus),
                f"catalog shapes: {f.message}" + (f" ({f.path})" if f.path else ""),
                "fix the item so the catalog shapes hold (ontology/shapes/catalog.ttl)",
            )
    if draft.problems:
        raise FrameworkImportError(draft.problems)
    return g

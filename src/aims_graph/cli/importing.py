"""``aims-graph import framework FILE``: an OSCAL catalog, a CISO Assistant library or a sheet
as a SKOS catalog in the project's vocabulary, checked by the catalog shapes; ``aims-graph import
mappings FILE``: a CISO Assistant mapping library or an SSSOM/TSV set, checked against the
catalogs, as a mapping set in the project's SSSOM layout."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import rdflib
import typer
from rich.markup import escape

from aims_graph.catalog.build import render_turtle
from aims_graph.cli.session import err, fail
from aims_graph.importers import Draft, FrameworkImportError, catalog_graph
from aims_graph.importers.ciso import read_ciso_library
from aims_graph.importers.mapping_draft import CatalogItems, MappingImportError, finish
from aims_graph.importers.mappings_ciso import Options, read_ciso_mappings
from aims_graph.importers.mappings_sssom import read_sssom_mappings
from aims_graph.importers.oscal import read_oscal_catalog
from aims_graph.importers.sheet import read_framework_sheet
from aims_graph.mappings.sssom_io import expand_curie
from aims_graph.namespaces import ID, SEMAPV

import_app = typer.Typer(help="Import frameworks (OSCAL, CISO Assistant, sheets) and mapping sets.")


class Source(StrEnum):
    """File formats a framework can come in."""

    oscal = "oscal"
    ciso = "ciso"
    sheet = "sheet"


def _guess(path: Path) -> Source:
    name = path.name.lower()
    if name.endswith(".json"):
        return Source.oscal
    if name.endswith((".yaml", ".yml")):
        return Source.ciso
    return Source.sheet


def _read(path: Path, fmt: Source, slug: str, title: str | None) -> Draft:
    data = path.read_bytes()
    if fmt is Source.oscal:
        return read_oscal_catalog(data, path.name, slug)
    if fmt is Source.ciso:
        return read_ciso_library(data, path.name, slug)
    return read_framework_sheet(data, path.name, slug, title or slug)


def framework(
    file: Annotated[Path, typer.Argument(help="The framework file.", exists=True, dir_okay=False)],
    slug: Annotated[
        str, typer.Option("--id", help="Edition id for the IRIs, e.g. acme-controls-2026.")
    ],
    fmt: Annotated[
        Source | None, typer.Option("--format", help="oscal, ciso or sheet (default: by suffix).")
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Title of a sheet's edition.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the Turtle here (default stdout).")
    ] = None,
) -> None:
    """Check a framework file and write it as a Turtle catalog; exit 2 listing every problem."""
    draft = _read(file, fmt or _guess(file), slug, title)
    try:
        graph = catalog_graph(draft)
    except FrameworkImportError as exc:
        for p in exc.problems:
            err.print(f"[red]✗[/] {escape(str(p))}", highlight=False)
        raise fail(f"{len(exc.problems)} problem(s) in {file}; nothing was written") from exc
    graph.bind(slug.replace(".", "_"), f"{ID}{slug}/")
    text = render_turtle(graph)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{n} {k}" for k, n in sorted(draft.counts().items()) if n)
    err.print(f"{draft.edition.title}: {len(draft.rows)} items ({counts}), {len(graph)} triples")


def mappings(
    file: Annotated[
        Path, typer.Argument(help="A CISO Assistant mapping library (.yaml) or an SSSOM/TSV set.")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the set here (default stdout)."),
    ] = None,
    skip_failing: Annotated[
        bool,
        typer.Option(
            "--skip-failing", help="Write the other rows when some fail; the report lists them."
        ),
    ] = False,
    set_ref: Annotated[
        str, typer.Option("--set", help="Which set of a library holding several (ref_id or urn).")
    ] = "",
    source_edition: Annotated[
        str, typer.Option("--source-edition", help="Edition of the mapping subjects.")
    ] = "",
    target_edition: Annotated[
        str, typer.Option("--target-edition", help="Edition of the mapping objects.")
    ] = "",
    catalogs: Annotated[
        list[Path] | None,
        typer.Option("--catalog", help="A catalog Turtle (e.g. from import framework) to add."),
    ] = None,
    justification: Annotated[
        str, typer.Option(help="SEMAPV term for how the source made its mappings.")
    ] = "semapv:UnspecifiedMatching",
    confidence: Annotated[float, typer.Option(help="Confidence of every row, 0..1.")] = 0.8,
) -> None:
    """Check a mapping file against the catalogs and write it as SSSOM/TSV; exit 2 on problems."""
    if not file.is_file():
        raise fail(f"{file}: no such file")
    items = CatalogItems.shipped()
    for cat in catalogs or []:
        items.add_graph(rdflib.Graph().parse(cat, format="turtle"))
    if file.name.lower().endswith((".yaml", ".yml")):
        semapv = {"semapv": str(SEMAPV)}
        opts = Options(
            set_ref=set_ref,
            subject_edition=source_edition,
            object_edition=target_edition,
            justification=expand_curie(justification, semapv) or justification,
            confidence=confidence,
        )
        draft = read_ciso_mappings(file.read_bytes(), file.name, items, opts)
    else:
        draft = read_sssom_mappings(file, items)
    for note in draft.notes:
        err.print(f"[dim]·[/] {escape(note)}", highlight=False)
    try:
        text = finish(draft, items, keep_rest=skip_failing)
    except MappingImportError as exc:
        for p in exc.problems:
            err.print(f"[red]✗[/] {escape(str(p))}", highlight=False)
        raise fail(f"{len(exc.problems)} problem(s) in {file}; nothing was written") from exc
    for p in draft.failed:
        err.print(f"[yellow]skipped[/] {escape(str(p))}", highlight=False)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
    skipped = f", {len(draft.failed)} skipped" if draft.failed else ""
    err.print(f"{draft.set_id}: {len(draft.rows)} mappings{skipped}")


def register(app: typer.Typer) -> None:
    """Add ``import framework`` and ``import mappings`` to the CLI."""
    import_app.command("framework")(framework)
    import_app.command("mappings")(mappings)
    app.add_typer(import_app, name="import")

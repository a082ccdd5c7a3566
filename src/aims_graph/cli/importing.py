"""``aims-graph import framework FILE``: an OSCAL catalog, a CISO Assistant library or a sheet
as a SKOS catalog in the project's vocabulary, checked by the catalog shapes."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from aims_graph.catalog.build import render_turtle
from aims_graph.cli.session import err, fail
from aims_graph.importers import Draft, FrameworkImportError, catalog_graph
from aims_graph.importers.ciso import read_ciso_library
from aims_graph.importers.oscal import read_oscal_catalog
from aims_graph.importers.sheet import read_framework_sheet
from aims_graph.namespaces import ID

import_app = typer.Typer(help="Import frameworks of your own (OSCAL, CISO Assistant, sheets).")


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


def register(app: typer.Typer) -> None:
    """Add ``import framework`` to the CLI."""
    import_app.command("framework")(framework)
    app.add_typer(import_app, name="import")

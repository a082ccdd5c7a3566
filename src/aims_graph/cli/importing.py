"""``aims-graph import …``: frameworks (OSCAL catalogs, CISO Assistant libraries, sheets) and
mapping sets (SSSOM/TSV, CISO Assistant mapping libraries) checked and written out, added to the
store as public imports (``--add``), or stored as an organisation's own (``--org``).

Without ``--add`` or ``--org`` a command only checks the file and writes it in the project's form
(Turtle catalog, SSSOM/TSV set); nothing is stored. Every problem is listed with file, line or
path, and a fix, and a refused file changes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import rdflib
import typer
from rich.markup import escape

from aims_graph.catalog.build import render_turtle
from aims_graph.cli.session import err, fail, graph_session, print_json
from aims_graph.importers import catalog_graph
from aims_graph.importers.draft import ImportProblemsError, Problem
from aims_graph.importers.mapping_draft import CatalogItems, finish
from aims_graph.importers.mappings_ciso import Options
from aims_graph.importers.public import (
    ImportConflictError,
    ImportResult,
    ImportsUnavailableError,
    PublicImports,
)
from aims_graph.importers.reading import (
    FrameworkFormat,
    MappingFormat,
    read_framework,
    read_mappings,
)
from aims_graph.mappings.sssom_io import expand_curie
from aims_graph.namespaces import ID, SEMAPV
from aims_graph.orgdata.service import OrgService
from aims_graph.service import Graph

import_app = typer.Typer(help="Import frameworks (OSCAL, CISO Assistant, sheets) and mapping sets.")

FileArg = Annotated[Path, typer.Argument(help="The file (.gz accepted).", dir_okay=False)]
AddOpt = Annotated[
    bool, typer.Option("--add", help="Store it as a public import beside the shipped graph.")
]
ReplaceOpt = Annotated[
    bool, typer.Option("--replace", help="With --add or --org: replace what has its id.")
]
OrgOpt = Annotated[
    str | None,
    typer.Option("--org", help="Store it as this organisation's own (private to its key)."),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Without --add/--org: write it here (default stdout)."),
]


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise fail(f"cannot read {path}: {exc.strerror or exc}") from exc


def _report_problems(problems: list[Problem], file: Path, outcome: str) -> typer.Exit:
    for p in problems:
        err.print(f"[red]✗[/] {escape(str(p))}", highlight=False, emoji=False)
    return fail(f"{len(problems)} problem(s) in {file}; {outcome}")


def _org_service(graph: Graph, org_id: str) -> OrgService:
    service = OrgService(graph, max_upload_triples=graph.settings.max_upload_triples)
    if service.registry.get(org_id) is None:
        raise fail(f"no organisation {org_id!r} in this store; register it with POST /orgs")
    return service


def _stored(run: Callable[[], ImportResult], file: Path) -> None:
    """Run a store-changing import; print its result as JSON, or exit 2 saying why not."""
    try:
        result = run()
    except ImportProblemsError as exc:
        raise _report_problems(exc.problems, file, "nothing was stored") from exc
    except (ImportConflictError, ImportsUnavailableError) as exc:
        raise fail(f"{exc}; nothing was stored") from exc
    for p in result.skipped:
        err.print(f"[yellow]skipped[/] {escape(str(p))}", highlight=False, emoji=False)
    print_json(result.as_dict())


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from exc


@import_app.command("framework")
def framework(
    file: FileArg,
    slug: Annotated[
        str,
        typer.Option(
            "--id", help="Edition id, e.g. acme-controls-2026 (with --org: the framework's name)."
        ),
    ],
    fmt: Annotated[
        FrameworkFormat | None,
        typer.Option("--format", help="oscal, ciso or sheet (default: by suffix)."),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="Title of a sheet's edition.")
    ] = None,
    add: AddOpt = False,
    replace: ReplaceOpt = False,
    org: OrgOpt = None,
    output: OutputOpt = None,
) -> None:
    """Check a framework file; write it as a Turtle catalog, or store it (--add, --org)."""
    data = _read_bytes(file)
    if org is not None:
        with graph_session() as graph:
            catalogs = _org_service(graph, org).catalogs
            if not replace and catalogs.has_framework(org, slug):
                raise fail(f"{org!r} has a framework {slug!r} already: add --replace")
            _stored(lambda: catalogs.put_framework(org, slug, data, file.name, fmt, title), file)
        return
    draft = read_framework(data, file.name, slug, fmt, title)
    if add or replace:
        with graph_session() as graph:
            _stored(lambda: PublicImports(graph).add_framework(draft, replace=replace), file)
        return
    try:
        catalog = catalog_graph(draft)
    except ImportProblemsError as exc:
        raise _report_problems(exc.problems, file, "nothing was written") from exc
    catalog.bind(slug.replace(".", "_"), f"{ID}{slug}/")
    _write(render_turtle(catalog), output)
    counts = ", ".join(f"{n} {k}" for k, n in sorted(draft.counts().items()) if n)
    err.print(f"{draft.edition.title}: {len(draft.rows)} items ({counts}), {len(catalog)} triples")


@import_app.command("mappings")
def mappings(
    file: FileArg,
    set_name: Annotated[
        str,
        typer.Option(
            "--id",
            help="With --add: the set id (default: the file's); with --org: the set's name.",
        ),
    ] = "",
    fmt: Annotated[
        MappingFormat | None,
        typer.Option("--format", help="sssom, ciso or oscal (default: .yaml ciso, .json oscal)."),
    ] = None,
    skip_failing: Annotated[
        bool,
        typer.Option(
            "--skip-failing", help="Keep the other rows when some fail; the report lists them."
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
        typer.Option("--catalog", help="Without --add/--org: a catalog Turtle to check against."),
    ] = None,
    justification: Annotated[
        str, typer.Option(help="SEMAPV term for how the source made its mappings.")
    ] = "semapv:UnspecifiedMatching",
    confidence: Annotated[float, typer.Option(help="Confidence of every row, 0..1.")] = 0.8,
    add: AddOpt = False,
    replace: ReplaceOpt = False,
    org: OrgOpt = None,
    output: OutputOpt = None,
) -> None:
    """Check a mapping file against the catalogs; write it as SSSOM/TSV, or store it."""
    data = _read_bytes(file)
    options = Options(
        set_ref=set_ref,
        subject_edition=source_edition,
        object_edition=target_edition,
        justification=expand_curie(justification, {"semapv": str(SEMAPV)}) or justification,
        confidence=confidence,
    )
    if org is not None:
        if not set_name:
            raise fail("--org needs --id NAME: the name the set is stored under")
        with graph_session() as graph:
            cats = _org_service(graph, org).catalogs
            if not replace and cats.mappings_tsv(org, set_name) is not None:
                raise fail(f"{org!r} has a mapping set {set_name!r} already: add --replace")
            _stored(
                lambda: cats.put_mappings(
                    org, set_name, data, file.name, options, fmt, keep_rest=skip_failing
                ),
                file,
            )
        return
    if add or replace:
        with graph_session() as graph:
            imports = PublicImports(graph)

            def run() -> ImportResult:
                draft = read_mappings(data, file.name, imports.known_items(), options, fmt)
                set_id = set_name or draft.set_id
                return imports.add_mappings(draft, set_id, replace=replace, keep_rest=skip_failing)

            _stored(run, file)
        return
    items = CatalogItems.shipped()
    for cat in catalogs or []:
        try:
            items.add_graph(rdflib.Graph().parse(cat, format="turtle"))
        except Exception as exc:  # rdflib raises many kinds for a bad file
            raise fail(f"{cat}: not a readable Turtle catalog ({exc})") from exc
    draft = read_mappings(data, file.name, items, options, fmt)
    for note in draft.notes:
        err.print(f"[dim]·[/] {escape(note)}", highlight=False)
    try:
        text = finish(draft, items, keep_rest=skip_failing)
    except ImportProblemsError as exc:
        raise _report_problems(exc.problems, file, "nothing was written") from exc
    for p in draft.failed:
        err.print(f"[yellow]skipped[/] {escape(str(p))}", highlight=False, emoji=False)
    _write(text, output)
    skipped = f", {len(draft.failed)} skipped" if draft.failed else ""
    err.print(f"{draft.set_id}: {len(draft.rows)} mappings{skipped}")


@import_app.command("list")
def listing(org: OrgOpt = None) -> None:
    """The public imports, or with --org the organisation's own frameworks and sets, as JSON."""
    with graph_session() as graph:
        if org is None:
            print_json(PublicImports(graph).listing())
        else:
            print_json(_org_service(graph, org).catalogs.listing(org))


class Kind(StrEnum):
    """What ``import remove`` removes."""

    framework = "framework"
    mappings = "mappings"


@import_app.command("remove")
def remove(
    kind: Annotated[Kind, typer.Argument(help="framework or mappings")],
    ident: Annotated[str, typer.Argument(help="The edition or set id (with --org: its name).")],
    org: OrgOpt = None,
) -> None:
    """Delete an imported edition or set (refused while an imported set needs the edition)."""
    with graph_session() as graph:
        try:
            if org is not None:
                cats = _org_service(graph, org).catalogs
                drop = cats.delete_framework if kind is Kind.framework else cats.delete_mappings
                if not drop(org, ident):
                    raise fail(f"{org!r} has no {kind.value} {ident!r}")
            elif kind is Kind.framework:
                PublicImports(graph).remove_framework(ident)
            else:
                PublicImports(graph).remove_mappings(ident)
        except KeyError as exc:
            raise fail(str(exc.args[0])) from exc
        except (ImportConflictError, ImportsUnavailableError) as exc:
            raise fail(f"{exc}; nothing was removed") from exc
    err.print(f"removed {kind.value} {ident}")


def register(app: typer.Typer) -> None:
    """Add the ``import`` command group to the CLI."""
    app.add_typer(import_app, name="import")

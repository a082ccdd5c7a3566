"""CLI command ``export``: the graph, a framework, a mapping set or a crosswalk, to a file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from aims_graph.cli.progress import Snapshot, run_with_progress
from aims_graph.cli.session import err, fail
from aims_graph.config import Settings
from aims_graph.exports import ALLOWED, ExportInputError, ExportResult, Format, What, run_export
from aims_graph.service import Graph, open_graph
from aims_graph.store import StoreError


def _export_with_progress(
    graph: Graph, what: What, fmt: Format, id_: str | None, to: str | None
) -> ExportResult:
    """Run an export, reporting its progress on stderr once it takes over a second."""
    state: Snapshot = (0, None, "exporting")

    def report(done: int, total: int, item: str) -> None:
        nonlocal state
        state = (done, total, f"exporting {item}".strip())

    return run_with_progress(
        lambda: run_export(graph, what, fmt, id=id_, to=to, progress=report),
        lambda: state,
        err,
    )


_FORMATS_HELP = "; ".join(
    f"{w.value}: {', '.join(f.value for f in fs)}" for w, fs in ALLOWED.items()
)


def export(
    what: Annotated[
        What,
        typer.Option(
            "--what",
            help="graph (everything public), framework (one catalog), set (one mapping set) "
            "or crosswalk (all mappings from --id to --to).",
        ),
    ] = What.graph,
    id_: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Framework (slug or CURIE prefix, e.g. iso42001) or mapping set id "
            "(e.g. nist-ai-rmf-1.0--iso42001-2023); for a crosswalk, the 'from' framework.",
        ),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Crosswalk target framework (slug or prefix).")
    ] = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format", help=f"Output format (first listed is the default): {_FORMATS_HELP}."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output)."),
    ] = None,
) -> None:
    """Export the graph, a framework, a mapping set or a crosswalk: RDF, SSSOM, CSV, XLSX, OSCAL."""
    try:
        chosen = Format(fmt) if fmt is not None else ALLOWED[what][0]
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if output is None and chosen is Format.xlsx and sys.stdout.isatty():
        raise fail("XLSX is binary: write it to a file with --output FILE (or pipe it)")
    settings = Settings.from_env()
    try:
        with err.status("building the graph…"):
            graph = open_graph(settings)
    except (StoreError, FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from exc
    try:
        result = _export_with_progress(graph, what, chosen, id_, to)
    except ExportInputError as exc:
        raise fail(str(exc)) from exc
    finally:
        graph.close()
    if output is None:
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(result.data)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc}") from exc
    err.print(
        f"wrote {len(result.data):,} bytes ({result.media_type}) to {output}", highlight=False
    )


def register(app: typer.Typer) -> None:
    """Add the export command to the CLI."""
    app.command("export")(export)

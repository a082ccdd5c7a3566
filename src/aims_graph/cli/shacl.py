"""``aims-graph shacl``: any data file against any SHACL shapes file, the W3C report out.

Exit codes: 0 the data conforms, 1 there are results, 2 bad input (what, where, how to fix).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aims_graph.validation.general import (
    ShaclInputError,
    read_graph,
    render,
    report_dict,
    validate_files,
)

out = Console()
err = Console(stderr=True)
EXIT_RESULTS = 1
EXIT_INPUT = 2
_FORMATS = ("table", "turtle", "json", "json-ld")

ShapesOpt = Annotated[
    Path,
    typer.Option("--shapes", help="SHACL shapes (Turtle .ttl, JSON-LD .jsonld, N-Triples .nt)."),
]
DataOpt = Annotated[Path, typer.Option("--data", help="The data to validate (same formats).")]
FormatOpt = Annotated[str, typer.Option("--format", help="table, turtle, json or json-ld.")]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(EXIT_INPUT)


def _read(path: Path, role: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _fail(f"{role} file {path}: cannot be read ({exc.strerror}); check the path") from exc


def shacl(shapes: ShapesOpt, data: DataOpt, fmt: FormatOpt = "table") -> None:
    """Validate a data file against a SHACL shapes file (all of SHACL Core and SHACL-SPARQL).

    Shapes are compiled to SPARQL and run on Oxigraph; a shape the compiler cannot handle is
    checked by pyshacl and named in the report. Nothing is fetched, owl:imports is not followed.
    """
    if fmt not in _FORMATS:
        raise _fail(f"unknown --format {fmt!r}; use one of {', '.join(_FORMATS)}")
    try:
        data_g = read_graph(str(data), _read(data, "data"))
        shapes_g = read_graph(str(shapes), _read(shapes, "shapes"))
        report = validate_files(data_g, shapes_g)
    except ShaclInputError as exc:
        raise _fail(str(exc)) from exc
    if fmt == "table":
        _table(report_dict(report))
    else:
        sys.stdout.write(render(report, fmt).decode("utf-8"))
    if not report.conforms:
        raise typer.Exit(EXIT_RESULTS)


def _table(d: dict[str, object]) -> None:
    results = d["results"]
    assert isinstance(results, list)
    table = Table(title="conforms" if d["conforms"] else f"{len(results)} result(s)")
    for col in ("severity", "focus", "path", "value", "shape", "component"):
        table.add_column(col)
    for r in results:
        comp = str(r["component"]).rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        table.add_row(
            r["severity"], r["focus"], r["path"] or "", r["value"] or "", r["shape"], comp
        )
    out.print(table)
    fallback = d["fallback"]
    assert isinstance(fallback, list)
    for fb in fallback:
        err.print(f"checked by pyshacl: {fb['shape']} ({fb['reason']})")


def register(app: typer.Typer) -> None:
    """Add the ``shacl`` command."""
    app.command("shacl")(shacl)


__all__ = ["register", "shacl"]

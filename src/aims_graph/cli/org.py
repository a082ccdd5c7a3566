"""CLI commands for organisation data templates: ``aims-graph template soa|systems|evidence|…``."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aims_graph.cli.session import EXIT_INPUT, err
from aims_graph.orgdata.sheet_specs import SHEETS
from aims_graph.orgdata.templates import guide_csv
from aims_graph.orgdata.templates import template as build_template


class TemplateFormat(StrEnum):
    """Template file formats."""

    csv = "csv"
    xlsx = "xlsx"


def template(
    kind: Annotated[str, typer.Argument(help="sheet kind: " + ", ".join(SHEETS))],
    fmt: Annotated[TemplateFormat, typer.Option("--format", help="csv or xlsx")] = (
        TemplateFormat.xlsx
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file to write (default: <kind>.<format>)")
    ] = None,
) -> None:
    """Write a blank import template; XLSX documents every column, CSV gets a -columns.csv guide."""
    if kind not in SHEETS:
        err.print(
            f"[bold red]error:[/] unknown template {kind!r}; choose from: {', '.join(SHEETS)}"
        )
        raise typer.Exit(EXIT_INPUT)
    data, name, _media = build_template(kind, fmt.value)
    target = output or Path(name)
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        return
    written = [str(target)]
    try:
        target.write_bytes(data)
        if fmt is TemplateFormat.csv:
            guide = target.with_name(f"{target.stem}-columns.csv")
            guide.write_bytes(guide_csv(kind))
            written.append(str(guide))
    except OSError as exc:
        err.print(f"[bold red]error:[/] cannot write {target}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_INPUT) from exc
    err.print("wrote " + " and ".join(written))


def register(app: typer.Typer) -> None:
    """Add the organisation-data commands to the CLI."""
    app.command("template")(template)

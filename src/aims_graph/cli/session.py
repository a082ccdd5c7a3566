"""What every command group shares: the consoles, exit codes, errors and the graph session."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from aims_graph.catalog.build import CatalogSourceError
from aims_graph.cli.progress import Snapshot, run_with_progress
from aims_graph.config import Settings
from aims_graph.service import Graph, open_graph
from aims_graph.store import StoreError

out = Console()
err = Console(stderr=True)

EXIT_FINDINGS = 1
EXIT_INPUT = 2


def fail(message: str, code: int = EXIT_INPUT) -> typer.Exit:
    """Print an error on stderr; return the Exit to raise (exit 2 unless told otherwise)."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def _open_with_progress(settings: Settings, rebuild: bool) -> Graph:
    """Open and build the graph; show a progress bar on stderr once it takes over a second."""
    current: list[str] = []

    def snapshot() -> Snapshot:
        what = f"loading {current[-1]}" if current else "opening the store"
        return len(current), None, what

    return run_with_progress(
        lambda: open_graph(settings, rebuild=rebuild, progress=current.append),
        snapshot,
        err,
        unit="graph(s) loaded",
    )


@contextmanager
def graph_session(rebuild: bool = False) -> Iterator[Graph]:
    """Open the configured store, bring it up to date, and close it after (exit 2 on failure)."""
    settings = Settings.from_env()
    try:
        graph = _open_with_progress(settings, rebuild)
    except (StoreError, CatalogSourceError, FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from exc
    try:
        yield graph
    finally:
        graph.close()


def print_json(data: Any) -> None:
    """Write JSON to stdout, indented, non-ASCII kept."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

"""The command line: a Typer app assembled from one module per command group."""

from aims_graph.cli.app import app

__all__ = ["app"]

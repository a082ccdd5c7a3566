"""``aims-graph org shapes put|get|delete``: an organisation's policy shapes in the store.

The commands act on the store named by AIMS_GRAPH_STORE as its operator, without an API key;
they check shapes exactly as ``PUT /orgs/{id}/shapes`` does.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from aims_graph.cli.session import err, fail, graph_session, print_json
from aims_graph.orgdata.policy_shapes import PolicyShapesError
from aims_graph.orgdata.service import OrgService, UploadTooLargeError

org_app = typer.Typer(help="Organisations in the configured store.", no_args_is_help=True)
shapes_app = typer.Typer(
    help="An organisation's own SHACL policy shapes (validated with its data).",
    no_args_is_help=True,
)
org_app.add_typer(shapes_app, name="shapes")

OrgArg = Annotated[str, typer.Argument(help="organisation id (registered with POST /orgs)")]


class ShapesFormat(StrEnum):
    """RDF formats the shapes are written in."""

    turtle = "turtle"
    nt = "nt"
    jsonld = "json-ld"


def _service_for(service: OrgService, org_id: str) -> None:
    if service.registry.get(org_id) is None:
        raise fail(f"no organisation {org_id!r} in this store; register it with POST /orgs")


@shapes_app.command("put")
def put(
    org_id: OrgArg,
    files: Annotated[list[Path], typer.Argument(help=".ttl, .jsonld or .nt shapes files")],
) -> None:
    """Check shapes files and store them in place of the organisation's shapes (all or none)."""
    try:
        sources = [(str(p), p.read_bytes()) for p in files]
    except OSError as exc:
        raise fail(f"cannot read {exc.filename}: {exc.strerror}") from exc
    with graph_session() as graph:
        service = OrgService(graph, max_upload_triples=graph.settings.max_upload_triples)
        _service_for(service, org_id)
        try:
            result = service.put_shapes(org_id, sources)
        except PolicyShapesError as exc:
            for p in exc.problems:
                err.print(f"[red]✗[/] {escape(str(p))}", highlight=False, emoji=False)
                if p.fix:
                    err.print(f"  fix: {escape(p.fix)}", highlight=False, emoji=False)
            raise fail(f"{len(exc.problems)} problem(s) in the shapes; nothing was stored") from exc
        except UploadTooLargeError as exc:
            raise fail(str(exc)) from exc
    print_json({"organisation": org_id, "rules": result.rules, "triples": result.triples})


@shapes_app.command("get")
def get(
    org_id: OrgArg,
    fmt: Annotated[ShapesFormat, typer.Option("--format", help="turtle, nt or json-ld")] = (
        ShapesFormat.turtle
    ),
) -> None:
    """Write the organisation's stored shapes to stdout (nothing when it has none)."""
    with graph_session() as graph:
        service = OrgService(graph)
        _service_for(service, org_id)
        shapes = service.shapes(org_id)
    if len(shapes):
        sys.stdout.buffer.write(shapes.serialize(format=fmt.value, encoding="utf-8"))


@shapes_app.command("delete")
def delete(org_id: OrgArg) -> None:
    """Remove the organisation's shapes: validation runs the project's shapes only."""
    with graph_session() as graph:
        service = OrgService(graph)
        _service_for(service, org_id)
        had = service.delete_shapes(org_id)
    err.print("deleted the shapes" if had else "the organisation had no shapes")


def register(app: typer.Typer) -> None:
    """Add the ``org`` command group to the CLI."""
    app.add_typer(org_app, name="org")

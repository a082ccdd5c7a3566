"""``aims-graph compare FIRST SECOND``: how far two mapping sets agree, pair by pair."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from aims_graph.cli.session import fail, graph_session, out
from aims_graph.mappings.compare import CompareInputError, compare_sets

SIDE_HELP = "A set id, stated:A>C, derived:A>C or derived:A>C@X (through edition X)."


def _link(link: dict[str, Any] | None) -> str:
    if link is None:
        return "—"
    text = f"{link['relation']} ({link['confidence']:g})"
    if link["comment"]:
        text += f": {link['comment']}"
    if link["via"]:
        text += f" [chain of {len(link['via'])}]"
    return text


def compare(
    first: Annotated[str, typer.Argument(help=SIDE_HELP)],
    second: Annotated[str, typer.Argument(help=SIDE_HELP)],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole answer as JSON.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="Disagreements to list.", min=0)] = 20,
) -> None:
    """Compare two mapping sets of the same two editions: shared pairs, relations, Jaccard."""
    with graph_session() as graph:
        try:
            data = compare_sets(graph.mappings, first, second)
        except CompareInputError as exc:
            raise fail(str(exc)) from exc
    if as_json or not sys.stdout.isatty():
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    a, b = data["first"], data["second"]
    rel = data["relations"]
    out.print(f"[bold]{a['label']}[/] ({a['pairs']} pairs) vs [bold]{b['label']}[/] ({b['pairs']})")
    out.print(
        f"both {data['both']}, first only {data['first_only']}, second only "
        f"{data['second_only']}, Jaccard {data['jaccard']}; shared pairs: {rel['same']} same "
        f"relation, {rel['compatible']} compatible, {rel['conflicting']} conflicting"
    )
    table = Table(title=f"Disagreements (first {limit} of {len(data['disagreements'])})")
    for col in ("subject", "object", "kind", "first", "second"):
        table.add_column(col, overflow="fold")
    for d in data["disagreements"][:limit]:
        table.add_row(d["subject"], d["object"], d["kind"], _link(d["first"]), _link(d["second"]))
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add ``compare`` to the CLI."""
    app.command("compare")(compare)

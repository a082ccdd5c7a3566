"""CLI commands of the mapping layer: ``crosswalk``, ``explain`` and ``mappings``.

On a terminal they print rich tables; piped, they print CSV (or JSON for ``explain``).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from aims_graph.cli.session import err, fail, out
from aims_graph.config import Settings
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.service import open_graph
from aims_graph.store import StoreError


class Format(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"
    csv = "csv"


@contextmanager
def _service() -> Iterator[MappingService]:
    settings = Settings.from_env()
    try:
        with err.status("building the graph…"):
            graph = open_graph(settings)
    except (StoreError, FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from exc
    try:
        yield MappingService.from_store(graph.store, settings)
    finally:
        graph.close()


def _pick(fmt: Format | None, piped: Format) -> Format:
    if fmt is not None:
        return fmt
    return Format.table if sys.stdout.isatty() else piped


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _chain_text(hops: list[dict[str, Any]]) -> str:
    return " | ".join(
        f"{h['subject']} {h['relation']} {h['object']} ({h['confidence']:g}, {h['set']})"
        for h in hops
    )


def crosswalk(
    item: Annotated[str, typer.Argument(help="Item: CURIE (iso42001:A.6.2.4), IRI or notation.")],
    to: Annotated[
        str | None, typer.Option("--to", help="Target framework (slug or CURIE prefix).")
    ] = None,
    derived: Annotated[
        bool, typer.Option("--derived", help="Also show mappings derived along chains.")
    ] = False,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", help="Drop mappings below this confidence.")
    ] = 0.0,
    fmt: Annotated[
        Format | None, typer.Option("--format", help="table (terminal default), json or csv.")
    ] = None,
) -> None:
    """Show what an item maps to in another framework: relation, confidence, source, set."""
    with _service() as svc:
        try:
            rows = svc.crosswalk(item, to, derived=derived, min_confidence=min_confidence)
            subject = svc.resolve(item)
        except ValueError as exc:
            raise fail(str(exc)) from exc
    mode = _pick(fmt, Format.csv)
    if mode is Format.json:
        _json(rows)
        return
    if mode is Format.csv:
        w = csv.writer(sys.stdout, lineterminator="\n")
        cols = ["subject", "subject_title", "relation", "object", "object_title", "confidence"]
        cols += ["justification", "set", "source", "derived", "comment"]
        w.writerow([*cols, "chain"])
        for r in rows:
            w.writerow([*(r[c] for c in cols), _chain_text(r["chain"])])
        return
    table = Table(title=f"{subject.curie} {subject.title} → {to or 'all frameworks'}")
    for col in ("relation", "object", "title", "conf.", "justification", "set / chain"):
        table.add_column(col, overflow="fold")
    for r in rows:
        via = [h["object"] for h in r["chain"][:-1]]
        how = "via " + " → ".join(via) if r["derived"] else r["set"]
        table.add_row(
            r["relation"] + (" (derived)" if r["derived"] else ""),
            r["object"],
            r["object_title"],
            f"{r['confidence']:.2f}",
            r["justification"],
            how,
        )
    out.print(table)
    if not rows:
        err.print("no mappings found" + ("" if derived else " (try --derived)"))


def explain(
    a: Annotated[str, typer.Argument(help="From item (CURIE, IRI or notation).")],
    b: Annotated[str, typer.Argument(help="To item.")],
    max_hops: Annotated[
        int | None, typer.Option("--max-hops", help="Longest path (default: the setting).")
    ] = None,
    fmt: Annotated[
        Format | None, typer.Option("--format", help="table (terminal default) or json.")
    ] = None,
) -> None:
    """Show every mapping path from one item to another, hop by hop, with sources."""
    with _service() as svc:
        try:
            result = svc.explain(a, b, max_hops)
        except ValueError as exc:
            raise fail(str(exc)) from exc
    mode = _pick(fmt, Format.json)
    if mode is not Format.table:
        _json(result)
        return
    head = f"{result['subject']} {result['subject_title']} → "
    head += f"{result['object']} {result['object_title']}"
    if not result["paths"]:
        out.print(f"{head}: no path within {result['max_hops']} hop(s)")
        return
    for n, path in enumerate(result["paths"], start=1):
        rel = path["relation"] or "nothing follows"
        table = Table(title=f"path {n}: {rel}, confidence {path['confidence']:.3f}")
        for col in (
            "#",
            "subject",
            "relation",
            "object",
            "conf.",
            "set",
            "justification",
            "source",
        ):
            table.add_column(col, overflow="fold")
        for i, h in enumerate(path["hops"], start=1):
            table.add_row(
                str(i),
                f"{h['subject']} {h['subject_title']}",
                h["relation"],
                f"{h['object']} {h['object_title']}",
                f"{h['confidence']:g}",
                h["set"],
                h["justification"],
                h["source"],
            )
        out.print(table)
    out.print(head)


def mappings(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per pair of frameworks: mappings by relation and the share of items mapped."""
    with _service() as svc:
        rows = svc.summary()
    if as_json:
        _json(rows)
        return
    rels = ["equal", "subset-of", "superset-of", "intersects-with", "not-related"]
    if not sys.stdout.isatty():
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["first", "second", "mappings", *rels, "derived", "first_share", "second_share"])
        for r in rows:
            counts = [r["by_relation"].get(k, 0) for k in rels]
            w.writerow(
                [
                    r["first"],
                    r["second"],
                    r["mappings"],
                    *counts,
                    r["derived"],
                    r["first_share"],
                    r["second_share"],
                ]
            )
        return
    table = Table(title="Mappings per pair of frameworks (stated; derived counted once)")
    for col in ("first", "second", "total", "eq", "⊂", "⊃", "∩", "≠", "derived"):
        table.add_column(col, justify="left" if col in ("first", "second") else "right")
    table.add_column("first mapped", justify="right")
    table.add_column("second mapped", justify="right")
    for r in rows:
        counts = [str(r["by_relation"].get(k, 0)) for k in rels]
        table.add_row(
            r["first"],
            r["second"],
            str(r["mappings"]),
            *counts,
            str(r["derived"]),
            f"{r['first_mapped']}/{r['first_total']} ({r['first_share']:.0%})",
            f"{r['second_mapped']}/{r['second_total']} ({r['second_share']:.0%})",
        )
    out.print(table)
    err.print("shares count items of the kinds that appear in the pair's mappings")


def register(app: typer.Typer) -> None:
    """Add the mapping commands to the CLI."""
    app.command("crosswalk")(crosswalk)
    app.command("explain")(explain)
    app.command("mappings")(mappings)

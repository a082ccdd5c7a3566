"""``aims-graph validate`` and ``aims-graph coverage``: org data against the shapes and mappings.

Exit codes: 0 nothing to act on, 1 violations (validate) or gaps (coverage), 2 bad input.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rdflib import Graph
from rich.markup import escape
from rich.table import Table

from aims_graph.cli.session import err, fail, out
from aims_graph.validation.shapes import LAW_MODES

EXIT_FINDINGS = 1
_FORMATS = ("table", "json", "csv")
_STYLE = {"violation": "bold red", "warning": "yellow", "upcoming": "cyan", "info": "dim"}
_VERDICT_STYLE = {
    "covered": "green",
    "partly": "yellow",
    "gap": "bold red",
    "no-counterpart": "magenta",
}
_COUNTS = ("items", "covered", "partly", "gap", "no-counterpart")

FilesArg = Annotated[
    list[Path],
    typer.Argument(help="Turtle/JSON-LD files, or the CSV/XLSX sheets (docs/org-model.md)."),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Judge on this day (YYYY-MM-DD; default today).")
]
LawOpt = Annotated[
    str,
    typer.Option(
        "--law",
        help="EU AI Act dates: in-force (the law as it stood that day), original, amended.",
    ),
]
FormatOpt = Annotated[str, typer.Option("--format", help="table, json or csv.")]
OrgIdOpt = Annotated[
    str | None,
    typer.Option("--org-id", help="Organisation id for sheets (default: the folder or file name)."),
]


def _check_choice(value: str, allowed: Sequence[str], what: str) -> None:
    if value not in allowed:
        raise fail(f"unknown {what} {value!r}; use one of {', '.join(allowed)}")


def _as_of(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"--as-of {text!r} is not a date; write YYYY-MM-DD") from None


def _guess_org_id(files: Sequence[Path]) -> str:
    if len(files) == 1 and files[0].suffix.lower() == ".xlsx":
        return files[0].stem
    parents = {f.resolve().parent.name for f in files}
    return parents.pop() if len(parents) == 1 else "org"


def read_org(files: Sequence[Path], org_id: str | None, index: Any | None) -> Graph:
    """Read org data: RDF files are parsed as they are; sheets go through the importer."""
    for f in files:
        if not f.is_file():
            raise fail(f"{f}: no such file")
    from aims_graph.orgdata.importer import RDF_FORMATS, import_files
    from aims_graph.store.parsing import parse_rdf

    if all(f.suffix.lower() in RDF_FORMATS for f in files):
        g = Graph()
        for f in files:
            try:
                g += parse_rdf(f.read_bytes(), RDF_FORMATS[f.suffix.lower()])
            except ValueError as exc:
                raise fail(f"{f}: {exc}") from exc
        return g

    if index is None:
        raise fail("reading sheets needs the catalog index")
    try:
        result = import_files(list(files), org_id or _guess_org_id(files), index)
    except ValueError as exc:
        raise fail(str(exc)) from exc
    if not result.ok:
        for p in result.problems:
            err.print(f"[red]✗[/] {p}")
        raise fail(f"{len(result.problems)} import problem(s); nothing was validated")
    return result.graph


def _catalog_store() -> Any:
    """An in-memory store holding the vocabulary and catalogs (no mappings)."""
    from aims_graph.build import loader, sources
    from aims_graph.store import OxigraphStore

    store = OxigraphStore()
    loader.build(store, sources.base_sources())
    return store


def _write_csv(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    sys.stdout.write(buf.getvalue())


def validate_cmd(
    files: FilesArg,
    as_of: AsOfOpt = None,
    engine: Annotated[
        str, typer.Option("--engine", help="fast (SPARQL on Oxigraph) or pyshacl.")
    ] = "fast",
    law: LawOpt = "in-force",
    fmt: FormatOpt = "table",
    org_id: OrgIdOpt = None,
    shapes: Annotated[
        list[Path] | None,
        typer.Option(
            "--shapes",
            help="The organisation's own policy shapes, checked as PUT /orgs/{id}/shapes checks "
            "them and run with the project's (repeatable).",
        ),
    ] = None,
) -> None:
    """Validate organisation data against the org shapes; each finding names its clause and fix."""
    from aims_graph.catalog.items import ItemIndex
    from aims_graph.validation import ENGINES, ValidationContext, validate

    _check_choice(engine, ENGINES, "engine")
    _check_choice(law, LAW_MODES, "law mode")
    _check_choice(fmt, _FORMATS, "format")
    day = _as_of(as_of)
    try:
        store = _catalog_store()
        index = ItemIndex.from_store(store)
        org = read_org(files, org_id, index)
        ctx = ValidationContext.from_store(store)
        report = validate(org, as_of=day, catalogs=ctx, engine=engine, law_mode=law)
        if shapes:
            report = _with_own_shapes(report, org, shapes, ctx, index, law)
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from exc
    if fmt == "json":
        sys.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        _write_csv(report.rows())
    else:
        _print_findings(report)
    if not report.conforms:
        raise typer.Exit(EXIT_FINDINGS)


def _with_own_shapes(
    report: Any, org: Graph, files: Sequence[Path], ctx: Any, index: Any, law: str
) -> Any:
    """The report with the findings of the organisation's own shapes added."""
    import time

    from aims_graph.orgdata.policy_shapes import PolicyShapesError, check_shapes, read_shapes
    from aims_graph.validation.policy import run_policy, with_policy

    started = time.perf_counter()
    try:
        policy = read_shapes([(str(p), p.read_bytes()) for p in files])
        check_shapes(policy, lambda iri: index.get(iri) is not None)
    except PolicyShapesError as exc:
        for p in exc.problems:
            err.print(f"[red]✗[/] {escape(str(p))}", highlight=False, emoji=False)
        raise fail(f"{len(exc.problems)} problem(s) in the shapes; nothing was validated") from exc
    data = org.serialize(format="nt", encoding="utf-8")
    run = run_policy(data, policy, ctx, as_of=report.as_of, law_mode=law)
    return with_policy(report, run, started)


def _print_findings(report: Any) -> None:
    table = Table(
        title=(
            f"Findings on {report.as_of.isoformat()} "
            f"(law: {report.law_mode}, engine: {report.engine})"
        ),
        show_lines=True,
    )
    for col in ("severity", "record", "rule / enforces", "what is wrong → fix"):
        table.add_column(col, overflow="fold")
    for f in report.findings:
        enforced = ", ".join(e.curie for e in f.enforces)
        detail = f.value if f.value and f.value != f.node and f.applies_from is None else ""
        table.add_row(
            f"[{_STYLE.get(f.severity, '')}]{f.severity}[/]",
            f.node_label or f.node,
            f"{f.rule_label}\n[dim]{enforced}[/]",
            f"{f.message}{' [' + detail + ']' if detail else ''}\n[green]→ {f.fix}[/]",
        )
    out.print(table)
    counts = report.counts()
    out.print(
        f"{counts['violation']} violation(s), {counts['warning']} warning(s), "
        f"{counts['upcoming']} upcoming duty(ies); {report.rules} rules, {report.triples} triples, "
        f"{report.seconds:.2f}s"
    )


def coverage_cmd(
    files: FilesArg,
    target: Annotated[
        str, typer.Option("--target", help="Framework (iso27001, nist-ai-rmf, …) or eu-ai-act.")
    ],
    as_of: AsOfOpt = None,
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence",
            help="Ignore mappings below this confidence (0..1: how sure we are it is right).",
        ),
    ] = 0.0,
    law: LawOpt = "in-force",
    fmt: FormatOpt = "table",
    org_id: OrgIdOpt = None,
    min_strength: Annotated[
        float | None,
        typer.Option(
            "--min-strength",
            min=0.0,
            max=1.0,
            help="Ignore mappings graded below this strength (how much of the duty the target "
            "carries: 0.8/0.6/0.4); ungraded mappings count.",
        ),
    ] = None,
) -> None:
    """Coverage of a target framework (or the AI Act duties that apply) by the org's controls."""
    from aims_graph.config import Settings
    from aims_graph.coverage import CoverageEngine, CoverageInputError, coverage_rows
    from aims_graph.service import open_graph
    from aims_graph.store import StoreError

    _check_choice(law, LAW_MODES, "law mode")
    _check_choice(fmt, _FORMATS, "format")
    day = _as_of(as_of)
    try:
        graph = open_graph(Settings.from_env())
    except (StoreError, FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from exc
    try:
        org = read_org(files, org_id, graph.mappings.items)
        engine = CoverageEngine(graph.mappings, graph.store)
        report = engine.coverage(
            org,
            target,
            as_of=day,
            min_confidence=min_confidence,
            law_mode=law,
            min_strength=min_strength,
        )
        data = engine.as_dict(report)
    except CoverageInputError as exc:
        raise fail(str(exc)) from exc
    finally:
        graph.close()
    if fmt == "json":
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        _write_csv(coverage_rows(data))
    else:
        _print_coverage(data)
    if data["totals"]["gap"]:
        raise typer.Exit(EXIT_FINDINGS)


def _print_coverage(data: dict[str, Any]) -> None:
    items = Table(title=f"Coverage of {data['target']} on {data['as_of']}", show_lines=False)
    for col in ("item", "verdict", "through"):
        items.add_column(col, overflow="fold")
    for i in data["items"]:
        through = "; ".join(
            f"{e['control']} {e['relation']}{' (derived)' if e['derived'] else ''}"
            for e in i["explanation"][:3]
        ) or "; ".join(f"none in {a['framework']}: {a['reason']}" for a in i["no_counterpart"])
        more = len(i["explanation"]) - 3
        items.add_row(
            i["title"],
            f"[{_VERDICT_STYLE[i['verdict']]}]{i['verdict']}[/]",
            through + (f" (+{more} more)" if more > 0 else ""),
        )
    out.print(items)
    sections = Table(title="By section")
    for col in ("section", *_COUNTS):
        sections.add_column(col, justify="right" if col != "section" else "left")
    for name, t in sorted(data["by_section"].items()):
        sections.add_row(name, *(str(t[k]) for k in _COUNTS))
    tot = data["totals"]
    sections.add_row("[bold]total[/]", *(f"[bold]{tot[k]}[/]" for k in _COUNTS))
    out.print(sections)
    rev = Table(title="Your controls that serve the most target items")
    for col in ("control", "covers", "partly"):
        rev.add_column(col)
    for r in data["reverse"][:10]:
        rev.add_row(r["title"] or r["control"], str(r["covers"]), str(r["partly"]))
    out.print(rev)


def register(app: typer.Typer) -> None:
    """Add the ``validate`` and ``coverage`` commands to the CLI."""
    app.command("validate")(validate_cmd)
    app.command("coverage")(coverage_cmd)


__all__ = ["read_org", "register"]

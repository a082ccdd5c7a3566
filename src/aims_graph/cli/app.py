"""The ``aims-graph`` command line: thin commands over the service layer.

Exit codes: 0 ok, 1 findings (a check failed), 2 usage or input error.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.table import Table

from aims_graph import resources
from aims_graph.catalog.build import CatalogSourceError, build_all
from aims_graph.cli.compare import register as register_compare
from aims_graph.cli.exports import register as register_exports
from aims_graph.cli.importing import register as register_importing
from aims_graph.cli.mappings import register as register_mappings
from aims_graph.cli.org import register as register_org
from aims_graph.cli.org_shapes import register as register_org_shapes
from aims_graph.cli.query import register as register_query
from aims_graph.cli.session import EXIT_FINDINGS, err, fail, graph_session, out, print_json
from aims_graph.cli.validate import register as register_validate
from aims_graph.config import Settings
from aims_graph.service import check_shareable
from aims_graph.store import StoreError

app = typer.Typer(
    help="aims-graph: a knowledge graph crosswalk for AI governance standards and regulation "
    "(ISO/IEC 42001, 27001, 27701, NIST AI RMF, NIST AI 600-1, EU AI Act).",
    epilog="Settings come from AIMS_GRAPH_* environment variables, e.g. AIMS_GRAPH_STORE="
    "memory: | oxigraph:PATH (default oxigraph:.aims-graph/store) | sparql:URL. "
    "Exit codes: 0 ok, 1 findings (a check failed, an ASK was false), 2 usage or input error.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.command("build-catalogs")
def build_catalogs() -> None:
    """Regenerate ontology/standards/*.ttl from the editable sources in ontology/standards/src/."""
    try:
        for fw, path, n in build_all(resources.catalog_sources_dir(), resources.standards_dir()):
            err.print(f"{fw.slug:18} {n:7} triples → {path}")
    except CatalogSourceError as exc:
        raise fail(str(exc)) from exc


@app.command()
def build(
    rebuild: Annotated[bool, typer.Option(help="Reload every graph, ignoring the cache.")] = False,
) -> None:
    """Build (or update) the store from the files; only changed sources are reloaded.

    Loads the vocabulary, every catalog and mapping set into their own named graphs of the store
    named by AIMS_GRAPH_STORE, then derives chained mappings. Other commands build on demand too;
    run this to prepare a store ahead of time. A progress bar shows when it takes over a second.
    """
    with graph_session(rebuild) as graph:
        r = graph.build_report
        err.print(
            f"loaded {len(r.loaded)} graph(s), kept {len(r.cached)} from cache, "
            f"dropped {len(r.dropped)} in {r.seconds:.2f}s; {graph.store.triple_count()} triples"
        )


@app.command()
def stats(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Count each framework edition's items by kind (a table, or JSON with --json)."""
    with graph_session() as graph:
        rows = graph.stats()
    if as_json:
        print_json(
            {s.edition: {"total": s.total, "by_kind": s.counts} for s in rows},
        )
        return
    table = Table(title="Items per framework edition and kind")
    table.add_column("edition")
    table.add_column("kind")
    table.add_column("items", justify="right")
    for s in rows:
        for i, (kind, n) in enumerate(s.counts.items()):
            table.add_row(s.edition if i == 0 else "", kind, str(n))
        table.add_row("", "[bold]total[/]", f"[bold]{s.total}[/]", end_section=True)
    out.print(table)


@app.command()
def check(
    reasoner: Annotated[
        bool, typer.Option(help="Also run the OWL reasoner (HermiT, needs Java).")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON findings.")] = False,
) -> None:
    """Check catalogs and mappings with SHACL shapes, and OWL consistency with HermiT.

    Exits 1 when a check finds a problem, so it can gate CI.
    """
    from aims_graph.checks.quality import run_quality_checks

    started = time.perf_counter()
    try:
        result = run_quality_checks(reasoner=reasoner)
    except (FileNotFoundError, RuntimeError, CatalogSourceError) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print_json(result.as_dict())
    else:
        for line in result.summary_lines():
            out.print(line)
        out.print(f"done in {time.perf_counter() - started:.1f}s")
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default 8000).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Server processes (default 1). Above 1 they share the store: an embedded one "
            "read-only (no organisation writes), a sparql: one as it is.",
        ),
    ] = None,
) -> None:
    """Build the graph if needed and serve the API on HOST:PORT.

    One process serves the JSON API (OpenAPI docs at /docs), the SPARQL endpoint at /sparql,
    named queries at /queries, the vocabulary at /ontology and every item IRI at /id/...
    (HTML for browsers, Turtle/JSON-LD by content negotiation).
    """
    import uvicorn

    from aims_graph.api.app import create_app

    settings = Settings.from_env()
    if host is not None:
        settings = settings.model_copy(update={"host": host})
    if port is not None:
        settings = settings.model_copy(update={"port": port})
    if workers is not None:
        settings = settings.model_copy(update={"workers": workers})
    if settings.workers > 1:
        _serve_workers(settings)
        return
    with graph_session() as graph:
        graph.settings = settings
        err.print(f"serving on http://{settings.host}:{settings.port}")
        # Keep idle connections 30 s (uvicorn's default is 5): a client that pauses between
        # requests on a busy machine should not find its connection reset.
        uvicorn.run(
            create_app(graph),
            host=settings.host,
            port=settings.port,
            log_level="info",
            timeout_keep_alive=30,
        )


def _serve_workers(settings: Settings) -> None:
    """Build once here, let go of the store, then serve from several uvicorn worker processes."""
    from aims_graph.api.workers import serve_workers

    try:
        check_shareable(settings)
    except StoreError as exc:
        raise fail(str(exc)) from exc
    with graph_session():
        pass  # RocksDB lets one process write: the workers open the built store after this
    err.print(
        f"serving on http://{settings.host}:{settings.port} with {settings.workers} workers"
        + (" (embedded store read-only)" if settings.store.startswith("oxigraph:") else "")
    )
    serve_workers(settings)


for register in (
    register_mappings,
    register_compare,
    register_importing,
    register_exports,
    register_org,
    register_org_shapes,
    register_query,
    register_validate,
):
    register(app)

from aims_graph.cli.shacl import register as _register_shacl  # noqa: E402

_register_shacl(app)

if __name__ == "__main__":
    app()

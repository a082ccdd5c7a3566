"""Benchmarks, each against a baseline measured in the same run (issue 7).

    python -m bench.run [--quick] [--only http,startup] [--output bench/RESULTS.md]

Prints and writes Markdown tables: latency (median and p99 of repeated runs, the baseline's
median, the ratio baseline / ours: above 1, ours is faster) and HTTP under load (bench/http_load.py:
aims-graph in three deployments against raw Oxigraph, rdflib-endpoint and the Python floor), and
last issue 18's target table (bench/targets.py) from what ran. ``--quick`` repeats each a few
times, so that CI keeps every benchmark running; ``--only`` runs some groups (the target table
says which rows were not run).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import rdflib

from aims_graph import resources
from aims_graph.build import loader
from aims_graph.catalog.frameworks import FRAMEWORKS
from aims_graph.catalog.items import ItemIndex
from aims_graph.coverage import CoverageEngine, org_controls
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.orgdata import import_files
from aims_graph.queries import bind, load_catalog
from aims_graph.store import OxigraphStore
from bench.synthetic import large_organisation
from bench.timing import AS_OF, Result, measure, table

EXAMPLE = resources.examples_dir() / "northwind"


def run(quick: bool) -> list[Result]:
    """Run every benchmark; ``quick`` repeats each only a few times (CI keeps them from rotting)."""
    n = 5 if quick else 50
    results: list[Result] = []

    # Build: cold from the files into a fresh on-disk store, against the in-memory build; warm.
    def cold_disk() -> None:
        folder = Path(tempfile.mkdtemp(prefix="aims-bench-"))
        try:
            store = OxigraphStore(folder / "db")
            loader.build(store)
            store.close()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    cold_runs = 2 if quick else 5
    results.append(
        Result(
            "build, cold, on disk",
            measure(cold_disk, cold_runs, warmup=0),
            "build, cold, in memory",
            measure(lambda: loader.build(OxigraphStore()), cold_runs, warmup=0),
            "≤ 2 s",
        )
    )
    store = OxigraphStore()
    loader.build(store)
    results.append(
        Result(
            "build, warm (nothing changed)",
            measure(lambda: loader.build(store), n),
            "",
            None,
            "≤ 0.5 s",
        )
    )

    # Crosswalk: the API's engine, the named query on Oxigraph, the same query on rdflib.
    svc = MappingService.from_store(store)
    catalog = load_catalog()
    query = catalog["crosswalk"]
    args = {"item": "iso42001:A.6.2.4", "target": "iso27001-2022"}
    text, bindings = bind(query, args, lambda t: svc.resolve(t).iri)
    ours = measure(lambda: svc.crosswalk("iso42001:A.6.2.4", "iso27001-2022"), n)
    sparql = measure(lambda: store.select(text, bindings), n)
    results.append(
        Result("crosswalk A.6.2.4 → 27001:2022", ours, "named query, Oxigraph", sparql, "≤ 1 ms")
    )
    view = rdflib.Graph()
    view.parse(data=store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"), format="nt")
    init = {
        k: rdflib.URIRef(v.value) if v.kind == "uri" else rdflib.Literal(v.value)
        for k, v in bindings.items()
    }
    rdf_runs = 2 if quick else 5
    results.append(
        Result(
            "named crosswalk query, Oxigraph",
            sparql,
            "same query, rdflib in memory",
            measure(lambda: list(view.query(text, initBindings=init)), rdf_runs),
            "",
        )
    )

    # Coverage of the example organisation.
    index = ItemIndex.from_store(store)
    paths = sorted(EXAMPLE.glob("*.csv"))
    org = import_files(paths, "northwind", index).graph
    engine = CoverageEngine(svc, store)
    for target in ("iso42001", "eu-ai-act", "nist-ai-rmf"):

        def held(t: str = target) -> object:
            return engine.coverage(org, t, as_of=AS_OF)

        def fresh(t: str = target) -> object:
            return CoverageEngine(svc, store).coverage(org, t, as_of=AS_OF)

        results.append(
            Result(
                f"coverage of Northwind, {target}",
                measure(held, n),
                "engine built per call",
                measure(fresh, max(2, n // 5)),
                "≤ 5 ms",
            )
        )
    # An organisation of 1,000 AI systems and 20,000 control implementations, every framework.
    big = large_organisation(index, systems=1000, implementations=2000 if quick else 20000)
    targets = sorted({f.slug for f in FRAMEWORKS})

    def every_framework() -> None:
        controls = org_controls(big, AS_OF)  # read once, judged against every framework
        for t in targets:
            engine.coverage(big, t, as_of=AS_OF, controls=controls)

    results.append(
        Result(
            f"coverage, {len(big):,} triples org, all {len(targets)} frameworks",
            measure(every_framework, 2 if quick else 5),
            "",
            None,
            "≤ 1 s",
        )
    )
    from bench import explorer_render  # needs chromium; imported here so the rest runs without

    results.extend(explorer_render.results(quick))
    return results


#: The groups ``--only`` picks from, in the order they run.
GROUPS = ("real", "imports", "startup", "synthetic", "validation", "shacl-core", "http")


def _groups(text: str) -> tuple[str, ...]:
    picked = tuple(g.strip() for g in text.split(",") if g.strip())
    unknown = [g for g in picked if g not in GROUPS]
    if unknown or not picked:
        raise argparse.ArgumentTypeError(
            f"unknown group {', '.join(unknown) or '(none)'}; choose from {', '.join(GROUPS)}"
        )
    return picked


def main() -> None:
    """Run the benchmarks, print the tables and write them."""
    from bench import http_load, imports, shacl_core, synthetic_bench, targets, validation

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few repeats (CI)")
    parser.add_argument("--output", type=Path, default=None, help="Markdown file to write")
    parser.add_argument(
        "--only",
        type=_groups,
        default=GROUPS,
        metavar="GROUP[,GROUP...]",
        help=f"run only these groups, of {', '.join(GROUPS)} (default: all); issue 18's "
        "target table is printed with the rows they measure",
    )
    ns = parser.parse_args()
    only: tuple[str, ...] = ns.only
    started = time.perf_counter()
    sections: list[tuple[str, str]] = []
    measured = targets.Measured()

    def section(title: str, text: str) -> None:
        sections.append((title, text))
        print(f"\n## {title}\n\n{text}", flush=True)

    if "real" in only:
        section("Real graph", table(run(ns.quick)))
    if "imports" in only:
        section(
            "Imports: SP 800-53 Rev. 5 and an organisation's own controls",
            table(imports.results(ns.quick)),
        )
    if "startup" in only:
        section(
            "Start-up, with the Python floors",
            table(http_load.startup(ns.quick, measured)),
        )
    if "synthetic" in only:
        section(
            "Synthetic graphs of 5, 50 and 200 frameworks",
            table(synthetic_bench.results(ns.quick, measured)),
        )
    if "validation" in only:
        section(
            "SHACL validation of organisation data", table(validation.results(ns.quick, measured))
        )
    if "shacl-core" in only:
        section("SHACL Core engine on a generic shapes mix", table(shacl_core.results(ns.quick)))
    if "http" in only:
        seconds, connections = (2.0, 8) if ns.quick else (10.0, 8)
        measured.load = http_load.run(seconds=seconds, connections=connections)
        section("HTTP under load", http_load.table(measured.load, connections, seconds))
    section("Issue 18's targets", targets.table(measured))
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}"
    )
    flags = (" --quick" if ns.quick else "") + (
        f" --only {','.join(only)}" if only != GROUPS else ""
    )
    text = (
        f"# Benchmark results\n\n`python -m bench.run{flags}` on "
        f"{machine}, {date.today().isoformat()}, {time.perf_counter() - started:.0f} s in all. "
        "Ratios are the baseline's time over ours (above 1: ours is faster), measured in the "
        "same run; p99 of a few runs is their slowest.\n"
        + "".join(f"\n## {title}\n\n{body}\n" for title, body in sections)
    )
    if ns.output is not None:
        ns.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

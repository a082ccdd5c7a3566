"""Imports (issue 15): the full SP 800-53 Rev. 5 OSCAL catalog read, checked and added as a public
import, and the crosswalk and coverage with it loaded next to the shipped graph against the same
figures without it; the crosswalk and coverage through an organisation's own control set against
the public ones.

Baselines, each measured in the same run: for reading, parsing the same file's JSON alone (the
floor any importer pays); for adding it, a cold build of the shipped graph (what an import would
cost if it rebuilt everything); for the latency rows, the same call on the same store before the
import.
"""

from __future__ import annotations

import gzip
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from aims_graph import resources
from aims_graph.build import loader
from aims_graph.config import Settings
from aims_graph.coverage import CoverageEngine
from aims_graph.importers.draft import catalog_graph
from aims_graph.importers.nist import nist_dir
from aims_graph.importers.public import PublicImports
from aims_graph.importers.reading import read_framework
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.orgdata import import_files
from aims_graph.orgdata.registry import OrgRegistry
from aims_graph.orgdata.service import OrgService
from aims_graph.service import Graph, open_graph
from aims_graph.store import OxigraphStore
from bench.timing import AS_OF, Result, Timing, measure, summarise

CATALOG = nist_dir() / "NIST_SP-800-53_rev5_catalog-min.json.gz"
ORG_CONTROLS = resources.repo_root() / "tests" / "fixtures" / "org-controls"
EXAMPLE = resources.examples_dir() / "northwind"
#: The id the benchmark imports the catalog under (beside the shipped edition made from it).
SLUG = "bench-sp800-53-r5"


Call = Callable[[], object]


def _questions(graph: Graph) -> tuple[Call, Call]:
    """Crosswalk of A.6.2.4 to every edition, and Northwind's AI Act coverage, on the graph as
    it is now (the engines are kept: later changes to the store do not reach them)."""
    svc = MappingService.from_store(graph.store)
    engine = CoverageEngine(svc, graph.store)
    org = import_files(sorted(EXAMPLE.glob("*.csv")), "northwind", svc.items).graph
    return (
        lambda: svc.crosswalk("iso42001:A.6.2.4", None, derived=True),
        lambda: engine.coverage(org, "eu-ai-act", as_of=AS_OF),
    )


def paired(ours: Call, baseline: Call, runs: int) -> tuple[Timing, Timing]:
    """Both timed call by call in turn, after as many warm-up calls: sub-millisecond figures
    drift by 2× over a run here, and alternating keeps the drift out of their ratio."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        ours(), baseline()
    for _ in range(runs):
        for fn, out in ((ours, times[0]), (baseline, times[1])):
            started = time.perf_counter()
            fn()
            out.append(time.perf_counter() - started)
    return summarise(times[0]), summarise(times[1])


def _result(name: str, baseline_name: str, pair: tuple[Timing, Timing]) -> Result:
    return Result(name, pair[0], baseline_name, pair[1], "ratio ≥ 0.8")


def results(quick: bool) -> list[Result]:
    """The import rows."""
    n = 5 if quick else 50
    data = CATALOG.read_bytes()
    out = [
        Result(
            "read + check SP 800-53 Rev. 5 OSCAL catalog",
            measure(
                lambda: catalog_graph(read_framework(data, CATALOG.name, SLUG)), 2 if quick else 5
            ),
            "gunzip + json.loads of the file",
            measure(lambda: json.loads(gzip.decompress(data)), 2 if quick else 10),
            "",
        )
    ]
    folder = Path(tempfile.mkdtemp(prefix="aims-bench-imports-"))
    try:
        graph = open_graph(Settings(store=f"oxigraph:{folder / 'db'}"))
        try:
            cross_before, cov_before = _questions(graph)
            imports = PublicImports(graph)
            draft = read_framework(data, CATALOG.name, SLUG)
            adds = []
            for _ in range(1 if quick else 3):
                if imports.listing()["frameworks"]:
                    imports.remove_framework(SLUG)  # untimed: each run adds it anew
                started = time.perf_counter()
                imports.add_framework(draft)
                adds.append(time.perf_counter() - started)
            out.append(
                Result(
                    "add SP 800-53 Rev. 5 as a public import (checked, store rebuilt)",
                    summarise(adds),
                    "cold build of the shipped graph, in memory",
                    measure(lambda: loader.build(OxigraphStore()), 1 if quick else 3, warmup=0),
                    "",
                )
            )
            cross_after, cov_after = _questions(graph)
            out += [
                _result(
                    "crosswalk A.6.2.4 → all, derived, with SP 800-53 imported",
                    "same, without it",
                    paired(cross_after, cross_before, n),
                ),
                _result(
                    "coverage of Northwind, eu-ai-act, with SP 800-53 imported",
                    "same, without it",
                    paired(cov_after, cov_before, n),
                ),
            ]
            out += _through_own_controls(graph, n)
        finally:
            graph.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return out


def _through_own_controls(graph: Graph, runs: int) -> list[Result]:
    """An organisation's crosswalk and coverage through its own control set, against public."""
    OrgRegistry(graph.store).create("acme", "Acme Test Organisation")
    service = OrgService(graph)
    csv = ORG_CONTROLS / "acme-controls.csv"
    tsv = ORG_CONTROLS / "acme-controls--iso42001-2023.sssom.tsv"
    service.catalogs.put_framework("acme", "controls", csv.read_bytes(), csv.name)
    service.catalogs.put_mappings("acme", "iso42001", tsv.read_bytes(), tsv.name)
    own = service.mappings_for("acme")
    public = MappingService.from_store(graph.store)
    own_engine, public_engine = service.engine_for("acme"), CoverageEngine(public, graph.store)
    org = import_files(sorted(EXAMPLE.glob("*.csv")), "northwind", public.items).graph
    return [
        _result(
            "crosswalk A.6.2.4 → all, derived, an organisation's view (own set added)",
            "public view",
            paired(
                lambda: own.crosswalk("iso42001:A.6.2.4", None, derived=True),
                lambda: public.crosswalk("iso42001:A.6.2.4", None, derived=True),
                runs,
            ),
        ),
        _result(
            "coverage, eu-ai-act, an organisation's engine (own set added)",
            "public engine",
            paired(
                lambda: own_engine.coverage(org, "eu-ai-act", as_of=AS_OF),
                lambda: public_engine.coverage(org, "eu-ai-act", as_of=AS_OF),
                runs,
            ),
        ),
    ]

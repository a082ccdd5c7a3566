"""Where a warm start's time goes, phase by phase, each in a fresh interpreter.

    python -m bench.startup_phases [--store DIR] [--runs 3]

Builds the store once (untimed), then starts a new Python process per run that times: importing
the app, opening the store (the build finds nothing to do), creating the app, building the
in-memory indexes, and the first crosswalk. bench/PROFILES.md quotes it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _rss_mb() -> float:
    """This process's resident set now (VmRSS), in MB."""
    status = Path("/proc/self/status").read_text()
    kb = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kb) / 1024


def measure(store: str) -> None:
    """Time the phases of a warm start in this (fresh) process and print them, with the
    resident set after each (issue 18's RSS row: where the memory comes from)."""
    rss = [_rss_mb()]
    t0 = time.perf_counter()
    from aims_graph.api.app import create_app
    from aims_graph.config import Settings
    from aims_graph.service import open_graph

    t1 = time.perf_counter()
    rss.append(_rss_mb())
    graph = open_graph(Settings(store=f"oxigraph:{store}"))
    t2 = time.perf_counter()
    rss.append(_rss_mb())
    create_app(graph)
    t3 = time.perf_counter()
    rss.append(_rss_mb())
    mappings = graph.mappings
    t4 = time.perf_counter()
    rss.append(_rss_mb())
    mappings.crosswalk("iso42001:A.6.2.4", "iso27001-2022")
    t5 = time.perf_counter()
    graph.close()
    print(
        f"imports {t1 - t0:.2f} s, open and warm build {t2 - t1:.2f} s, create_app "
        f"{t3 - t2:.2f} s, indexes {t4 - t3:.2f} s, first crosswalk {(t5 - t4) * 1000:.1f} ms"
    )
    print(
        f"  RSS: interpreter {rss[0]:.0f} MB, after imports {rss[1]:.0f} MB, store open "
        f"{rss[2]:.0f} MB, app {rss[3]:.0f} MB, indexes {rss[4]:.0f} MB"
    )


def main() -> None:
    """Build the store if needed, then time the phases in fresh processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="on-disk store to (re)use")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    store = ns.store or Path(tempfile.gettempdir()) / "aims-graph-startup-phases"
    if ns.measure:
        measure(str(store))
        return
    cli = Path(sys.executable).with_name("aims-graph")
    env = {**os.environ, "AIMS_GRAPH_STORE": f"oxigraph:{store}"}
    subprocess.run([str(cli), "build"], env=env, check=True, capture_output=True)
    for _ in range(ns.runs):
        subprocess.run(
            [sys.executable, "-m", "bench.startup_phases", "--measure", "--store", str(store)],
            check=True,
        )


if __name__ == "__main__":
    main()

"""Benchmark 6 alone: the derived-mapping materialisation row of bench/synthetic_bench.py.

    python -m bench.materialisation [--frameworks 200] [--runs 2] [--real]

Builds the synthetic graph of ``--frameworks`` frameworks as ``synthetic_bench`` does (the build's
own materialisation is measured, time and growth of the resident set, then repeated on the built
store) and prints the same row, without the crosswalk, coverage and gap questions that take most
of a full run. ``--real`` also times the step on the project's built graph.
"""

from __future__ import annotations

import argparse
import time

from aims_graph.build import loader
from aims_graph.mappings.graph import MappingGraph, derived_ntriples
from aims_graph.store import OxigraphStore
from bench.synthetic_bench import _materialisation
from bench.synthetic_frameworks import generate
from bench.timing import Result, measure, table


def real_graph(runs: int) -> Result:
    """The materialisation on the project's own built graph (read, derive, serialise)."""
    store = OxigraphStore()
    loader.build(store)
    size = len(derived_ntriples(MappingGraph.from_store(store)))
    timing = measure(lambda: derived_ntriples(MappingGraph.from_store(store)), runs)
    store.close()
    return Result(
        f"derived-mapping materialisation, real graph ({size:,} bytes)", timing, "", None, ""
    )


def main() -> None:
    """Build the synthetic graph, time its materialisation and print the row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frameworks", type=int, default=200)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--real", action="store_true", help="also time it on the real graph")
    ns = parser.parse_args()
    started = time.perf_counter()
    out: list[Result] = []
    if ns.real:
        out.append(real_graph(max(ns.runs, 5)))
    g = generate(ns.frameworks)
    with g.registered():
        store = g.build()
        out.append(_materialisation(g, store, ns.frameworks, ns.runs))
        store.close()
    print(table(out))
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()

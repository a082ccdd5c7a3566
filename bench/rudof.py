"""pyrudof (rudof's native SHACL engine, PyPI) as a benchmark baseline, timed on loaded data."""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.timing import Timing


def rudof_runner(data_nt: str, shapes_turtle: str) -> Callable[[], int]:
    """A call validating the data already read into pyrudof; it returns the result count."""
    import pyrudof

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(data_nt, format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(shapes_turtle, format=pyrudof.ShaclFormat.Turtle)

    def run() -> int:
        return len(rudof.validate_shacl())

    return run


def timed_count(run: Callable[[], int]) -> tuple[Timing, int]:
    """One timed run (pyrudof takes minutes at 1M triples), with the count it found."""
    started = time.perf_counter()
    count = run()
    seconds = time.perf_counter() - started
    return Timing(seconds, seconds, 1), count


__all__ = ["rudof_runner", "timed_count"]

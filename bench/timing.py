"""What a benchmark reports: repeated timings, a baseline from the same run, their ratio."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

#: The date every benchmark judges organisation data on (fixed, so runs compare).
AS_OF = date(2026, 11, 28)


@dataclass(frozen=True)
class Timing:
    """Median and 99th percentile of repeated runs, in seconds."""

    median: float
    p99: float
    runs: int


@dataclass(frozen=True)
class Result:
    """One benchmark: ours against a baseline."""

    name: str
    ours: Timing
    baseline_name: str
    baseline: Timing | None
    target: str

    @property
    def ratio(self) -> float | None:
        """Baseline median over ours (above 1: ours is faster)."""
        if self.baseline is None or self.ours.median == 0:
            return None
        return self.baseline.median / self.ours.median


def measure(fn: Callable[[], object], runs: int, warmup: int = 1) -> Timing:
    """Time ``fn`` ``runs`` times after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return summarise(times)


def fmt(seconds: float | None) -> str:
    """Milliseconds below a second, seconds above; a dash for nothing."""
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def summarise(samples: list[float]) -> Timing:
    """Median and p99 of timings already taken, in seconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered)) - 1))]
    return Timing(statistics.median(ordered), p99, len(ordered))


def table(results: list[Result]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| benchmark | median | p99 | runs | baseline | baseline median | ratio | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = f"{r.ratio:.1f}×" if r.ratio is not None else "–"
        lines.append(
            f"| {r.name} | {fmt(r.ours.median)} | {fmt(r.ours.p99)} | {r.ours.runs} | "
            f"{r.baseline_name or '–'} | {fmt(r.baseline.median if r.baseline else None)} | "
            f"{ratio} | {r.target or '–'} |"
        )
    return "\n".join(lines)

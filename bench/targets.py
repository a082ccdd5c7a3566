"""Issue 18's target table, filled from the measurements of one ``bench.run``.

Each benchmark that has a row here writes what the row needs into a :class:`Measured`; the table
gives each row its value from this run, the baseline measured in the same run, the Python floor
where one applies (issue 18, rule c: a constant-returning ASGI app under the same uvicorn
settings, and ``python -c pass`` for start-up), the target exactly as the issue states it, and
whether it is met. A row whose benchmark did not run (``--only``) says so; in ``--quick`` the
synthetic and SHACL rows are measured on the smaller graphs and say which.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bench.timing import Timing, fmt

if TYPE_CHECKING:
    from bench.http_load import LoadResult

#: Names of the load rows the table reads (bench/http_load.py writes them).
CROSSWALK_1 = "aims-graph /crosswalk, 1 process"
SPARQL_NO_CACHE_1 = "aims-graph /sparql no-cache, 1 process"
SPARQL_OVER_SERVE = "aims-graph /sparql, 2 workers over oxigraph serve"
OXIGRAPH = "oxigraph serve-read-only"
FLOOR_1 = "Python floor: constant ASGI app, 1 process"
FLOOR_FASTAPI_1 = "Python floor: one constant FastAPI route, 1 process"
FLOOR_2 = "Python floor: constant ASGI app, 2 workers"


@dataclass(frozen=True)
class Materialised:
    """Benchmark 6 on the largest synthetic graph that ran."""

    frameworks: int
    timing: Timing
    rss_growth_mb: float
    #: Reading the stated mappings from the store alone (MappingGraph.from_store), same graph.
    read: Timing


@dataclass(frozen=True)
class Coverage:
    """Coverage and gaps on the largest synthetic graph that ran, with the named queries."""

    frameworks: int
    coverage: Timing
    gaps: Timing
    named_coverage: Timing
    named_gaps: Timing


@dataclass(frozen=True)
class Shacl:
    """SHACL validation of the largest organisation that ran."""

    triples: int
    timing: Timing
    rudof: Timing | None
    #: Ours and pyshacl found identical results and findings on the small organisation.
    identical_to_pyshacl: bool
    pyshacl_triples: int


@dataclass
class Measured:
    """What the benchmarks of one run measured for the target table."""

    load: list[LoadResult] = field(default_factory=list)
    #: Start-up: "cold", "warm", "oxigraph", "python -c pass", "import fastapi, uvicorn",
    #: "floor app" (launch → first answer), each a timing of fresh processes.
    startup: dict[str, Timing] = field(default_factory=dict)
    materialised: Materialised | None = None
    coverage: Coverage | None = None
    shacl: Shacl | None = None

    def rate(self, name: str) -> LoadResult | None:
        """The load row of that name, if it ran."""
        return next((r for r in self.load if r.name == name), None)


NOT_RUN = "not run in this invocation (see `--only`)"


def _yes(ok: bool) -> str:
    return "**yes**" if ok else "no"


def _load_row(
    m: Measured, work: str, name: str, floor_name: str, target: str, need: float, p99: bool
) -> str:
    ours, oxi, floor = m.rate(name), m.rate(OXIGRAPH), m.rate(floor_name)
    if ours is None or oxi is None:
        return f"| {work} | {NOT_RUN} | | | | {target} | – |"
    ratio = ours.rate / oxi.rate
    p99_ratio = ours.p99_ms / oxi.p99_ms if oxi.p99_ms else float("inf")
    value = f"{ours.rate:,.0f} req/s, p99 {ours.p99_ms:.1f} ms"
    base = f"{OXIGRAPH}: {oxi.rate:,.0f} req/s, p99 {oxi.p99_ms:.1f} ms"
    said = f"{ratio:.2f}×" + (f"; p99 {p99_ratio:.1f}× Oxigraph's" if p99 else "")
    floor_text = "–"
    if floor is not None:
        floor_text = (
            f"{floor.name.removeprefix('Python floor: ')}: {floor.rate:,.0f} req/s, "
            f"p99 {floor.p99_ms:.1f} ms; ours {ours.rate / floor.rate:.2f}× of it"
        )
    met = ratio >= need and (not p99 or p99_ratio <= 2.0)
    return f"| {work} | {value} | {base} | {said} | {floor_text} | {target} | {_yes(met)} |"


def _startup_rows(m: Measured) -> list[str]:
    s = m.startup
    if "warm" not in s:
        return [
            f"| warm start: launch → first `/crosswalk` | {NOT_RUN} | | | | ≤ 0.3 s | – |",
            f"| cold (empty store): launch → first `/crosswalk` | {NOT_RUN} | | | | ≤ 1.5 s | – |",
        ]
    floors = "; ".join(
        f"{what}: {fmt(s[key].median)}"
        for key, what in (
            ("python -c pass", "`python -c pass`"),
            ("import fastapi, uvicorn", '`python -c "import fastapi, uvicorn"`'),
            ("floor app", "constant ASGI app under uvicorn, launch → first answer"),
        )
        if key in s
    )
    warm, cold = s["warm"], s["cold"]
    oxi = s.get("oxigraph")
    base = f"oxigraph serve-read-only, launch → first answer: {fmt(oxi.median)}" if oxi else "–"
    ratio = f"{warm.median / oxi.median:.1f}× Oxigraph's" if oxi else "–"
    ours_floor = s.get("floor app")
    to_floor = f"; ours {warm.median / ours_floor.median:.1f}× the app floor" if ours_floor else ""
    return [
        f"| warm start: launch → first `/crosswalk` | {fmt(warm.median)} (p99 {fmt(warm.p99)}) "
        f"| {base} | {ratio} | {floors}{to_floor} | ≤ 0.3 s | {_yes(warm.median <= 0.3)} |",
        f"| cold (empty store): launch → first `/crosswalk` | {fmt(cold.median)} "
        f"(p99 {fmt(cold.p99)}) | – | – | {floors} | ≤ 1.5 s | {_yes(cold.median <= 1.5)} |",
    ]


def _rss_row(m: Measured) -> str:
    work = "peak RSS, one process serving the real graph"
    ours, oxi, floor = m.rate(CROSSWALK_1), m.rate(OXIGRAPH), m.rate(FLOOR_1)
    if ours is None or ours.peak_mb is None:
        return f"| {work} | {NOT_RUN} | | | | ≤ 100 MB | – |"
    base = f"{OXIGRAPH}: {oxi.peak_mb:,.0f} MB" if oxi and oxi.peak_mb else "–"
    ratio = f"{ours.peak_mb / oxi.peak_mb:.1f}× Oxigraph's" if oxi and oxi.peak_mb else "–"
    floor_text = f"constant ASGI app: {floor.peak_mb:,.0f} MB" if floor and floor.peak_mb else "–"
    alone = (
        f" (the server process alone {ours.main_peak_mb:,.0f} MB, the rest its /sparql query "
        "workers and their multiprocessing helpers; shared pages counted in each)"
        if ours.main_peak_mb is not None
        else ""
    )
    return (
        f"| {work}, after all its load runs | {ours.peak_mb:,.0f} MB{alone} | {base} | {ratio} | "
        f"{floor_text} | ≤ 100 MB | {_yes(ours.peak_mb <= 100)} |"
    )


def _sized(n: int, full: int) -> str:
    return f"{n} frameworks" + ("" if n == full else f" (quick: {full} in the full run)")


def _met(ok: bool, full: bool) -> str:
    """Met or not; not judged on the smaller graphs of ``--quick``."""
    return _yes(ok) if full else "– (smaller graph)"


def _materialised_row(m: Measured) -> str:
    target = "≤ 3 s, +≤ 150 MB"
    d = m.materialised
    if d is None:
        return (
            f"| derived-mapping materialisation, 200 frameworks | {NOT_RUN} | | | | {target} | – |"
        )
    return (
        f"| derived-mapping materialisation, {_sized(d.frameworks, 200)} | "
        f"{fmt(d.timing.median)}, +{d.rss_growth_mb:,.0f} MB | reading the stated mappings "
        f"from the store alone (`MappingGraph.from_store`): {fmt(d.read.median)} | "
        f"ours / the read: {d.timing.median / d.read.median:.1f}× | – | {target} | "
        f"{_met(d.timing.median <= 3 and d.rss_growth_mb <= 150, d.frameworks >= 200)} |"
    )


def _coverage_rows(m: Measured) -> list[str]:
    c = m.coverage
    if c is None:
        return [
            f"| {w}, 200 frameworks | {NOT_RUN} | | | | ≤ 2 ms each | – |"
            for w in ("coverage", "gaps")
        ]
    return [
        f"| {what}, {_sized(c.frameworks, 200)} | {fmt(ours.median)} (p99 {fmt(ours.p99)}) | "
        f"named {what} query, Oxigraph: {fmt(named.median)} | "
        f"query / ours: {named.median / ours.median:.1f}× | – | ≤ 2 ms each | "
        f"{_met(ours.median <= 0.002, c.frameworks >= 200)} |"
        for what, ours, named in (
            ("coverage", c.coverage, c.named_coverage),
            ("gaps", c.gaps, c.named_gaps),
        )
    ]


def _shacl_row(m: Measured) -> str:
    target = "≤ 5 s, identical findings to pyshacl on the small set"
    s = m.shacl
    if s is None:
        return f"| SHACL validation, 1M organisation triples | {NOT_RUN} | | | | {target} | – |"
    size = f"{s.triples:,} organisation triples"
    if s.triples < 1_000_000:
        size += " (quick: 1M in the full run)"
    base = f"pyrudof, same data and shapes: {fmt(s.rudof.median)}" if s.rudof else "–"
    ratio = f"pyrudof / ours: {s.rudof.median / s.timing.median:.1f}×" if s.rudof else "–"
    same = "identical" if s.identical_to_pyshacl else "NOT identical"
    return (
        f"| SHACL validation, {size} | {fmt(s.timing.median)}; findings {same} to pyshacl's on "
        f"{s.pyshacl_triples:,} triples | {base} | {ratio} | – | {target} | "
        f"{_met(s.timing.median <= 5 and s.identical_to_pyshacl, s.triples >= 1_000_000)} |"
    )


def table(m: Measured) -> str:
    """The target table as Markdown."""
    rows: list[Callable[[], list[str]]] = [
        lambda: [
            _load_row(
                m,
                "`/crosswalk`, one process, wrk 8 connections",
                CROSSWALK_1,
                FLOOR_1,
                "≥ 1.0× Oxigraph, p99 ≤ 2× Oxigraph's",
                1.0,
                True,
            )
        ],
        lambda: [
            _load_row(
                m,
                "`/sparql` without the answer cache, one process",
                SPARQL_NO_CACHE_1,
                FLOOR_1,
                "≥ 0.6× Oxigraph",
                0.6,
                False,
            )
        ],
        lambda: [
            _load_row(
                m,
                "`/sparql` over `oxigraph serve`, 2 workers (vs Oxigraph direct)",
                SPARQL_OVER_SERVE,
                FLOOR_2,
                "≥ 0.6×",
                0.6,
                False,
            )
        ],
        lambda: _startup_rows(m),
        lambda: [_rss_row(m)],
        lambda: [_materialised_row(m)],
        lambda: _coverage_rows(m),
        lambda: [_shacl_row(m)],
    ]
    lines = [
        "Each row of issue 18's table, measured in this run, against its baseline from the same "
        "run and, where the gap may be Python itself, the Python floor measured in the same run "
        "(bench/floor_app.py). HTTP ratios are our requests/s over the baseline's (above 1: ours "
        "is faster). What is left, and where the time goes: bench/PROFILES.md.",
        "",
        "| work | this run | same-run baseline | ratio | Python floor, same run | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines += row()
    return "\n".join(lines)

"""The fast engine on the organisation shapes: compiled checks run side by side on Oxigraph."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Final

import pyoxigraph as ox
from rdflib import Graph

from aims_graph.validation.compiler import CompiledCheck, restrict_to
from aims_graph.validation.context import ValidationContext
from aims_graph.validation.reference import flatten, term_text
from aims_graph.validation.report import (
    LABELS_QUERY,
    RawResult,
    ValidationReport,
    findings_from_raw,
    pick_labels,
    raw_key,
)

#: Threads running checks at once (Oxigraph releases the GIL while it evaluates).
_WORKERS: Final = max(1, min(4, os.cpu_count() or 1))


_gc_lock = threading.Lock()


_gc_pausers = 0


_gc_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a report's 100,000s of result objects are built.

    They hold no reference cycles, yet each collection while the heap grows walks all of them:
    at a million triples that was a third of the Python time. Nested and concurrent pauses
    count; the collector runs again when the last one ends, if it ran before the first.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


@dataclass(frozen=True, slots=True)
class _FastRun:
    raw: list[RawResult]
    labels: dict[str, str]
    triples: int


def ntriples_of(org: Graph | bytes) -> bytes:
    """The organisation data as N-Triples (given as such, or serialised from a graph)."""
    if isinstance(org, bytes):
        return org
    return flatten(org).serialize(format="nt", encoding="utf-8")


def new_store(ctx: ValidationContext, data: bytes) -> ox.Store:
    """A store of the catalogs and one organisation's data, both in the default graph."""
    # A store of its own per run: no union of named graphs to deduplicate, and runs never wait
    # for one another. Loading the catalogs again costs some 30 ms; the organisation's data is
    # loaded once either way.
    store = ox.Store()
    store.bulk_load(ctx.ntriples, ox.RdfFormat.N_TRIPLES)
    if data:
        store.bulk_load(data, ox.RdfFormat.N_TRIPLES)
    return store


def _fast_on_store(
    store: ox.Store,
    ctx: ValidationContext,
    checks: Sequence[CompiledCheck],
    focus: Iterable[str] | None = None,
) -> _FastRun:
    """Run the checks (on the given focus nodes only, if any) and read the labels."""
    if focus is not None:
        checks = [restrict_to(c, focus) for c in checks]
    out: set[RawResult] = set()
    # Oxigraph evaluates a query without holding the GIL, so the checks run side by side.
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for found in pool.map(lambda c: _run_check(store, c), checks):
            out |= found
    nodes = None if focus is None else {r.focus for r in out}
    labels = _store_labels(store, ctx, nodes)
    return _FastRun(sorted(out, key=raw_key), labels, _count(store, ctx))


def _count(store: ox.Store, ctx: ValidationContext) -> int:
    return len(store) - ctx.catalog_triples


def _store_labels(
    store: ox.Store, ctx: ValidationContext, nodes: Iterable[str] | None = None
) -> dict[str, str]:
    """The label the organisation data gives each IRI (of ``nodes`` only, if given)."""
    only = "" if nodes is None else "VALUES ?s { " + " ".join(f"<{n}>" for n in nodes) + " }"
    solutions = store.query(LABELS_QUERY.replace("%ONLY%", only))
    assert isinstance(solutions, ox.QuerySolutions)
    rows = ((s["s"].value, s["p"].value, s["o"].value) for s in solutions)
    # The catalogs share the store; their labels are not the organisation's (see _label).
    return pick_labels(row for row in rows if row not in ctx.catalog_labels)


def _run_check(store: ox.Store, check: CompiledCheck) -> set[RawResult]:
    found: set[RawResult] = set()
    result = store.query(check.query)
    names = {v.value for v in result.variables}  # type: ignore[union-attr]
    for sol in result:  # type: ignore[union-attr]
        this = sol["this"]
        if this is None:
            continue
        if check.component == "SPARQLConstraintComponent":
            value = sol["value"] if "value" in names and sol["value"] is not None else this
            found.add(RawResult(check.shape, term_text(this), None, term_text(value)))
        elif "value" in names and sol["value"] is not None:
            found.add(RawResult(check.shape, term_text(this), check.path, term_text(sol["value"])))
        else:
            found.add(RawResult(check.shape, term_text(this), check.path, None))
    return found


def fast_report(
    store: ox.Store,
    ctx: ValidationContext,
    *,
    as_of: date,
    law_mode: str,
    focus: frozenset[str] | None = None,
    started: float | None = None,
) -> ValidationReport:
    """The report of the compiled checks on a store of the catalogs and an organisation's data.

    With ``focus``, only those nodes are checked (the report says so in ``focus``).
    """
    started = time.perf_counter() if started is None else started
    _bound, checks = ctx.compiled(as_of, law_mode)
    with gc_paused():
        run = _fast_on_store(store, ctx, checks, focus)
        findings = findings_from_raw(run.raw, run.labels, ctx, as_of)
    return ValidationReport(
        as_of=as_of,
        engine="fast",
        law_mode=law_mode,
        findings=findings,
        raw=run.raw,
        rules=len(ctx.info),
        triples=run.triples,
        seconds=time.perf_counter() - started,
        focus=focus,
    )


__all__ = ["fast_report", "gc_paused", "new_store", "ntriples_of"]

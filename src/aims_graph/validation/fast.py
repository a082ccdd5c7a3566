"""The fast engine on the organisation shapes: compiled checks run side by side on Oxigraph."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Final

import pyoxigraph as ox
from rdflib import Graph

from aims_graph.runtime import collector_paused
from aims_graph.validation.compiler import CompiledCheck, restrict_to
from aims_graph.validation.context import SUBCLASS, ValidationContext
from aims_graph.validation.reference import flatten, term_text
from aims_graph.validation.report import (
    LABELS_QUERY,
    RawResult,
    ValidationReport,
    findings_from_raw,
    pick_labels,
    raw_results,
)

#: Threads running checks at once (Oxigraph releases the GIL while it evaluates).
_WORKERS: Final = max(1, min(4, os.cpu_count() or 1))


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


#: A raw result as plain text (shape, focus, path, value): cheap to hash, sort and compare.
_Row = tuple[str, str, str | None, str | None]
#: A raw result of a known shape: (focus, path, value), "" standing for no path or value (no
#: IRI or literal is written as "", so this keeps results apart exactly as None does).
_Found = tuple[str, str, str]


def _fast_on_store(
    store: ox.Store,
    ctx: ValidationContext,
    checks: Sequence[CompiledCheck],
    focus: Iterable[str] | None = None,
) -> _FastRun:
    """Run the checks (on the given focus nodes only, if any) and read the labels."""
    if focus is not None:
        checks = [restrict_to(c, focus) for c in checks]
    # The results of each shape apart, as (focus, path, value) with "" for none: tuples whose
    # first items mostly differ sort several times faster than ones led by the shape.
    by_shape: dict[str, set[_Found]] = {}
    # Oxigraph evaluates a query without holding the GIL, so the checks run side by side.
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for check, found in zip(
            checks, pool.map(lambda c: _check_rows(store, c), checks), strict=True
        ):
            if check.shape in by_shape:
                by_shape[check.shape] |= found
            else:
                by_shape[check.shape] = found
    nodes = None if focus is None else {r[0] for rows in by_shape.values() for r in rows}
    labels = _store_labels(store, ctx, nodes)
    # Tuples sort and deduplicate in C; the result objects are made once, in their final order
    # (raw_key's: shape, focus, path, value).
    ordered = ((shape, *row) for shape in sorted(by_shape) for row in sorted(by_shape[shape]))
    return _FastRun(raw_results(ordered), labels, _count(store, ctx))


def _count(store: ox.Store, ctx: ValidationContext) -> int:
    return len(store) - ctx.catalog_triples


def _store_labels(
    store: ox.Store, ctx: ValidationContext, nodes: Iterable[str] | None = None
) -> dict[str, str]:
    """The label the organisation data gives each IRI (of ``nodes`` only, if given)."""
    only = "" if nodes is None else "VALUES ?s { " + " ".join(f"<{n}>" for n in nodes) + " }"
    query = LABELS_QUERY.replace("%ONLY%", only)
    rows = _label_rows(store, query)
    # The catalogs share the store; their labels are not the organisation's (see _label).
    return pick_labels(row for row in rows if row not in ctx.catalog_labels)


def _label_rows(store: ox.Store, query: str) -> list[tuple[str, str, str]]:
    """(subject, predicate, lexical form) of every label, read from TSV when that is exact."""
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    table = _tsv(solutions)
    if table is not None:
        cols, lines = table
        at = [cols.index(v) for v in ("s", "p", "o")]
        out: list[tuple[str, str, str]] = []
        for line in lines:
            cells = line.split("\t")
            s, p, o = (cells[i] for i in at)
            if s[:1] != "<" or p[:1] != "<" or o[:1] != '"':
                break  # a blank node or a bare number: read the terms themselves
            out.append((s[1:-1], p[1:-1], o[1 : o.rindex('"')]))
        else:
            return out
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [(s["s"].value, s["p"].value, s["o"].value) for s in solutions]


def _tsv(solutions: ox.QuerySolutions) -> tuple[list[str], list[str]] | None:
    """The variables and lines of a result as TSV, or None when a cell may be escaped."""
    # Serialised in one call, the whole result is made without the GIL and without a Python
    # object per term, which at a million triples was most of the Python time.
    data = solutions.serialize(format=ox.QueryResultsFormat.TSV)
    assert isinstance(data, bytes)
    text = data.decode("utf-8")
    if "\\" in text:
        return None  # an escaped character: only the terms say what the text is
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return None
    return [v[1:] for v in lines[0].split("\t")], lines[1:]


class _UnsureCellError(Exception):
    """A TSV cell whose term text cannot be told from the cell alone (a number, a boolean)."""


def _cell_text(cell: str) -> str | None:
    """A TSV cell as :func:`term_text` writes the term, None when unbound."""
    first = cell[:1]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        # Unescaped, Oxigraph writes a literal exactly as term_text does: "v", "v"@l, "v"^^<d>.
        return cell
    if first == "_":
        return "_:b"
    if not cell:
        return None
    raise _UnsureCellError(cell)


def _run_check(store: ox.Store, check: CompiledCheck) -> set[_Row]:
    """The results of a check as rows (read from TSV where that is exact)."""
    return {(check.shape, f, p or None, v or None) for f, p, v in _check_rows(store, check)}


def _run_check_terms(store: ox.Store, check: CompiledCheck) -> set[_Row]:
    """The results of a check read term by term (exact for any term, and slower)."""
    return {(check.shape, f, p or None, v or None) for f, p, v in _check_terms(store, check)}


def _check_rows(store: ox.Store, check: CompiledCheck) -> set[_Found]:
    result = store.query(check.query)
    assert isinstance(result, ox.QuerySolutions)
    table = _tsv(result)
    if table is None:
        return _check_terms(store, check)
    cols, lines = table
    this_at = cols.index("this") if "this" in cols else None
    if this_at is None:
        return set()
    value_at = cols.index("value") if "value" in cols else None
    sparql = check.component == "SPARQLConstraintComponent"
    path = "" if sparql else check.path or ""
    found: set[_Found] = set()
    try:
        for line in lines:
            cells = line.split("\t")
            this = _cell_text(cells[this_at])
            if this is None:
                continue
            value = None if value_at is None else _cell_text(cells[value_at])
            if value is None:
                value = this if sparql else ""
            found.add((this, path, value))
    except _UnsureCellError:
        return _check_terms(store, check)
    return found


def _check_terms(store: ox.Store, check: CompiledCheck) -> set[_Found]:
    found: set[_Found] = set()
    result = store.query(check.query)
    names = {v.value for v in result.variables}  # type: ignore[union-attr]
    for sol in result:  # type: ignore[union-attr]
        this = sol["this"]
        if this is None:
            continue
        if check.component == "SPARQLConstraintComponent":
            value = sol["value"] if "value" in names and sol["value"] is not None else this
            found.add((term_text(this), "", term_text(value)))
        elif "value" in names and sol["value"] is not None:
            found.add((term_text(this), check.path or "", term_text(sol["value"])))
        else:
            found.add((term_text(this), check.path or "", ""))
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
    own_axioms = sum(1 for _ in store.quads_for_pattern(None, SUBCLASS, None)) > ctx.subclass_axioms
    _bound, checks = ctx.compiled(as_of, law_mode, data_subclasses=own_axioms)
    with collector_paused():
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


__all__ = ["fast_report", "new_store", "ntriples_of"]

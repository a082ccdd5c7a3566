"""Validate an append to an organisation's data in proportion to the append, not the whole graph.

An :class:`OrgValidator` keeps one organisation's data in its validation store. ``append`` adds an
upload's new triples and re-checks only the focus nodes they can have changed the findings of, so
its cost follows the upload (and the nodes it touches), not the size of the organisation.

Which nodes: every rule reads its focus node's triples, the triples linking it to other nodes
(either way) and the triples of those neighbours, and the catalogs, which an upload never changes.
A new triple ``s p o`` is then read only by rules on ``s`` or on a node linked to or from ``s``:
those are re-checked. An upload with blank nodes, which cannot be named as focus nodes, is
re-checked in full. ``tests/test_validation.py`` checks that the merged report equals a full
validation for random splits of all the rule samples into stored data and an append; a rule that
reads further than one link from its focus node would break this and must widen ``_affected``.

An append always touches the organisation node (every record links to it), so its rules run too:
two of them (internal audit and management review within 12 months) look through the records
linked to the organisation, by index, which is most of an append's 0.5 s at a million triples.
"""

from __future__ import annotations

import threading
import time
from datetime import date

import pyoxigraph as ox
from rdflib import Graph

from aims_graph.validation.context import ValidationContext
from aims_graph.validation.fast import fast_report, new_store, ntriples_of
from aims_graph.validation.report import ValidationReport, finding_key, raw_key
from aims_graph.validation.shapes import LAW_MODES


class OrgValidator:
    """One organisation's data held for validation, growing by appends."""

    def __init__(self, data: Graph | bytes, catalogs: ValidationContext) -> None:
        self.ctx = catalogs
        self._store = new_store(catalogs, ntriples_of(data))
        self._lock = threading.Lock()

    @property
    def triples(self) -> int:
        """Triples of organisation data held."""
        return len(self._store) - self.ctx.catalog_triples

    def validate(self, *, as_of: date, law_mode: str = "in-force") -> ValidationReport:
        """A full validation of the data held."""
        with self._lock:
            return self._report(as_of, law_mode, None, time.perf_counter())

    def append(
        self, data: Graph | bytes, *, as_of: date, law_mode: str = "in-force"
    ) -> ValidationReport:
        """Add an upload and re-check what it can have changed (``report.focus``; None: all)."""
        started = time.perf_counter()
        quads = list(ox.parse(ntriples_of(data), format=ox.RdfFormat.N_TRIPLES))
        with self._lock:
            new = [q for q in quads if q not in self._store]
            self._store.extend(new)
            return self._report(as_of, law_mode, self._affected(new), started)

    def _affected(self, new: list[ox.Quad]) -> frozenset[str] | None:
        """The IRIs whose findings the new triples can change; None when that is unknowable."""
        touched = {q.subject for q in new}
        focus: set[str] = set()
        for s in touched:
            if not isinstance(s, ox.NamedNode):
                return None
            focus.add(s.value)
            neighbours = [q.object for q in self._store.quads_for_pattern(s, None, None)]
            neighbours += [q.subject for q in self._store.quads_for_pattern(None, None, s)]
            for n in neighbours:
                if isinstance(n, ox.BlankNode):
                    return None  # a focus node that VALUES cannot name: check everything
                if isinstance(n, ox.NamedNode):
                    focus.add(n.value)
        return frozenset(focus)

    def _report(
        self, as_of: date, law_mode: str, focus: frozenset[str] | None, started: float
    ) -> ValidationReport:
        if law_mode not in LAW_MODES:
            raise ValueError(f"unknown law mode {law_mode!r}; use one of {', '.join(LAW_MODES)}")
        if focus is not None and not all(c.local for c in self.ctx.compiled(as_of, law_mode)[1]):
            focus = None  # a rule reading beyond one link: only a full check is right
        return fast_report(
            self._store, self.ctx, as_of=as_of, law_mode=law_mode, focus=focus, started=started
        )


def merge_reports(previous: ValidationReport, update: ValidationReport) -> ValidationReport:
    """``previous`` with the findings on ``update``'s focus nodes replaced by ``update``'s."""
    if (previous.as_of, previous.law_mode) != (update.as_of, update.law_mode):
        raise ValueError("the reports are for different days or law modes")
    if update.focus is None:
        return update
    focus = update.focus
    raw = sorted([r for r in previous.raw if r.focus not in focus] + list(update.raw), key=raw_key)
    findings = [f for f in previous.findings if f.node not in focus] + list(update.findings)
    findings.sort(key=finding_key)
    return ValidationReport(
        as_of=update.as_of,
        engine=update.engine,
        law_mode=update.law_mode,
        findings=findings,
        raw=raw,
        rules=update.rules,
        triples=update.triples,
        seconds=previous.seconds + update.seconds,
    )


__all__ = ["OrgValidator", "merge_reports"]

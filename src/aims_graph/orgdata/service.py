"""Organisation use cases shared by the HTTP API: upload, read back, validate, cover, SoA."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from rdflib import Graph as RdfGraph

from aims_graph.coverage import CoverageEngine
from aims_graph.mappings.crosswalk import MappingService
from aims_graph.orgdata.importer import import_sources, load_org_graph, store_org_data
from aims_graph.orgdata.model import org_graph_iri
from aims_graph.orgdata.org_catalogs import OrgCatalogs
from aims_graph.orgdata.policy_shapes import (
    ShapesResult,
    check_shapes,
    drop_shapes,
    load_shapes_graph,
    read_shapes,
    rule_count,
    store_shapes,
)
from aims_graph.orgdata.problems import OrgDataError
from aims_graph.orgdata.registry import OrgRegistry
from aims_graph.orgdata.soa_export import soa_xlsx
from aims_graph.service import Graph
from aims_graph.store import OxigraphStore
from aims_graph.validation import EnforcedItem, ValidationContext, ValidationReport, validate
from aims_graph.validation.incremental import OrgValidator, merge_reports
from aims_graph.validation.policy import run_policy, with_policy

UploadMode = Literal["replace", "append"]


#: Triples an organisation's policy shapes may hold; the project's own shapes hold under 1,000.
MAX_SHAPES_TRIPLES: Final = 10_000


class UploadTooLargeError(ValueError):
    """An upload with more triples than one upload may hold."""

    def __init__(self, triples: int, limit: int, setting: str = "max_upload_triples") -> None:
        if setting == "max_upload_triples":
            detail = (
                f"the upload holds {triples} triples, more than the {limit} one upload may hold "
                "(setting AIMS_GRAPH_MAX_UPLOAD_TRIPLES); send it in parts with POST (append)"
            )
        else:
            detail = (
                f"the shapes hold {triples} triples, more than the {limit} an organisation's "
                "policy shapes may hold (ten times the project's own shapes); keep the rules "
                "an organisation adds to its own policies"
            )
        super().__init__(detail)
        self.triples, self.limit, self.setting = triples, limit, setting


@dataclass(frozen=True, slots=True)
class UploadResult:
    """What an accepted upload did."""

    mode: str
    files: tuple[str, ...]
    triples_uploaded: int
    triples_stored: int


@dataclass
class _Held:
    """An organisation's data kept for validation, with its latest report."""

    validator: OrgValidator
    report: ValidationReport | None = None


class OrgService:
    """An organisation's data in its own named graph, and the reports computed from it."""

    #: Organisations whose data stays held for validation (the most recently validated).
    HELD_ORGS = 4

    def __init__(self, graph: Graph, *, max_upload_triples: int = 200_000) -> None:
        self.graph = graph
        self.max_upload_triples = max_upload_triples
        self.store = graph.store
        self.registry = OrgRegistry(graph.store)
        self._ctx: ValidationContext | None = None
        self._engine: CoverageEngine | None = None
        self._engine_generation = self._ctx_generation = graph.generation
        self._ctx_lock = threading.Lock()
        self._org_locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        # A held copy must see every write to the organisation's graph: true of the embedded
        # store, which only this process writes; a sparql: store has other writers.
        self._holds = isinstance(graph.store, OxigraphStore)
        self._held: OrderedDict[str, _Held] = OrderedDict()
        self.catalogs = OrgCatalogs(graph)

    def _org_lock(self, org_id: str) -> threading.Lock:
        with self._locks_lock:
            return self._org_locks.setdefault(org_id, threading.Lock())

    @property
    def mappings(self) -> MappingService:
        """The standards' item index and mapping graph."""
        return self.graph.mappings

    @property
    def coverage_engine(self) -> CoverageEngine:
        """The coverage engine over the standards, built on first use (it reads them once)."""
        with self._ctx_lock:
            if self._engine is None or self._engine_generation != self.graph.generation:
                self._engine = CoverageEngine(self.mappings, self.store)
                self._engine_generation = self.graph.generation
            return self._engine

    def mappings_for(self, org_id: str) -> MappingService:
        """The item index and mapping graph the organisation's answers use: the public ones,
        with its own editions and mapping sets added when it has any."""
        overlay = self.catalogs.overlay(org_id)
        return self.mappings if overlay is None else overlay[0]

    def engine_for(self, org_id: str) -> CoverageEngine:
        """The coverage engine of the organisation (through its own mapping sets, if any)."""
        overlay = self.catalogs.overlay(org_id)
        return self.coverage_engine if overlay is None else overlay[1]

    def context_for(self, org_id: str) -> ValidationContext:
        """The validation context of the organisation (its own editions added, if any)."""
        return self.catalogs.validation_context(org_id, self.validation_context)

    @property
    def validation_context(self) -> ValidationContext:
        """Catalogs and shapes for validation, loaded on first use."""
        with self._ctx_lock:
            if self._ctx is None or self._ctx_generation != self.graph.generation:
                self._ctx = ValidationContext.from_store(self.store)
                self._ctx_generation = self.graph.generation
            return self._ctx

    def upload(
        self,
        org_id: str,
        sources: Sequence[tuple[str, bytes]],
        mode: UploadMode,
        *,
        sheet_kind: str | None = None,
    ) -> UploadResult:
        """Import files into the organisation's graph, all or nothing (OrgDataError otherwise)."""
        if mode not in ("replace", "append"):
            raise ValueError(f"mode must be 'replace' or 'append', not {mode!r}")
        # One upload at a time per organisation, so an append never merges with a stale read.
        with self._org_lock(org_id):
            existing = load_org_graph(self.store, org_id) if mode == "append" else None
            result = import_sources(
                sources,
                org_id,
                self.mappings_for(org_id).items,
                existing=existing,
                sheet_kind=sheet_kind,
            )
            if not result.ok:
                raise OrgDataError(result.problems)
            if len(result.graph) > self.max_upload_triples:
                raise UploadTooLargeError(len(result.graph), self.max_upload_triples)
            held = self._take(org_id)
            stored = store_org_data(self.store, org_id, result.graph, mode, existing=existing)
            if mode == "append" and held is not None and held.report is not None:
                # Re-check only what the new triples can change, and keep the data held.
                update = held.validator.append(
                    result.graph.serialize(format="nt", encoding="utf-8"),
                    as_of=held.report.as_of,
                    law_mode=held.report.law_mode,
                )
                held.report = merge_reports(held.report, update)
                self._hold(org_id, held)
        return UploadResult(mode, tuple(n for n, _ in sources), len(result.graph), stored)

    def _take(self, org_id: str) -> _Held | None:
        with self._locks_lock:
            return self._held.pop(org_id, None)

    def _hold(self, org_id: str, held: _Held) -> None:
        with self._locks_lock:
            self._held[org_id] = held
            self._held.move_to_end(org_id)
            while len(self._held) > self.HELD_ORGS:
                self._held.popitem(last=False)

    def delete(self, org_id: str) -> None:
        """Forget the organisation, its keys, its data and anything held of it."""
        with self._org_lock(org_id):
            self._take(org_id)
            frameworks = self.catalogs.framework_graphs(org_id)
            self.registry.delete(org_id, self.catalogs.graphs(org_id))
            self.catalogs.forget(org_id, frameworks)

    def data(self, org_id: str) -> RdfGraph:
        """The organisation's stored graph."""
        return load_org_graph(self.store, org_id)

    def put_shapes(self, org_id: str, sources: Sequence[tuple[str, bytes]]) -> ShapesResult:
        """Check and store the organisation's policy shapes, replacing all (PolicyShapesError)."""
        shapes = read_shapes(sources)
        if len(shapes) > self.max_upload_triples:
            raise UploadTooLargeError(len(shapes), self.max_upload_triples)
        # The W3C shapes-for-shapes check runs on pyshacl, slow far below a data upload's limit.
        if len(shapes) > MAX_SHAPES_TRIPLES:
            raise UploadTooLargeError(len(shapes), MAX_SHAPES_TRIPLES, "max_shapes_triples")
        check_shapes(shapes, lambda iri: self.mappings.items.get(iri) is not None)
        with self._org_lock(org_id):
            stored = store_shapes(self.store, org_id, shapes)
        return ShapesResult(tuple(n for n, _ in sources), rule_count(shapes), stored)

    def shapes(self, org_id: str) -> RdfGraph:
        """The organisation's stored policy shapes (empty when it has none)."""
        return load_shapes_graph(self.store, org_id)

    def delete_shapes(self, org_id: str) -> bool:
        """Remove the organisation's policy shapes; False when it had none."""
        with self._org_lock(org_id):
            return drop_shapes(self.store, org_id)

    def _enforced(self, iri: str) -> EnforcedItem:
        item = self.mappings.items.get(iri)
        if item is None:
            return self.validation_context.enforced(iri)
        return EnforcedItem(iri, item.curie, item.notation, item.label)

    def validation(self, org_id: str, *, as_of: date, law_mode: str) -> ValidationReport:
        """The SHACL report of the stored data on a day: the project's rules, then its own."""
        report = self._project_validation(org_id, as_of=as_of, law_mode=law_mode)
        shapes = self.shapes(org_id)
        if not len(shapes):
            return report
        started = time.perf_counter()
        target = org_graph_iri(org_id)
        data = (
            self.store.dump_graph(target, "application/n-triples")
            if target in self.store.graphs()
            else b""
        )
        run = run_policy(
            data,
            shapes,
            self.context_for(org_id),
            as_of=as_of,
            law_mode=law_mode,
            enforced=self._enforced,
        )
        return with_policy(report, run, started)

    def _project_validation(self, org_id: str, *, as_of: date, law_mode: str) -> ValidationReport:
        # The stored N-Triples go straight to the validator's store: reading a large
        # organisation into rdflib first would cost more than validating it.
        target = org_graph_iri(org_id)

        def stored() -> bytes:
            if target not in self.store.graphs():
                return b""
            return self.store.dump_graph(target, "application/n-triples")

        if not self._holds:
            return validate(
                stored(), as_of=as_of, catalogs=self.context_for(org_id), law_mode=law_mode
            )
        with self._org_lock(org_id):
            ctx = self.context_for(org_id)
            held = self._held.get(org_id)
            if held is None or held.validator.ctx is not ctx:  # a rebuild renewed the catalogs
                held = _Held(OrgValidator(stored(), ctx))
            report = held.report
            if report is None or (report.as_of, report.law_mode) != (as_of, law_mode):
                report = held.report = held.validator.validate(as_of=as_of, law_mode=law_mode)
            self._hold(org_id, held)
            return report

    def coverage(
        self,
        org_id: str,
        target: str,
        *,
        as_of: date,
        min_confidence: float,
        law_mode: str,
        min_strength: float | None = None,
    ) -> dict[str, Any]:
        """The coverage report of a target (JSON-ready); CoverageInputError on a bad target."""
        engine = self.engine_for(org_id)
        report = engine.coverage(
            self.data(org_id),
            target,
            as_of=as_of,
            min_confidence=min_confidence,
            law_mode=law_mode,
            min_strength=min_strength,
        )
        return engine.as_dict(report)

    def soa(self, org_id: str) -> bytes:
        """The generated statement of applicability (XLSX, import template layout)."""
        return soa_xlsx(self.data(org_id), self.mappings_for(org_id).items)

"""Validate an organisation graph against the org shapes, with pyshacl or the compiled fast path.

Both engines produce the same raw results (rule shape, focus node, path, value); one function turns
them into findings a person can act on, so any difference between the engines is a raw difference
the differential test sees.

A rule whose SPARQL reports an EU AI Act applicability record as its value (the record that
makes the duty bite for that system) becomes ``upcoming`` when the record's ``aims:appliesFrom``
is after the as-of date, and names the record's obligation among the items it enforces.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Final, Literal

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from aims_graph import resources
from aims_graph.catalog.frameworks import BY_SLUG
from aims_graph.catalog.items import edition_of
from aims_graph.namespaces import AIMS, ID, graph_iri
from aims_graph.validation.compiler import CompiledCheck, compile_shapes, path_text, restrict_to
from aims_graph.validation.shapes import (
    LAW_MODES,
    ShapeInfo,
    bind_parameters,
    load_shapes,
    rule_shapes,
    shape_info,
)

Engine = Literal["fast", "pyshacl"]
ENGINES: Final[tuple[str, ...]] = ("fast", "pyshacl")
#: Catalog editions the org shapes look into.
CATALOG_EDITIONS: Final[tuple[str, ...]] = ("iso42001-2023", "iso27001-2022", "eu-ai-act")
SEVERITY_ORDER: Final = {"violation": 0, "warning": 1, "upcoming": 2, "info": 3}
_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
#: Threads running checks at once (Oxigraph releases the GIL while it evaluates).
_WORKERS: Final = max(1, min(4, os.cpu_count() or 1))
#: Properties naming a node, in order of preference.
_LABEL_PROPS: Final = (
    RDFS.label,
    AIMS.name,
    URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
)
_LABELS_QUERY: Final = (
    "SELECT ?s ?p ?o WHERE { %ONLY% VALUES ?p { "
    + " ".join(f"<{p}>" for p in _LABEL_PROPS)
    + " } ?s ?p ?o . FILTER(isIRI(?s)) }"
)

_INDEX_QUERY: Final = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX aims: <{AIMS}>
SELECT ?i ?notation ?label ?applies ?obl WHERE {{
  {{ ?i skos:notation ?notation . OPTIONAL {{ ?i skos:prefLabel ?label }} }}
  UNION
  {{ ?obl aims:applicability ?i . ?i aims:appliesFrom ?applies . }}
}}
"""


@dataclass(frozen=True, slots=True)
class RawResult:
    """One validation result as an engine reports it, reduced to comparable text."""

    shape: str
    focus: str
    path: str | None
    value: str | None


@dataclass(frozen=True, slots=True)
class EnforcedItem:
    """A catalog item a rule enforces: IRI, CURIE, notation and short title."""

    iri: str
    curie: str
    notation: str
    title: str

    def as_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {
            "iri": self.iri,
            "curie": self.curie,
            "notation": self.notation,
            "title": self.title,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to act on: the node, the rule it breaks, the clause behind it, the fix."""

    node: str
    node_label: str
    shape: str
    rule: str
    rule_label: str
    severity: str
    message: str
    fix: str
    enforces: tuple[EnforcedItem, ...]
    path: str | None = None
    value: str | None = None
    applies_from: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "node": self.node,
            "node_label": self.node_label,
            "rule": self.rule,
            "rule_label": self.rule_label,
            "shape": self.shape,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
            "enforces": [e.as_dict() for e in self.enforces],
            "path": self.path,
            "value": self.value,
            "applies_from": self.applies_from,
        }


@dataclass
class ValidationReport:
    """Findings of one validation run, with what was run and how long it took."""

    as_of: date
    engine: str
    law_mode: str
    findings: list[Finding] = field(default_factory=list)
    raw: list[RawResult] = field(default_factory=list)
    rules: int = 0
    triples: int = 0
    seconds: float = 0.0
    #: The focus nodes checked, when not all of them (an incremental check of an append).
    focus: frozenset[str] | None = None

    @property
    def conforms(self) -> bool:
        """True when no finding is a violation (warnings and upcoming duties do not count)."""
        return not any(f.severity == "violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        """Findings per severity."""
        out = dict.fromkeys(SEVERITY_ORDER, 0)
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

    def rows(self) -> list[dict[str, str]]:
        """One flat row per finding, for CSV and spreadsheets."""
        return [
            {
                "severity": f.severity,
                "rule": f.rule,
                "node": f.node,
                "node_label": f.node_label,
                "enforces": " ".join(e.curie for e in f.enforces),
                "applies_from": f.applies_from or "",
                "value": f.value or "",
                "message": f.message,
                "fix": f.fix,
            }
            for f in self.findings
        ]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "as_of": self.as_of.isoformat(),
            "engine": self.engine,
            "law_mode": self.law_mode,
            "conforms": self.conforms,
            "counts": self.counts(),
            "rules": self.rules,
            "triples": self.triples,
            "seconds": round(self.seconds, 4),
            "findings": [f.as_dict() for f in self.findings],
        }


class ValidationContext:
    """The vocabulary and the catalogs the shapes look into, loaded once for many validations."""

    def __init__(self, catalog_ntriples: bytes, shapes: Graph | None = None) -> None:
        self.ntriples = catalog_ntriples
        self._enforced: dict[str, EnforcedItem] = {}
        self.shapes = load_shapes() if shapes is None else shapes
        self.info: dict[str, ShapeInfo] = shape_info(self.shapes)
        self._rdf: Graph | None = None
        self.store = ox.Store()
        self.store.load(
            catalog_ntriples, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph_iri("catalogs"))
        )
        self.catalog_triples = len(self.store)
        labels = self.store.query(
            _LABELS_QUERY.replace("%ONLY%", ""), use_default_graph_as_union=True
        )
        assert isinstance(labels, ox.QuerySolutions)
        self.catalog_labels = {(s["s"].value, s["p"].value, s["o"].value) for s in labels}
        self.subclasses = _subclass_closure(self.store)
        self._compiled: dict[tuple[date, str], tuple[Graph, list[CompiledCheck]]] = {}
        self._lock = threading.Lock()
        self.items: dict[str, tuple[str, str]] = {}
        self.records: dict[str, tuple[date, str]] = {}
        solutions = self.store.query(_INDEX_QUERY, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for sol in solutions:
            i = sol["i"].value
            if sol["applies"] is not None and sol["obl"] is not None:
                self.records[i] = (date.fromisoformat(sol["applies"].value), sol["obl"].value)
            elif sol["notation"] is not None:
                label = sol["label"].value if sol["label"] is not None else ""
                self.items.setdefault(i, (sol["notation"].value, label))

    @classmethod
    def from_files(cls, shapes: Graph | None = None) -> ValidationContext:
        """Load the vocabulary and catalogs from ontology/ (fails when a catalog is not built)."""
        paths = [resources.ontology_dir() / "aims.ttl"] + [
            resources.standards_dir() / f"{e}.ttl" for e in CATALOG_EDITIONS
        ]
        return cls(_to_ntriples(paths), shapes)

    @classmethod
    def from_store(cls, store: Any, shapes: Graph | None = None) -> ValidationContext:
        """Copy the vocabulary and catalog graphs out of a built aims-graph store."""
        names = ["ontology"] + [f"catalog/{e}" for e in CATALOG_EDITIONS]
        data = b"".join(store.dump_graph(graph_iri(n), "application/n-triples") for n in names)
        return cls(data, shapes)

    def compiled(self, as_of: date, law_mode: str) -> tuple[Graph, list[CompiledCheck]]:
        """The shapes with their parameters bound, and their checks (kept for a few days)."""
        key = (as_of, law_mode)
        with self._lock:
            found = self._compiled.get(key)
            if found is None:
                bound = bind_parameters(self.shapes, as_of, law_mode)
                found = (bound, compile_shapes(bound, self.subclasses))
                # A handful of as-of dates are in use at any time; keep the cache from growing.
                if len(self._compiled) >= 8:
                    self._compiled.pop(next(iter(self._compiled)))
                self._compiled[key] = found
            return found

    @property
    def rdf(self) -> Graph:
        """The catalogs as an rdflib graph (pyshacl's ontology graph), parsed on first use."""
        if self._rdf is None:
            g = Graph()
            g.parse(data=self.ntriples, format="nt")
            self._rdf = g
        return self._rdf

    def enforced(self, iri: str) -> EnforcedItem:
        """A catalog IRI with its CURIE, notation and title."""
        found = self._enforced.get(iri)
        if found is None:
            notation, label = self.items.get(iri, ("", ""))
            ed = edition_of(iri)
            curie = f"{BY_SLUG[ed].prefixes[0]}:{iri[len(ID) + len(ed) + 1 :]}" if ed else iri
            found = self._enforced[iri] = EnforcedItem(iri, curie, notation, label)
        return found


def _subclass_closure(store: ox.Store) -> dict[str, set[str]]:
    """Every class with all its (transitive) subclasses, from the vocabulary in the store."""
    solutions = store.query(
        "SELECT ?sub ?sup WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?sup . "
        "FILTER(isIRI(?sub) && isIRI(?sup)) }",
        use_default_graph_as_union=True,
    )
    assert isinstance(solutions, ox.QuerySolutions)
    out: dict[str, set[str]] = {}
    for sol in solutions:
        out.setdefault(sol["sup"].value, set()).add(sol["sub"].value)
    return out


def _to_ntriples(paths: Sequence[Path]) -> bytes:
    out: list[bytes] = []
    for p in paths:
        if not p.exists():
            raise FileNotFoundError(f"{p} is missing; run `aims-graph build-catalogs` first")
        data = ox.serialize(
            ox.parse(path=str(p), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES
        )
        out.append(data if isinstance(data, bytes) else b"")
    return b"".join(out)


def term_text(term: Node | object) -> str:
    """The text of a term both engines agree on: IRI, ``_:b`` for blank nodes, N3 for literals."""
    if isinstance(term, URIRef | ox.NamedNode):
        return str(term) if isinstance(term, URIRef) else term.value
    if isinstance(term, BNode | ox.BlankNode):
        return "_:b"
    if isinstance(term, RdfLiteral):
        dt = str(term.datatype) if term.datatype else None
        return _lit(str(term), dt, term.language)
    if isinstance(term, ox.Literal):
        return _lit(term.value, term.datatype.value, term.language)
    return str(term)


def _lit(value: str, datatype: str | None, lang: str | None) -> str:
    if lang:
        return f'"{value}"@{lang}'
    if datatype and datatype != _XSD_STRING:
        return f'"{value}"^^<{datatype}>'
    return f'"{value}"'


def _flatten(data: Graph) -> Graph:
    if isinstance(data, Dataset):
        g = Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            g.add((s, p, o))
        return g
    return data


# ---- the two engines ---------------------------------------------------------------------------


def run_pyshacl(org: Graph, bound_shapes: Graph, ctx: ValidationContext) -> list[RawResult]:
    """Raw results of pyshacl, the reference engine."""
    from pyshacl import validate as shacl_validate

    rules = {str(r) for r in rule_shapes(bound_shapes)}
    owner: dict[Node, str] = {}
    for rule_node in rule_shapes(bound_shapes):
        for prop in bound_shapes.objects(rule_node, SH.property):
            owner[prop] = str(rule_node)
    # The catalogs are merged into the data graph here rather than passed as pyshacl's ont_graph:
    # pyshacl "inoculates" an ontology graph by cloning node trees recursively, which on the linked
    # catalogs (skos:broader, applicability records) runs for minutes. A plain union is what the
    # fast path queries too.
    data = Graph()
    data += ctx.rdf
    data += org
    _conforms, results, _text = shacl_validate(
        data,
        shacl_graph=bound_shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        allow_infos=True,
        meta_shacl=False,
        advanced=False,
        inplace=True,
    )
    if not isinstance(results, Graph):
        raise TypeError(f"pyshacl did not validate: {_text!s:.300}")
    out: set[RawResult] = set()
    for r in results.subjects(RDF.type, SH.ValidationResult):
        src: Node | None = results.value(r, SH.sourceShape)
        rule = str(src) if str(src) in rules else owner.get(src) if src is not None else None
        if rule is None:
            continue
        value = results.value(r, SH.value)
        component = results.value(r, SH.sourceConstraintComponent)
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        out.add(
            RawResult(
                rule,
                term_text(focus),
                path_text(results, path),
                _value_text(component, value, focus),
            )
        )
    return sorted(out, key=raw_key)


#: Components whose results carry no value node in either engine.
_NO_VALUE: Final = {
    str(SH.MinCountConstraintComponent),
    str(SH.MaxCountConstraintComponent),
    str(SH.HasValueConstraintComponent),
}


def _value_text(component: Node | None, value: Node | None, focus: Node | None) -> str | None:
    if str(component) in _NO_VALUE or value is None:
        return None
    return term_text(value)


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


def org_ntriples(org: Graph | bytes) -> bytes:
    """Organisation data as N-Triples (bytes are taken as N-Triples already)."""
    if isinstance(org, bytes):
        return org
    return _flatten(org).serialize(format="nt", encoding="utf-8")


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
    solutions = store.query(_LABELS_QUERY.replace("%ONLY%", only))
    assert isinstance(solutions, ox.QuerySolutions)
    rows = ((s["s"].value, s["p"].value, s["o"].value) for s in solutions)
    # The catalogs share the store; their labels are not the organisation's (see _label).
    return _pick_labels(row for row in rows if row not in ctx.catalog_labels)


def graph_labels(org: Graph) -> dict[str, str]:
    """The label of every labelled IRI of a graph (see _pick_labels for which one)."""
    return _pick_labels(
        (str(s), str(p), str(o))
        for p in _LABEL_PROPS
        for s, o in org.subject_objects(p)
        if isinstance(s, URIRef)
    )


def _pick_labels(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    # The first of rdfs:label, aims:name and skos:prefLabel a node has, and the smallest text
    # when it has several, so that both engines name every node alike.
    rank = {str(p): i for i, p in enumerate(_LABEL_PROPS)}
    best: dict[str, tuple[int, str]] = {}
    for s, p, o in rows:
        key = (rank[p], o)
        if s not in best or key < best[s]:
            best[s] = key
    return {s: text for s, (_, text) in best.items()}


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


def raw_key(r: RawResult) -> tuple[str, str, str, str]:
    """Identity of a raw result: shape, focus node, path, value."""
    return (r.shape, r.focus, r.path or "", r.value or "")


def finding_key(f: Finding) -> tuple[int, str, str, str, str, str]:
    """Sort key of findings: severity, rule, node, then path and shape."""
    # Severity first, then rule and node; path and shape make the order total, so that a
    # report merged from an incremental check lists findings exactly as a full one does.
    return (
        SEVERITY_ORDER.get(f.severity, 9),
        f.rule,
        f.node,
        f.value or "",
        f.path or "",
        f.shape,
    )


# ---- findings ----------------------------------------------------------------------------------


def _label(labels: Mapping[str, str], ctx: ValidationContext, iri: str) -> str:
    if iri in labels:
        return labels[iri]
    if iri in ctx.items:
        notation, label = ctx.items[iri]
        return f"{notation} {label}".strip()
    return ""


@dataclass(frozen=True, slots=True)
class _Parts:
    """The parts of a finding shared by every finding of one rule (and applicability record)."""

    rule: str
    rule_label: str
    severity: str
    message: str
    fix: str
    enforces: tuple[EnforcedItem, ...]
    applies_from: str | None


def _finding_parts(
    ctx: ValidationContext, as_of: date, shape: str, record: str | None
) -> _Parts | None:
    info = ctx.info.get(shape)
    if info is None:
        return None
    severity, applies = info.severity, None
    enforces = list(info.enforces)
    if record is not None:
        day, obligation = ctx.records[record]
        applies = day.isoformat()
        if day > as_of:
            severity = "upcoming"
        if obligation not in enforces:
            enforces.append(obligation)
    message = info.message
    if applies:
        verb = "applies from" if severity == "upcoming" else "has applied since"
        message = f"{message.rstrip('.')} (the duty {verb} {applies})."
    return _Parts(
        info.name,
        info.label,
        severity,
        message,
        info.fix,
        tuple(ctx.enforced(e) for e in enforces),
        applies,
    )


def findings_from_raw(
    raw: Iterable[RawResult],
    org: Graph | Mapping[str, str],
    ctx: ValidationContext,
    as_of: date,
) -> list[Finding]:
    """Turn raw results into findings: message, fix, enforced items, severity (incl. upcoming).

    ``org`` is the organisation graph, or the labels of its nodes (see :func:`graph_labels`).
    """
    labels = graph_labels(org) if isinstance(org, Graph) else org
    out: list[Finding] = []
    # What a finding says depends only on its rule and, for dated duties, the record it names:
    # worked out once per pair, not once per finding (a large organisation has 100,000s).
    parts: dict[tuple[str, str | None], _Parts | None] = {}
    for r in raw:
        key = (r.shape, r.value if r.value in ctx.records else None)
        if key not in parts:
            parts[key] = _finding_parts(ctx, as_of, *key)
        p = parts[key]
        if p is None:
            continue
        out.append(
            Finding(
                node=r.focus,
                node_label=_label(labels, ctx, r.focus),
                shape=r.shape,
                rule=p.rule,
                rule_label=p.rule_label,
                severity=p.severity,
                message=p.message,
                fix=p.fix,
                enforces=p.enforces,
                path=r.path,
                value=r.value,
                applies_from=p.applies_from,
            )
        )
    out.sort(key=finding_key)
    return out


def validate(
    org_graph: Graph | bytes,
    *,
    as_of: date,
    catalogs: ValidationContext,
    engine: str = "fast",
    law_mode: str = "in-force",
) -> ValidationReport:
    """Validate an organisation graph on a date; findings tie each problem to its clause.

    The graph may be given as N-Triples, which the fast engine loads without rdflib.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if law_mode not in LAW_MODES:
        raise ValueError(f"unknown law mode {law_mode!r}; use one of {', '.join(LAW_MODES)}")
    started = time.perf_counter()
    if engine == "fast":
        store = new_store(catalogs, org_ntriples(org_graph))
        return fast_report(store, catalogs, as_of=as_of, law_mode=law_mode, started=started)
    bound, _checks = catalogs.compiled(as_of, law_mode)
    org = _flatten(org_graph) if isinstance(org_graph, Graph) else _parse_nt(org_graph)
    raw = run_pyshacl(org, bound, catalogs)
    findings, triples = findings_from_raw(raw, graph_labels(org), catalogs, as_of), len(org)
    return ValidationReport(
        as_of=as_of,
        engine=engine,
        law_mode=law_mode,
        findings=findings,
        raw=raw,
        rules=len(catalogs.info),
        triples=triples,
        seconds=time.perf_counter() - started,
    )


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


def _parse_nt(data: bytes) -> Graph:
    g = Graph()
    g.parse(data=data, format="nt")
    return g


__all__ = [
    "CATALOG_EDITIONS",
    "ENGINES",
    "EnforcedItem",
    "Engine",
    "Finding",
    "RawResult",
    "ValidationContext",
    "ValidationReport",
    "fast_report",
    "findings_from_raw",
    "gc_paused",
    "graph_labels",
    "run_pyshacl",
    "term_text",
    "validate",
]

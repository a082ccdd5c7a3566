"""Validation findings and reports: raw results, the findings a person acts on, labels."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from aims_graph.namespaces import AIMS

if TYPE_CHECKING:
    from aims_graph.validation.context import ValidationContext

SEVERITY_ORDER: Final = {"violation": 0, "warning": 1, "upcoming": 2, "info": 3}


#: Properties naming a node, in order of preference.
LABEL_PROPS: Final = (
    RDFS.label,
    AIMS.name,
    URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
)


LABELS_QUERY: Final = (
    "SELECT ?s ?p ?o WHERE { %ONLY% VALUES ?p { "
    + " ".join(f"<{p}>" for p in LABEL_PROPS)
    + " } ?s ?p ?o . FILTER(isIRI(?s)) }"
)


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
    #: Whose rule it is: the project's (``aims-graph``) or the organisation's own policy shapes.
    origin: str = "aims-graph"

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
            "origin": self.origin,
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
    #: How many of ``rules`` are the organisation's own policy shapes.
    policy_rules: int = 0

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
            "policy_rules": self.policy_rules,
            "triples": self.triples,
            "seconds": round(self.seconds, 4),
            "findings": [f.as_dict() for f in self.findings],
        }


def graph_labels(org: Graph) -> dict[str, str]:
    """The label of every labelled IRI of a graph (see pick_labels for which one)."""
    return pick_labels(
        (str(s), str(p), str(o))
        for p in LABEL_PROPS
        for s, o in org.subject_objects(p)
        if isinstance(s, URIRef)
    )


def pick_labels(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    # The first of rdfs:label, aims:name and skos:prefLabel a node has, and the smallest text
    # when it has several, so that both engines name every node alike.
    rank = {str(p): i for i, p in enumerate(LABEL_PROPS)}
    best: dict[str, tuple[int, str]] = {}
    for s, p, o in rows:
        key = (rank[p], o)
        if s not in best or key < best[s]:
            best[s] = key
    return {s: text for s, (_, text) in best.items()}


def raw_key(r: RawResult) -> tuple[str, str, str, str]:
    """The sort key of a raw result."""
    return (r.shape, r.focus, r.path or "", r.value or "")


def finding_key(f: Finding) -> tuple[int, str, str, str, str, str]:
    """The sort key of a finding."""
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


#: The origin a finding has unless it says otherwise (Finding's default).
_ORIGIN: Final = next(f.default for f in fields(Finding) if f.name == "origin")


class _DraftRaw:
    """A RawResult being filled in: plain slot stores, then its class becomes RawResult."""

    __slots__ = RawResult.__slots__


class _DraftFinding:
    """A Finding being filled in (see :func:`raw_results` for why)."""

    __slots__ = Finding.__slots__


def raw_results(rows: Iterable[tuple[str, str, str, str]]) -> list[RawResult]:
    """Raw results from (shape, focus, path, value) rows, with "" for no path or value."""
    # A frozen dataclass's __init__ sets each field through object.__setattr__, which at
    # 100,000s of results was most of the time of making them. A draft of the same slots,
    # filled by plain stores and then given the class, is the same object, made 4x faster.
    out: list[RawResult] = []
    append = out.append
    for shape, focus, path, value in rows:
        r: Any = _DraftRaw()
        r.shape = shape
        r.focus = focus
        r.path = path or None
        r.value = value or None
        r.__class__ = RawResult
        append(r)
    return out


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
    records = ctx.records
    # What a finding says depends only on its rule and, for dated duties, the record it names:
    # worked out once per pair, not once per finding (a large organisation has 100,000s).
    parts: dict[tuple[str, str | None], _Parts | None] = {}
    # Sorted by finding_key in two steps: by (severity, rule), then within each by the rest.
    # Tuples whose first items differ (the node) sort much faster than ones that share them.
    groups: dict[tuple[int, str], list[tuple[str, str, str, str, int]]] = {}
    chosen: list[tuple[RawResult, _Parts]] = []
    for r in raw:
        value = r.value
        key = (r.shape, value if value in records else None)
        if key in parts:
            p = parts[key]
        else:
            p = parts[key] = _finding_parts(ctx, as_of, *key)
        if p is None:
            continue
        group = (SEVERITY_ORDER.get(p.severity, 9), p.rule)
        entry = (r.focus, value or "", r.path or "", r.shape, len(chosen))
        if group in groups:
            groups[group].append(entry)
        else:
            groups[group] = [entry]
        chosen.append((r, p))
    names: dict[str, str] = {}
    out: list[Finding] = []
    append = out.append
    for group in sorted(groups):
        entries = groups[group]
        entries.sort()
        for node, _v, _p, _s, at in entries:
            r, p = chosen[at]
            label = names.get(node)
            if label is None:
                label = names[node] = _label(labels, ctx, node)
            # Filled in as raw_results fills a RawResult: the same Finding, made much faster.
            f: Any = _DraftFinding()
            f.node = node
            f.node_label = label
            f.shape = r.shape
            f.rule = p.rule
            f.rule_label = p.rule_label
            f.severity = p.severity
            f.message = p.message
            f.fix = p.fix
            f.enforces = p.enforces
            f.path = r.path
            f.value = r.value
            f.applies_from = p.applies_from
            f.origin = _ORIGIN
            f.__class__ = Finding
            append(f)
    return out


__all__ = [
    "LABELS_QUERY",
    "LABEL_PROPS",
    "SEVERITY_ORDER",
    "EnforcedItem",
    "Finding",
    "RawResult",
    "ValidationReport",
    "finding_key",
    "findings_from_raw",
    "graph_labels",
    "raw_key",
    "raw_results",
]

"""An organisation's own policy shapes run over its data, each finding naming the item it enforces.

The shapes run on the SHACL Core engine (:mod:`aims_graph.validation.core`) over a store of the
catalogs and the organisation's data, so a shape may look into the catalogs as the project's
shapes do; a shape the compiler cannot handle is checked by pyshacl instead. The placeholders of
the project's shapes work here too: ``$asOf`` (the report's day, "now") and ``$yearBeforeAsOf``
in ``sh:select`` text are bound before anything runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from aims_graph.namespaces import AIMS
from aims_graph.validation.context import ValidationContext
from aims_graph.validation.core import ShaclReport, validate_store
from aims_graph.validation.fast import new_store
from aims_graph.validation.paths import UnsupportedShapeError, path_text
from aims_graph.validation.policy_check import owner_of, rule_nodes
from aims_graph.validation.reference import term_text
from aims_graph.validation.report import (
    LABELS_QUERY,
    EnforcedItem,
    Finding,
    ValidationReport,
    finding_key,
    pick_labels,
)
from aims_graph.validation.report_graph import ResultRow
from aims_graph.validation.shapes import bind_parameters

#: The ``origin`` of a finding of an organisation's own shape.
POLICY_ORIGIN = "organisation"
_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One of the organisation's rule shapes, with what a person reads about it."""

    iri: str
    label: str
    message: str
    fix: str
    enforces: tuple[EnforcedItem, ...]

    @property
    def name(self) -> str:
        """The shape's local name."""
        return self.iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class PolicyRun:
    """What the organisation's shapes found: findings, the W3C rows, which shapes fell back."""

    findings: list[Finding]
    rows: list[ResultRow]
    rules: dict[str, PolicyRule]
    fallback: dict[Node, str] = field(default_factory=dict)


def _text(g: Graph, node: Node, prop: URIRef) -> str:
    values = sorted((v for v in g.objects(node, prop) if isinstance(v, Literal)), key=str)
    english = [v for v in values if v.language in (None, "en")]
    return str((english or values)[0]) if values else ""


def policy_rules(shapes: Graph, enforced: Callable[[str], EnforcedItem]) -> dict[str, PolicyRule]:
    """The rule shapes of an organisation's shapes graph by IRI."""
    out: dict[str, PolicyRule] = {}
    for node in rule_nodes(shapes):
        if not isinstance(node, URIRef):
            continue
        items = sorted(str(i) for i in shapes.objects(node, AIMS.enforces))
        out[str(node)] = PolicyRule(
            str(node),
            _text(shapes, node, RDFS.label) or _text(shapes, node, SH.name),
            _text(shapes, node, SH.message),
            _text(shapes, node, AIMS.fix),
            tuple(enforced(i) for i in items),
        )
    return out


def _owners(shapes: Graph, shape: Node, rules: dict[str, PolicyRule]) -> list[PolicyRule]:
    """The rules a result's source shape belongs to: itself, or the rules holding it."""
    if str(shape) in rules and isinstance(shape, URIRef):
        return [rules[str(shape)]]
    holders = {h for h in shapes.subjects(SH.property, shape) if str(h) in rules}
    if not holders:
        # Deeper nesting: the nearest named shape holding it, so no result goes unreported.
        named, _via = owner_of(shapes, shape)
        holders = {URIRef(named)} if named in rules else set()
    return [rules[str(h)] for h in sorted(holders, key=str)]


def _labels(store: ox.Store, ctx: ValidationContext, nodes: Iterable[str]) -> dict[str, str]:
    iris = sorted(n for n in set(nodes) if n.startswith(("http://", "https://", "urn:")))
    if not iris:
        return {}
    only = "VALUES ?s { " + " ".join(f"<{n}>" for n in iris) + " }"
    solutions = store.query(LABELS_QUERY.replace("%ONLY%", only))
    assert isinstance(solutions, ox.QuerySolutions)
    rows = ((s["s"].value, s["p"].value, s["o"].value) for s in solutions)
    # A catalog item's title is no label of the organisation's; the item's notation is.
    labels = pick_labels(r for r in rows if r not in ctx.catalog_labels)
    for iri in iris:
        if iri not in labels and iri in ctx.items:
            labels[iri] = " ".join(ctx.items[iri]).strip()
    return labels


def _findings(
    rows: list[ResultRow],
    shapes: Graph,
    rules: dict[str, PolicyRule],
    labels: dict[str, str],
) -> list[Finding]:
    out = []
    for row in rows:
        node = term_text(row.focus)
        path = path_text(row.path_graph, row.path) if row.path_graph is not None else None
        for rule in _owners(shapes, row.shape, rules):
            message = rule.message or "; ".join(str(m) for m in row.messages)
            out.append(
                Finding(
                    node=node,
                    node_label=labels.get(node, ""),
                    shape=rule.iri,
                    rule=rule.name,
                    rule_label=rule.label or rule.name,
                    severity=_SEVERITY.get(row.severity, "violation"),  # type: ignore[call-overload]
                    message=message or f"{str(row.component).rsplit('#', 1)[-1]} not met",
                    fix=rule.fix,
                    enforces=rule.enforces,
                    path=path,
                    value=term_text(row.value) if row.value is not None else None,
                    origin=POLICY_ORIGIN,
                )
            )
    out.sort(key=finding_key)
    return out


def run_policy(
    data: bytes,
    shapes: Graph,
    ctx: ValidationContext,
    *,
    as_of: date,
    law_mode: str,
    enforced: Callable[[str], EnforcedItem] | None = None,
) -> PolicyRun:
    """Run an organisation's shapes over its data (N-Triples) and the catalogs on a day."""
    bound = bind_parameters(shapes, as_of, law_mode)
    rules = policy_rules(shapes, enforced or ctx.enforced)
    store = new_store(ctx, data)
    report: ShaclReport
    try:
        report = validate_store(store, {}, bound, None)
    except UnsupportedShapeError:
        # Some shape needs pyshacl, which reads rdflib graphs: built only when it is needed.
        full = Graph()
        full += ctx.rdf
        if data:
            full.parse(data=data, format="nt")
        report = validate_store(store, {}, bound, full)
    nodes = [term_text(r.focus) for r in report.rows]
    findings = _findings(report.rows, bound, rules, _labels(store, ctx, nodes))
    return PolicyRun(findings, report.rows, rules, report.fallback)


def with_policy(report: ValidationReport, run: PolicyRun, started: float) -> ValidationReport:
    """The project's report with the organisation's findings and rules added."""
    findings = sorted([*report.findings, *run.findings], key=finding_key)
    return replace(
        report,
        findings=findings,
        rules=report.rules + len(run.rules),
        policy_rules=len(run.rules),
        seconds=report.seconds + (time.perf_counter() - started),
    )


__all__ = ["POLICY_ORIGIN", "PolicyRule", "PolicyRun", "policy_rules", "run_policy", "with_policy"]

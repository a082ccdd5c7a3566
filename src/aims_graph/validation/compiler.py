"""Compile the SHACL subset our organisation shapes use into SPARQL SELECT queries.

Each query returns one row per validation result, with ``?this`` (the focus node) and, where the
constraint has one, ``?value``, exactly as pyshacl would report them, so the two engines can be
compared finding by finding. Supported:

- targets: ``sh:targetClass`` (following ``rdfs:subClassOf``), ``sh:targetNode``,
  ``sh:targetSubjectsOf``, ``sh:targetObjectsOf``;
- property shapes with a path that is an IRI, ``sh:inversePath`` or a sequence;
- ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``, ``sh:hasValue``, ``sh:in``,
  ``sh:pattern`` (with ``sh:flags``), ``sh:nodeKind`` for IRIs and literals;
- ``sh:sparql`` SELECT constraints on node shapes, with ``sh:prefixes`` declarations; ``$this`` is
  bound by placing the target pattern at the start of the query's outer group.

Anything else raises :class:`UnsupportedShapeError`, so a shape the fast path cannot check is never
silently skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Set

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from aims_graph.validation.checks import CompiledCheck, path_text, sparql_path
from aims_graph.validation.lateral import rewrite_exists
from aims_graph.validation.org_core import core_checks
from aims_graph.validation.paths import UnsupportedShapeError
from aims_graph.validation.shapes import rule_shapes

_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_THIS = re.compile(r"\$this\b")
#: Predicates a node or property shape may carry that need no query of their own.
_IGNORED = {
    RDF.type,
    SH.path,
    SH.property,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.flags,
    SH.sparql,
}


def _n3(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return str(node.n3())
    raise UnsupportedShapeError(f"blank node {node} used as a constant")


def _instances(c: Node, subclasses: Mapping[str, Set[str]] | None) -> str:
    """A pattern matching ``?this`` as an instance of ``c`` or of any of its subclasses."""
    if subclasses is None:
        return f"?this {_TYPE}/{_SUBCLASS}* {_n3(c)} ."
    # Naming the classes up front lets the store start from the type index instead of walking
    # rdfs:subClassOf from every typed node: the same answer when the vocabulary is the same.
    classes = sorted({str(c)} | set(subclasses.get(str(c), ())))
    if len(classes) == 1:
        return f"?this {_TYPE} <{classes[0]}> ."
    return (
        "VALUES ?__class { " + " ".join(f"<{x}>" for x in classes) + f" }} ?this {_TYPE} ?__class ."
    )


def target_pattern(g: Graph, shape: Node, subclasses: Mapping[str, Set[str]] | None = None) -> str:
    """A SPARQL group binding ``?this`` to every focus node of the shape."""
    parts: list[str] = []
    for c in sorted(g.objects(shape, SH.targetClass), key=str):
        parts.append(f"{{ {_instances(c, subclasses)} }}")
    nodes = sorted(g.objects(shape, SH.targetNode), key=str)
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(_n3(n) for n in nodes) + " } }")
    for p in sorted(g.objects(shape, SH.targetSubjectsOf), key=str):
        parts.append(f"{{ ?this {_n3(p)} ?__t . }}")
    for p in sorted(g.objects(shape, SH.targetObjectsOf), key=str):
        parts.append(f"{{ ?__t {_n3(p)} ?this . }}")
    if not parts:
        raise UnsupportedShapeError(f"shape {shape} has no target")
    return "{ " + " UNION ".join(parts) + " }"


def _prefixes(g: Graph, holder: Node) -> str:
    lines = []
    for decl_holder in g.objects(holder, SH.prefixes):
        for decl in g.objects(decl_holder, SH.declare):
            prefix, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
            if prefix is not None and ns is not None:
                lines.append(f"PREFIX {prefix}: <{ns}>")
    return "\n".join(sorted(set(lines)))


def _sparql_check(g: Graph, rule: URIRef, constraint: Node, target: str) -> CompiledCheck:
    text = g.value(constraint, SH.select)
    if not isinstance(text, Literal):
        raise UnsupportedShapeError(f"sh:sparql of {rule} has no sh:select")
    query = _THIS.sub("?this", str(text))
    m = _OUTER_WHERE.search(query)
    if m is None:
        raise UnsupportedShapeError(f"sh:select of {rule} has no WHERE clause")
    # Placing the targets first in the outer group binds ?this before the rest is evaluated,
    # which is what SHACL's pre-binding of $this means for queries that follow our style rules.
    query = query[: m.end()] + f"\n  {target}\n" + query[m.end() :]
    prefixes = _prefixes(g, constraint)
    # Oxigraph leaves EXISTS bodies unordered and hash-joined, which is quadratic at scale.
    full = rewrite_exists(f"{prefixes}\n{query}")
    few = rewrite_exists(f"{prefixes}\n{query}", hoist=False)
    return CompiledCheck(
        str(rule), "SPARQLConstraintComponent", None, full, focus_query=None if few == full else few
    )


def _value_checks(
    g: Graph, rule: URIRef, holder: Node, target: str, path: str | None, *, unique: bool = False
) -> list[CompiledCheck]:
    """The checks of one node or property shape; ``unique``: the target gives each node once."""
    value = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
    head = "SELECT DISTINCT ?this ?value WHERE {\n  " + target + "\n  " + value
    ptext = path_text(g, g.value(holder, SH.path)) if path else None
    distinct = "" if unique else "DISTINCT "
    out: list[CompiledCheck] = []

    def add(component: str, body: str, *, with_value: bool = True, fast: str | None = None) -> None:
        q = head + "\n  " + body + "\n}" if with_value else body
        if fast is None:
            out.append(CompiledCheck(str(rule), component, ptext, q))
        else:
            # The plain form stays for a few focus nodes, where starting from them is cheaper.
            out.append(CompiledCheck(str(rule), component, ptext, fast, focus_query=q))

    def values_first(test: str) -> str | None:
        # Oxigraph starts from the target and tests each of its values; the property's triples
        # filtered on their own, then joined with the target, touch far fewer rows.
        if not path:
            return None
        return (
            f"SELECT {distinct}?this ?value WHERE {{\n"
            f"  {{ SELECT ?this ?value WHERE {{ ?this {path} ?value . {test} }} }}\n"
            f"  {target}\n}}"
        )

    for c in g.objects(holder, SH["class"]):
        typed = f"?value {_TYPE}/{_SUBCLASS}* {_n3(c)} ."
        # MINUS evaluates the class's instances once, from the class backwards, instead of
        # walking rdfs:subClassOf from every value; ?value is bound on both sides, so it drops
        # exactly the rows NOT EXISTS drops.
        add(
            "ClassConstraintComponent",
            f"FILTER NOT EXISTS {{ {typed} }}",
            fast=values_first(f"MINUS {{ {typed} }}"),
        )
    for d in g.objects(holder, SH.datatype):
        test = f"FILTER(!isLiteral(?value) || datatype(?value) != {_n3(d)})"
        add("DatatypeConstraintComponent", test, fast=values_first(test))
    for h in g.objects(holder, SH.hasValue):
        missing = (
            f"FILTER NOT EXISTS {{ ?this {path} {_n3(h)} . }}"
            if path
            else f"FILTER(!sameTerm(?this, {_n3(h)}))"
        )
        add(
            "HasValueConstraintComponent",
            f"SELECT DISTINCT ?this WHERE {{\n  {target}\n  {missing}\n}}",
            with_value=False,
        )
    for lst in g.objects(holder, SH["in"]):
        members = list(Collection(g, lst))
        same = " || ".join(f"sameTerm(?value, {_n3(m)})" for m in members) or "false"
        test = f"FILTER(!({same}))"
        add("InConstraintComponent", test, fast=values_first(test))
    for pat in g.objects(holder, SH.pattern):
        flags = g.value(holder, SH.flags)
        fl = f", {Literal(str(flags)).n3()}" if flags is not None else ""
        test = f"FILTER(isBlank(?value) || !regex(str(?value), {Literal(str(pat)).n3()}{fl}))"
        add("PatternConstraintComponent", test, fast=values_first(test))
    for kind in g.objects(holder, SH.nodeKind):
        test = {SH.IRI: "isIRI(?value)", SH.Literal: "isLiteral(?value)"}.get(kind)  # type: ignore[call-overload]
        if test is None:
            raise UnsupportedShapeError(f"sh:nodeKind {kind} in {rule}")
        add(
            "NodeKindConstraintComponent", f"FILTER(!{test})", fast=values_first(f"FILTER(!{test})")
        )
    if path:
        for n in g.objects(holder, SH.minCount):
            k = int(str(n))
            fast = None
            if k == 1:
                q = (
                    f"SELECT DISTINCT ?this WHERE {{\n  {target}\n"
                    f"  FILTER NOT EXISTS {{ ?this {path} ?any . }}\n}}"
                )
                # ?this is bound on both sides: MINUS drops what NOT EXISTS drops, and joins
                # against the property's triples at once instead of probing once per node.
                fast = (
                    f"SELECT {distinct}?this WHERE {{\n  {target}\n"
                    f"  MINUS {{ ?this {path} ?any . }}\n}}"
                )
            else:
                q = (
                    f"SELECT ?this WHERE {{\n  {target}\n  OPTIONAL {{ ?this {path} ?any . }}\n}}"
                    f" GROUP BY ?this HAVING (COUNT(DISTINCT ?any) < {k})"
                )
            add("MinCountConstraintComponent", q, with_value=False, fast=fast)
        for n in g.objects(holder, SH.maxCount):
            k = int(str(n))
            q = (
                f"SELECT ?this WHERE {{\n  {target}\n  ?this {path} ?any .\n}}"
                f" GROUP BY ?this HAVING (COUNT(DISTINCT ?any) > {k})"
            )
            # An IRI path's values are distinct triples of the default graph: no DISTINCT needed.
            counted = "*" if path.startswith("<") else "DISTINCT ?any"
            # Counted over the property's triples alone, the few nodes with too many values
            # are then joined with the target, instead of every target node being grouped.
            fast = (
                f"SELECT {distinct}?this WHERE {{\n"
                f"  {{ SELECT ?this WHERE {{ ?this {path} ?any . }} GROUP BY ?this "
                f"HAVING (COUNT({counted}) > {k}) }}\n  {target}\n}}"
            )
            add("MaxCountConstraintComponent", q, with_value=False, fast=fast)
    known = _IGNORED | {
        SH["class"],
        SH.datatype,
        SH.hasValue,
        SH["in"],
        SH.pattern,
        SH.nodeKind,
        SH.minCount,
        SH.maxCount,
        SH.prefixes,
    }
    for p in set(g.predicates(holder, None)):
        if p not in known and str(p).startswith(str(SH)):
            raise UnsupportedShapeError(f"{rule} uses {p}, which the fast path does not compile")
    # DISTINCT keeps ?this/?value pairs unique, as SHACL reports each value node once.
    return out


def _unique_target(g: Graph, shape: Node, subclasses: Mapping[str, Set[str]] | None) -> bool:
    """True when the target pattern binds each focus node once (one class, no subclasses)."""
    if subclasses is None:
        return False
    others = (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    if any(g.value(shape, p) is not None for p in others):
        return False
    classes = list(g.objects(shape, SH.targetClass))
    return len(classes) == 1 and not subclasses.get(str(classes[0]))


def compile_shape(
    g: Graph, rule: URIRef, subclasses: Mapping[str, Set[str]] | None = None
) -> list[CompiledCheck]:
    """Every check of one rule shape (its own constraints, property shapes and SPARQL).

    ``subclasses`` (class IRI → all its subclasses, from the vocabulary) makes class targets
    faster to evaluate; without it the queries follow ``rdfs:subClassOf*`` themselves.
    """
    target = target_pattern(g, rule, subclasses)
    unique = _unique_target(g, rule, subclasses)
    checks = _value_checks(g, rule, rule, target, None, unique=unique)
    for prop in g.objects(rule, SH.property):
        p = g.value(prop, SH.path)
        if p is None:
            raise UnsupportedShapeError(f"a property shape of {rule} has no sh:path")
        checks += _value_checks(g, rule, prop, target, sparql_path(g, p), unique=unique)
    for constraint in g.objects(rule, SH.sparql):
        if g.value(constraint, SH.deactivated) == Literal(True):
            continue
        checks.append(_sparql_check(g, rule, constraint, target))
    return checks


def restrict_to(check: CompiledCheck, focus: Iterable[str]) -> CompiledCheck:
    """The same check on the given focus nodes (IRIs) only."""
    text = check.query if check.focus_query is None else check.focus_query
    m = _OUTER_WHERE.search(text)
    if m is None:
        raise UnsupportedShapeError(f"a check of {check.shape} has no WHERE clause")
    values = " ".join(f"<{iri}>" for iri in sorted(focus))
    # Joined with the whole outer group, the VALUES block keeps only these nodes as ?this.
    query = f"{text[: m.end()]}\n  VALUES ?this {{ {values} }}{text[m.end() :]}"
    return CompiledCheck(check.shape, check.component, check.path, query, check.local)


def compile_shapes(
    g: Graph, subclasses: Mapping[str, Set[str]] | None = None
) -> list[CompiledCheck]:
    """Every check of every rule shape in a (parameter-bound) shapes graph.

    A rule outside the subset above is compiled by the SHACL Core compiler instead (all of
    Core); only a rule neither handles raises :class:`UnsupportedShapeError`.
    """
    out: list[CompiledCheck] = []
    for rule in rule_shapes(g):
        try:
            out += compile_shape(g, rule, subclasses)
        except UnsupportedShapeError:
            out += core_checks(g, rule)
    return out


__all__ = [
    "CompiledCheck",
    "UnsupportedShapeError",
    "compile_shape",
    "compile_shapes",
    "path_text",
    "restrict_to",
    "target_pattern",
]

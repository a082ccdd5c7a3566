"""Compile any SHACL Core shapes graph into SPARQL queries, one per constraint of a target shape.

Nested shapes (``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``,
``sh:qualifiedValueShape``) become conformance expressions: ``NOT EXISTS`` over each of their
violation patterns, with the inner focus node bound by substitution. A shape that cannot be
compiled (recursion, SHACL-SPARQL needing ``$shapesGraph``, a custom constraint component, an
unknown ``sh:`` parameter) raises :class:`UnsupportedShapeError`; the caller then falls back to
pyshacl for that shape, so nothing is skipped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from aims_graph.validation.core_constraints import (
    Count,
    Violation,
    distinct_values,
    integer,
    members,
    n3,
    pair_patterns,
    value_filter,
)
from aims_graph.validation.core_sparql import sparql_query
from aims_graph.validation.core_targets import (
    TARGETS,
    is_active,
    is_true,
    target_pattern,
    target_shapes,
)
from aims_graph.validation.paths import UnsupportedShapeError, values_pattern

_VALUE_ONLY: Final = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
}
_PAIRS: Final = {
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
}
#: Parameters handled elsewhere, or carrying no constraint.
_PASSIVE: Final = {
    SH.path,
    SH.flags,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.prefixes,
    SH.declare,
    SH.ignoredProperties,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
    *TARGETS,
}
_HANDLED: Final = {
    *_VALUE_ONLY,
    *_PAIRS,
    SH.equals,
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.hasValue,
    SH.node,
    SH["not"],
    SH["and"],
    SH["or"],
    SH.xone,
    SH.property,
    SH.qualifiedValueShape,
    SH.closed,
    SH.sparql,
}
_THIS: Final = re.compile(r"\?this\b")


@dataclass(frozen=True, slots=True)
class TopCheck:
    """One query of a target shape: its rows are ``?this`` with ``?value``/``?path`` if any."""

    top: Node
    violation: Violation
    query: str


class CoreCompiler:
    """Compiles the shapes of one shapes graph; one instance per graph."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self._n = 0
        self._stack: list[Node] = []
        self._custom = self._custom_parameters()

    def fresh(self) -> str:
        """A variable name no query text uses."""
        self._n += 1
        return f"?_v{self._n}"

    def _custom_parameters(self) -> set[Node]:
        out: set[Node] = set()
        # Any node with sh:parameter is a component, whatever subclass of sh:ConstraintComponent
        # it is typed with.
        for comp in set(self.g.subjects(SH.parameter, None)):
            for param in self.g.objects(comp, SH.parameter):
                out.update(self.g.objects(param, SH.path))
        return out

    def _check_known(self, shape: Node) -> None:
        for p in set(self.g.predicates(shape, None)):
            if p in self._custom:
                raise UnsupportedShapeError(f"{shape} uses the custom constraint parameter {p}")
            if str(p).startswith(str(SH)) and p not in _PASSIVE and p not in _HANDLED:
                raise UnsupportedShapeError(f"{shape} uses {p}, which the compiler does not handle")

    def compile_top(self, shape: Node) -> list[TopCheck]:
        """The queries of one target shape."""
        target = target_pattern(self.g, shape)
        out = []
        for v in self.violations(shape, "?this", top=True):
            out.append(TopCheck(shape, v, self._top_query(target, v)))
        return out

    def _nested_property(self, prop: Node, v: str, vals: str) -> list[Violation]:
        # The property shape's value nodes are the focus nodes of the shape it names.
        out = []
        for inner in self.violations(prop, v, top=False):
            if inner.pattern is None:
                raise UnsupportedShapeError(f"{inner.component} of {prop} cannot be nested")
            pattern = f"{vals} {inner.pattern}"
            out.append(replace(inner, pattern=pattern, focus=inner.focus or v, count=None))
        return out

    def _top_query(self, target: str, v: Violation) -> str:
        if v.focus is not None:
            body = _THIS.sub("?_top", f"{target} {v.pattern}")
            cols = f"({v.focus} AS ?this)" + (f" ({v.value} AS ?value)" if v.value else "")
            cols += f" ({v.path_var} AS ?path)" if v.path_var else ""
            return f"SELECT DISTINCT {cols} WHERE {{ {body} }}"
        if v.query is not None:
            return v.query.replace("%TARGET%", target)
        if v.count is not None:
            c = v.count
            keep = f"BIND(IF({c.cond}, {c.value}, ?_none) AS ?_kept)" if c.cond else ""
            counted = "?_kept" if c.cond else c.value
            values = c.values if "VALUES" in c.values else f"OPTIONAL {{ {c.values} }}"
            return (
                f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT {counted}) AS ?_c) "
                f"WHERE {{ {target} {values} {keep} }} GROUP BY ?this }} "
                f"FILTER(?_c {c.op} {c.k}) }}"
            )
        value = f"({v.value} AS ?value)" if v.value and v.value != "?value" else "?value"
        cols = (
            "?this"
            + (f" {value}" if v.value else "")
            + (f" ({v.path_var} AS ?path)" if v.path_var else "")
        )
        return f"SELECT DISTINCT {cols} WHERE {{ {target} {v.pattern} }}"

    def conforms(self, shape: Node, var: str) -> str:
        """A SPARQL expression true when the node in ``var`` conforms to ``shape``."""
        if not is_active(self.g, shape):
            return "true"
        if shape in self._stack:
            raise UnsupportedShapeError(f"shape {shape} refers to itself")
        self._stack.append(shape)
        try:
            parts = []
            for v in self.violations(shape, var, top=False):
                if v.pattern is None:
                    raise UnsupportedShapeError(f"{v.component} of {shape} cannot be nested")
                parts.append(f"NOT EXISTS {{ {v.pattern} }}")
        finally:
            self._stack.pop()
        return "(" + " && ".join(parts) + ")" if parts else "true"

    def violations(self, shape: Node, f: str, *, top: bool) -> list[Violation]:
        """Every constraint of a shape as a violation pattern with the focus in ``f``."""
        g = self.g
        if not is_active(g, shape):
            return []
        self._check_known(shape)
        path = g.value(shape, SH.path)
        v = self.fresh() if path is not None else f
        vals = values_pattern(g, path, f, v, self.fresh) if path is not None else ""

        def each(var: str) -> str:
            return values_pattern(g, path, f, var, self.fresh) if path is not None else ""

        out: list[Violation] = []
        for pred, obj in sorted(
            g.predicate_objects(shape), key=lambda po: (str(po[0]), str(po[1]))
        ):
            out += self._one(shape, pred, obj, f, v, vals, each, path is not None, top)
        return out

    def _one(
        self,
        shape: Node,
        pred: Node,
        obj: Node,
        f: str,
        v: str,
        vals: str,
        each: object,
        is_prop: bool,
        top: bool,
    ) -> list[Violation]:
        g = self.g
        assert callable(each)
        comp = _VALUE_ONLY.get(pred)  # type: ignore[call-overload]
        if comp is not None:
            test = value_filter(g, shape, pred, obj, v)  # type: ignore[arg-type]
            return [Violation(shape, comp, f"{vals} {test}", v)]
        if pred in _PAIRS:
            comp = _PAIRS[pred]  # type: ignore[index]
            pats = pair_patterns(pred, obj, f, v, self.fresh)  # type: ignore[arg-type]
            return [Violation(shape, comp, f"{vals} {p}", v) for p in pats]
        if pred == SH.equals:
            return self._equals(shape, obj, f, v, vals, each, is_prop)
        if pred == SH.hasValue:
            if not is_prop:
                return [
                    Violation(
                        shape,
                        SH.HasValueConstraintComponent,
                        f"FILTER(!sameTerm({f}, {n3(obj)}))",
                        None,
                    )
                ]
            w = self.fresh()
            return [
                Violation(
                    shape,
                    SH.HasValueConstraintComponent,
                    f"FILTER NOT EXISTS {{ {each(w)} FILTER(sameTerm({w}, {n3(obj)})) }}",
                    None,
                )
            ]
        if pred in (SH.minCount, SH.maxCount):
            return [self._count(shape, pred, integer(g, shape, pred), vals, v, each, None, top)]  # type: ignore[arg-type]
        if pred == SH.uniqueLang:
            if not is_true(obj):
                return []
            a, b = self.fresh(), self.fresh()
            pat = (
                f'{each(a)} {each(b)} FILTER(!sameTerm({a}, {b}) && lang({a}) != "" && '
                f"LCASE(lang({a})) = LCASE(lang({b})))"
            )
            return [Violation(shape, SH.UniqueLangConstraintComponent, pat, None)]
        if pred in (SH.node, SH["not"]):
            ok = self.conforms(obj, v)
            test = f"FILTER(!{ok})" if pred == SH.node else f"FILTER({ok})"
            comp = SH.NodeConstraintComponent if pred == SH.node else SH.NotConstraintComponent
            return [Violation(shape, comp, f"{vals} {test}", v)]
        if pred in (SH["and"], SH["or"], SH.xone):
            return [self._logical(shape, pred, obj, v, vals)]  # type: ignore[arg-type]
        if pred == SH.property:
            if is_prop:
                return self._nested_property(obj, v, vals)
            return self.violations(obj, f, top=top)
        if pred == SH.qualifiedValueShape:
            return self._qualified(shape, obj, v, vals, each, top)
        if pred == SH.closed:
            return self._closed(shape, obj, v, vals)
        if pred == SH.sparql:
            if not top:
                raise UnsupportedShapeError(f"sh:sparql of {shape} inside another shape")
            if not is_active(g, obj):
                return []
            q = sparql_query(g, shape, obj)
            return [
                Violation(
                    shape,
                    SH.SPARQLConstraintComponent,
                    None,
                    "?value",
                    "?path",
                    query=q,
                    constraint=obj,
                )
            ]
        return []

    def _equals(
        self, shape: Node, other: Node, f: str, v: str, vals: str, each: object, is_prop: bool
    ) -> list[Violation]:
        assert callable(each)
        p, w = n3(other), self.fresh()
        comp = SH.EqualsConstraintComponent
        if not is_prop:
            own = f"FILTER NOT EXISTS {{ {f} {p} {f} . }}"
            theirs = f"{f} {p} {w} . FILTER(!sameTerm({w}, {f}))"
            return [Violation(shape, comp, own, f), Violation(shape, comp, theirs, w)]
        own = f"{vals} FILTER NOT EXISTS {{ {f} {p} {v} . }}"
        x = self.fresh()
        theirs = f"{f} {p} {w} . FILTER NOT EXISTS {{ {each(x)} FILTER(sameTerm({x}, {w})) }}"
        return [Violation(shape, comp, own, v), Violation(shape, comp, theirs, w)]

    def _logical(self, shape: Node, pred: URIRef, lst: Node, v: str, vals: str) -> Violation:
        oks = [self.conforms(s, v) for s in members(self.g, lst)]
        if pred == SH["and"]:
            test = "!(" + (" && ".join(oks) or "true") + ")"
            comp = SH.AndConstraintComponent
        elif pred == SH["or"]:
            test = "!(" + (" || ".join(oks) or "false") + ")"
            comp = SH.OrConstraintComponent
        else:
            test = "(" + (" + ".join(f"IF({o}, 1, 0)" for o in oks) or "0") + ") != 1"
            comp = SH.XoneConstraintComponent
        return Violation(shape, comp, f"{vals} FILTER({test})", v)

    def _count(
        self,
        shape: Node,
        pred: Node,
        k: int,
        vals: str,
        v: str,
        each: object,
        cond: str | None,
        top: bool,
        comp: URIRef | None = None,
    ) -> Violation:
        assert callable(each)
        is_min = pred in (SH.minCount, SH.qualifiedMinCount)
        comp = comp or (
            SH.MinCountConstraintComponent if is_min else SH.MaxCountConstraintComponent
        )
        count = Count(vals, v, cond, "<" if is_min else ">", k) if top else None
        if is_min and k == 0:
            return Violation(shape, comp, "FILTER(false)", None)
        try:
            cond_fn = (lambda var: re.sub(re.escape(v) + r"\b", var, cond)) if cond else None
            need = k if is_min else k + 1
            some = distinct_values(each, need, cond_fn, self.fresh)
            pattern: str | None = f"FILTER {'NOT ' if is_min else ''}EXISTS {{ {some} }}"
        except UnsupportedShapeError:
            if not top:
                raise
            pattern = None
        return Violation(shape, comp, pattern, None, count=count)

    def _qualified(
        self, shape: Node, q: Node, v: str, vals: str, each: object, top: bool
    ) -> list[Violation]:
        g = self.g
        cond = self.conforms(q, v)
        if is_true(g.value(shape, SH.qualifiedValueShapesDisjoint)):
            for sib in self._siblings(shape, q):
                cond = f"({cond} && !{self.conforms(sib, v)})"
        out = []
        for pred, comp in (
            (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent),
            (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent),
        ):
            if g.value(shape, pred) is not None:
                k = integer(g, shape, pred)
                out.append(self._count(shape, pred, k, vals, v, each, cond, top, comp))
        return out

    def _siblings(self, shape: Node, q: Node) -> list[Node]:
        out: set[Node] = set()
        for parent in self.g.subjects(SH.property, shape):
            for prop in self.g.objects(parent, SH.property):
                out.update(s for s in self.g.objects(prop, SH.qualifiedValueShape) if s != q)
        return sorted(out, key=str)

    def _closed(self, shape: Node, flag: Node, v: str, vals: str) -> list[Violation]:
        if not is_true(flag):
            return []
        g = self.g
        allowed = {
            p
            for prop in g.objects(shape, SH.property)
            for p in g.objects(prop, SH.path)
            if isinstance(p, URIRef)
        }
        for lst in g.objects(shape, SH.ignoredProperties):
            allowed.update(m for m in members(g, lst) if isinstance(m, URIRef))
        p, o = self.fresh(), self.fresh()
        keep = (
            f"FILTER({p} NOT IN ({', '.join(n3(a) for a in sorted(allowed, key=str))}))"
            if allowed
            else ""
        )
        return [
            Violation(shape, SH.ClosedConstraintComponent, f"{vals} {v} {p} {o} . {keep}", o, p)
        ]


__all__ = ["CoreCompiler", "TopCheck", "is_active", "target_pattern", "target_shapes"]

"""SPARQL for each SHACL Core constraint component, given a bound focus node.

A :class:`Violation` is a group-pattern fragment that, with the focus variable bound (by the
target pattern placed before it, or by ``EXISTS`` substitution when nested), yields one row per
validation result. Count-based components also carry an aggregate form (:class:`Count`) that the
top level runs as one ``GROUP BY`` query instead of the nested "k distinct values" pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from aims_graph.validation.paths import UnsupportedShapeError

TYPE_OF: Final = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>*"
)
#: The largest count the nested form spells out as that many distinct values.
MAX_NESTED_COUNT: Final = 6
_NODE_KIND: Final = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
#: Datatypes whose lexical forms SPARQL casts can check, so ill-formed literals are caught.
_CASTABLE: Final = {
    XSD.integer,
    XSD.decimal,
    XSD.float,
    XSD.double,
    XSD.boolean,
    XSD.dateTime,
    XSD.date,
    XSD.time,
}
#: XSD datatypes the store keeps as they are (it rewrites derived integer types).
_KEPT_TYPES: Final = _CASTABLE | {
    XSD.string,
    XSD.duration,
    XSD.dayTimeDuration,
    XSD.yearMonthDuration,
    XSD.gYear,
    XSD.gYearMonth,
    XSD.gMonth,
    XSD.gMonthDay,
    XSD.gDay,
    XSD.anyURI,
}
_RANGE: Final = {
    SH.minExclusive: ">",
    SH.minInclusive: ">=",
    SH.maxExclusive: "<",
    SH.maxInclusive: "<=",
}
_PAIR: Final = {SH.lessThan: "<", SH.lessThanOrEquals: "<="}


@dataclass(frozen=True, slots=True)
class Count:
    """An aggregate check: the values of ``values`` meeting ``cond`` number ``op`` ``k``."""

    values: str
    value: str
    cond: str | None
    op: str
    k: int


@dataclass(frozen=True, slots=True)
class Violation:
    """One constraint of one shape as SPARQL (see the module docstring)."""

    shape: Node
    component: URIRef
    pattern: str | None
    value: str | None
    path_var: str | None = None
    count: Count | None = None
    query: str | None = None
    constraint: Node | None = field(default=None)
    #: The variable of the result's focus node, when not the target's (sh:property of a
    #: property shape reports on the outer shape's value nodes).
    focus: str | None = None


def n3(node: Node) -> str:
    """A constant in SPARQL syntax (blank nodes cannot be constants)."""
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return str(node.n3())
    raise UnsupportedShapeError(f"blank node {node} used where SPARQL needs a constant")


def integer(g: Graph, shape: Node, pred: URIRef) -> int:
    """The single integer value of a parameter."""
    value = g.value(shape, pred)
    try:
        return int(str(value))
    except ValueError as exc:
        raise UnsupportedShapeError(f"{pred} of {shape} is not an integer: {value}") from exc


def members(g: Graph, lst: Node) -> list[Node]:
    """The members of an RDF list."""
    return list(Collection(g, lst))


def value_filter(g: Graph, shape: Node, pred: URIRef, obj: Node, v: str) -> str | None:
    """A FILTER that holds when value ``v`` breaks one value-only constraint, else None."""
    if pred == SH["class"]:
        return f"FILTER NOT EXISTS {{ {v} {TYPE_OF} {n3(obj)} . }}"
    if pred == SH.datatype:
        if str(obj).startswith(str(XSD)) and obj not in _KEPT_TYPES:
            # Oxigraph stores e.g. "1"^^xsd:byte as an xsd:integer, so datatype() would lie.
            raise UnsupportedShapeError(f"sh:datatype {obj} is not kept as such by the store")
        test = f"isLiteral({v}) && sameTerm(datatype({v}), {n3(obj)})"
        if obj in _CASTABLE:
            test += f" && COALESCE(isLiteral({n3(obj)}(STR({v}))), false)"
        return f"FILTER(!({test}))"
    if pred == SH.nodeKind:
        kind = _NODE_KIND.get(obj) if isinstance(obj, URIRef) else None
        if kind is None:
            raise UnsupportedShapeError(f"sh:nodeKind {obj} of {shape}")
        return f"FILTER(!{kind.format(v=v)})"
    op = _RANGE.get(pred)
    if op is not None:
        return f"FILTER(!COALESCE({v} {op} {n3(obj)}, false))"
    if pred in (SH.minLength, SH.maxLength):
        op = ">=" if pred == SH.minLength else "<="
        return f"FILTER(isBlank({v}) || !(STRLEN(STR({v})) {op} {int(str(obj))}))"
    if pred == SH.pattern:
        flags = g.value(shape, SH.flags)
        fl = f", {Literal(str(flags)).n3()}" if flags is not None else ""
        return f"FILTER(isBlank({v}) || !regex(STR({v}), {Literal(str(obj)).n3()}{fl}))"
    if pred == SH.languageIn:
        tags = [str(t) for t in members(g, obj)]
        ok = " || ".join(f"langMatches(lang({v}), {Literal(t).n3()})" for t in tags) or "false"
        return f"FILTER(!(isLiteral({v}) && ({ok})))"
    if pred == SH["in"]:
        same = " || ".join(f"sameTerm({v}, {n3(m)})" for m in members(g, obj)) or "false"
        return f"FILTER(!({same}))"
    return None


def pair_patterns(pred: URIRef, other: Node, f: str, v: str, fresh: Callable[[], str]) -> list[str]:
    """Patterns (after the value pattern) for sh:equals, sh:disjoint, sh:lessThan(OrEquals)."""
    p = n3(other)
    if pred == SH.disjoint:
        return [f"{f} {p} {v} ."]
    if pred in _PAIR:
        w = fresh()
        return [f"{f} {p} {w} . FILTER(!COALESCE({v} {_PAIR[pred]} {w}, false))"]
    raise UnsupportedShapeError(f"{pred} is not a property pair component")


def distinct_values(
    values: Callable[[str], str],
    k: int,
    cond: Callable[[str], str] | None,
    fresh: Callable[[], str],
) -> str:
    """A pattern matching when at least ``k`` distinct values (meeting ``cond``) exist."""
    if k > MAX_NESTED_COUNT:
        raise UnsupportedShapeError(f"a nested count of {k} is beyond the compiled form")
    names = [fresh() for _ in range(k)]
    parts = [values(n) for n in names]
    if cond is not None:
        parts += [f"FILTER({cond(n)})" for n in names]
    parts += [f"FILTER(!sameTerm({a}, {b}))" for i, a in enumerate(names) for b in names[i + 1 :]]
    return " ".join(parts)


__all__ = [
    "MAX_NESTED_COUNT",
    "TYPE_OF",
    "Count",
    "Violation",
    "distinct_values",
    "integer",
    "members",
    "n3",
    "pair_patterns",
    "value_filter",
]

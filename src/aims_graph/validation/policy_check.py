"""Checks on an organisation's own SHACL shapes before they are stored.

A shapes graph is refused, with every problem naming the shape, the place and the reason, when:

- it is not valid SHACL by the W3C shapes for shapes (``shacl-shacl``, shipped with pyshacl);
- a node shape, or any shape with a target, has no IRI, or an IRI in the project's own shapes
  namespace (its findings would pass for the project's);
- such a shape names no catalog item with ``aims:enforces``, or an item no catalog holds;
- a SPARQL text in it uses SERVICE or FROM (either would make an engine fetch from elsewhere);
- a shape cannot be compiled for a reason other than "outside what the compiler handles", or
  the shapes fail when run on empty data (a SPARQL syntax error, say).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from importlib import resources
from typing import Any, Final

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from aims_graph.namespaces import AIMS, BASE
from aims_graph.validation.core import compile_checks, validate_shacl
from aims_graph.validation.core_compiler import CoreCompiler
from aims_graph.validation.core_targets import target_shapes
from aims_graph.validation.paths import UnsupportedShapeError, path_text
from aims_graph.validation.shapes import LAW_MODES, bind_parameters

#: The project's own shapes live here; an organisation's may not.
PROJECT_SHAPES: Final = BASE + "shapes/"
#: Most problems reported for one upload.
MAX_PROBLEMS: Final = 100
#: SERVICE or FROM (NAMED) followed by what they would fetch: an IRI, a prefixed name or a
#: variable. Words in string literals ("data from bureau") are not followed by one of these.
_FETCHING: Final = re.compile(
    r"\b(SERVICE(?:\s+SILENT)?|FROM(?:\s+NAMED)?)\s*(?:<|[?$]|[A-Za-z][\w.-]*:|:)",
    re.IGNORECASE,
)
_QUERY_PROPS: Final = (SH.select, SH.ask, SH.construct, SH.update)
_meta_lock = threading.Lock()
_meta: list[Graph] = []


@dataclass(frozen=True, slots=True)
class ShapeProblem:
    """One reason a shapes upload was refused: which shape, where in it, why, what to do."""

    shape: str | None
    where: str | None
    reason: str
    fix: str = ""

    def __str__(self) -> str:
        at = " ".join(x for x in (self.shape or "(shapes graph)", self.where or "") if x)
        return f"{at}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


class PolicyShapesError(ValueError):
    """Shapes refused; ``problems`` lists every reason (nothing was stored)."""

    def __init__(self, problems: list[ShapeProblem]) -> None:
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"{len(problems)} problem(s): {head}{more}")


def node_text(node: Node | None) -> str | None:
    """An IRI as text, a blank node as ``_:id``, a literal as its N3 form."""
    if node is None:
        return None
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return str(node.n3())
    return str(node)


def owner_of(g: Graph, node: Node | None) -> tuple[str | None, str]:
    """The nearest IRI shape holding a node, and how: a blank node means little to a person."""
    if node is None or isinstance(node, URIRef):
        return node_text(node), ""
    seen: set[Node] = {node}
    level: list[tuple[Node, str]] = [(node, "")]
    for _ in range(12):
        nxt: list[tuple[Node, str]] = []
        for n, via in level:
            for s, p in sorted(g.subject_predicates(n), key=str):
                step = str(p).rsplit("#", 1)[-1]
                route = f"{step} {via}".strip()
                if isinstance(s, URIRef):
                    return str(s), f"in a blank node under sh:{route}"
                if s not in seen:
                    seen.add(s)
                    nxt.append((s, route))
        level = nxt
    return node_text(node), ""


def shacl_shacl() -> Graph:
    """The W3C shapes for shapes graph, read once from pyshacl's assets."""
    with _meta_lock:
        if not _meta:
            text = (resources.files("pyshacl") / "assets" / "shacl-shacl.ttl").read_text("utf-8")
            _meta.append(Graph().parse(data=text, format="turtle"))
        return _meta[0]


def meta_problems(shapes: Graph) -> list[ShapeProblem]:
    """What the shapes for shapes find wrong with a shapes graph."""
    from pyshacl import validate as shacl_validate

    _conforms, results, _text = shacl_validate(
        shapes,
        shacl_graph=shacl_shacl(),
        inference="none",
        abort_on_first=False,
        meta_shacl=False,
        advanced=False,
        do_owl_imports=False,
    )
    if not isinstance(results, Graph):
        return [ShapeProblem(None, None, "the shapes for shapes check did not run")]
    out = []
    for r in results.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        component = str(results.value(r, SH.sourceConstraintComponent) or "").rsplit("#", 1)[-1]
        path = results.value(r, SH.resultPath)
        shape, via = owner_of(shapes, results.value(r, SH.focusNode))
        where = " ".join(x for x in (via, path_text(results, path) if path else None) if x)
        out.append(
            ShapeProblem(
                shape,
                where or None,
                f"not valid SHACL ({component}): "
                + ("; ".join(messages) or "see the W3C shapes for shapes"),
                "fix the value at that place (SHACL 1.0, appendix C)",
            )
        )
    return sorted(out, key=lambda p: (p.shape or "", p.where or "", p.reason))


def rule_nodes(shapes: Graph) -> list[Node]:
    """The shapes that must say what they enforce: node shapes and shapes with a target."""
    found: set[Node] = set(target_shapes(shapes))
    found.update(shapes.subjects(RDF.type, SH.NodeShape))
    return sorted(found, key=str)


def _tie_problems(shapes: Graph, known: Callable[[str], bool]) -> list[ShapeProblem]:
    out: list[ShapeProblem] = []
    for shape in rule_nodes(shapes):
        name = node_text(shape)
        if not isinstance(shape, URIRef):
            out.append(
                ShapeProblem(
                    name,
                    None,
                    "a node shape (or a shape with a target) is a blank node",
                    "give it an IRI of your own, so findings can name it",
                )
            )
            continue
        if str(shape).startswith(PROJECT_SHAPES):
            out.append(
                ShapeProblem(
                    name,
                    None,
                    f"the IRI is in the project's shapes namespace {PROJECT_SHAPES}",
                    "name your shapes in a namespace of your own",
                )
            )
        items = list(shapes.objects(shape, AIMS.enforces))
        if not items:
            out.append(
                ShapeProblem(
                    name,
                    str(AIMS.enforces),
                    "the shape names no catalog item it enforces",
                    "add aims:enforces <item IRI>, e.g. "
                    "<https://w3id.org/aims-graph/id/iso42001-2023/A.9.2>",
                )
            )
        for item in items:
            if not isinstance(item, URIRef) or not known(str(item)):
                out.append(
                    ShapeProblem(
                        name,
                        str(AIMS.enforces),
                        f"{node_text(item)} is no item of any catalog",
                        "use the IRI of a catalog item (see GET /frameworks/{id}/items)",
                    )
                )
    return out


def _fetch_problems(shapes: Graph) -> list[ShapeProblem]:
    out = []
    for prop in _QUERY_PROPS:
        for holder, text in shapes.subject_objects(prop):
            m = _FETCHING.search(str(text))
            if m:
                shape, via = owner_of(shapes, holder)
                out.append(
                    ShapeProblem(
                        shape,
                        f"{via} {prop}".strip(),
                        f"the SPARQL text uses {m.group(1).split()[0].upper()}, which could "
                        "fetch data "
                        "from elsewhere",
                        "query the organisation's data and the catalogs only",
                    )
                )
    return out


def _compile_problems(bound: Graph) -> list[ShapeProblem]:
    out = []
    compiler = CoreCompiler(bound)
    for shape in target_shapes(bound):
        try:
            compiler.compile_top(shape)
        except (UnsupportedShapeError, RecursionError):
            continue  # pyshacl checks it instead, and the trial run below tries that
        except Exception as exc:  # a malformed shape raises whatever its fault causes
            out.append(
                ShapeProblem(
                    node_text(shape), None, f"cannot be compiled: {str(exc)[:300]}", "fix the shape"
                )
            )
    if out:
        return out
    empty = ox.Store()
    checks, _fallback, _tops = compile_checks(bound)
    for check in checks:
        try:
            empty.query(check.query)
        except (SyntaxError, ValueError) as exc:
            out.append(
                ShapeProblem(
                    node_text(check.top),
                    "sh:select" if check.violation.query is not None else None,
                    f"the SPARQL does not parse: {str(exc)[:300]}",
                    "fix the query (SPARQL 1.1, with $this for the focus node)",
                )
            )
    if out:
        return out
    try:
        validate_shacl(Graph(), bound)
    except Exception as exc:  # ditto: a failing query or fallback names the fault itself
        out.append(
            ShapeProblem(
                None, None, f"the shapes fail when run: {str(exc)[:300]}", "fix the shape named"
            )
        )
    return out


def check_policy_shapes(shapes: Graph, known: Callable[[str], bool]) -> list[ShapeProblem]:
    """Every problem of an organisation's shapes graph (none: it may be stored)."""
    if len(shapes) == 0:
        return [ShapeProblem(None, None, "the upload holds no triples", "send SHACL shapes")]
    problems = meta_problems(shapes)
    problems += _tie_problems(shapes, known)
    problems += _fetch_problems(shapes)
    if not rule_nodes(shapes):
        problems.append(
            ShapeProblem(None, None, "the upload holds no node shape", "send sh:NodeShape rules")
        )
    if not problems:
        # Placeholders ($asOf, …) are bound as any run binds them, so the queries parse.
        problems += _compile_problems(bind_parameters(shapes, date.today(), LAW_MODES[0]))
    return problems[:MAX_PROBLEMS]


__all__ = [
    "MAX_PROBLEMS",
    "PROJECT_SHAPES",
    "PolicyShapesError",
    "ShapeProblem",
    "check_policy_shapes",
    "meta_problems",
    "node_text",
    "owner_of",
    "rule_nodes",
    "shacl_shacl",
]

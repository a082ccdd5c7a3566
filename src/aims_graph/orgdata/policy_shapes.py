"""An organisation's own SHACL policy shapes: read an upload, check it, store and read it back.

The shapes live in a private named graph beside the organisation's data graph
(:func:`~aims_graph.orgdata.model.org_shapes_graph_iri`), replaced as a whole in one transaction
or not at all. Uploads are read like data uploads: Oxigraph's parsers, which fetch nothing (no
remote JSON-LD context), and ``owl:imports`` is never followed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rdflib import Graph
from rdflib.namespace import SH

from aims_graph.namespaces import AIMS
from aims_graph.orgdata.importer import RDF_FORMATS, check_org_id
from aims_graph.orgdata.model import org_shapes_graph_iri
from aims_graph.store import Store
from aims_graph.store.parsing import parse_rdf
from aims_graph.validation.policy_check import (
    PolicyShapesError,
    ShapeProblem,
    check_policy_shapes,
    rule_nodes,
)

NT: Final = "application/n-triples"


@dataclass(frozen=True, slots=True)
class ShapesResult:
    """What an accepted shapes upload stored."""

    files: tuple[str, ...]
    rules: int
    triples: int


def read_shapes(sources: Sequence[tuple[str, bytes]]) -> Graph:
    """Parse named files into one shapes graph (PolicyShapesError naming each bad file)."""
    graph = Graph()
    problems: list[ShapeProblem] = []
    for name, data in sources:
        fmt = RDF_FORMATS.get(Path(name).suffix.lower())
        if fmt is None:
            problems.append(
                ShapeProblem(None, name, "shapes are RDF", "send .ttl, .jsonld or .nt files")
            )
            continue
        try:
            graph += parse_rdf(data, fmt)
        except ValueError as exc:
            problems.append(ShapeProblem(None, name, str(exc), "fix the file at that place"))
    if problems:
        raise PolicyShapesError(problems)
    return graph


def check_shapes(shapes: Graph, known_item: Callable[[str], bool]) -> None:
    """Raise PolicyShapesError with every problem of the shapes (see validation.policy_check)."""
    problems = check_policy_shapes(shapes, known_item)
    if problems:
        raise PolicyShapesError(problems)


def store_shapes(store: Store, org_id: str, shapes: Graph) -> int:
    """Replace the organisation's shapes graph in one transaction; returns the triples stored."""
    check_org_id(org_id)
    data = shapes.serialize(format="nt", encoding="utf-8")
    store.put_graph(org_shapes_graph_iri(org_id), data, NT, atomic=True)
    return len(shapes)


def load_shapes_graph(store: Store, org_id: str) -> Graph:
    """The organisation's stored shapes (empty when it has none)."""
    target = org_shapes_graph_iri(org_id)
    g = Graph()
    g.bind("sh", SH)
    g.bind("aims", AIMS)
    if target in store.graphs():
        g.parse(data=store.dump_graph(target, NT), format="nt")
    return g


def drop_shapes(store: Store, org_id: str) -> bool:
    """Remove the organisation's shapes; False when it had none."""
    target = org_shapes_graph_iri(org_id)
    had = target in store.graphs()
    store.drop_graph(target)
    return had


def rule_count(shapes: Graph) -> int:
    """How many rules (node shapes and shapes with a target) a shapes graph holds."""
    return len(rule_nodes(shapes))


__all__ = [
    "PolicyShapesError",
    "ShapeProblem",
    "ShapesResult",
    "check_shapes",
    "drop_shapes",
    "load_shapes_graph",
    "read_shapes",
    "rule_count",
    "store_shapes",
]

"""`aims-graph check`: SHACL quality shapes over catalogs and mappings, and OWL consistency."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rdflib import Graph

from aims_graph import resources
from aims_graph.build import loader
from aims_graph.checks.reasoner import ConsistencyReport, check_consistency
from aims_graph.checks.shacl import ShaclReport, validate_shapes
from aims_graph.namespaces import GRAPH
from aims_graph.store import OxigraphStore


@dataclass
class QualityResult:
    """Findings of every quality check."""

    shacl: dict[str, ShaclReport] = field(default_factory=dict)
    consistency: ConsistencyReport | None = None

    @property
    def ok(self) -> bool:
        """True when every shape conforms and the ontology is consistent."""
        return all(r.conforms for r in self.shacl.values()) and (
            self.consistency is None or self.consistency.ok
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "ok": self.ok,
            "shacl": {
                name: {
                    "conforms": r.conforms,
                    "findings": [
                        {
                            "focus": str(f.focus),
                            "path": str(f.path) if f.path is not None else None,
                            "severity": str(f.severity),
                            "message": f.message,
                            "shape": str(f.shape),
                        }
                        for f in r.findings
                    ],
                }
                for name, r in self.shacl.items()
            },
            "consistency": None
            if self.consistency is None
            else {
                "consistent": self.consistency.consistent,
                "unsatisfiable": [str(c) for c in self.consistency.unsatisfiable],
                "message": self.consistency.message,
                "seconds": round(self.consistency.seconds, 2),
            },
        }

    def summary_lines(self) -> list[str]:
        """Human-readable lines, findings first."""
        lines: list[str] = []
        for name, r in self.shacl.items():
            verdict = "conforms" if r.conforms else f"{len(r.findings)} finding(s)"
            lines.append(f"SHACL {name}: {verdict}")
            lines.extend(f"  {f.focus} {f.path or ''}: {f.message}" for f in r.findings[:50])
            if len(r.findings) > 50:
                lines.append(f"  … {len(r.findings) - 50} more (use --json)")
        if self.consistency is not None:
            c = self.consistency
            verdict = "consistent" if c.consistent else f"INCONSISTENT: {c.message}"
            lines.append(f"OWL (HermiT): {verdict} ({c.seconds:.1f}s)")
            lines.extend(f"  unsatisfiable: {u}" for u in c.unsatisfiable)
        return lines


def _graph_of(store: OxigraphStore, prefix: str) -> Graph:
    g = Graph()
    for name in store.graphs():
        if name.startswith(GRAPH + prefix):
            g.parse(data=store.dump_graph(name, "application/n-triples"), format="nt")
    return g


def run_quality_checks(*, reasoner: bool = True) -> QualityResult:
    """Build the graph in memory and run the catalog and mapping shapes and the reasoner."""
    store = OxigraphStore()
    loader.build(store)
    shapes = resources.shapes_dir()
    result = QualityResult()
    result.shacl["catalogs"] = validate_shapes(_graph_of(store, "catalog/"), shapes / "catalog.ttl")
    mappings = _graph_of(store, "mappings/") + _graph_of(store, "derived")
    if len(mappings):
        result.shacl["mappings"] = validate_shapes(mappings, shapes / "mappings.ttl")
    if reasoner:
        onto = resources.ontology_dir()
        files = [onto / "aims.ttl", onto / "alignments.ttl"]
        files += sorted(resources.standards_dir().glob("*.ttl"))
        result.consistency = check_consistency(files)
    return result

"""OWL consistency of the vocabulary (and any catalogs) with HermiT, run through owlready2."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL, RDF

JRE_HINT = (
    "the OWL consistency check runs the HermiT reasoner, which needs Java: install a JRE "
    "(e.g. `apt-get install default-jre-headless`, or run `make java`) and retry"
)


class JavaNotFoundError(RuntimeError):
    """No `java` executable was found, so HermiT cannot run."""


class ReasonerError(RuntimeError):
    """HermiT failed for a reason other than an inconsistency (e.g. a parse or profile error)."""


@dataclass(frozen=True, slots=True)
class ConsistencyReport:
    """The verdict of one HermiT run."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""
    seconds: float = 0.0
    triples: int = 0

    @property
    def ok(self) -> bool:
        """True when the ontology is consistent and no named class is unsatisfiable."""
        return self.consistent and not self.unsatisfiable


def find_java(java: str | None = None) -> str:
    """Return the java executable to use, or raise JavaNotFoundError with an install hint."""
    found = shutil.which(java or "java")
    if found is None:
        raise JavaNotFoundError(f"java not found on PATH: {JRE_HINT}")
    return found


def merge_files(ttl_files: Sequence[Path]) -> Graph:
    """Parse RDF files into one graph, ready for the reasoner (no imports, no ontology headers)."""
    g = Graph()
    for path in ttl_files:
        fmt = "nt" if path.suffix == ".nt" else "turtle"
        g.parse(path, format=fmt)
    # owl:imports would make owlready2 fetch from the network; the caller lists every file instead.
    g.remove((None, OWL.imports, None))
    # Several ontology headers in one document confuse the OWL API's choice of ontology IRI; the
    # header triples are annotations only, so dropping them changes no entailment.
    for header in list(g.subjects(RDF.type, OWL.Ontology)):
        g.remove((header, None, None))
    return g


def check_consistency(
    ttl_files: Sequence[Path], *, java: str | None = None, memory_mb: int = 2000
) -> ConsistencyReport:
    """Run HermiT over the union of the given RDF files and report consistency."""
    import owlready2  # imported here: owlready2 is slow to import and only needed for this check

    java_exe = find_java(java)
    started = time.perf_counter()
    graph = merge_files(ttl_files)
    with tempfile.TemporaryDirectory(prefix="aims-graph-owl-") as tmp:
        nt_path = Path(tmp) / "merged.nt"
        graph.serialize(nt_path, format="nt", encoding="utf-8")
        # owlready2 reads these module settings when it launches HermiT; they are not per-World.
        owlready2.JAVA_EXE = java_exe
        owlready2.reasoning.JAVA_MEMORY = memory_mb
        world = owlready2.World()
        try:
            world.get_ontology(nt_path.as_uri()).load()
            try:
                # xsd:date is outside the OWL 2 datatype map; HermiT would refuse it otherwise.
                owlready2.sync_reasoner_hermit(
                    world,
                    infer_property_values=False,
                    debug=0,
                    ignore_unsupported_datatypes=True,
                )
            except owlready2.OwlReadyInconsistentOntologyError:
                return ConsistencyReport(
                    consistent=False,
                    message="HermiT: the ontology is inconsistent (no model exists)",
                    seconds=time.perf_counter() - started,
                    triples=len(graph),
                )
            except owlready2.OwlReadyJavaError as exc:
                raise ReasonerError(f"HermiT failed: {exc}") from exc
            unsat = sorted(
                str(c.iri)
                for c in world.inconsistent_classes()
                if str(getattr(c, "iri", "")) != str(OWL.Nothing)
            )
        finally:
            world.close()
    message = "consistent" if not unsat else f"consistent, but {len(unsat)} unsatisfiable class(es)"
    return ConsistencyReport(
        consistent=True,
        unsatisfiable=unsat,
        message=message,
        seconds=time.perf_counter() - started,
        triples=len(graph),
    )

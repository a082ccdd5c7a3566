"""The W3C SHACL Core test suite, from the pyshacl sdist on PyPI, and how its reports compare.

The sdist is downloaded once into ``.cache/w3c/`` (git-ignored) with pip; nothing of it is
committed. Reports are compared the way the suite defines: ``sh:conforms`` plus the set of
results on focus node, path, value, source shape, component and severity, blank nodes compared
by structure (paths by their SPARQL form, blank-node shapes by their path) rather than identity.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import rdflib
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from aims_graph.validation.paths import path_text

PYSHACL: Final = "pyshacl==0.40.1"
CACHE: Final = Path(__file__).resolve().parents[1] / ".cache" / "w3c"
SUITES: Final = CACHE / "sht_tests-0.40.1"
_IN_SDIST: Final = "pyshacl-0.40.1/test/resources/sht_tests/"
MF: Final = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT: Final = "http://www.w3.org/ns/shacl-test#"
FAILURE: Final = URIRef(SHT + "Failure")


class SuiteUnavailableError(RuntimeError):
    """PyPI could not be reached to download the suite."""


def suite_root(kind: str = "core") -> Path:
    """The folder of one suite (``core`` or ``sparql``), downloading the sdist first if needed."""
    root = SUITES / kind
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:
        # Test workers may ask at once; one downloads, the others wait and reuse it.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "manifest.ttl").exists():
            _download()
    return root


def _download() -> None:
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--no-binary",
            ":all:",
            PYSHACL,
            "-d",
            tmp,
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        sdists = list(Path(tmp).glob("pyshacl-*.tar.gz"))
        if done.returncode != 0 or not sdists:
            raise SuiteUnavailableError(f"pip download {PYSHACL} failed: {done.stderr[-500:]}")
        with tarfile.open(sdists[0]) as tar:
            members = [m for m in tar.getmembers() if m.name.startswith(_IN_SDIST) and m.isfile()]
            tar.extractall(tmp, members=members, filter="data")
        shutil.rmtree(SUITES, ignore_errors=True)
        shutil.move(str(Path(tmp) / _IN_SDIST), str(SUITES))


@dataclass
class Case:
    """One sht:Validate entry: its name, data and shapes graphs, and expected report."""

    name: str
    data: Graph
    shapes: Graph
    expected: Graph
    report: Node


def _load(url: str, cache: dict[str, Graph]) -> Graph:
    if url not in cache:
        g = Graph()
        # The suite tells "1"^^xsd:boolean from "true" and "4.0" from "4": keep lexical forms.
        before, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
        try:
            g.parse(url.removeprefix("file://"), format="turtle", publicID=url)
        finally:
            rdflib.NORMALIZE_LITERALS = before
        cache[url] = g
    return cache[url]


def cases(root: Path) -> list[Case]:
    """Every approved sht:Validate case reachable from the root manifest."""
    out: list[Case] = []
    graphs: dict[str, Graph] = {}
    todo = [(root / "manifest.ttl").as_uri()]
    while todo:
        url = todo.pop(0)
        m = _load(url, graphs)
        for man in m.subjects(RDF.type, URIRef(MF + "Manifest")):
            todo += [str(i) for i in m.objects(man, URIRef(MF + "include"))]
            for lst in m.objects(man, URIRef(MF + "entries")):
                for entry in m.items(lst):
                    if (entry, RDF.type, URIRef(SHT + "Validate")) not in m:
                        continue
                    if m.value(entry, URIRef(MF + "status")) != URIRef(SHT + "approved"):
                        continue
                    action = m.value(entry, URIRef(MF + "action"))
                    data = str(m.value(action, URIRef(SHT + "dataGraph")))
                    shapes = str(m.value(action, URIRef(SHT + "shapesGraph")))
                    name = str(entry).removeprefix(root.parent.as_uri() + "/")
                    report = m.value(entry, URIRef(MF + "result"))
                    assert report is not None, name
                    out.append(Case(name, _load(data, graphs), _load(shapes, graphs), m, report))
    return sorted(out, key=lambda c: c.name)


def _term(t: Node | None) -> str:
    if t is None:
        return ""
    if isinstance(t, BNode):
        return "_:"
    if isinstance(t, Literal) and t.datatype == XSD.string and not t.language:
        return Literal(str(t)).n3()
    return t.n3()


def _shape(g: Graph, s: Node | None) -> str:
    if isinstance(s, BNode):
        return "_:shape " + (path_text(g, g.value(s, SH.path)) or "")
    return _term(s)


def results_of(
    g: Graph, report: Node, shapes: Graph | None = None
) -> tuple[bool, set[tuple[str, ...]]]:
    """The conforms flag and comparable result tuples of a report node."""
    conforms = g.value(report, SH.conforms) == Literal(True)
    out = set()
    for r in g.objects(report, SH.result):
        shape = g.value(r, SH.sourceShape)
        out.add(
            (
                _term(g.value(r, SH.focusNode)),
                path_text(g, g.value(r, SH.resultPath)) or "",
                _term(g.value(r, SH.value)),
                _shape(shapes if shapes is not None else g, shape),
                _term(g.value(r, SH.sourceConstraintComponent)),
                _term(g.value(r, SH.resultSeverity)),
            )
        )
    return conforms, out


def report_node(g: Graph) -> Node:
    """The one sh:ValidationReport node of a report graph."""
    nodes = list(g.subjects(RDF.type, SH.ValidationReport))
    assert len(nodes) == 1, nodes
    return nodes[0]
